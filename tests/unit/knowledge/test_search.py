"""Point search: codes in any spelling, names, hanzi, aliases and body-area words."""

from __future__ import annotations

import pytest

from acuback.errors import InputError, NotFound
from acuback.knowledge import KnowledgeBase
from acuback.knowledge.search import fold, search_points


def first(kb: KnowledgeBase, text: str) -> str:
    return search_points(kb, text)[0].point.code


def codes(kb: KnowledgeBase, text: str, n: int) -> list[str]:
    return [h.point.code for h in search_points(kb, text)[:n]]


def test_fold_strips_tones_case_and_punctuation() -> None:
    assert fold("Shènshū") == "shenshu"
    assert fold("  Sea-of  Vitality ") == "sea of vitality"
    assert fold("腎俞") == "腎俞"


@pytest.mark.parametrize("spelling", ["bl23", "BL-23", "Bl 23", "UB23", "b23", "23.BL.", "bl 023"])
def test_code_in_any_spelling(kb: KnowledgeBase, spelling: str) -> None:
    hit = search_points(kb, spelling)[0]
    assert (hit.point.code, hit.score) == ("BL23", 100)


@pytest.mark.parametrize(
    ("spelling", "code"),
    [
        ("ex-b-2", "EX-B2"),
        ("EXB2", "EX-B2"),
        ("Du 4", "GV4"),
        ("ren6", "CV6"),
        ("P6", "PC6"),
        ("SJ5", "TE5"),
        ("Liv3", "LR3"),
        ("K3", "KI3"),
        ("HE7", "HT7"),
    ],
)
def test_meridian_abbreviations(kb: KnowledgeBase, spelling: str, code: str) -> None:
    assert first(kb, spelling) == code


@pytest.mark.parametrize("text", ["Shenshu", "shènshū", "shen shu", "腎俞", "肾俞"])
def test_pinyin_with_or_without_tones_and_hanzi(kb: KnowledgeBase, text: str) -> None:
    assert first(kb, text) == "BL23"


def test_english_name(kb: KnowledgeBase) -> None:
    english = kb.points["BL40"].english
    assert first(kb, english.lower()) == "BL40"


def test_popular_name_returns_the_pair(kb: KnowledgeBase) -> None:
    assert set(codes(kb, "sea of vitality", 2)) == {"BL23", "BL52"}
    assert all(h.score == 90 for h in search_points(kb, "Sea of Vitality")[:2])


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("back of the knee", "BL40"),
        ("stomach point", "CV6"),
        ("hipbone", "BL53"),
        ("soles", "KI1"),
        ("Commanding Middle", "BL40"),
        ("Gates of Consciousness", "GB20"),
    ],
)
def test_body_area_words_and_aliases(kb: KnowledgeBase, text: str, code: str) -> None:
    assert first(kb, text) == code


def test_old_numbering_comes_after_the_current_code(kb: KnowledgeBase) -> None:
    # Gach's B47 is the old number of BL52; the current BL47 ranks first.
    assert codes(kb, "B47", 2) == ["BL47", "BL52"]
    assert "BL40" in codes(kb, "Bl-54", 3)


def test_gv29_finds_yintang(kb: KnowledgeBase) -> None:
    assert first(kb, "GV29") == "EX-HN3"


def test_exact_beats_partial(kb: KnowledgeBase) -> None:
    hits = search_points(kb, "kunlun")
    assert hits[0].point.code == "BL60"
    assert hits[0].score >= 90
    assert [h.score for h in hits] == sorted((h.score for h in hits), reverse=True)


def test_close_misspelling_still_found(kb: KnowledgeBase) -> None:
    assert "BL40" in codes(kb, "weizong", 5)


def test_nothing_found_is_empty(kb: KnowledgeBase) -> None:
    assert search_points(kb, "xyzzyplugh") == []


def test_empty_query_is_an_input_error(kb: KnowledgeBase) -> None:
    with pytest.raises(InputError, match="text"):
        search_points(kb, " -- ")


def test_unknown_code_suggests_nearest(kb: KnowledgeBase) -> None:
    with pytest.raises(NotFound) as err:
        kb.point("BL68")
    assert err.value.suggestions
    assert all(s.startswith("BL6") for s in err.value.suggestions)
