"""A patient's record as a FHIR R4 `collection` Bundle (validated by the fhir.resources R4B
models, resource by resource and as a whole).

Entries come in a fixed order (Patient, Practitioners and roles, Conditions,
MedicationStatements, Appointments, CarePlans, then per signed session its Encounter,
Procedure and Provenance, Observations and QuestionnaireResponses, AdverseEvents) with ids
derived from our record ids (or, for conditions and medicines, from what they name), so one
record always exports to the same Bundle. Only signed sessions leave (drafts are not yet
clinical records), with their amendments applied. Conditions are the intakes' diagnoses, then
the imported ones no intake has taken in yet, as they came; MedicationStatements are the
newest intake's medicines (taken as of that intake), then the imported ones no intake has
taken in, as they came.
"""

from __future__ import annotations

from typing import Any

from acuback.interop.fhir.care import (
    appointment_resource,
    care_plan_resource,
    condition_resource,
    intake_diagnoses,
    observation_resources,
)
from acuback.interop.fhir.charting import adverse_event_resource, procedure_id, session_resources
from acuback.interop.fhir.codes import Urls
from acuback.interop.fhir.history import (
    imported_condition,
    intake_medications,
    medication_resource,
)
from acuback.interop.fhir.people import patient_id, patient_resource, practitioner_resources
from acuback.interop.fhir.resources import checked
from acuback.records import ImportedItem, Intake, TreatmentSession, UnitOfWork

__all__ = ["patient_bundle"]


def _conditions(urls: Urls, patient: str, intakes: list[Intake]) -> list[dict[str, Any]]:
    """One Condition per diagnosis code, recorded at the first intake that names it."""
    seen: dict[str, dict[str, Any]] = {}
    for intake in intakes:
        for code in intake_diagnoses(intake):
            if code not in seen:
                seen[code] = condition_resource(urls, patient, code, intake)
    return list(seen.values())


def _history(
    urls: Urls, patient: str, intakes: list[Intake], imported: list[ImportedItem]
) -> list[dict[str, Any]]:
    """The Conditions, then the MedicationStatements (see the module docstring)."""
    found = _conditions(urls, patient, intakes)
    pending = [item for item in imported if item.intake_id is None]
    taken = {c["id"] for c in found}
    for item in (i for i in pending if i.kind == "condition"):
        found.append(imported_condition(patient, item, taken))
        taken.add(found[-1]["id"])
    newest = intakes[-1] if intakes else None
    asserted = newest.submitted_at.isoformat() if newest and newest.submitted_at else None
    medicines = [(concept, status, asserted) for concept, status in intake_medications(newest)]
    medicines += [(i.concept, i.status, i.recorded) for i in pending if i.kind == "medication"]
    for concept, status, when in medicines:
        resource = medication_resource(patient, concept, status, when)
        if resource["id"] not in taken:
            taken.add(resource["id"])
            found.append(resource)
    return found


def _signer(uow: UnitOfWork, session: TreatmentSession) -> int:
    """The practitioner who signed: the signing user's practitioner, else the charting one."""
    if session.signed_by is not None:
        user = uow.users.get(session.signed_by)
        if user.practitioner_id is not None:
            return user.practitioner_id
    return session.practitioner_id


def patient_bundle(uow: UnitOfWork, patient_record_id: int, urls: Urls) -> dict[str, Any]:
    """The Bundle of one patient (see the module docstring); NotFound for an unknown id."""
    patient = uow.patients.get(patient_record_id)
    pid = patient_id(patient)
    intakes = uow.intakes.for_patient(patient_record_id)
    sessions = [
        s for s in uow.sessions.effective_for_patient(patient_record_id) if s.status == "signed"
    ]
    appointments = uow.appointments.for_patient(patient_record_id)
    condition_ids = [c["id"] for c in _conditions(urls, pid, intakes)]
    signers = {s.id: _signer(uow, s) for s in sessions}
    practitioner_ids = sorted(
        {s.practitioner_id for s in sessions}
        | set(signers.values())
        | {a.practitioner_id for a in appointments}
        | {i.practitioner_id for i in intakes if i.practitioner_id is not None}
    )
    resources: list[dict[str, Any]] = [patient_resource(urls, patient)]
    for practitioner in practitioner_ids:
        resources += practitioner_resources(urls, uow.practitioners.get(practitioner))
    resources += _history(urls, pid, intakes, uow.imported.for_patient(patient_record_id))
    resources += [appointment_resource(pid, a) for a in appointments]
    for plan in uow.plans.for_patient(patient_record_id):
        done = [procedure_id(s) for s in sessions if s.plan_id == plan.id]
        resources.append(care_plan_resource(urls, pid, plan, condition_ids, done))
    for session in sessions:
        resources += session_resources(urls, pid, session, condition_ids, signers[session.id])
    for item in uow.outcomes.for_patient(patient_record_id):
        resources += observation_resources(urls, pid, item)
    signed = {s.id for s in sessions}
    for event in uow.adverse_events.for_patient(patient_record_id):
        if event.session_id in signed:
            resources.append(adverse_event_resource(urls, pid, event))
    entries = [
        {"fullUrl": urls.full_url(r["resourceType"], r["id"]), "resource": checked(r)}
        for r in resources
    ]
    bundle = {"resourceType": "Bundle", "id": f"patient-{pid}", "type": "collection"}
    return checked({**bundle, "entry": entries})
