"""Patient education pages: the packaged file loads, every fact is sourced, numbers are real."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from acuback.errors import KnowledgeError, NotFound
from acuback.knowledge import KnowledgeBase
from acuback.knowledge.education import (
    DISPOSITION_PAGES,
    EDUCATION_FILE,
    PAGE_SLUGS,
    Fact,
    Page,
    build_education,
    education_page,
    load_education,
    page_for_disposition,
)
from acuback.knowledge.loader import DATA

DISPOSITIONS = ("emergency", "refer", "clearance", "defer", "caution", "proceed")  # SPEC 3
NUMBER = re.compile(r"\d+(?:[.,]\d+)*%?")
# In paragraphs, digits may only appear inside names: guideline codes (NG59) and years.
NAME_WITH_DIGITS = re.compile(r"\b[A-Z]{2,}\d+\b|\b(?:19|20)\d\d\b")


@pytest.fixture(scope="module")
def pages() -> dict[str, Page]:
    return dict(load_education())


def all_facts(pages: dict[str, Page]) -> Iterator[tuple[str, Fact]]:
    for page in pages.values():
        for fact in page.facts():
            yield page.slug, fact


def normalise(text: str) -> str:
    """Fold the typography of the reference notes (minus signs, dashes, bold) to plain text."""
    for fancy, plain in (("−", "-"), ("–", "-"), ("—", "-"), ("**", ""), ("\u00a0", " ")):
        text = text.replace(fancy, plain)
    return text


@pytest.fixture(scope="module")
def reference_text(reference_dir: Path) -> str:
    return normalise(" ".join(p.read_text(encoding="utf-8") for p in reference_dir.glob("*.md")))


def where_sourced(fact: Fact, kb: KnowledgeBase, reference: str) -> str:
    """The reference notes plus the bibliography notes of the fact's own sources."""
    notes = " ".join(f"{kb.sources[k].citation} {kb.sources[k].note or ''}" for k in fact.sources)
    return reference + " " + normalise(notes)


# ----- the packaged file ----------------------------------------------------------------------


def test_every_required_page_is_there(pages: dict[str, Page]) -> None:
    assert set(PAGE_SLUGS) <= set(pages)
    assert all(page.audience == "patient" for page in pages.values())


def test_no_page_or_section_is_empty(pages: dict[str, Page]) -> None:
    for page in pages.values():
        assert page.title, page.slug
        assert page.summary, page.slug
        assert page.sections, page.slug
        for section in page.sections:
            assert section.paragraphs or section.facts, (page.slug, section.heading)
        assert any(True for _ in page.facts()) or page.sources, page.slug


def test_every_fact_cites_a_source_that_resolves(pages: dict[str, Page], kb: KnowledgeBase) -> None:
    for slug, fact in all_facts(pages):
        assert fact.sources, (slug, fact.text)
        assert all(key in kb.sources for key in fact.sources), (slug, fact.sources)
    for page in pages.values():
        assert all(key in kb.sources for key in page.all_sources), page.slug


def test_a_fact_resting_only_on_unverified_sources_is_unverified(
    pages: dict[str, Page], kb: KnowledgeBase
) -> None:
    for slug, fact in all_facts(pages):
        if not any(kb.sources[key].verified for key in fact.sources):
            assert not fact.verified, (slug, fact.text)


def test_key_figures_are_stated_and_match_the_reference(
    pages: dict[str, Page], reference_text: str
) -> None:
    stated = " ".join(fact.text for _, fact in all_facts(pages))
    for figure in ("31,822", "34,407", "229,230", "8.6%", "47.6%", "44.2%", "27.4%", "0.23"):
        assert figure in stated, figure
        assert figure in reference_text, figure


def test_every_figure_comes_from_the_reference_or_its_source(
    pages: dict[str, Page], kb: KnowledgeBase, reference_text: str
) -> None:
    for slug, fact in all_facts(pages):
        if fact.figure is not None:
            assert normalise(fact.figure) in where_sourced(fact, kb, reference_text), (slug, fact)


def test_every_number_in_a_fact_is_found_where_it_is_sourced(
    pages: dict[str, Page], kb: KnowledgeBase, reference_text: str
) -> None:
    for slug, fact in all_facts(pages):
        haystack = where_sourced(fact, kb, reference_text)
        for number in NUMBER.findall(normalise(fact.text)):
            assert number in haystack, (slug, number, fact.text)


def test_paragraphs_carry_no_unsourced_figures(pages: dict[str, Page]) -> None:
    for page in pages.values():
        for section in page.sections:
            for text in (page.summary, section.heading, *section.paragraphs):
                stripped = NAME_WITH_DIGITS.sub("", text)
                assert not re.search(r"\d", stripped), (page.slug, text)


def test_sentences_stay_short_for_plain_reading(pages: dict[str, Page]) -> None:
    for page in pages.values():
        texts = [page.summary]
        for section in page.sections:
            texts += [*section.paragraphs, *(fact.text for fact in section.facts)]
        for text in texts:
            for sentence in re.split(r"(?<=[.!?])\s+", text):
                assert len(sentence.split()) <= 30, (page.slug, sentence)


def test_no_page_promises_a_cure(pages: dict[str, Page]) -> None:
    for page in pages.values():
        words = " ".join(
            [page.summary, *(p for s in page.sections for p in s.paragraphs)]
            + [f.text for f in page.facts()]
        ).lower()
        for promise in ("will cure", "cures ", "guaranteed", "always works"):
            assert promise not in words, (page.slug, promise)


def test_every_disposition_has_an_outcome_page() -> None:
    assert set(DISPOSITION_PAGES) == set(DISPOSITIONS)
    assert page_for_disposition("emergency").slug == "see-a-doctor-now"
    assert page_for_disposition("clearance").slug == "talk-to-your-doctor-first"
    assert page_for_disposition("caution").slug == "ok-to-try"
    with pytest.raises(NotFound):
        page_for_disposition("maybe")


def test_unknown_slug_suggests_the_nearest() -> None:
    assert education_page("risks").title
    with pytest.raises(NotFound) as err:
        education_page("risk")
    assert "risks" in err.value.suggestions


def test_loading_is_cached() -> None:
    assert load_education() is load_education()


# ----- broken copies --------------------------------------------------------------------------


@pytest.fixture
def raw_pages() -> list[dict[str, Any]]:
    data = yaml.safe_load((DATA / EDUCATION_FILE).read_text(encoding="utf-8"))
    assert isinstance(data, list)
    return data


def load_copy(tmp_path: Path, data: object, kb: KnowledgeBase) -> None:
    path = tmp_path / EDUCATION_FILE
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    build_education(path, source_keys=kb.sources)


def test_an_unmodified_copy_loads(
    tmp_path: Path, raw_pages: list[dict[str, Any]], kb: KnowledgeBase
) -> None:
    load_copy(tmp_path, raw_pages, kb)


def test_unknown_source_key_names_record_and_field(
    tmp_path: Path, raw_pages: list[dict[str, Any]], kb: KnowledgeBase
) -> None:
    raw_pages[2]["sections"][0]["facts"][1]["sources"] = ["macpherson2004", "no_such_source"]
    with pytest.raises(KnowledgeError) as err:
        load_copy(tmp_path, raw_pages, kb)
    assert (err.value.file, err.value.record) == (EDUCATION_FILE, raw_pages[2]["slug"])
    assert err.value.field == "sections.0.facts.1.sources"
    assert "no_such_source" in str(err.value)


@pytest.mark.parametrize(
    ("change", "field"),
    [
        (lambda p: p["sections"][0]["facts"][0].update(figure="99.9%"), "sections.0.facts.0"),
        (lambda p: p["sections"][0]["facts"][0].update(sources=[]), "sections.0.facts.0.sources"),
        (lambda p: p["sections"][0]["facts"][0].update(sources=["Bad Key"]), "sections.0.facts.0"),
        (lambda p: p.update(audience="everyone"), "audience"),
        (lambda p: p.update(colour="blue"), "colour"),
        (lambda p: p.update(summary="   "), "summary"),
        (lambda p: p.update(sections=[]), "sections"),
        (lambda p: p["sections"].append({"heading": "Empty"}), "sections"),
    ],
)
def test_bad_record_names_record_and_field(
    tmp_path: Path, raw_pages: list[dict[str, Any]], kb: KnowledgeBase, change: Any, field: str
) -> None:
    page = raw_pages[0]
    change(page)
    with pytest.raises(KnowledgeError) as err:
        load_copy(tmp_path, raw_pages, kb)
    assert err.value.record == page["slug"]
    assert err.value.field.startswith(field), err.value.field


def test_duplicate_and_missing_pages_are_refused(
    tmp_path: Path, raw_pages: list[dict[str, Any]], kb: KnowledgeBase
) -> None:
    with pytest.raises(KnowledgeError, match="duplicate slug"):
        load_copy(tmp_path, [*raw_pages, raw_pages[0]], kb)
    missing = [p for p in raw_pages if p["slug"] != "risks"]
    with pytest.raises(KnowledgeError) as err:
        load_copy(tmp_path, missing, kb)
    assert (err.value.record, err.value.field) == ("risks", "slug")


def test_a_file_that_is_not_a_list_is_refused(tmp_path: Path, kb: KnowledgeBase) -> None:
    with pytest.raises(KnowledgeError) as err:
        load_copy(tmp_path, {"slug": "risks"}, kb)
    assert err.value.file == EDUCATION_FILE


def test_not_today_has_its_own_page() -> None:
    # A deferred patient must not be told "nothing you told us rules acupuncture out".
    page = page_for_disposition("defer")
    assert page.slug == "not-today"
    assert "rules acupuncture out" not in page.summary
