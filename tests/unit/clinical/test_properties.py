"""Property tests over random valid (and broken) intakes.

- no plan contains a point, region or method the screening forbids, or a depth above a limit;
- no method is applied to an avoided region or point (methods are placed, not floating);
- self-care never contains a forbidden point;
- emergency and refer findings always dominate;
- invalid intakes always raise InputError and never give a plan.
"""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from acuback.clinical.intake import (
    FINDINGS,
    PAIN_REGIONS,
    SEXES,
    SIDES,
    STARTBACK_ITEM9,
    parse_intake,
)
from acuback.clinical.placement import point_regions
from acuback.clinical.plan_model import Plan
from acuback.clinical.planning import plan
from acuback.errors import InputError
from acuback.knowledge import KnowledgeBase, load_knowledge

EMERGENCY = (
    "urinary_retention",
    "urinary_incontinence_new",
    "faecal_incontinence",
    "saddle_anaesthesia",
    "bilateral_leg_symptoms",
    "progressive_leg_weakness",
    "gait_disturbance",
    "sexual_dysfunction_new",
    "pulsatile_abdominal_mass",
    "chest_pain_or_breathlessness",
)
REFER = (
    "major_trauma",
    "cancer_history",
    "unexplained_weight_loss",
    "fever",
    "iv_drug_use",
    "structural_deformity",
)
MEDICATIONS = (
    "warfarin 5 mg",
    "Eliquis",
    "aspirin 75 mg",
    "aspirin 900 mg",
    "clopidogrel",
    "prednisolone",
    "hydrocortisone cream",
    "paracetamol",
    "ibuprofen 400 mg",
    "Xarelto 20mg",
)

conditions = st.deferred(lambda: st.sampled_from(sorted(load_knowledge().conditions)))
pain = st.fixed_dictionaries(
    {
        "regions": st.lists(st.sampled_from(PAIN_REGIONS), min_size=1, max_size=3, unique=True),
        "onset_weeks": st.one_of(
            st.integers(0, 520), st.floats(0, 520, allow_nan=False, allow_infinity=False)
        ),
        "nrs": st.integers(0, 10),
    },
    optional={
        "side": st.sampled_from(SIDES),
        "radiates_below_knee": st.booleans(),
        "leg_numbness": st.booleans(),
        "leg_weakness": st.booleans(),
    },
)
startback = st.tuples(*[st.booleans()] * 8, st.sampled_from(STARTBACK_ITEM9)).map(list)
intakes = st.fixed_dictionaries(
    {"age": st.integers(16, 120), "sex": st.sampled_from(SEXES), "pain": pain},
    optional={
        "diagnoses": st.lists(conditions, max_size=2, unique=True),
        "findings": st.lists(st.sampled_from(FINDINGS), max_size=5, unique=True),
        "pregnancy_weeks": st.one_of(st.none(), st.integers(0, 45)),
        "medications": st.lists(st.sampled_from(MEDICATIONS), max_size=3),
        "expectation": st.one_of(st.none(), st.integers(0, 10)),
        "prior_acupuncture": st.one_of(st.none(), st.booleans()),
        "startback": st.one_of(st.none(), startback),
    },
)
SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def assert_methods_placed(result: Plan, kb: KnowledgeBase) -> None:
    """No method is applied to an avoided region or point, and each is placed somewhere: on
    the plan's own points (or self-care points), or on regions of an area method."""
    constraints = result.screening.constraints
    forbidden = {a.code for a in constraints.avoid_points}
    held = {p.code for p in result.points} | {c.code for c in result.self_care}
    for method in result.methods:
        assert method.points or method.regions, method.code
        assert not set(method.regions) & set(constraints.avoid_regions), method.code
        for code in method.points:
            assert code in held
            assert code not in forbidden
            assert not set(point_regions(kb.points[code])) & set(constraints.avoid_regions)


@SETTINGS
@given(intakes)
def test_no_plan_breaks_its_screening(data: dict[str, Any]) -> None:
    kb = load_knowledge()
    result = plan(parse_intake(data), kb)
    constraints = result.screening.constraints
    forbidden = {a.code for a in constraints.avoid_points}
    if result.screening.disposition not in ("caution", "proceed"):
        assert result.points == result.methods == result.self_care == ()
        assert result.instead
    needles = 0
    for point in result.points:
        source = kb.points[point.code]
        assert point.code not in forbidden
        assert source.region not in constraints.avoid_regions
        low, high = point.depth_mm
        assert 0 < low <= high <= source.depth_mm.max
        for limit in (constraints.depth_limit(point.code), source.max_safe_depth_mm):
            assert limit is None or high <= limit
        if source.has_flag("thoracic_risk"):
            assert point.angle in ("oblique", "transverse")
        side = data["pain"].get("side", "central")
        expected = side if side in ("left", "right") else "both"
        assert point.side in (expected, "midline")
        needles += 2 if point.side == "both" else 1
    if constraints.max_needles is not None:
        assert needles <= constraints.max_needles
    assert not {m.code for m in result.methods} & set(constraints.avoid_methods)
    assert_methods_placed(result, kb)
    for care in result.self_care:
        assert care.code not in forbidden
        assert kb.points[care.code].region not in constraints.avoid_regions
    if result.self_care:
        assert "acupressure" not in constraints.avoid_methods


@SETTINGS
@given(intakes, st.sampled_from(EMERGENCY))
def test_emergency_findings_always_dominate(data: dict[str, Any], red_flag: str) -> None:
    data["findings"] = [*data.get("findings", []), red_flag]
    data["findings"] = list(dict.fromkeys(data["findings"]))
    result = plan(parse_intake(data))
    assert result.screening.disposition == "emergency"
    assert result.points == ()


@SETTINGS
@given(intakes, st.sampled_from(REFER))
def test_refer_findings_dominate_all_but_emergency(data: dict[str, Any], red_flag: str) -> None:
    kept = [f for f in data.get("findings", []) if f not in EMERGENCY]
    data["findings"] = list(dict.fromkeys([*kept, red_flag]))
    result = plan(parse_intake(data))
    assert result.screening.disposition == (
        "emergency" if fields_imply_emergency(data) else "refer"
    )
    assert result.points == ()


def fields_imply_emergency(data: dict[str, Any]) -> bool:
    """Pain on both sides below the knee with numbness or weakness reads as bilateral sciatica
    with a deficit, a cauda equina sign (the screening's cross-check)."""
    pain = data["pain"]
    return (
        pain.get("side") == "both"
        and pain.get("radiates_below_knee", False)
        and (pain.get("leg_numbness", False) or pain.get("leg_weakness", False))
    )


def _break(data: dict[str, Any], how: str) -> dict[str, Any]:
    broken = {**data, "pain": dict(data["pain"])}
    edits: dict[str, Any] = {
        "age_low": lambda d: d.update(age=15),
        "age_text": lambda d: d.update(age=str(d["age"])),
        "sex": lambda d: d.update(sex="F"),
        "unknown_key": lambda d: d.update(smoker=True),
        "finding": lambda d: d.update(findings=["saddle_anesthesia"]),
        "diagnosis": lambda d: d.update(diagnoses=["lumbago"]),
        "nrs": lambda d: d["pain"].update(nrs=11),
        "no_regions": lambda d: d["pain"].update(regions=[]),
        "region": lambda d: d["pain"].update(regions=["hip"]),
        "side": lambda d: d["pain"].update(side="middle"),
        "onset": lambda d: d["pain"].update(onset_weeks=-1),
        "onset_missing": lambda d: d["pain"].pop("onset_weeks"),
        "pregnancy": lambda d: d.update(pregnancy_weeks=50),
        "medications": lambda d: d.update(medications="warfarin"),
        "startback": lambda d: d.update(startback=[True, False]),
        "bool_as_int": lambda d: d.update(prior_acupuncture=1),
    }
    edits[how](broken)
    return broken


BREAKS = (
    "age_low",
    "age_text",
    "sex",
    "unknown_key",
    "finding",
    "diagnosis",
    "nrs",
    "no_regions",
    "region",
    "side",
    "onset",
    "onset_missing",
    "pregnancy",
    "medications",
    "startback",
    "bool_as_int",
)


@SETTINGS
@given(intakes, st.sampled_from(BREAKS))
def test_invalid_intakes_raise_and_never_plan(data: dict[str, Any], how: str) -> None:
    broken = _break(data, how)
    with pytest.raises(InputError) as caught:
        plan(parse_intake(broken))
    assert caught.value.field  # every error names a field
