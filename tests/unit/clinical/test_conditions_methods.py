"""The conditions and methods the clinical engine relies on (knowledge/data/conditions.yaml,
methods.yaml): every SPEC condition and method present, codes well formed, sources known."""

from __future__ import annotations

import re

from acuback.knowledge import KnowledgeBase

SPEC_CONDITIONS = {
    "muscle_strain",
    "herniated_disc",
    "degenerative_disc_disease",
    "spinal_stenosis",
    "sciatica",
    "scoliosis",
    "facet_joint_dysfunction",
    "sacroiliac_joint_dysfunction",
    "spondylolisthesis",
    "osteoarthritis",
    "kyphosis",
    "trauma",
    "compression_fracture",
    "poor_posture",
    "non_specific",
}
SPEC_METHODS = {
    "manual_needling",
    "electroacupuncture",
    "moxibustion_direct",
    "moxibustion_indirect",
    "warm_needle",
    "tui_na",
    "acupressure",
}
ICD10CM = re.compile(r"^[A-Z]\d{2}(\.[0-9A-Z]{1,4})?$")
# codes the reference notes (clinical-standards.md 2.3) give; any other code must be unverified
REFERENCE_CODES = {
    "M54.50",
    "M54.51",
    "M54.59",
    "M54.30",
    "M54.31",
    "M54.32",
    "M54.40",
    "M54.41",
    "M54.42",
    "M54.16",
    "M54.17",
    "M54.12",
    "M54.2",
    "M54.6",
    "M54.9",
    "M48.061",
    "M48.062",
    "M51.16",
    "M51.17",
    "M51.26",
    "M51.360",
    "M51.370",
    "S39.012A",
    "G89.29",
}


def test_every_spec_condition_is_coded(kb: KnowledgeBase) -> None:
    assert set(kb.conditions) >= SPEC_CONDITIONS
    for condition in kb.conditions.values():
        for code in condition.icd10cm:
            assert ICD10CM.match(code), (condition.code, code)
        if not set(condition.icd10cm) <= REFERENCE_CODES:
            assert not condition.verified, condition.code


def test_conditions_needing_workup_say_why(kb: KnowledgeBase) -> None:
    needing = {c.code for c in kb.conditions.values() if c.needs_workup}
    assert needing == {"trauma", "compression_fracture"}
    assert all(kb.conditions[c].workup_reason for c in needing)


def test_every_spec_method_is_described(kb: KnowledgeBase) -> None:
    assert set(kb.methods) == SPEC_METHODS
    assert [m.code for m in kb.methods.values() if m.self_care] == ["acupressure"]
    electro = kb.methods["electroacupuncture"]
    avoided = {c.finding for c in electro.contraindications if c.severity == "avoid"}
    assert {"pacemaker_or_icd", "neurostimulator_or_active_implant", "pregnancy"} <= avoided
    for method in kb.methods.values():
        for contra in method.contraindications:
            assert set(contra.sources) <= set(kb.sources), method.code
            if "acuback_policy" in contra.sources:
                assert not method.verified, method.code
