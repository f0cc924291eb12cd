"""Conditions and MedicationStatements: read from an incoming Bundle into imported items,
and written back out with the intakes' diagnoses and medicines.

An intake cannot be made from a Bundle: it needs the patient's pain questions (regions,
onset, NRS) and the screening computed from them, which another system does not send, and
inventing them would put made-up answers into a record. So an imported Condition or
MedicationStatement is stored as it came (`records.ImportedItem`: the knowledge-base
condition it was read as, its text, its status, its coding) on the patient, and the next
intake submitted for the patient takes in those `for_intake` allows (`services.imported`),
so that its screening sees them. What is not current (a stopped medicine, a refuted or
resolved diagnosis, a condition the knowledge base does not know) stays on the patient as
history and is exported again as it came.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from acuback.clinical.medication_vocabulary import load_vocabulary
from acuback.interop.fhir.codes import CONDITION_CLINICAL, CONDITION_VERIFICATION, ICD10CM, Urls
from acuback.interop.fhir.people import ref
from acuback.knowledge import load_knowledge
from acuback.records import ImportedItem, Intake

__all__ = [
    "HISTORY_TYPES",
    "condition_item",
    "for_intake",
    "imported_condition",
    "intake_medications",
    "medication_id",
    "medication_item",
    "medication_resource",
    "reading",
]

HISTORY_TYPES = ("Condition", "MedicationStatement")
# Statuses that leave an item as history, never on an intake (FHIR R4 value sets).
_PAST_CONDITION = frozenset({"inactive", "resolved"})
_NOT_A_DIAGNOSIS = frozenset({"refuted", "entered-in-error"})
_NOT_TAKEN_NOW = frozenset({"completed", "stopped", "entered-in-error", "not-taken"})


def _codings(concept: object) -> list[dict[str, Any]]:
    if not isinstance(concept, dict):
        return []
    return [c for c in concept.get("coding", []) if isinstance(c, dict)]


def _status(concept: object) -> str:
    codes = [str(c["code"]) for c in _codings(concept) if c.get("code")]
    return codes[0] if codes else ""


def _short_id(prefix: str, value: object) -> str:
    digest = hashlib.sha256(json.dumps(value, sort_keys=True).encode()).hexdigest()
    return f"{prefix}-{digest[:16]}"


def _kb_condition(urls: Urls, concept: dict[str, Any]) -> str | None:
    conditions = load_knowledge().conditions
    codings = _codings(concept)
    ours = [str(c.get("code")) for c in codings if c.get("system") == urls.code_system("condition")]
    found = [code for code in ours if code in conditions]
    icd = {str(c.get("code")) for c in codings if c.get("system") == ICD10CM}
    found += sorted(key for key, c in conditions.items() if icd & set(c.icd10cm))
    return found[0] if found else None


def _concept_text(concept: dict[str, Any]) -> str:
    codings = _codings(concept)
    text = concept.get("text") or "; ".join(str(c["display"]) for c in codings if c.get("display"))
    shown = ", ".join(f"{c.get('system')}|{c.get('code')}" for c in codings if c.get("code"))
    return str(text or shown)


def condition_item(
    urls: Urls, resource: dict[str, Any], patient_id: int, user_id: int | None
) -> ImportedItem:
    """The imported item of a Condition, read as a knowledge-base condition where one matches
    (our own condition code, else the ICD-10-CM codes of the knowledge base's conditions)."""
    concept = resource.get("code") or {}
    code = _kb_condition(urls, concept)
    name = load_knowledge().conditions[code].name if code else ""
    return ImportedItem(
        patient_id=patient_id,
        kind="condition",
        code=code,
        text=(name or _concept_text(concept) or "an uncoded condition")[:500],
        status=_status(resource.get("clinicalStatus")),
        verification=_status(resource.get("verificationStatus")),
        concept=concept,
        recorded=resource.get("recordedDate"),
        source=f"Condition/{resource.get('id', '')}",
        imported_by=user_id,
    )


def medication_item(resource: dict[str, Any], patient_id: int, user_id: int | None) -> ImportedItem:
    """The imported item of a MedicationStatement: the medicine's text, else its displays."""
    concept = resource.get("medicationCodeableConcept")
    if concept is None:  # a medicationReference: only its display can be read
        shown = (resource.get("medicationReference") or {}).get("display")
        concept = {"text": str(shown or "a medicine with no text or display")}
    return ImportedItem(
        patient_id=patient_id,
        kind="medication",
        text=(_concept_text(concept) or "a medicine with no text or display")[:500],
        status=str(resource.get("status") or ""),
        concept=concept,
        recorded=resource.get("dateAsserted"),
        source=f"MedicationStatement/{resource.get('id', '')}",
        imported_by=user_id,
    )


def for_intake(item: ImportedItem) -> bool:
    """Whether the next intake takes the item in: a medicine taken now (not completed,
    stopped, not taken or entered in error), or a knowledge-base condition that is neither
    resolved, inactive, refuted nor entered in error. Unconfirmed or in remission counts:
    the screening errs on the side of caution."""
    if item.kind == "medication":
        return item.status not in _NOT_TAKEN_NOW
    return (
        item.code is not None
        and item.status not in _PAST_CONDITION
        and item.verification not in _NOT_A_DIAGNOSIS
    )


def reading(item: ImportedItem) -> str:
    """What the item names, for the import report: its text (and ICD-10-CM codes of a
    condition), with a status other than the usual, so a stopped medicine or a refuted
    diagnosis never reads as a current one."""
    shown = item.text
    if item.kind == "condition" and item.code is None:
        shown = f"no knowledge-base condition for {item.text}"
    elif item.code:
        shown = f"{item.code} ({item.text})"
        icd = [str(c["code"]) for c in _codings(item.concept) if c.get("system") == ICD10CM]
        shown += f"; ICD-10-CM {', '.join(icd)}" if icd else ""
    for status, usual in ((item.status, "active"), (item.verification, "confirmed")):
        if status and status != usual:
            shown += f"; status {status}"
    return shown


def imported_condition(patient: str, item: ImportedItem, taken: set[str]) -> dict[str, Any]:
    """An imported Condition as it came; its id is `cond-<code>` (as an intake's) unless
    `taken` holds it."""
    rid = f"cond-{item.code.replace('_', '-')}" if item.code else ""
    if not rid or rid in taken:
        rid = _short_id("cond-x", [item.concept, item.status, item.verification, item.recorded])
    resource: dict[str, Any] = {"resourceType": "Condition", "id": rid}
    if item.status:
        coding = {"system": CONDITION_CLINICAL, "code": item.status}
        resource["clinicalStatus"] = {"coding": [coding]}
    if item.verification:
        coding = {"system": CONDITION_VERIFICATION, "code": item.verification}
        resource["verificationStatus"] = {"coding": [coding]}
    if item.concept:  # a Condition may come without a code
        resource["code"] = item.concept
    resource["subject"] = ref("Patient", patient)
    if item.recorded:
        resource["recordedDate"] = item.recorded
    return resource


def medication_id(concept: dict[str, Any], status: str) -> str:
    """The same medicine with the same status has the same id in every export."""
    return _short_id("med", [concept, status])


def medication_resource(
    patient: str, concept: dict[str, Any], status: str, asserted: str | None
) -> dict[str, Any]:
    resource: dict[str, Any] = {
        "resourceType": "MedicationStatement",
        "id": medication_id(concept, status),
        "status": status or "unknown",
        "medicationCodeableConcept": concept,
        "subject": ref("Patient", patient),
    }
    if asserted:
        resource["dateAsserted"] = asserted
    return resource


def intake_medications(intake: Intake | None) -> list[tuple[dict[str, Any], str]]:
    """The medicines of an intake as (concept, status): each entry's text, taken now;
    entries that mean "no medicines" are left out."""
    if intake is None:
        return []
    none_words = {w.lower() for w in load_vocabulary().none_words}
    return [
        ({"text": text}, "active")
        for text in intake.payload.medications
        if text.strip() and text.strip().lower() not in none_words
    ]
