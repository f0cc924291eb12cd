"""Patients and what hangs off a patient: intakes, plans, sessions, outcomes, appointments."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from fastapi import APIRouter, Query, status

from acuback.records.summaries import encode_id_cursor
from acuback.services import (
    charting,
    intakes,
    outcomes,
    people,
    plans,
    schedule,
)
from acuback.web.api.charting import chart_json
from acuback.web.api.schemas.care import (
    AppointmentOut,
    IntakeOut,
    OutcomeIn,
    OutcomeOut,
    TrajectoryOut,
)
from acuback.web.api.schemas.common import PathId
from acuback.web.api.schemas.people import PatientIn, PatientOut, PatientPage, PatientPatch
from acuback.web.api.schemas.plans import PlanPage, PlanSummaryOut
from acuback.web.deps import CurrentActor, UoW

__all__ = ["router"]

router = APIRouter(prefix="/patients", tags=["patients"])


@router.get("", response_model=PatientPage)
def list_or_search(
    uow: UoW,
    actor: CurrentActor,
    q: Annotated[
        str | None,
        Query(
            max_length=200,
            description="text to search for (not only spaces)",
            json_schema_extra={"pattern": "[^\\s\\u0000]"},  # checked by search_patients
        ),
    ] = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    offset: Annotated[int, Query(ge=0, le=10_000_000)] = 0,
    cursor: Annotated[str | None, Query(max_length=200, pattern=r"^[A-Za-z0-9_-]+$")] = None,
) -> PatientPage:
    """A page of patients by name, or those matching `q` (name, public id, phone, e-mail).
    Page on with `cursor` (the previous page's `next_cursor`: read by key, however deep);
    `offset` still skips that many, reading what it skips."""
    if q is not None:
        found = people.search_patients(uow, actor, q.replace("\x00", ""), limit)
        return PatientPage(total=len(found), items=[PatientOut.model_validate(p) for p in found])
    page, total = people.list_patients(uow, actor, limit, offset, cursor)
    following = encode_id_cursor(page[-1].id or 0) if len(page) == limit else None
    items = [PatientOut.model_validate(p) for p in page]
    return PatientPage(total=total, items=items, next_cursor=following)


@router.post("", response_model=PatientOut, status_code=status.HTTP_201_CREATED)
def create(body: PatientIn, uow: UoW, actor: CurrentActor) -> PatientOut:
    patient = people.create_patient(uow, actor, body.model_dump(exclude_none=True))
    return PatientOut.model_validate(patient)


@router.get("/{patient_id}", response_model=PatientOut)
def get(patient_id: PathId, uow: UoW, actor: CurrentActor) -> PatientOut:
    return PatientOut.model_validate(people.get_patient(uow, actor, patient_id))


@router.patch("/{patient_id}", response_model=PatientOut)
def update(patient_id: PathId, body: PatientPatch, uow: UoW, actor: CurrentActor) -> PatientOut:
    """Change some details; send the `version` you read (a changed record gives 409)."""
    changes = body.model_dump(exclude_unset=True, exclude={"version"})
    patient = people.update_patient(uow, actor, patient_id, body.version, changes)
    return PatientOut.model_validate(patient)


@router.get("/{patient_id}/intakes", response_model=list[IntakeOut])
def patient_intakes(patient_id: PathId, uow: UoW, actor: CurrentActor) -> list[IntakeOut]:
    return [IntakeOut.model_validate(i) for i in intakes.list_intakes(uow, actor, patient_id)]


@router.get("/{patient_id}/plans", response_model=PlanPage)
def patient_plans(
    patient_id: PathId,
    uow: UoW,
    actor: CurrentActor,
    limit: Annotated[int, Query(ge=1, le=plans.PLAN_PAGE_MAX)] = 20,
    cursor: Annotated[str | None, Query(max_length=200, pattern=r"^[A-Za-z0-9_-]+$")] = None,
) -> PlanPage:
    """A page of the patient's plans as summaries, oldest first; the next page starts after
    `cursor` (the previous page's `next_cursor`). The full plan is `GET /plans/{id}`."""
    page, following = plans.plan_summaries(uow, actor, patient_id, limit, cursor)
    items = [PlanSummaryOut.model_validate(summary._asdict()) for summary in page]
    return PlanPage(items=items, next_cursor=following)


@router.get("/{patient_id}/sessions")
def patient_sessions(patient_id: PathId, uow: UoW, actor: CurrentActor) -> list[dict[str, Any]]:
    """The patient's charts as they stand (amendments applied), oldest first."""
    charts = charting.list_sessions(uow, actor, patient_id)
    return [chart_json(chart) for chart in charts]


@router.get("/{patient_id}/sessions/prefill")
def session_prefill(
    patient_id: PathId,
    uow: UoW,
    actor: CurrentActor,
    on: dt.date | None = None,
) -> dict[str, Any]:
    """A draft chart pre-filled from the last session, else from the accepted plan."""
    return charting.prefill_session(uow, actor, patient_id, on)


@router.get("/{patient_id}/appointments", response_model=list[AppointmentOut])
def patient_appointments(patient_id: PathId, uow: UoW, actor: CurrentActor) -> list[AppointmentOut]:
    found = schedule.list_patient_appointments(uow, actor, patient_id)
    return [AppointmentOut.model_validate(a) for a in found]


@router.get("/{patient_id}/outcomes", response_model=list[OutcomeOut])
def patient_outcomes(
    patient_id: PathId,
    uow: UoW,
    actor: CurrentActor,
    instrument: Annotated[str | None, Query(max_length=30)] = None,
) -> list[OutcomeOut]:
    found = outcomes.list_outcomes(uow, actor, patient_id, instrument)
    return [OutcomeOut.model_validate(o) for o in found]


@router.post(
    "/{patient_id}/outcomes", response_model=OutcomeOut, status_code=status.HTTP_201_CREATED
)
def record_outcome(
    patient_id: PathId, body: OutcomeIn, uow: UoW, actor: CurrentActor
) -> OutcomeOut:
    """Record a questionnaire; it is scored with its instrument and stored with the score."""
    stored = outcomes.record_outcome(
        uow,
        actor,
        patient_id,
        body.instrument,
        body.responses,
        body.measured_on,
        body.session_id,
    )
    return OutcomeOut.model_validate(stored)


@router.get("/{patient_id}/trajectory", response_model=TrajectoryOut)
def trajectory(patient_id: PathId, uow: UoW, actor: CurrentActor) -> TrajectoryOut:
    """Per instrument: baseline, latest, responder verdict at the reassessment point."""
    report = outcomes.patient_trajectory(uow, actor, patient_id)
    return TrajectoryOut(
        patient_id=report.patient_id,
        reassess_after_sessions=report.reassess_after_sessions,
        sessions_completed=report.sessions_completed,
        basis=report.basis,
        plan_id=report.plan_id,
        trajectories=[t.model_dump(mode="json") for t in report.trajectories],
        waiting=list(report.waiting),
    )
