"""Use cases for intakes: submit one (validated as Intake v1 and screened), read them back.

A submitted intake first takes in the patient's pending FHIR-imported diagnoses and medicines
(`services.imported`), so that its screening sees them.

The intake and its screening result are stored as the core's models, as validated and as
computed, so what a practitioner saw on the day can always be shown again; plans and charts
are checked against that stored screening.
"""

from __future__ import annotations

from typing import Any

from acuback.clinical.intake import parse_intake
from acuback.clinical.screening import ScreeningResult, screen
from acuback.clinical.screening_rules import Policy
from acuback.knowledge import KnowledgeBase, load_knowledge
from acuback.records import Intake, UnitOfWork
from acuback.services.access import Actor, audit, authorize, list_for_patient, read_clinical_record
from acuback.services.imported import mark_taken, take_in_imported
from acuback.services.inputs import reject_nul

__all__ = [
    "get_intake",
    "latest_screening",
    "list_intakes",
    "stored_screening",
    "submit_intake",
]


def stored_screening(intake: Intake) -> ScreeningResult:
    """The screening result stored with an intake (computed on the day it was submitted)."""
    return intake.screening


def latest_screening(uow: UnitOfWork, patient_id: int) -> tuple[Intake, ScreeningResult] | None:
    """The patient's newest intake and its screening, or None (no authorisation: internal)."""
    intakes = uow.intakes.for_patient(patient_id)
    return (intakes[-1], stored_screening(intakes[-1])) if intakes else None


def submit_intake(
    uow: UnitOfWork,
    actor: Actor,
    patient_id: int,
    payload: Any,
    kb: KnowledgeBase | None = None,
    *,
    policy: Policy | None,
) -> Intake:
    """Validate an Intake v1 (`InputError` names the field), screen it with the packaged
    rules and the clinic's `policy` (`services.policy.clinic_policy`), store both."""
    authorize(uow, actor, "intake.submit", entity="intake", patient_id=patient_id, entity_id=None)
    uow.patients.get(patient_id)
    kb = kb or load_knowledge()
    intake = parse_intake(payload, conditions=kb.conditions)
    reject_nul(payload, "")
    intake, imported = take_in_imported(uow, patient_id, intake, kb)
    result = screen(intake, kb, policy)
    record = Intake(
        patient_id=patient_id,
        practitioner_id=actor.practitioner_id,
        payload=intake,
        screening=result,
    )
    stored = uow.intakes.add(record)
    mark_taken(uow, imported, stored.id or 0)
    detail: dict[str, object] = {"patient_id": patient_id, "disposition": stored.disposition}
    if imported:
        detail["imported_items"] = [item.id for item in imported]
    audit(uow, actor, "intake.submit", "intake", stored.id, detail)
    return stored


def get_intake(uow: UnitOfWork, actor: Actor, intake_id: int) -> Intake:
    return read_clinical_record(uow, actor, "intake", intake_id, uow.intakes.get)


def list_intakes(uow: UnitOfWork, actor: Actor, patient_id: int) -> list[Intake]:
    """A patient's intakes, oldest first."""
    return list_for_patient(
        uow, actor, "clinical.read", "intake", patient_id, uow.intakes.for_patient
    )
