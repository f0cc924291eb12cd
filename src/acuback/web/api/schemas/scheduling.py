"""Request and response bodies for booking a course and for the clinic calendar."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import AwareDatetime, Field

from acuback.records.bounds import BoundedDate
from acuback.web.api.schemas.care import AppointmentOut
from acuback.web.api.schemas.common import Id, In, Out, Text

__all__ = ["CourseIn", "CourseOut", "ProposedVisitOut"]

Weekday = Literal["mon", "tue", "wed", "thu", "fri", "sat", "sun"]


class CourseIn(In):
    """The patient's preferences; times are clinic local wall times."""

    practitioner_id: Id
    first_day: BoundedDate = Field(description="the first day (clinic local) a visit may fall on")
    weekdays: list[Weekday] = Field(min_length=1, max_length=7)
    times: list[dt.time] = Field(min_length=1, max_length=12, description="local, HH:MM")
    room_id: Id | None = None
    minutes: int | None = Field(default=None, ge=5, le=240)
    limit_reason: Text | None = Field(
        default=None, max_length=500, description="why visits beyond a payer limit are booked"
    )


class ProposedVisitOut(Out):
    number: int
    starts_at: AwareDatetime
    ends_at: AwareDatetime
    local: str = Field(description="the visit in clinic local time")
    reassessment: bool
    covered: bool | None = Field(description="the payer's verdict (null: no payer rule)")
    coverage: str | None = None


class CourseOut(Out):
    plan_id: int
    patient_id: int
    dry_run: bool
    timezone: str
    payer_rule: str | None
    improving: bool | None
    payer_limit_policy: str
    visits: list[ProposedVisitOut]
    skipped: list[str]
    short_by: int
    refused: list[str]
    booked: list[AppointmentOut]
