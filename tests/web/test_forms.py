"""The one form mapper (acuback.web.forms): plain mappings in, Intake v1 out, errors by field.

No request and no app: the mapper reads a dict of field name to a string or a list.
"""

from __future__ import annotations

from typing import Any

import pytest

from acuback.clinical import parse_intake
from acuback.errors import InputError
from acuback.web import forms

BASE: dict[str, Any] = {
    "age": "45",
    "sex": "male",
    "pain.regions": ["lower_back"],
    "pain.onset_weeks": "20",
    "pain.nrs": "5",
}


def _error(fields: dict[str, Any], **kwargs: Any) -> InputError:
    with pytest.raises(InputError) as caught:
        forms.intake_fields(fields, **kwargs)
    return caught.value


def test_a_full_form_maps_to_a_valid_intake() -> None:
    fields = BASE | {
        "pain.side": "left",
        "pain.leg_numbness": "yes",
        "findings": ["diabetes", "night_pain"],
        "diagnoses": ["", "herniated_disc"],
        "pregnancy_weeks": "",
        "medications": " warfarin 3mg \n\n  aspirin\n",
        "expectation": "7",
        "prior_acupuncture": "no",
        **{f"startback.{i}": "yes" if i % 2 else "no" for i in range(1, 9)},
        "startback.9": "slightly",
    }
    intake = forms.intake_fields(fields)
    assert intake["pain"] == {
        "regions": ["lower_back"],
        "side": "left",
        "onset_weeks": 20.0,
        "nrs": 5,
        "radiates_below_knee": False,
        "leg_numbness": True,
        "leg_weakness": False,
    }
    assert intake["age"] == 45
    assert intake["findings"] == ["diabetes", "night_pain"]
    assert intake["diagnoses"] == ["herniated_disc"]
    assert intake["pregnancy_weeks"] is None
    assert intake["medications"] == ["warfarin 3mg", "aspirin"]
    assert intake["expectation"] == 7
    assert intake["prior_acupuncture"] is False
    assert intake["startback"] == [True, False, True, False, True, False, True, False, "slightly"]
    parsed = parse_intake(intake)
    assert parsed.pain.leg_numbness is True
    assert parsed.startback is not None


def test_a_single_string_and_a_list_read_the_same() -> None:
    as_lists = {name: [value] if isinstance(value, str) else value for name, value in BASE.items()}
    assert forms.intake_fields(as_lists) == forms.intake_fields(
        BASE | {"pain.regions": "lower_back"}
    )


@pytest.mark.parametrize("path", ["age", "pain.onset_weeks", "pain.nrs"])
def test_a_blank_number_is_left_out_so_the_intake_says_it_is_required(path: str) -> None:
    intake = forms.intake_fields(BASE | {path: "  "})
    with pytest.raises(InputError) as caught:
        parse_intake(intake)
    assert caught.value.field == path
    assert caught.value.problem == "is required"


@pytest.mark.parametrize(
    ("path", "typed", "message"),
    [
        ("pain.nrs", "abc", "pain.nrs: 'abc' is not a whole number (allowed: 0..10)"),
        ("pain.nrs", "5.5", "pain.nrs: '5.5' is not a whole number (allowed: 0..10)"),
        ("pain.nrs", "1_0", "pain.nrs: '1_0' is not a whole number (allowed: 0..10)"),
        ("pain.nrs", "٥", "pain.nrs: '٥' is not a whole number (allowed: 0..10)"),
        ("pain.nrs", "²", "pain.nrs: '²' is not a whole number (allowed: 0..10)"),
        ("pain.nrs", "11", "pain.nrs: 11 is out of range (allowed: 0..10)"),
        ("pain.nrs", "-1", "pain.nrs: -1 is out of range (allowed: 0..10)"),
        ("age", "12", "age: 12 is out of range (allowed: 16..120)"),
        ("age", "9" * 5000, f"age: {'9' * 5000} is out of range (allowed: 16..120)"),
        ("pregnancy_weeks", "46", "pregnancy_weeks: 46 is out of range (allowed: 0..45)"),
        ("expectation", "ten", "expectation: 'ten' is not a whole number (allowed: 0..10)"),
        ("pain.onset_weeks", "abc", "pain.onset_weeks: 'abc' is not a number (allowed: 0 or more)"),
        ("pain.onset_weeks", "nan", "pain.onset_weeks: 'nan' is not a number (allowed: 0 or more)"),
        ("pain.onset_weeks", "1e3", "pain.onset_weeks: '1e3' is not a number (allowed: 0 or more)"),
        ("pain.onset_weeks", "-2", "pain.onset_weeks: -2 is out of range (allowed: 0 or more)"),
        (
            "pain.onset_weeks",
            "1,000",
            "pain.onset_weeks: '1,000' is not a number (allowed: 0 or more)",
        ),
    ],
)
def test_a_bad_number_is_an_error_naming_the_field_and_the_allowed_values(
    path: str, typed: str, message: str
) -> None:
    error = _error(BASE | {path: typed})
    assert error.field == path
    assert error.message == message


@pytest.mark.parametrize(
    ("typed", "weeks"), [("2,5", 2.5), ("2.5", 2.5), (" 0 ", 0.0), (",5", 0.5)]
)
def test_weeks_take_a_decimal_point_or_comma(typed: str, weeks: float) -> None:
    assert forms.intake_fields(BASE | {"pain.onset_weeks": typed})["pain"]["onset_weeks"] == weeks


def test_numbers_are_parsed_once_with_the_intake_models_bounds() -> None:
    assert forms.intake_number({"pain.nrs": "10"}, "pain.nrs") == 10
    assert forms.intake_number({"pregnancy_weeks": "45"}, "pregnancy_weeks") == 45
    assert forms.intake_number({}, "age") is None
    with pytest.raises(KeyError):
        forms.intake_number({"sex": "1"}, "sex")  # not a number field: a programming error


def test_an_unknown_field_is_an_error_unless_the_page_names_it() -> None:
    error = _error(BASE | {"nrs": "5"})
    assert error.field == "nrs"
    assert error.problem == "is not a field of this form"
    assert isinstance(error.allowed, tuple)
    assert "pain.nrs" in error.allowed
    assert forms.intake_fields(BASE | {"csrf_token": "x"}, also=("csrf_token",))["age"] == 45


def test_yes_no_answers_and_ticks() -> None:
    assert forms.intake_fields(BASE | {"prior_acupuncture": "yes"})["prior_acupuncture"] is True
    assert forms.intake_fields(BASE)["prior_acupuncture"] is None
    error = _error(BASE | {"prior_acupuncture": "maybe"})
    assert error.field == "prior_acupuncture"
    assert forms.intake_fields(BASE | {"pain.leg_weakness": "on"})["pain"]["leg_weakness"] is True


def test_findings_are_checked_against_the_intake_codes() -> None:
    error = _error(BASE | {"findings": ["diabetes", "flu"]})
    assert error.field == "findings"
    assert error.problem == "'flu' is not a question of this form"
    assert error.allowed is not None
    assert "diabetes" in error.allowed


@pytest.mark.parametrize(
    ("answers", "field", "problem"),
    [
        (
            {"startback.1": "yes", "startback.9": "slightly"},
            "startback.2",
            "answer every STarT Back question, or none of them (missing startback.2, "
            "startback.3, startback.4, startback.5, startback.6, startback.7, startback.8)",
        ),
        ({"startback.4": "perhaps"}, "startback.4", "'perhaps' is not an answer"),
        ({"startback.9": "hugely"}, "startback.9", "'hugely' is not an answer"),
    ],
)
def test_startback_is_all_nine_or_none_keyed_by_item(
    answers: dict[str, str], field: str, problem: str
) -> None:
    full = {f"startback.{i}": "no" for i in range(1, 9)} | {"startback.9": "extremely"}
    fields = answers if "startback.1" in answers else full | answers
    error = _error(BASE | fields)
    assert (error.field, error.problem) == (field, problem)


def test_the_follow_up_reads_findings_and_pain_now() -> None:
    assert forms.follow_up_fields({"pain.nrs": "6", "findings": "fever"}) == (["fever"], 6)
    assert forms.follow_up_fields({}) == ([], None)
    with pytest.raises(InputError, match=r"^pain\.nrs: 'x' is not a whole number"):
        forms.follow_up_fields({"pain.nrs": "x"})


def test_typed_fills_the_form_again() -> None:
    typed = forms.typed({"pain.regions": "neck", "age": " 4x ", "pregnant": "yes"})
    assert typed["pain.regions"] == ["neck"]
    assert typed["findings"] == []
    assert typed["age"] == "4x"
    assert typed["pregnant"] == "yes"  # a page's own field is kept too
    assert typed["pain.nrs"] == ""


@pytest.mark.parametrize(
    ("field", "form_field"),
    [
        ("findings[2]", "findings"),
        ("pain.nrs", "pain.nrs"),
        ("startback[8]", "startback.9"),
        ("diagnoses[0]", "diagnoses"),
    ],
)
def test_an_intake_error_points_at_the_form_field(field: str, form_field: str) -> None:
    assert forms.error_field(InputError(field, "is wrong")) == form_field
