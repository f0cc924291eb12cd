"""Structured facts cross-checked, and screening content (issue 9 points 3 and 6).

Rows from clinical-standards.md 5.1: bilateral sciatica or a neurological deficit in the legs
is a cauda equina sign (emergency); thoracic pain and an age over 50 or under 20 are red flags
for malignancy (refer). An emergency lists no needling constraints; a pregnant patient gets one
position, not two that disagree.
"""

from __future__ import annotations

from typing import Any

import pytest

from acuback.clinical import plan, screen
from acuback.clinical.intake import parse_intake
from acuback.clinical.screening import ScreeningResult
from acuback.knowledge import KnowledgeBase


def screened(kb: KnowledgeBase, age: int = 45, **pain: Any) -> ScreeningResult:
    fields = {"regions": ["lower_back"], "onset_weeks": 20, "nrs": 6, **pain}
    data = {"age": age, "sex": "female", "pain": fields, "prior_acupuncture": True}
    return screen(parse_intake(data), kb)


def rules(result: ScreeningResult) -> set[str]:
    return {r.rule for r in result.reasons}


@pytest.mark.parametrize(
    ("pain", "disposition", "rule"),
    [
        (
            {"side": "both", "radiates_below_knee": True, "leg_numbness": True},
            "emergency",
            "bilateral_sciatica_with_deficit",
        ),
        (
            {"side": "both", "radiates_below_knee": True, "leg_weakness": True},
            "emergency",
            "bilateral_sciatica_with_deficit",
        ),
        ({"side": "both", "radiates_below_knee": True}, "refer", "bilateral_sciatica_to_ask"),
        ({"side": "left", "radiates_below_knee": True, "leg_numbness": True}, "proceed", None),
        ({"side": "both", "leg_numbness": True}, "proceed", None),
    ],
)
def test_leg_fields_imply_the_red_flag_the_findings_do_not_state(
    kb: KnowledgeBase, pain: dict[str, Any], disposition: str, rule: str | None
) -> None:
    result = screened(kb, **pain)
    assert result.disposition == disposition
    if rule is None:
        assert not {"bilateral_sciatica_with_deficit", "bilateral_sciatica_to_ask"} & rules(result)
        return
    (reason,) = [r for r in result.reasons if r.rule == rule]
    assert "Ask" in reason.message  # it tells the practitioner what to ask
    assert {"nhs_glos_lbp", "bass_ces"} <= set(reason.sources)
    assert set(reason.sources) <= set(kb.sources)


def test_the_cross_check_stays_quiet_when_the_finding_is_stated(kb: KnowledgeBase) -> None:
    data = {
        "age": 45,
        "sex": "male",
        "findings": ["bilateral_leg_symptoms"],
        "pain": {
            "regions": ["lower_back"],
            "onset_weeks": 2,
            "nrs": 7,
            "side": "both",
            "radiates_below_knee": True,
            "leg_weakness": True,
        },
    }
    result = screen(parse_intake(data), kb)
    assert result.disposition == "emergency"
    assert "cauda_equina" in rules(result)
    assert not {"bilateral_sciatica_with_deficit", "bilateral_sciatica_to_ask"} & rules(result)


@pytest.mark.parametrize(
    ("age", "regions", "refer"),
    [
        (72, ["upper_back"], True),
        (51, ["upper_back", "neck"], True),
        (50, ["upper_back"], False),  # "over 50"
        (19, ["upper_back"], True),
        (20, ["upper_back"], False),
        (72, ["lower_back"], False),
        (72, ["neck"], False),
    ],
)
def test_thoracic_pain_in_the_reference_age_bands_is_referred(
    kb: KnowledgeBase, age: int, regions: list[str], refer: bool
) -> None:
    result = screened(kb, age=age, regions=regions)
    assert ("thoracic_pain_age" in rules(result)) is refer
    assert (result.disposition == "refer") is refer


def test_an_emergency_lists_no_needling_constraints(kb: KnowledgeBase) -> None:
    data = {
        "age": 30,
        "sex": "female",
        "pregnancy_weeks": 20,
        "medications": ["warfarin"],
        "findings": ["saddle_anaesthesia", "pacemaker_or_icd"],
        "pain": {"regions": ["lower_back"], "onset_weeks": 2, "nrs": 7},
    }
    result = screen(parse_intake(data), kb)
    assert result.disposition == "emergency"
    c = result.constraints
    assert c.avoid_points == c.avoid_regions == c.avoid_methods == c.notes == ()
    assert c.max_depth_mm == {}
    assert c.position is None
    assert c.max_needles is None


@pytest.mark.parametrize("prior", [None, False, True])
def test_a_pregnant_patient_gets_one_position(kb: KnowledgeBase, prior: bool | None) -> None:
    data = {
        "age": 30,
        "sex": "female",
        "pregnancy_weeks": 20,
        "prior_acupuncture": prior,
        "findings": ["fainting_history"],
        "pain": {"regions": ["neck"], "onset_weeks": 20, "nrs": 5},
    }
    result = plan(parse_intake(data), kb)
    assert result.screening.constraints.position == "side_lying"
    positions = [n for n in result.notes if n.startswith("Treat") or "lying" in n.lower()]
    assert positions[0] == "Treat the patient lying on the side or well supported."
    assert not any(n == "Treat the patient lying down." for n in result.notes)
