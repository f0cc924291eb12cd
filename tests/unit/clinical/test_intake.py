"""Intake v1: shape, strict types, ranges, errors naming the field."""

from __future__ import annotations

from typing import Any

import pytest

from acuback.clinical.intake import (
    FINDINGS,
    SIDES,
    STARTBACK_ITEM9,
    duration_of,
    parse_intake,
)
from acuback.errors import InputError
from acuback.knowledge import KnowledgeBase


def intake(**overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "age": 45,
        "sex": "female",
        "pain": {"regions": ["lower_back"], "onset_weeks": 20, "nrs": 6},
    }
    data.update(overrides)
    return data


def error_of(data: object) -> InputError:
    with pytest.raises(InputError) as caught:
        parse_intake(data)
    return caught.value


def test_minimal_intake_takes_the_spec_defaults() -> None:
    parsed = parse_intake(intake())
    assert parsed.pain.side == "central"
    assert (parsed.pain.radiates_below_knee, parsed.pain.leg_numbness) == (False, False)
    assert parsed.diagnoses == parsed.findings == parsed.medications == ()
    assert parsed.pregnancy_weeks is None
    assert not parsed.pregnant
    assert parsed.first_treatment  # prior_acupuncture unknown counts as a first treatment
    assert parsed.duration == "chronic"


@pytest.mark.parametrize(
    ("weeks", "duration"),
    [(0, "acute"), (5.9, "acute"), (6, "subacute"), (11.99, "subacute"), (12, "chronic")],
)
def test_duration_boundaries_follow_the_spec(weeks: float, duration: str) -> None:
    assert duration_of(weeks) == duration


@pytest.mark.parametrize(
    ("data", "field", "allowed_contains"),
    [
        (intake(age="45"), "age", "16..120"),
        (intake(age=15), "age", "16..120"),
        (intake(age=121), "age", "16..120"),
        (intake(sex="f"), "sex", "female"),
        (intake(pain={"regions": [], "onset_weeks": 1, "nrs": 3}), "pain.regions", "lower_back"),
        (intake(pain={"regions": ["leg"], "onset_weeks": 1, "nrs": 3}), "pain.regions[0]", "neck"),
        (
            intake(pain={"regions": ["neck"], "onset_weeks": -1, "nrs": 3}),
            "pain.onset_weeks",
            ">= 0",
        ),
        (intake(pain={"regions": ["neck"], "onset_weeks": 1, "nrs": 11}), "pain.nrs", "0..10"),
        (intake(pain={"regions": ["neck"], "onset_weeks": 1, "nrs": 2.5}), "pain.nrs", "0..10"),
        (intake(pain={"regions": ["neck"], "nrs": 2}), "pain.onset_weeks", ">= 0"),
        (
            intake(pain={"regions": ["neck"], "onset_weeks": 1, "nrs": 2, "side": "middle"}),
            "pain.side",
            "central",
        ),
        (
            intake(pain={"regions": ["neck"], "onset_weeks": 1, "nrs": 2, "leg_numbness": 1}),
            "pain.leg_numbness",
            "true",
        ),
        (intake(findings="fever"), "findings", "list"),
        (intake(findings=["fever", "saddle_anesthesia"]), "findings[1]", "saddle_anaesthesia"),
        (intake(pregnancy_weeks=46), "pregnancy_weeks", "0..45"),
        (intake(pregnancy_weeks=True), "pregnancy_weeks", "0..45"),
        (intake(expectation=11), "expectation", "0..10"),
        (intake(prior_acupuncture="yes"), "prior_acupuncture", "true"),
        (intake(medications=[5]), "medications[0]", "string"),
        (intake(startback=[True] * 8), "startback", "9 answers"),
        (intake(startback=[True] * 9), "startback[8]", "very_much"),
        (intake(startback=[1, *[True] * 7, "slightly"]), "startback[0]", "true"),
    ],
)
def test_invalid_values_name_the_field_and_what_is_allowed(
    data: dict[str, Any], field: str, allowed_contains: str
) -> None:
    error = error_of(data)
    assert error.field == field
    assert allowed_contains in str(error.allowed)


def test_misspelt_finding_lists_every_allowed_code_and_suggests_one() -> None:
    error = error_of(intake(findings=["saddle_anesthesia"]))
    assert error.field == "findings[0]"
    assert error.allowed == FINDINGS
    assert "did you mean 'saddle_anaesthesia'" in error.problem


def test_unknown_keys_are_refused_at_any_level() -> None:
    top = error_of(intake(weight=70))
    assert top.field == "weight"
    assert "findings" in str(top.allowed)
    nested = error_of(intake(pain={"regions": ["neck"], "onset_weeks": 1, "nrs": 2, "sides": "l"}))
    assert nested.field == "pain.sides"
    assert "side" in str(nested.allowed)


def test_required_fields_and_non_objects() -> None:
    assert error_of({}).field == "age"
    assert error_of([1, 2]).field == "intake"
    assert error_of(intake(pain=None)).field == "pain"


def test_diagnoses_are_checked_against_the_knowledge_base(kb: KnowledgeBase) -> None:
    assert parse_intake(intake(diagnoses=["sciatica"])).diagnoses == ("sciatica",)
    error = error_of(intake(diagnoses=["sciatica", "lumbago"]))
    assert error.field == "diagnoses[1]"
    assert set(error.allowed or ()) == set(kb.conditions)


def test_allowed_tables_match_the_spec() -> None:
    assert SIDES == ("left", "right", "both", "central")
    assert STARTBACK_ITEM9 == ("not_at_all", "slightly", "moderately", "very_much", "extremely")
    assert len(FINDINGS) == len(set(FINDINGS)) == 43
