"""Methods placed, not floating (issue 9, point 2): each planned method says where it goes, and
the constraints that remove points remove or move the method.

Rows come from clinical-standards.md 6.1 (WHO 1999: no acupuncture or moxibustion on the
lumbosacral region or lower abdomen in pregnancy), 6.3 (no electrical stimulation with active
implants) and the skin-infection and implant rules of the screening table.
"""

from __future__ import annotations

from typing import Any

import pytest

from acuback.clinical.intake import parse_intake
from acuback.clinical.placement import point_regions
from acuback.clinical.plan_model import Plan
from acuback.clinical.planning import plan
from acuback.knowledge import KnowledgeBase

LUMBOSACRAL = {"lower_back", "sacrum", "lower_abdomen"}


def planned(kb: KnowledgeBase, regions: list[str], **overrides: Any) -> Plan:
    data: dict[str, Any] = {
        "age": 30,
        "sex": "female",
        "pain": {"regions": regions, "onset_weeks": 30, "nrs": 5},
        "prior_acupuncture": True,
        **overrides,
    }
    return plan(parse_intake(data), kb)


def methods(result: Plan) -> dict[str, tuple[tuple[str, ...], tuple[str, ...]]]:
    return {m.code: (m.points, m.regions) for m in result.methods}


def excluded_methods(result: Plan) -> dict[str, str]:
    return {e.code: e.reason for e in result.excluded if e.kind == "method"}


def test_the_issue_example_20_weeks_pregnant_lower_back_and_neck(kb: KnowledgeBase) -> None:
    result = planned(kb, ["lower_back", "neck"], pregnancy_weeks=20)
    assert result.screening.disposition == "caution"
    placed = methods(result)
    assert "warm_needle" not in placed
    assert "lower back" in excluded_methods(result)["warm_needle"]
    for code, (points, regions) in placed.items():
        assert not LUMBOSACRAL & set(regions), code
        for point in points:
            assert not LUMBOSACRAL & set(point_regions(kb.points[point])), (code, point)
    # moxibustion moves to a local point that pregnancy allows (the neck), it does not vanish
    assert placed["moxibustion_indirect"][1] == ("neck",)
    assert placed["tui_na"] == ((), ("neck", "shoulder"))


@pytest.mark.parametrize("weeks", [0, 6, 12, 30, 40])
def test_no_heat_on_the_lumbosacral_region_in_pregnancy(kb: KnowledgeBase, weeks: int) -> None:
    result = planned(kb, ["lower_back"], pregnancy_weeks=weeks)
    for code in ("moxibustion_indirect", "moxibustion_direct", "warm_needle"):
        assert code not in methods(result)


def test_without_pregnancy_warm_needle_sits_on_one_or_two_lower_back_points(
    kb: KnowledgeBase,
) -> None:
    points, regions = methods(planned(kb, ["lower_back"]))["warm_needle"]
    assert 1 <= len(points) <= 2
    assert set(regions) <= {"lower_back", "sacrum"}


def test_manual_needling_is_applied_to_exactly_the_planned_points(kb: KnowledgeBase) -> None:
    result = planned(kb, ["lower_back", "upper_back"])
    assert methods(result)["manual_needling"][0] == tuple(p.code for p in result.points)


def test_skin_infection_takes_tui_na_off_the_painful_area(kb: KnowledgeBase) -> None:
    result = planned(kb, ["lower_back"], findings=["skin_infection_in_treatment_area"])
    assert "tui_na" not in methods(result)
    assert "tui_na" in excluded_methods(result)
    area = {"lower_back", "sacrum"}
    for points, regions in methods(result).values():
        assert not area & set(regions)
        assert not area & {r for p in points for r in point_regions(kb.points[p])}


@pytest.mark.parametrize(
    ("finding", "method"),
    [
        ("pacemaker_or_icd", "electroacupuncture"),
        ("neurostimulator_or_active_implant", "electroacupuncture"),
        ("metal_implant_in_treatment_area", "electroacupuncture"),
        ("metal_implant_in_treatment_area", "warm_needle"),
    ],
)
def test_implants_remove_the_method_with_its_reason(
    kb: KnowledgeBase, finding: str, method: str
) -> None:
    result = planned(kb, ["lower_back"], findings=[finding])
    assert method not in methods(result)
    assert method in excluded_methods(result)


def test_electroacupuncture_needs_a_pair_away_from_chest_and_head(kb: KnowledgeBase) -> None:
    result = planned(
        kb,
        ["lower_back"],
        pain={"regions": ["lower_back"], "onset_weeks": 30, "nrs": 5, "radiates_below_knee": True},
    )
    points, regions = methods(result)["electroacupuncture"]
    assert len(points) >= 2
    assert not {"chest", "head", "face", "neck"} & set(regions)
