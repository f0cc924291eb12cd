"""Scoring of the five outcome instruments, against worked examples from the reference.

Reference: shared/reference/clinical-standards.md sections 2.1 (LOINC) and 4.1-4.5.
"""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from acuback.clinical.instruments import INSTRUMENT_IDS, instrument, load_instruments
from acuback.clinical.scoring import (
    score,
    score_nrs,
    score_odi,
    score_peg,
    score_rmdq,
    score_startback,
)
from acuback.errors import InputError, NotFound
from acuback.knowledge.loader import DATA, read_yaml_records

ITEM9 = ["not_at_all", "slightly", "moderately", "very_much", "extremely"]


# ----- packaged definitions -------------------------------------------------------------------


def test_catalog_holds_the_five_instruments() -> None:
    assert sorted(i.id for i in load_instruments().instruments) == sorted(INSTRUMENT_IDS)


def test_every_source_key_is_in_the_bibliography() -> None:
    keys = {r["key"] for r in read_yaml_records(DATA / "bibliography.yaml", "bibliography")}
    catalog = load_instruments()
    cited = {k for i in catalog.instruments for k in i.sources}
    cited |= {k for i in catalog.instruments if i.responder for k in i.responder.sources}
    cited |= {k for r in catalog.visit_rules for k in r.sources}
    assert cited - keys == set()


def test_no_item_text_is_shipped_and_licences_are_stated() -> None:
    for spec in load_instruments().instruments:
        assert spec.item_text_shipped is False
        assert spec.licence
    assert instrument("odi").copyright == "ODI (c) Jeremy Fairbank 1980. All rights reserved."
    assert instrument("rmdq").item_labels == ()  # RMDQ statements are not shipped at all


@pytest.mark.parametrize(
    ("instrument_id", "absolute", "percent"),
    [("nrs", 2, 30), ("peg", 2, 30), ("rmdq", 5, 30), ("odi", 10, None)],
)
def test_responder_thresholds_are_the_spec_ones(
    instrument_id: str, absolute: float, percent: float | None
) -> None:
    rule = instrument(instrument_id).responder
    assert rule is not None
    assert (rule.absolute, rule.percent) == (absolute, percent)


def test_loinc_codes_are_the_reference_ones() -> None:
    assert instrument("nrs").loinc.score == "72514-3"
    assert instrument("peg").loinc.score == "91147-9"
    assert instrument("odi").loinc.score == "97909-6"
    assert instrument("rmdq").loinc.score is None  # none found [U]
    startback = instrument("startback").loinc
    assert (startback.panel, startback.score) == ("91349-1", "91351-7")
    assert startback.subscores == {"distress": "91350-9", "risk_group": "91352-5"}
    assert startback.answers == {"low": "LA9194-7", "medium": "LA8982-6", "high": "LA9193-9"}


def test_medicare_visit_rule_numbers() -> None:
    rule = load_instruments().visit_rule("medicare")
    assert (rule.initial_visits, rule.initial_window_days) == (12, 90)
    assert (rule.additional_visits_if_improving, rule.max_visits_per_year) == (8, 20)
    assert rule.sources == ("medicare_ncd_30_3_3",)


def test_unknown_instrument_suggests_the_nearest() -> None:
    with pytest.raises(NotFound) as err:
        instrument("oswestry_odi")
    assert "odi" in err.value.suggestions
    with pytest.raises(NotFound) as err:
        score("pge", [1, 2, 3])
    assert err.value.suggestions[0] == "peg"


# ----- NRS ------------------------------------------------------------------------------------


@given(st.integers(0, 10))
def test_nrs_is_the_answer(value: int) -> None:
    assert score_nrs(value).value == value
    assert score_nrs([value]).value == value


@pytest.mark.parametrize("bad", [11, -1, True, 7.5, "7", None])
def test_nrs_rejects_non_ratings(bad: object) -> None:
    with pytest.raises(InputError) as err:
        score_nrs(bad)
    assert err.value.field in {"responses[0]", "responses"}
    assert err.value.allowed


# ----- PEG ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("items", "mean", "rounded"),
    [
        ([7, 6, 6], 6.33, 6),  # 19 / 3 = 6.333
        ([1, 2, 2], 1.67, 2),  # 5 / 3 = 1.667
        ([8, 8, 8], 8, 8),  # 24 / 3
        ([0, 0, 0], 0, 0),
        ([10, 10, 10], 10, 10),
    ],
)
def test_peg_is_the_mean_of_three(items: list[int], mean: float, rounded: int) -> None:
    result = score_peg(items)
    assert result.value == mean
    assert result.rounded == rounded
    assert result.loinc == "91147-9"


def test_peg_needs_all_three_items() -> None:
    with pytest.raises(InputError) as err:
        score_peg([5, 5])
    assert err.value.field == "responses"
    with pytest.raises(InputError) as err:
        score_peg([5, None, 5])
    assert err.value.field == "responses[1]"
    assert err.value.allowed == "an integer 0..10"


@given(st.lists(st.integers(0, 10), min_size=3, max_size=3))
def test_peg_range_and_rounding(items: list[int]) -> None:
    result = score_peg(items)
    assert 0 <= result.value <= 10
    assert result.rounded is not None
    assert abs(result.rounded - sum(items) / 3) <= 0.5


# ----- RMDQ-24 --------------------------------------------------------------------------------


def test_rmdq_counts_yes() -> None:
    answers = [True] * 9 + [False] * 15  # 9 statements apply
    result = score_rmdq(answers)
    assert result.value == 9
    assert result.items_missing == ()


def test_rmdq_unmarked_items_count_as_no_and_are_listed() -> None:
    answers: list[bool | None] = [True] * 10 + [False] * 10 + [None] * 4
    result = score_rmdq(answers)
    assert result.value == 10  # unmarked 21-24 count as "no"
    assert result.items_missing == (21, 22, 23, 24)
    assert result.items_answered == 20
    assert any("21, 22, 23, 24" in note for note in result.notes)


@pytest.mark.parametrize(
    ("answers", "field"),
    [
        ([True] * 23, "responses"),
        ([True] * 25, "responses"),
        ([True] * 5 + ["yes"] + [False] * 18, "responses[5]"),
        ([True] * 23 + [1], "responses[23]"),
    ],
)
def test_rmdq_rejects_bad_forms(answers: list[object], field: str) -> None:
    with pytest.raises(InputError) as err:
        score_rmdq(answers)
    assert err.value.field == field


@given(st.lists(st.sampled_from([True, False, None]), min_size=24, max_size=24))
def test_rmdq_range(answers: list[bool | None]) -> None:
    result = score_rmdq(answers)
    assert 0 <= result.value <= 24
    assert result.value == answers.count(True)


# ----- STarT Back -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("answers", "total", "distress", "group"),
    [
        # nothing agreed: 0 / 0 -> low
        ([False] * 8 + ["not_at_all"], 0, 0, "low"),
        # items 1-4 agreed, item 9 moderately (scores 0): total 4, distress 0 -> medium
        ([True] * 4 + [False] * 4 + ["moderately"], 4, 0, "medium"),
        # 1,3,4,5,6,8 agreed + very_much: total 1+0+1+1+1+1+0+1+1 = 7; items 5-9: 1+1+0+1+1 = 4
        ([True, False, True, True, True, True, False, True, "very_much"], 7, 4, "high"),
        # items 5-7 agreed + slightly: total 3, distress 3 -> low (total <= 3)
        ([False] * 4 + [True] * 3 + [False] + ["slightly"], 3, 3, "low"),
        # items 5-8 agreed: distress 4 -> high even though total is only 4
        ([False] * 4 + [True] * 4 + ["not_at_all"], 4, 4, "high"),
        # all agreed + extremely: 9 / 5 -> high
        ([True] * 8 + ["extremely"], 9, 5, "high"),
        # items 1-3 and 5-6 agreed, item 9 extremely: total 6, distress 3 -> medium
        ([True, True, True, False, True, True, False, False, "extremely"], 6, 3, "medium"),
    ],
)
def test_startback_worked_examples(
    answers: list[object], total: int, distress: int, group: str
) -> None:
    result = score_startback(answers)
    assert (result.value, result.subscores["distress"], result.category) == (
        total,
        distress,
        group,
    )


@pytest.mark.parametrize(
    ("answers", "field"),
    [
        ([False] * 8 + ["very much"], "responses[8]"),
        ([False] * 8 + [True], "responses[8]"),
        (["yes"] + [False] * 7 + ["slightly"], "responses[0]"),
        ([False] * 8, "responses"),
        ("not a list", "responses"),
    ],
)
def test_startback_rejects_bad_answers(answers: object, field: str) -> None:
    with pytest.raises(InputError) as err:
        score_startback(answers)
    assert err.value.field == field
    if field == "responses[8]":
        assert err.value.allowed == tuple(ITEM9)


@given(st.lists(st.booleans(), min_size=8, max_size=8), st.sampled_from(ITEM9))
def test_startback_scores_and_groups_are_consistent(items: list[bool], bother: str) -> None:
    result = score_startback([*items, bother])
    total, distress = result.value, result.subscores["distress"]
    item9 = bother in ("very_much", "extremely")
    assert total == sum(items) + item9
    assert distress == sum(items[4:]) + item9
    assert 0 <= distress <= 5
    assert distress <= total <= 9
    expected = "high" if distress >= 4 else "medium" if total >= 4 else "low"
    assert result.category == expected


# ----- ODI ------------------------------------------------------------------------------------


def test_odi_all_sections() -> None:
    sections = [2, 3, 1, 2, 2, 2, 1, 2, 2, 2]  # sum 19; 19 / (5 x 10) x 100 = 38%
    result = score_odi(sections)
    assert result.value == 38
    assert result.subscores["raw_sum"] == 19
    assert result.category == "moderate"  # 21-40%


def test_odi_one_section_missing_divides_by_45() -> None:
    sections = [2, 3, 1, 2, 2, 2, 1, None, 2, 2]  # sum 17; 17 / 45 x 100 = 37.777...
    result = score_odi(sections)
    assert result.value == 37.78
    assert result.rounded == 38
    assert result.items_missing == (8,)
    assert result.items_answered == 9


def test_odi_two_statements_marked_takes_the_higher() -> None:
    sections: list[object] = [[1, 3], 0, 0, 0, 0, 0, 0, 0, 0, 0]  # 3 counts; 3 / 50 = 6%
    assert score_odi(sections).value == 6


def test_odi_band_boundaries_and_half_up_rounding() -> None:
    assert score_odi([1] * 10).category == "minimal"  # 10 / 50 = 20%
    assert score_odi([2] + [1] * 9).category == "moderate"  # 11 / 50 = 22%
    assert score_odi([5] * 10).category == "bed_bound"  # 100%
    eight = [1, 1, 1, 1, 1, 0, 0, 0, None, None]  # 5 / (5 x 8) = 12.5% -> 13 (half up)
    result = score_odi(eight)
    assert (result.value, result.rounded) == (12.5, 13)


def test_odi_refuses_more_than_two_missing_sections() -> None:
    with pytest.raises(InputError) as err:
        score_odi([2, 2, 2, 2, 2, 2, 2, None, None, None])
    assert err.value.field == "responses"
    assert "8, 9, 10" in err.value.problem


@pytest.mark.parametrize(
    ("sections", "field"),
    [
        ([6] + [0] * 9, "responses[0]"),
        ([0] * 9 + [-1], "responses[9]"),
        ([0] * 4 + ["2"] + [0] * 5, "responses[4]"),
        ([0] * 3 + [[2, 7]] + [0] * 6, "responses[3]"),
        ([0] * 9, "responses"),
    ],
)
def test_odi_rejects_bad_sections(sections: list[object], field: str) -> None:
    with pytest.raises(InputError) as err:
        score_odi(sections)
    assert err.value.field == field


@given(st.lists(st.one_of(st.integers(0, 5), st.none()), min_size=10, max_size=10))
def test_odi_formula_and_range(sections: list[int | None]) -> None:
    answered = [s for s in sections if s is not None]
    if len(answered) < 8:
        with pytest.raises(InputError):
            score_odi(sections)
        return
    result = score_odi(sections)
    assert 0 <= result.value <= 100
    assert result.value == pytest.approx(sum(answered) / (5 * len(answered)) * 100, abs=0.005)


# ----- dispatcher -----------------------------------------------------------------------------


def test_score_accepts_a_responses_object() -> None:
    assert score("peg", {"responses": [3, 3, 3]}).value == 3
    assert score("nrs", 4).value == 4


def test_score_rejects_unknown_keys_and_missing_responses() -> None:
    with pytest.raises(InputError) as err:
        score("peg", {"responses": [3, 3, 3], "patient": "x"})
    assert err.value.field == "patient"
    with pytest.raises(InputError) as err:
        score("peg", {})
    assert err.value.field == "responses"


@pytest.mark.parametrize(
    ("instrument", "answers", "message"),
    [
        ("nrs", [3, 4], "Pain NRS has 1 item; got 2 answers"),
        ("peg", [3], "PEG has 3 items; got 1 answer"),
    ],
)
def test_a_wrong_answer_count_reads_as_english(
    instrument: str, answers: list[int], message: str
) -> None:
    with pytest.raises(InputError) as error:
        score(instrument, answers)
    assert message in str(error.value)
