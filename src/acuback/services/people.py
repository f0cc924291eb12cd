"""Use cases for patients and practitioners: create, update, read, list and search.

Inputs are mappings of the record fields (from a JSON body, a form or the CLI); they are
validated by the records models, so a bad value is an `InputError` naming the field. Updates
carry the `version` the caller read: a record changed since then is a `Conflict`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from acuback.errors import InputError
from acuback.records import Patient, Practitioner, UnitOfWork
from acuback.records.models import validated
from acuback.records.summaries import decode_id_cursor
from acuback.services.access import Actor, audit, authorize

__all__ = [
    "create_patient",
    "create_practitioner",
    "get_patient",
    "get_patients",
    "get_practitioner",
    "list_patients",
    "list_practitioners",
    "search_patients",
    "update_patient",
    "update_practitioner",
]

_PATIENT_FIXED = ("id", "version", "public_id", "created_at")
_PRACTITIONER_FIXED = ("id", "version")


def _fields(data: Mapping[str, Any], fixed: tuple[str, ...]) -> dict[str, Any]:
    for name in fixed:
        if name in data:
            raise InputError(name, "is set by the clinic system and cannot be given")
    return dict(data)


def _merged(
    current: Patient | Practitioner,
    changes: Mapping[str, Any],
    fixed: tuple[str, ...],
    version: int,
) -> dict[str, Any]:
    """The stored fields with `changes` over them, carrying the `version` the caller read."""
    return {**current.model_dump(), **_fields(changes, fixed), "version": version}


def create_patient(uow: UnitOfWork, actor: Actor, data: Mapping[str, Any]) -> Patient:
    """Register a patient; a random public id is assigned."""
    authorize(uow, actor, "patient.write", entity="patient")
    patient = uow.patients.add(validated(Patient, _fields(data, _PATIENT_FIXED)))
    audit(uow, actor, "patient.create", "patient", patient.id)
    return patient


def update_patient(
    uow: UnitOfWork, actor: Actor, patient_id: int, version: int, changes: Mapping[str, Any]
) -> Patient:
    """Change a patient's details, if nobody changed them since `version` was read."""
    authorize(uow, actor, "patient.write", entity="patient", entity_id=patient_id)
    merged = _merged(uow.patients.get(patient_id), changes, _PATIENT_FIXED, version)
    patient = uow.patients.update(validated(Patient, merged))
    audit(uow, actor, "patient.update", "patient", patient_id, {"fields": sorted(changes)})
    return patient


def get_patient(uow: UnitOfWork, actor: Actor, patient_id: int) -> Patient:
    """One patient's details."""
    authorize(
        uow, actor, "patient.read", entity="patient", entity_id=patient_id, patient_id=patient_id
    )
    patient = uow.patients.get(patient_id)
    audit(uow, actor, "patient.read", "patient", patient_id)
    return patient


def get_patients(uow: UnitOfWork, actor: Actor, patient_ids: Iterable[int]) -> dict[int, Patient]:
    """Several patients by id (e.g. the names a page shows): each id is authorised as by
    `get_patient`, the rows are read in one statement, and one audit entry lists the ids."""
    wanted = sorted(set(patient_ids))
    if not wanted:
        return {}
    for patient_id in wanted:
        authorize(
            uow,
            actor,
            "patient.read",
            entity="patient",
            entity_id=patient_id,
            patient_id=patient_id,
        )
    found = uow.patients.get_many(wanted)
    audit(uow, actor, "patient.read", "patient", None, {"patient_ids": wanted})
    return found


def list_patients(
    uow: UnitOfWork, actor: Actor, limit: int = 50, offset: int = 0, cursor: str | None = None
) -> tuple[list[Patient], int]:
    """A page of patients by name, and the total count: after `cursor` (a page's
    `next_cursor`, keyset paging) when given, else after skipping `offset`."""
    after = decode_id_cursor(cursor) if cursor else None
    authorize(uow, actor, "patient.read", entity="patient")
    patients = uow.patients.all(limit=limit, offset=offset, after=after)
    audit(uow, actor, "patient.list", "patient", None, {"count": len(patients)})
    return patients, uow.patients.count()


def search_patients(uow: UnitOfWork, actor: Actor, text: str, limit: int = 50) -> list[Patient]:
    """Patients whose name, public id, phone or e-mail contains `text`."""
    authorize(uow, actor, "patient.read", entity="patient")
    if not text.strip():
        raise InputError("q", "give some text to search for")
    patients = uow.patients.search(text, limit=limit)
    audit(uow, actor, "patient.search", "patient", None, {"count": len(patients)})
    return patients


def create_practitioner(uow: UnitOfWork, actor: Actor, data: Mapping[str, Any]) -> Practitioner:
    """Add a practitioner with their credentials (qualification, licence, expiry, years)."""
    authorize(uow, actor, "practitioner.write", entity="practitioner")
    practitioner = uow.practitioners.add(
        validated(Practitioner, _fields(data, _PRACTITIONER_FIXED))
    )
    audit(uow, actor, "practitioner.create", "practitioner", practitioner.id)
    return practitioner


def update_practitioner(
    uow: UnitOfWork, actor: Actor, practitioner_id: int, version: int, changes: Mapping[str, Any]
) -> Practitioner:
    authorize(uow, actor, "practitioner.write", entity="practitioner", entity_id=practitioner_id)
    merged = _merged(uow.practitioners.get(practitioner_id), changes, _PRACTITIONER_FIXED, version)
    practitioner = uow.practitioners.update(validated(Practitioner, merged))
    audit(
        uow,
        actor,
        "practitioner.update",
        "practitioner",
        practitioner_id,
        {"fields": sorted(changes)},
    )
    return practitioner


def get_practitioner(uow: UnitOfWork, actor: Actor, practitioner_id: int) -> Practitioner:
    authorize(uow, actor, "practitioner.read", entity="practitioner", entity_id=practitioner_id)
    return uow.practitioners.get(practitioner_id)


def list_practitioners(uow: UnitOfWork, actor: Actor) -> list[Practitioner]:
    authorize(uow, actor, "practitioner.read", entity="practitioner")
    return uow.practitioners.all()
