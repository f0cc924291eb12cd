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
from acuback.records.repositories.base import R, Repository
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

# Per kind of record, the fields the clinic system sets (never given by the caller).
_FIXED = {
    "patient": ("id", "version", "public_id", "created_at"),
    "practitioner": ("id", "version"),
}


def _fields(data: Mapping[str, Any], fixed: tuple[str, ...]) -> dict[str, Any]:
    for name in fixed:
        if name in data:
            raise InputError(name, "is set by the clinic system and cannot be given")
    return dict(data)


def _created(
    uow: UnitOfWork,
    actor: Actor,
    kind: str,
    repository: Repository[R, Any],
    data: Mapping[str, Any],
) -> R:
    """A new record of `data` (authorized first: a refused caller's input is not read)."""
    authorize(uow, actor, f"{kind}.write", entity=kind)
    stored = repository.add(validated(repository.record_type, _fields(data, _FIXED[kind])))
    audit(uow, actor, f"{kind}.create", kind, stored.id)
    return stored


def _updated(
    uow: UnitOfWork,
    actor: Actor,
    kind: str,
    repository: Repository[R, Any],
    record_id: int,
    version: int,
    changes: Mapping[str, Any],
) -> R:
    """The stored record with `changes` over it, carrying the `version` the caller read."""
    authorize(uow, actor, f"{kind}.write", entity=kind, entity_id=record_id)
    current = repository.get(record_id)
    merged = {**current.model_dump(), **_fields(changes, _FIXED[kind]), "version": version}
    stored = repository.update(validated(repository.record_type, merged))
    audit(uow, actor, f"{kind}.update", kind, record_id, {"fields": sorted(changes)})
    return stored


def create_patient(uow: UnitOfWork, actor: Actor, data: Mapping[str, Any]) -> Patient:
    """Register a patient; a random public id is assigned."""
    return _created(uow, actor, "patient", uow.patients, data)


def update_patient(
    uow: UnitOfWork, actor: Actor, patient_id: int, version: int, changes: Mapping[str, Any]
) -> Patient:
    """Change a patient's details, if nobody changed them since `version` was read."""
    return _updated(uow, actor, "patient", uow.patients, patient_id, version, changes)


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
    return _created(uow, actor, "practitioner", uow.practitioners, data)


def update_practitioner(
    uow: UnitOfWork, actor: Actor, practitioner_id: int, version: int, changes: Mapping[str, Any]
) -> Practitioner:
    return _updated(
        uow, actor, "practitioner", uow.practitioners, practitioner_id, version, changes
    )


def get_practitioner(uow: UnitOfWork, actor: Actor, practitioner_id: int) -> Practitioner:
    authorize(uow, actor, "practitioner.read", entity="practitioner", entity_id=practitioner_id)
    return uow.practitioners.get(practitioner_id)


def list_practitioners(uow: UnitOfWork, actor: Actor) -> list[Practitioner]:
    authorize(uow, actor, "practitioner.read", entity="practitioner")
    return uow.practitioners.all()
