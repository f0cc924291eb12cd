"""Request and response bodies for intakes, plans, appointments, outcomes and trajectories."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal

from pydantic import AwareDatetime, Field

from acuback.clinical.instruments import INSTRUMENT_IDS
from acuback.clinical.intake import Intake as IntakeForm
from acuback.clinical.plan_model import Plan as PlanResult
from acuback.clinical.screening import ScreeningResult
from acuback.clinical.sides import PointSide
from acuback.records.bounds import BoundedDate, BoundedInstant
from acuback.records.vocabulary import Angle, AppointmentStatus
from acuback.web.api.schemas.common import Id, In, Out, Text, Version, bounded

__all__ = [
    "AppointmentIn",
    "AppointmentOut",
    "AppointmentPatch",
    "IntakeIn",
    "IntakeOut",
    "OutcomeIn",
    "OutcomeOut",
    "PlanAcceptIn",
    "PlanOut",
    "PlanPointEdit",
    "TrajectoryOut",
]


class IntakeIn(In):
    patient_id: Id
    intake: dict[str, Any] = Field(description="an Intake v1 object (SPEC section 3)")


class IntakeOut(Out):
    id: int
    version: int
    patient_id: int
    practitioner_id: int | None
    submitted_at: AwareDatetime | None
    disposition: str
    payload: IntakeForm = Field(description="the Intake v1 as validated (SPEC section 3)")
    screening: ScreeningResult


class PlanOut(Out):
    id: int
    version: int
    patient_id: int
    intake_id: int
    status: str
    created_at: AwareDatetime | None
    accepted_by: int | None
    accepted_at: AwareDatetime | None
    payload: PlanResult = Field(description="the plan result (SPEC section 3)")


class PlanPointEdit(In):
    code: Text
    side: PointSide | None = None
    depth_mm: tuple[float, float] | None = None
    angle: Angle | None = None
    role: Literal["local", "distal", "adjacent"] | None = None


class PlanAcceptIn(In):
    version: Version
    points: list[PlanPointEdit] | None = Field(
        default=None, description="the edited point list (re-checked against the screening)"
    )
    methods: list[Text] | None = None


class AppointmentIn(In):
    patient_id: Id
    practitioner_id: Id
    starts_at: BoundedInstant
    ends_at: BoundedInstant
    kind: Annotated[Text, bounded(50, min_length=1)] = "treatment"
    status: AppointmentStatus = "booked"
    room_id: Id | None = None
    limit_reason: Text | None = Field(default=None, max_length=500)


class AppointmentPatch(In):
    version: Version
    practitioner_id: Id | None = None
    starts_at: BoundedInstant | None = None
    ends_at: BoundedInstant | None = None
    kind: Annotated[Text, bounded(50, min_length=1)] | None = None
    status: AppointmentStatus | None = None
    room_id: Id | None = None
    cancel_reason: Text | None = Field(default=None, max_length=500)


class AppointmentOut(Out):
    id: int
    version: int
    patient_id: int
    practitioner_id: int
    starts_at: AwareDatetime
    ends_at: AwareDatetime
    status: str
    kind: str
    room_id: int | None = None
    plan_id: int | None = None
    cancel_reason: str | None = None
    limit_reason: str | None = None


class OutcomeIn(In):
    instrument: Annotated[str, Field(json_schema_extra={"enum": list(INSTRUMENT_IDS)})]
    responses: Any = Field(description="the answers, as the instrument expects them")
    measured_on: BoundedDate | None = None
    session_id: Id | None = None


class OutcomeOut(Out):
    id: int
    version: int
    patient_id: int
    session_id: int | None
    instrument: str
    measured_on: dt.date
    responses: Any
    score: float | None
    subscores: dict[str, float]


class TrajectoryOut(Out):
    patient_id: int
    reassess_after_sessions: int
    sessions_completed: int
    basis: str
    plan_id: int | None = None
    trajectories: list[dict[str, Any]]
    waiting: list[str]
