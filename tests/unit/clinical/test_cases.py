"""A table of clinical cases written from the reference guidance, each with the expected
disposition and constraints.

Sources per group: red flags from clinical-standards.md 5.1 (NICE CKS via NHS Gloucestershire,
BASS/GIRFT cauda equina statement); the clearance list from the seed texts; WHO 1999 and
sections 6.2-6.4 for pregnancy, implanted devices, anticoagulants and fainting.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pytest

from acuback.clinical.intake import parse_intake
from acuback.clinical.planning import plan
from acuback.clinical.screening import screen
from acuback.knowledge import KnowledgeBase

LIMBS = ("upper_arm", "forearm", "hand", "thigh", "knee", "lower_leg", "foot")
HEAT = ("moxibustion_direct", "moxibustion_indirect", "warm_needle")


@dataclass(frozen=True)
class Case:
    id: str
    intake: dict[str, Any]
    disposition: str
    rules: tuple[str, ...] = ()
    avoid_points: tuple[str, ...] = ()
    avoid_methods: tuple[str, ...] = ()
    avoid_regions: tuple[str, ...] = ()
    max_depth: float | None = None
    position: str | None = None
    max_needles: int | None = None
    allowed_methods: tuple[str, ...] = field(default=())


def patient(age: int = 45, **overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "age": age,
        "sex": "female",
        "pain": {"regions": ["lower_back"], "onset_weeks": 20, "nrs": 6},
        "prior_acupuncture": True,
    }
    data.update(overrides)
    return data


def finding(*codes: str, age: int = 45, **overrides: Any) -> dict[str, Any]:
    return patient(age, findings=list(codes), **overrides)


CASES = [
    # cauda equina syndrome: same-day emergency
    Case("urinary_retention", finding("urinary_retention"), "emergency", ("cauda_equina",)),
    Case("new_incontinence", finding("urinary_incontinence_new"), "emergency", ("cauda_equina",)),
    Case("faecal_incontinence", finding("faecal_incontinence"), "emergency", ("cauda_equina",)),
    Case("saddle_anaesthesia", finding("saddle_anaesthesia"), "emergency", ("cauda_equina",)),
    Case("bilateral_sciatica", finding("bilateral_leg_symptoms"), "emergency", ("cauda_equina",)),
    Case("progressive_weakness", finding("progressive_leg_weakness"), "emergency"),
    Case("gait_disturbance", finding("gait_disturbance"), "emergency", ("cauda_equina",)),
    Case("sexual_dysfunction", finding("sexual_dysfunction_new"), "emergency"),
    # other emergencies
    Case("aortic_aneurysm", finding("pulsatile_abdominal_mass", age=70), "emergency"),
    Case("chest_pain", finding("chest_pain_or_breathlessness"), "emergency"),
    # suspected fracture
    Case("major_trauma", finding("major_trauma"), "refer", ("fracture_major_trauma",)),
    Case(
        "minor_trauma_osteoporosis",
        finding("minor_trauma", "osteoporosis", age=40),
        "refer",
        ("fracture_minor_trauma_risk",),
    ),
    Case(
        "minor_trauma_on_prednisolone",
        patient(40, findings=["minor_trauma"], medications=["prednisolone 10 mg daily"]),
        "refer",
        ("fracture_minor_trauma_risk", "corticotherapy"),
    ),
    Case("minor_trauma_older", finding("minor_trauma", age=72), "refer"),
    Case("minor_trauma_young", finding("minor_trauma", age=30), "proceed"),
    # suspected cancer
    Case("cancer_history", finding("cancer_history"), "refer", ("cancer_history",)),
    Case("weight_loss", finding("unexplained_weight_loss"), "refer"),
    Case("night_pain_over_50", finding("night_pain", age=62), "refer", ("night_pain_age",)),
    Case("night_pain_under_20", finding("night_pain", age=18), "refer", ("night_pain_age",)),
    Case("night_pain_middle_age", finding("night_pain", age=35), "proceed"),
    # suspected infection
    Case("fever", finding("fever"), "refer", ("infection_fever",)),
    Case("iv_drug_use", finding("iv_drug_use"), "refer", ("infection_iv_drug_use",)),
    # inflammatory and structural
    Case("inflammatory_young", finding("morning_stiffness_over_30_min", age=28), "refer"),
    Case("stiffness_older", finding("morning_stiffness_over_30_min", age=64), "proceed"),
    Case("structural_deformity", finding("structural_deformity"), "refer"),
    # medical clearance (seed-text contraindications)
    Case(
        "ischaemic_heart_disease_with_ecg_changes",
        finding("ischaemic_heart_disease", "ecg_abnormality"),
        "clearance",
        avoid_methods=("electroacupuncture",),
    ),
    Case("renal_failure", finding("severe_renal_insufficiency"), "clearance"),
    Case("hepatic_failure", finding("severe_hepatic_insufficiency"), "clearance"),
    Case("seizures", finding("seizure_disorder"), "clearance", position="lying"),
    Case(
        "haemophilia",
        finding("bleeding_disorder"),
        "clearance",
        avoid_points=("BL40", "KI3"),
        max_depth=5,
    ),
    Case("after_radiotherapy", finding("recent_radiotherapy"), "clearance"),
    Case("long_term_steroids", finding("long_term_corticosteroids"), "clearance"),
    Case("cannot_consent", finding("unable_to_consent"), "clearance"),
    Case("fracture_diagnosed", patient(diagnoses=["compression_fracture"]), "clearance"),
    # not today
    Case("exhausted", finding("exhausted_today"), "defer", ("exhausted_today",)),
    Case("intoxicated", finding("intoxicated_today"), "defer", ("intoxicated_today",)),
    # caution: pregnancy
    Case(
        "pregnant_10_weeks",
        patient(pregnancy_weeks=10),
        "caution",
        ("pregnancy", "pregnancy_third_month"),
        avoid_points=("LI4", "SP6", "BL60", "BL67", "BL31", "BL34", "GB21", "LR3", "CV4", "BL23"),
        avoid_methods=("electroacupuncture",),
        avoid_regions=("lower_abdomen", "lower_back", "sacrum", "upper_abdomen"),
    ),
    Case(
        "pregnant_6_weeks",
        patient(pregnancy_weeks=6),
        "caution",
        ("pregnancy",),
        avoid_points=("LI4", "SP6", "BL60", "BL67", "GB21", "CV6"),
        avoid_methods=("electroacupuncture",),
        avoid_regions=("lower_abdomen", "lower_back", "sacrum"),
    ),
    # caution: devices
    Case(
        "pacemaker", finding("pacemaker_or_icd"), "caution", avoid_methods=("electroacupuncture",)
    ),
    Case(
        "spinal_cord_stimulator",
        finding("neurostimulator_or_active_implant"),
        "caution",
        avoid_methods=("electroacupuncture",),
    ),
    Case(
        "spinal_fixation_hardware",
        finding("metal_implant_in_treatment_area"),
        "caution",
        avoid_methods=("electroacupuncture", "warm_needle"),
    ),
    # caution: bleeding risk from medicines
    Case(
        "warfarin",
        patient(medications=["Warfarin 4 mg"]),
        "caution",
        ("anticoagulant",),
        avoid_points=("BL40", "KI3"),
        max_depth=5,
    ),
    Case(
        "clopidogrel",
        patient(medications=["Plavix 75mg"]),
        "caution",
        ("antiplatelet",),
        max_depth=10,
    ),
    # caution: fainting
    Case("needle_phobia", finding("needle_phobia"), "caution", position="lying", max_needles=6),
    Case("fainting", finding("fainting_history"), "caution", position="lying", max_needles=6),
    Case(
        "first_treatment",
        patient(prior_acupuncture=False),
        "proceed",
        ("first_treatment",),
        position="lying",
        max_needles=10,
    ),
    # caution: skin, sensation, infection risk
    Case(
        "diabetes",
        finding("diabetes"),
        "caution",
        avoid_methods=("moxibustion_direct", "warm_needle"),
        allowed_methods=("manual_needling",),
    ),
    Case("neuropathy", finding("peripheral_neuropathy"), "caution", avoid_methods=HEAT),
    Case("lymphoedema", finding("lymphoedema"), "caution", avoid_regions=LIMBS),
    Case(
        "skin_infection",
        finding("skin_infection_in_treatment_area"),
        "caution",
        avoid_methods=("acupressure", "moxibustion_direct"),
        avoid_regions=("lower_back", "sacrum"),
    ),
    Case(
        "immunosuppressed",
        finding("immunosuppression"),
        "caution",
        avoid_methods=("moxibustion_direct",),
    ),
    Case(
        "leg_weakness",
        patient(pain={"regions": ["lower_back"], "onset_weeks": 3, "nrs": 7, "leg_weakness": True}),
        "caution",
        ("leg_weakness",),
    ),
    # the most severe disposition dominates
    Case(
        "emergency_beats_pregnancy",
        patient(pregnancy_weeks=20, findings=["saddle_anaesthesia"]),
        "emergency",
    ),
    Case("refer_beats_caution", finding("fever", "needle_phobia"), "refer", max_needles=6),
    Case("clearance_beats_defer", finding("seizure_disorder", "exhausted_today"), "clearance"),
    Case("nothing_reported", patient(), "proceed"),
]


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_case(kb: KnowledgeBase, case: Case) -> None:
    result = screen(parse_intake(case.intake), kb)
    assert result.disposition == case.disposition
    matched = {r.rule for r in result.reasons}
    assert set(case.rules) <= matched
    constraints = result.constraints
    assert set(case.avoid_points) <= {a.code for a in constraints.avoid_points}
    assert set(case.avoid_methods) <= set(constraints.avoid_methods)
    assert set(case.avoid_regions) <= set(constraints.avoid_regions)
    if case.max_depth is not None:
        assert constraints.max_depth_mm.get("*") == case.max_depth
    if case.position is not None:
        assert constraints.position == case.position
    if case.max_needles is not None:
        assert constraints.max_needles == case.max_needles
    for reason in result.reasons:
        assert reason.sources
        assert set(reason.sources) <= set(kb.sources)
        assert reason.message
        assert reason.patient_message

    planned = plan(parse_intake(case.intake), kb, screening=result)
    if case.disposition in ("emergency", "refer", "clearance", "defer"):
        assert planned.points == ()
        assert planned.instead
    else:
        assert not {p.code for p in planned.points} & set(case.avoid_points)
        assert not {m.code for m in planned.methods} & set(case.avoid_methods)
        assert set(case.allowed_methods) <= {m.code for m in planned.methods}
