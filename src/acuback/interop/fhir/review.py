"""Conditions and MedicationStatements of an incoming Bundle, read for a person to review.

acuback keeps diagnoses and medicines on an intake, and an intake cannot exist without the
patient's pain questions (regions, onset, NRS) and the screening computed from them; a Bundle
from another system does not carry those, and inventing them would put made-up clinical
answers into a record. So these resources are never written: each is validated, read into
what it names (a knowledge-base condition code, found through our own condition code or the
ICD-10-CM codes of the knowledge base's conditions; a medicine's text), and reported as kept
for review so that a practitioner can enter them on the patient's next intake.
"""

from __future__ import annotations

from typing import Any

from acuback.interop.fhir.codes import ICD10CM, Urls
from acuback.knowledge import load_knowledge

__all__ = ["FOR_REVIEW", "REVIEWED_TYPES", "condition_reading", "medication_reading"]

REVIEWED_TYPES = ("Condition", "MedicationStatement")
FOR_REVIEW = "kept for review, not imported: an intake needs the pain questions"


def _codings(concept: object) -> list[dict[str, Any]]:
    if not isinstance(concept, dict):
        return []
    return [c for c in concept.get("coding", []) if isinstance(c, dict)]


def _status(concept: object, usual: str) -> str:
    """`; <what> <code>` unless the code is the usual one: a stopped medicine or a refuted
    diagnosis must not read as a current one."""
    codes = [str(c["code"]) for c in _codings(concept) if c.get("code")]
    return "".join(f"; status {code}" for code in codes if code != usual)


def condition_reading(urls: Urls, resource: dict[str, Any]) -> str:
    """What the Condition names (knowledge-base codes where one matches, else its codes),
    with its clinical and verification status where they are not active and confirmed."""
    status = _status(resource.get("clinicalStatus"), "active")
    status += _status(resource.get("verificationStatus"), "confirmed")
    return _condition_name(urls, resource) + status


def _condition_name(urls: Urls, resource: dict[str, Any]) -> str:
    conditions = load_knowledge().conditions
    codings = _codings(resource.get("code"))
    ours = [str(c.get("code")) for c in codings if c.get("system") == urls.code_system("condition")]
    found = [code for code in ours if code in conditions]
    icd = [str(c.get("code")) for c in codings if c.get("system") == ICD10CM and c.get("code")]
    if not found:
        found = sorted(key for key, c in conditions.items() if set(icd) & set(c.icd10cm))
    if found:
        names = ", ".join(f"{key} ({conditions[key].name})" for key in found)
        return f"{names}; ICD-10-CM {', '.join(icd)}" if icd else names
    text = (resource.get("code") or {}).get("text") or ""
    shown = ", ".join(f"{c.get('system')}|{c.get('code')}" for c in codings)
    return f"no knowledge-base condition for {shown or text or 'an uncoded condition'}"


def medication_reading(resource: dict[str, Any]) -> str:
    """The medicine a MedicationStatement names (its text, else its codings' displays), with
    its status unless it is active (taken now)."""
    concept = resource.get("medicationCodeableConcept") or {}
    text = concept.get("text") or "; ".join(
        str(c["display"]) for c in _codings(concept) if c.get("display")
    )
    if not text and resource.get("medicationReference"):
        text = str(resource["medicationReference"].get("display") or "")
    status = resource.get("status")
    shown = f"; status {status}" if status and status != "active" else ""
    return (text or "a medicine with no text or display") + shown
