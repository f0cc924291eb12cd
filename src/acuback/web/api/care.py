"""Intakes (with screening), plans (generate, accept) and appointments."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Response, status

from acuback.clinical.screening import ScreeningResult
from acuback.records.bounds import BoundedInstant
from acuback.services import intakes, plans, schedule
from acuback.web.api.schemas.care import (
    AppointmentIn,
    AppointmentOut,
    AppointmentPatch,
    IntakeIn,
    IntakeOut,
    PlanAcceptIn,
    PlanOut,
)
from acuback.web.api.schemas.common import MAX_ID, PathId
from acuback.web.deps import ClinicPolicy, CurrentActor, Knowledge, UoW

__all__ = ["router"]

router = APIRouter()


@router.post(
    "/intakes", response_model=IntakeOut, status_code=status.HTTP_201_CREATED, tags=["intakes"]
)
def submit_intake(
    body: IntakeIn, uow: UoW, actor: CurrentActor, kb: Knowledge, policy: ClinicPolicy
) -> IntakeOut:
    """Submit an Intake v1; it is validated, screened, and both are stored as given."""
    stored = intakes.submit_intake(uow, actor, body.patient_id, body.intake, kb, policy=policy)
    return IntakeOut.model_validate(stored)


@router.get("/intakes/{intake_id}", response_model=IntakeOut, tags=["intakes"])
def get_intake(intake_id: PathId, uow: UoW, actor: CurrentActor) -> IntakeOut:
    return IntakeOut.model_validate(intakes.get_intake(uow, actor, intake_id))


@router.get("/intakes/{intake_id}/screening", tags=["intakes"])
def get_screening(intake_id: PathId, uow: UoW, actor: CurrentActor) -> ScreeningResult:
    """The screening result stored with the intake (disposition, reasons, constraints)."""
    return intakes.get_intake(uow, actor, intake_id).screening


@router.post(
    "/intakes/{intake_id}/plans",
    response_model=PlanOut,
    status_code=status.HTTP_201_CREATED,
    tags=["plans"],
)
def generate_plan(
    intake_id: PathId, uow: UoW, actor: CurrentActor, kb: Knowledge, policy: ClinicPolicy
) -> Response:
    """Generate a plan from the stored intake and its screening (status `proposed`)."""
    stored = plans.generate_plan(uow, actor, intake_id, kb, policy=policy)
    # Serialised once, here: the plan is already a validated model, so the response model's
    # second validation and encoding (FastAPI's, for a returned object) would only repeat it.
    body = PlanOut.model_validate(stored).model_dump_json()
    return Response(body, status.HTTP_201_CREATED, media_type="application/json")


@router.get("/plans/{plan_id}", response_model=PlanOut, tags=["plans"])
def get_plan(plan_id: PathId, uow: UoW, actor: CurrentActor) -> PlanOut:
    return PlanOut.model_validate(plans.get_plan(uow, actor, plan_id))


@router.post("/plans/{plan_id}/accept", response_model=PlanOut, tags=["plans"])
def accept_plan(
    plan_id: PathId, body: PlanAcceptIn, uow: UoW, actor: CurrentActor, kb: Knowledge
) -> PlanOut:
    """Accept a proposed plan, optionally with edited points and methods (re-checked)."""
    points = None if body.points is None else [p.model_dump(exclude_none=True) for p in body.points]
    accepted = plans.accept_plan(uow, actor, plan_id, body.version, points, body.methods, kb)
    return PlanOut.model_validate(accepted)


@router.get("/appointments", response_model=list[AppointmentOut], tags=["appointments"])
def list_appointments(
    uow: UoW,
    actor: CurrentActor,
    start: BoundedInstant,
    end: BoundedInstant,
    practitioner_id: Annotated[int | None, Query(ge=1, le=MAX_ID)] = None,
) -> list[AppointmentOut]:
    """Appointments starting in [start, end) (timezone-aware ISO 8601)."""
    found = schedule.list_appointments(uow, actor, start, end, practitioner_id)
    return [AppointmentOut.model_validate(a) for a in found]


@router.post(
    "/appointments",
    response_model=AppointmentOut,
    status_code=status.HTTP_201_CREATED,
    tags=["appointments"],
)
def book(body: AppointmentIn, uow: UoW, actor: CurrentActor) -> AppointmentOut:
    return AppointmentOut.model_validate(schedule.book_appointment(uow, actor, body.model_dump()))


@router.patch(
    "/appointments/{appointment_id}", response_model=AppointmentOut, tags=["appointments"]
)
def update_appointment(
    appointment_id: PathId, body: AppointmentPatch, uow: UoW, actor: CurrentActor
) -> AppointmentOut:
    """Move, cancel or mark an appointment; send the `version` you read."""
    changes = body.model_dump(exclude_unset=True, exclude={"version"})
    updated = schedule.update_appointment(uow, actor, appointment_id, body.version, changes)
    return AppointmentOut.model_validate(updated)
