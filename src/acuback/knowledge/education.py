"""Patient education pages: plain-words texts about acupuncture for back pain, with sources.

The pages are data (`data/education.yaml`), validated here into frozen models and loaded once
through `load_education()`. Conventions:
- every number a page states sits in a `Fact` whose `figure` is the number as the source gives it
  (and appears in the fact's text), with the bibliography keys it comes from; paragraphs carry
  the plain-words explanation around the facts;
- `verified: false` marks a fact taken from a secondary source or not checked against the source
  itself; pages keep `reviewed: false` until a clinician has read them;
- the screening dispositions map to four outcome pages (`DISPOSITION_PAGES`).
"""

from __future__ import annotations

import difflib
from collections.abc import Collection, Iterator, Mapping
from functools import lru_cache
from importlib.resources.abc import Traversable
from types import MappingProxyType
from typing import Annotated, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    ValidationError,
    model_validator,
)

from acuback.errors import KnowledgeError, NotFound
from acuback.knowledge.loader import DATA, load_knowledge, read_yaml_records
from acuback.knowledge.models import SourceKey

__all__ = [
    "DISPOSITION_PAGES",
    "EDUCATION_FILE",
    "PAGE_SLUGS",
    "Audience",
    "Fact",
    "Page",
    "Section",
    "build_education",
    "education_page",
    "load_education",
    "page_for_disposition",
]

EDUCATION_FILE = "education.yaml"

# The pages the public self-check links to; the file must hold every one of them.
PAGE_SLUGS: tuple[str, ...] = (
    "how-it-works",
    "benefits",
    "risks",
    "guidelines",
    "qualifications",
    "what-to-expect",
    "see-a-doctor-now",
    "talk-to-your-doctor-first",
    "ok-to-try",
    "not-today",
)

# Screening disposition (SPEC section 3) -> the page that explains it in plain words.
DISPOSITION_PAGES: Mapping[str, str] = MappingProxyType(
    {
        "emergency": "see-a-doctor-now",
        "refer": "talk-to-your-doctor-first",
        "clearance": "talk-to-your-doctor-first",
        "defer": "not-today",
        "caution": "ok-to-try",
        "proceed": "ok-to-try",
    }
)

Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]
Slug = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9]*(?:-[a-z0-9]+)*$")]
Audience = Literal["patient", "practitioner"]


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Fact(_Frozen):
    """One sourced statement; `figure` is its key number exactly as the text states it."""

    text: Text
    figure: Text | None = None
    sources: tuple[SourceKey, ...] = Field(min_length=1)
    verified: bool = True

    @model_validator(mode="after")
    def _figure_in_text(self) -> Fact:
        if self.figure is not None and self.figure not in self.text:
            raise ValueError(f"figure {self.figure!r} does not appear in the fact's text")
        return self


class Section(_Frozen):
    """A heading with short paragraphs and the facts that back them; never empty."""

    heading: Text
    paragraphs: tuple[Text, ...] = ()
    facts: tuple[Fact, ...] = ()

    @model_validator(mode="after")
    def _not_empty(self) -> Section:
        if not self.paragraphs and not self.facts:
            raise ValueError("a section needs at least one paragraph or fact")
        return self


class Page(_Frozen):
    """One education page; `sources` lists further reading beyond the facts' own sources."""

    slug: Slug
    title: Text
    audience: Audience
    summary: Text
    sections: tuple[Section, ...] = Field(min_length=1)
    sources: tuple[SourceKey, ...] = ()
    reviewed: bool = False

    def facts(self) -> Iterator[Fact]:
        for section in self.sections:
            yield from section.facts

    @property
    def all_sources(self) -> tuple[str, ...]:
        """Every source key the page cites, in order of first use (facts first)."""
        keys = [key for fact in self.facts() for key in fact.sources] + list(self.sources)
        return tuple(dict.fromkeys(keys))


def _validate(raw: Mapping[str, object], file: str, index: int) -> Page:
    record = str(raw.get("slug", f"#{index + 1}"))
    try:
        return Page.model_validate(raw)
    except ValidationError as exc:
        first = exc.errors()[0]
        field = ".".join(str(part) for part in first["loc"]) or "-"
        raise KnowledgeError(file, record, field, first["msg"]) from None


def _source_fields(page: Page) -> Iterator[tuple[str, tuple[str, ...]]]:
    yield "sources", page.sources
    for i, section in enumerate(page.sections):
        for j, fact in enumerate(section.facts):
            yield f"sections.{i}.facts.{j}.sources", fact.sources


def build_education(
    path: Traversable = DATA / EDUCATION_FILE,
    source_keys: Collection[str] | None = None,
    file: str = EDUCATION_FILE,
) -> Mapping[str, Page]:
    """Load and check an education file (uncached; tests point it at a copy).

    `source_keys` defaults to the packaged bibliography. Raises `KnowledgeError` naming the
    file, the page slug and the field for a bad record, an unknown source key, a duplicate
    slug or a missing required page.
    """
    known = set(load_knowledge().sources) if source_keys is None else set(source_keys)
    pages: dict[str, Page] = {}
    for index, raw in enumerate(read_yaml_records(path, file)):
        page = _validate(raw, file, index)
        if page.slug in pages:
            raise KnowledgeError(file, page.slug, "slug", "duplicate slug")
        for field, keys in _source_fields(page):
            for key in keys:
                if key not in known:
                    raise KnowledgeError(file, page.slug, field, f"unknown source key {key!r}")
        pages[page.slug] = page
    for slug in PAGE_SLUGS:
        if slug not in pages:
            raise KnowledgeError(file, slug, "slug", "required page is missing")
    return MappingProxyType(pages)


@lru_cache(maxsize=1)
def load_education() -> Mapping[str, Page]:
    """The packaged education pages by slug, in file order, loaded and checked once."""
    return build_education()


def education_page(slug: str) -> Page:
    """One packaged page; `NotFound` suggests the nearest slugs."""
    pages = load_education()
    if slug not in pages:
        raise NotFound("education page", slug, difflib.get_close_matches(slug, list(pages)))
    return pages[slug]


def page_for_disposition(disposition: str) -> Page:
    """The page that explains a screening disposition to the patient."""
    if disposition not in DISPOSITION_PAGES:
        raise NotFound("disposition", disposition, list(DISPOSITION_PAGES))
    return education_page(DISPOSITION_PAGES[disposition])
