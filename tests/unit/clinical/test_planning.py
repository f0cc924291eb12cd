"""Planning: protocol data, point choice, laterality, depth, methods, course and guidelines."""

from __future__ import annotations

from typing import Any

import pytest

from acuback.clinical.intake import parse_intake
from acuback.clinical.plan_model import Plan
from acuback.clinical.planning import plan
from acuback.clinical.protocols import load_courses, load_guidelines, load_protocols
from acuback.knowledge import KnowledgeBase


def intake(**overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "age": 45,
        "sex": "female",
        "pain": {"regions": ["lower_back"], "onset_weeks": 20, "nrs": 6},
        "prior_acupuncture": True,
    }
    data.update(overrides)
    return data


def pain(**fields: Any) -> dict[str, Any]:
    return {"regions": ["lower_back"], "onset_weeks": 20, "nrs": 6, **fields}


def planned(kb: KnowledgeBase, **overrides: Any) -> Plan:
    return plan(parse_intake(intake(**overrides)), kb)


def codes(result: Plan) -> set[str]:
    return {p.code for p in result.points}


# ----- data -----------------------------------------------------------------------------------


def test_protocol_data_resolves_in_the_knowledge_base(kb: KnowledgeBase) -> None:
    book = load_protocols()
    for protocol in book.protocols:
        assert set(protocol.sources) <= set(kb.sources), protocol.id
        for entry in protocol.points:
            assert entry.code in kb.points, (protocol.id, entry.code)
            assert set(entry.sources) <= set(kb.sources), (protocol.id, entry.code)
    for region, entries in book.self_care.items():
        for care in entries:
            assert care.code in kb.points, (region, care.code)
            assert set(care.sources) <= set(kb.sources), care.code
    for offer in book.methods:
        assert offer.code in kb.methods
        assert set(offer.sources) <= set(kb.sources), offer.code
    for code in book.midline_points:
        assert code in kb.points
    courses = load_courses()
    for course in courses.courses:
        assert set(course.sources) <= set(kb.sources), course.duration
    for rule in courses.payer_rules:
        assert set(rule.sources) <= set(kb.sources), rule.id
    for statement in load_guidelines():
        assert statement.guideline in kb.sources


@pytest.mark.parametrize("region", ["lower_back", "upper_back", "neck"])
@pytest.mark.parametrize("duration", [2, 8, 30])
@pytest.mark.parametrize("sciatica", [False, True])
def test_every_region_and_duration_gets_local_and_distal_points(
    kb: KnowledgeBase, region: str, duration: int, sciatica: bool
) -> None:
    result = planned(
        kb,
        pain={
            "regions": [region],
            "onset_weeks": duration,
            "nrs": 5,
            "radiates_below_knee": sciatica,
        },
    )
    roles = {p.role for p in result.points}
    assert {"local", "distal"} <= roles
    assert result.course is not None
    for point in result.points:
        assert point.sources
        assert set(point.sources) <= set(kb.sources)
        assert point.reason


# ----- the Done-when behaviours ---------------------------------------------------------------


def test_chronic_low_back_plan_has_sourced_points_and_a_course(kb: KnowledgeBase) -> None:
    result = planned(kb)
    assert result.screening.disposition == "proceed"
    assert {"BL23", "BL25", "BL40"} <= codes(result)
    assert result.course is not None
    assert (result.course.total_sessions, result.course.reassess_after_sessions) == (10, 6)
    assert [r.id for r in result.course.payer_rules] == ["medicare_clbp"]
    assert "electroacupuncture" in {m.code for m in result.methods}
    stances = {(g.guideline, g.stance) for g in result.guidelines}
    assert {("acp2017", "option"), ("nice_ng59", "against")} <= stances
    assert result.self_care
    assert result.instead == ()


def test_pregnancy_drops_forbidden_points_and_electroacupuncture(kb: KnowledgeBase) -> None:
    result = planned(kb, pregnancy_weeks=20)
    forbidden = {"LI4", "SP6", "BL60", "BL67", "GB21"}
    for point in result.points:
        flags = {f.kind for f in kb.points[point.code].flags}
        assert point.code not in forbidden
        assert not flags & {"lower_abdominal", "lumbosacral", "pregnancy_forbidden"}
    assert result.points  # distal points remain
    excluded = {e.code: e.reason for e in result.excluded if e.kind == "point"}
    # every point the issue names is listed as dropped, with why, even if no protocol used it
    assert forbidden | {"CV6", "BL23"} <= set(excluded)
    assert "forbidden in pregnancy" in excluded["LI4"]
    assert "forbidden in pregnancy" in excluded["BL67"]
    assert "cautioned in pregnancy" in excluded["GB21"]
    assert "lower abdomen" in excluded["CV6"]
    methods = {e.code: e.reason for e in result.excluded if e.kind == "method"}
    assert "pregnancy" in methods["electroacupuncture"]
    assert "electroacupuncture" not in {m.code for m in result.methods}
    # the points no low-back protocol uses are still forbidden by the screening
    avoided = {a.code for a in result.screening.constraints.avoid_points}
    assert forbidden <= avoided


def test_saddle_anaesthesia_is_an_emergency_with_no_points(kb: KnowledgeBase) -> None:
    result = planned(kb, findings=["saddle_anaesthesia"])
    assert result.screening.disposition == "emergency"
    assert result.points == result.methods == result.self_care == ()
    assert result.course is None
    assert "emergency" in result.instead[0]
    assert any("cauda equina" in text for text in result.instead)


@pytest.mark.parametrize(
    ("finding", "disposition"),
    [
        ("cancer_history", "refer"),
        ("seizure_disorder", "clearance"),
        ("intoxicated_today", "defer"),
    ],
)
def test_no_points_unless_treatment_is_allowed(
    kb: KnowledgeBase, finding: str, disposition: str
) -> None:
    result = planned(kb, findings=[finding])
    assert result.screening.disposition == disposition
    assert result.points == ()
    assert result.instead


# ----- laterality, angle and depth ------------------------------------------------------------


@pytest.mark.parametrize(
    ("side", "expected"),
    [("left", "left"), ("right", "right"), ("both", "both"), ("central", "both")],
)
def test_laterality_follows_the_pain_side(kb: KnowledgeBase, side: str, expected: str) -> None:
    result = planned(kb, pain=pain(side=side))
    for point in result.points:
        midline = kb.points[point.code].meridian in ("GV", "CV")
        assert point.side == ("midline" if midline else expected), point.code


def test_depth_and_angle_come_from_the_knowledge_base(kb: KnowledgeBase) -> None:
    for point in planned(kb).points:
        source = kb.points[point.code]
        assert point.angle == source.angle
        assert point.depth_mm == (source.depth_mm.min, source.depth_mm.max)


def test_depth_is_clipped_by_the_screening(kb: KnowledgeBase) -> None:
    result = planned(kb, medications=["warfarin 5 mg"])
    assert result.points
    for point in result.points:
        assert point.depth_mm[0] <= point.depth_mm[1] <= 5
    assert "BL40" not in codes(result)  # major vessel: bleeding cannot be compressed


def test_thoracic_risk_points_are_oblique_within_their_safe_depth(kb: KnowledgeBase) -> None:
    result = planned(kb, pain=pain(regions=["upper_back", "neck"]))
    risky = [p for p in result.points if kb.points[p.code].has_flag("thoracic_risk")]
    assert risky
    for point in risky:
        limit = kb.points[point.code].max_safe_depth_mm
        assert point.angle in ("oblique", "transverse")
        assert limit is not None
        assert point.depth_mm[1] <= limit


# ----- presentations, methods and limits ------------------------------------------------------


def test_acute_pain_adds_the_distal_points_needled_with_movement(kb: KnowledgeBase) -> None:
    assert "EX-UE7" in codes(planned(kb, pain=pain(onset_weeks=1)))
    assert "EX-UE8" in codes(planned(kb, pain=pain(regions=["neck"], onset_weeks=1)))
    acute = planned(kb, pain=pain(onset_weeks=1))
    assert acute.course is not None
    assert acute.course.sessions_per_week == 2
    assert "electroacupuncture" not in {m.code for m in acute.methods}


def test_sciatica_adds_leg_points_and_electroacupuncture(kb: KnowledgeBase) -> None:
    result = planned(kb, pain=pain(onset_weeks=2, radiates_below_knee=True))
    assert {"GB30", "GB34"} <= codes(result)
    assert "electroacupuncture" in {m.code for m in result.methods}


def test_needle_fear_keeps_to_six_needles(kb: KnowledgeBase) -> None:
    result = planned(kb, findings=["needle_phobia"])
    needles = sum(2 if p.side == "both" else 1 for p in result.points)
    assert 0 < needles <= 6
    assert result.notes[0] == "Treat the patient lying down."


def test_skin_infection_keeps_away_from_the_painful_area(kb: KnowledgeBase) -> None:
    result = planned(kb, findings=["skin_infection_in_treatment_area"])
    assert result.points
    assert all(kb.points[p.code].region not in ("lower_back", "sacrum") for p in result.points)
    assert "acupressure" in {e.code for e in result.excluded if e.kind == "method"}
    assert result.self_care == ()


def test_no_safe_point_left_says_what_to_do_instead(kb: KnowledgeBase) -> None:
    result = planned(
        kb,
        pain=pain(regions=["neck"]),
        findings=["lymphoedema", "skin_infection_in_treatment_area"],
    )
    assert result.points == ()
    assert result.instead
    dropped = {e.code: e.reason for e in result.excluded if e.kind == "method"}
    assert "no point" in dropped["manual_needling"]
    assert not {m.code for m in result.methods} & {"manual_needling", "electroacupuncture"}


def test_heat_methods_are_dropped_for_neuropathy(kb: KnowledgeBase) -> None:
    result = planned(kb, findings=["peripheral_neuropathy"])
    used = {m.code for m in result.methods}
    assert not used & {"moxibustion_indirect", "warm_needle", "moxibustion_direct"}


def test_neck_pain_says_the_guidelines_are_for_low_back_pain(kb: KnowledgeBase) -> None:
    result = planned(kb, pain=pain(regions=["neck"]))
    assert result.guidelines == ()
    assert any("neck or upper back" in note for note in result.notes)


def test_plans_are_deterministic(kb: KnowledgeBase) -> None:
    data = intake(pain=pain(side="right", radiates_below_knee=True), findings=["diabetes"])
    first = plan(parse_intake(data), kb).model_dump_json()
    assert all(plan(parse_intake(data), kb).model_dump_json() == first for _ in range(3))


def test_grouped_points_count_in_every_region_their_levels_reach(kb: KnowledgeBase) -> None:
    # EX-B2 (Jiaji) is filed under the lower back but runs from T1: infected upper-back skin
    # must rule it out of an upper-back plan as well
    assert any(level.startswith("T") for level in kb.points["EX-B2"].levels)
    result = planned(
        kb, pain=pain(regions=["upper_back"]), findings=["skin_infection_in_treatment_area"]
    )
    assert "EX-B2" not in codes(result)
    assert "EX-B2" in {e.code for e in result.excluded}
