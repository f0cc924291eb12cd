"""A patient's record as a FHIR R4 `collection` Bundle (validated by the fhir.resources R4B
models, resource by resource and as a whole).

Entries come in a fixed order (Patient, Practitioners and roles, Conditions, Appointments,
CarePlans, then per signed session its Encounter, Procedure and Provenance, Observations and
QuestionnaireResponses, AdverseEvents) with ids derived from our record ids, so one record
always exports to the same Bundle. Only signed sessions leave (drafts are not yet clinical
records), with their amendments applied.
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
from acuback.interop.fhir.people import patient_id, patient_resource, practitioner_resources
from acuback.interop.fhir.resources import checked
from acuback.records import Intake, TreatmentSession, UnitOfWork

__all__ = ["patient_bundle"]


def _conditions(urls: Urls, patient: str, intakes: list[Intake]) -> list[dict[str, Any]]:
    """One Condition per diagnosis code, recorded at the first intake that names it."""
    seen: dict[str, dict[str, Any]] = {}
    for intake in intakes:
        for code in intake_diagnoses(intake):
            if code not in seen:
                seen[code] = condition_resource(urls, patient, code, intake)
    return list(seen.values())


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
    conditions = _conditions(urls, pid, intakes)
    condition_ids = [c["id"] for c in conditions]
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
    resources += conditions
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
