"""Screening: the rule table as data, dispositions, constraints, STarT Back and clinic policy."""

from __future__ import annotations

from typing import Any

import pytest

from acuback.clinical.intake import FINDINGS, parse_intake
from acuback.clinical.screening import screen
from acuback.clinical.screening_rules import (
    DISPOSITIONS,
    When,
    load_rule_table,
    parse_policy,
    rank,
)
from acuback.errors import InputError
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


def screened(kb: KnowledgeBase, **overrides: Any) -> Any:
    return screen(parse_intake(intake(**overrides)), kb)


def flagged(kb: KnowledgeBase, kind: str) -> set[str]:
    return {p.code for p in kb.points.values() if p.has_flag(kind)}


# ----- the table as data ----------------------------------------------------------------------


def _findings_in(when: When) -> set[str]:
    found = set(when.any_finding) | set(when.all_findings)
    for sub in when.any:
        found |= _findings_in(sub)
    return found


def test_every_finding_code_is_screened_by_some_rule() -> None:
    used: set[str] = set()
    for rule in load_rule_table().rules:
        used |= _findings_in(rule.when)
    assert set(FINDINGS) - used == set()


def test_rule_table_references_resolve(kb: KnowledgeBase) -> None:
    for rule in load_rule_table().rules:
        assert set(rule.sources) <= set(kb.sources), rule.id
        assert set(rule.constraints.avoid_methods) <= set(kb.methods), rule.id
        for avoid in rule.constraints.avoid_points:
            assert avoid.code in kb.points, rule.id
        for key in rule.constraints.max_depth_mm:
            assert key == "*" or key in kb.points, rule.id
        assert not (rule.verified and "acuback_policy" in rule.sources), rule.id


def test_method_contraindications_name_findings_or_pregnancy(kb: KnowledgeBase) -> None:
    for method in kb.methods.values():
        for contra in method.contraindications:
            assert contra.finding in (*FINDINGS, "pregnancy"), method.code


def test_disposition_order_is_the_spec_order() -> None:
    assert DISPOSITIONS == ("emergency", "refer", "clearance", "defer", "caution", "proceed")
    assert [rank(d) for d in DISPOSITIONS] == list(range(6))
    assert [t.code for t in load_rule_table().dispositions] == list(DISPOSITIONS)


# ----- dispositions and constraints -----------------------------------------------------------


def test_clean_intake_proceeds_without_constraints(kb: KnowledgeBase) -> None:
    result = screened(kb)
    assert result.disposition == "proceed"
    assert result.reasons == ()
    assert result.constraints.avoid_points == ()
    assert result.next_step == load_rule_table().text("proceed").practitioner.strip()


def test_first_treatment_adds_position_without_raising_disposition(kb: KnowledgeBase) -> None:
    result = screened(kb, prior_acupuncture=None)
    assert result.disposition == "proceed"
    assert [r.rule for r in result.reasons] == ["first_treatment"]
    assert result.constraints.position == "lying"
    assert result.constraints.max_needles == 10


def test_most_severe_disposition_wins_and_reasons_are_sorted(kb: KnowledgeBase) -> None:
    result = screened(
        kb, findings=["needle_phobia", "fever", "exhausted_today", "fainting_history"]
    )
    assert result.disposition == "refer"
    assert [r.disposition for r in result.reasons] == ["refer", "defer", "caution"]
    # the constraints of every matching rule still apply
    assert result.constraints.max_needles == 6


def test_pregnancy_avoids_forbidden_cautioned_and_regional_points(kb: KnowledgeBase) -> None:
    result = screened(kb, pregnancy_weeks=20)
    avoided = {a.code for a in result.constraints.avoid_points}
    assert {"LI4", "SP6", "BL60", "BL67", "BL31", "BL32", "BL33", "BL34", "GB21"} <= avoided
    for kind in ("pregnancy_forbidden", "lower_abdominal", "lumbosacral", "upper_abdominal"):
        assert flagged(kb, kind) <= avoided, kind
    assert "electroacupuncture" in result.constraints.avoid_methods
    assert {"lower_abdomen", "lower_back", "sacrum", "upper_abdomen"} <= set(
        result.constraints.avoid_regions
    )
    assert result.disposition == "caution"


def test_upper_abdomen_only_from_the_third_month(kb: KnowledgeBase) -> None:
    early = screened(kb, pregnancy_weeks=4)
    avoided = {a.code for a in early.constraints.avoid_points}
    assert flagged(kb, "lower_abdominal") <= avoided
    assert not (flagged(kb, "upper_abdominal") - flagged(kb, "lumbosacral")) & avoided
    assert "upper_abdomen" not in early.constraints.avoid_regions


def test_medication_counts_as_its_finding(kb: KnowledgeBase) -> None:
    result = screened(kb, medications=["Eliquis 5 mg twice daily"])
    assert [r.rule for r in result.reasons] == ["anticoagulant"]
    assert result.constraints.max_depth_mm == {"*": 5}
    assert flagged(kb, "major_vessel") <= {a.code for a in result.constraints.avoid_points}
    assert result.medications[0].drug == "apixaban"
    assert any("Eliquis" in note for note in result.constraints.notes)


def test_implants_rule_out_electrical_stimulation_with_a_reason(kb: KnowledgeBase) -> None:
    result = screened(kb, findings=["pacemaker_or_icd"])
    assert result.constraints.avoid_methods == ("electroacupuncture",)
    assert "active implant" in result.constraints.method_reasons["electroacupuncture"]
    # the private reasons never reach the JSON contract
    assert "method_reasons" not in result.model_dump()["constraints"]


def test_skin_infection_avoids_the_regions_of_the_pain(kb: KnowledgeBase) -> None:
    pain = {"regions": ["neck", "upper_back"], "onset_weeks": 2, "nrs": 4}
    result = screened(kb, pain=pain, findings=["skin_infection_in_treatment_area"])
    assert set(result.constraints.avoid_regions) == {"neck", "shoulder", "upper_back"}


def test_diagnosis_needing_workup_asks_for_clearance(kb: KnowledgeBase) -> None:
    result = screened(kb, diagnoses=["compression_fracture"])
    assert result.disposition == "clearance"
    assert any(
        note.startswith("Vertebral compression fracture") for note in result.constraints.notes
    )
    assert screened(kb, diagnoses=["sciatica"]).disposition == "proceed"


def test_depth_limits_take_the_smallest(kb: KnowledgeBase) -> None:
    result = screened(kb, findings=["bleeding_disorder", "antiplatelet_therapy"])
    assert result.constraints.max_depth_mm == {"*": 5}
    assert result.constraints.depth_limit("BL23") == 5


def test_startback_is_scored_and_reported(kb: KnowledgeBase) -> None:
    # items 1, 3, 4 agree (3); distress items 5, 6 agree and item 9 'very_much' scores 1 (3)
    answers = [True, False, True, True, True, True, False, False, "very_much"]
    summary = screened(kb, startback=answers).startback
    assert summary is not None
    assert (summary.score, summary.distress, summary.risk_group) == (6, 3, "medium")
    assert screened(kb).startback is None


def test_screening_is_deterministic(kb: KnowledgeBase) -> None:
    data = intake(pregnancy_weeks=30, findings=["diabetes", "needle_phobia"], medications=["ASA"])
    first = screen(parse_intake(data), kb).model_dump_json()
    assert all(screen(parse_intake(data), kb).model_dump_json() == first for _ in range(3))


# ----- clinic policy --------------------------------------------------------------------------


def test_policy_may_raise_a_disposition(kb: KnowledgeBase) -> None:
    policy = parse_policy("dispositions:\n  antiplatelet: clearance\n")
    result = screen(parse_intake(intake(findings=["antiplatelet_therapy"])), kb, policy)
    assert result.disposition == "clearance"
    assert result.reasons[0].rule == "antiplatelet"


def test_policy_may_add_rules(kb: KnowledgeBase) -> None:
    text = """
rules:
  - id: clinic_depth_cap
    when: {always: true}
    disposition: proceed
    practitioner: Clinic rule, never deeper than 25 mm anywhere.
    patient: Our clinic keeps needling shallow.
    constraints: {max_depth_mm: {"*": 25}, avoid_points: [{code: GB30, reason: clinic policy}]}
    sources: [acuback_policy]
"""
    result = screen(parse_intake(intake()), kb, parse_policy(text))
    assert result.constraints.max_depth_mm == {"*": 25}
    assert result.constraints.point_reason("GB30") == "clinic policy"


@pytest.mark.parametrize(
    ("text", "field"),
    [
        ("dispositions: {cauda_equina: refer}", "policy: dispositions.cauda_equina"),
        (
            "dispositions: {fracture_major_trauma: caution}",
            "policy: dispositions.fracture_major_trauma",
        ),
        ("dispositions: {pregnancy: proceed}", "policy: dispositions.pregnancy"),
        ("dispositions: {no_such_rule: refer}", "policy: dispositions"),
        ("rules: [{id: x}]", "policy: rules[0].when"),
        ("rules: 5", "policy: rules"),
        ("just text", "policy"),
        ("a: [", "policy"),
    ],
)
def test_policy_may_not_lower_or_break_the_table(text: str, field: str) -> None:
    with pytest.raises(InputError) as caught:
        parse_policy(text)
    assert caught.value.field == field


def test_policy_rule_ids_must_be_new() -> None:
    text = """
rules:
  - id: pregnancy
    when: {always: true}
    disposition: proceed
    practitioner: Trying to replace a packaged rule.
    patient: Trying to replace a packaged rule.
    sources: [acuback_policy]
"""
    with pytest.raises(InputError, match="already used"):
        parse_policy(text)
