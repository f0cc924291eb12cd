"""Booking a course from a plan, the iCalendar feeds of patients and practitioners, and the
clinic calendar's settings (time zone, opening and working hours, time off, rooms)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request, Response, status
from fastapi import Path as PathParam
from pydantic import BaseModel, ConfigDict, Field

from acuback.clinical.scheduling import ProposedVisit
from acuback.records.bounds import BoundedInstant
from acuback.services import calendars, clinic_settings, scheduling
from acuback.services import course as courses
from acuback.web.api.schemas.care import AppointmentOut
from acuback.web.api.schemas.common import PathId, Text
from acuback.web.api.schemas.scheduling import CourseIn, CourseOut, ProposedVisitOut
from acuback.web.deps import CurrentActor, UoW

__all__ = ["router"]

router = APIRouter()


def _visit_out(result: courses.CourseBooking, v: ProposedVisit) -> ProposedVisitOut:
    cover = v.coverage
    return ProposedVisitOut(
        number=v.number,
        starts_at=v.starts_at,
        ends_at=v.ends_at,
        local=result.when(v),
        reassessment=v.reassessment,
        covered=None if cover is None else cover.covered,
        coverage=None if cover is None else cover.reason,
    )


def course_out(result: courses.CourseBooking, dry_run: bool) -> CourseOut:
    visits = [_visit_out(result, v) for v in result.proposal.visits]
    assert result.calendar is not None
    return CourseOut(
        plan_id=result.plan_id,
        patient_id=result.patient_id,
        dry_run=dry_run,
        timezone=str(result.calendar.zone),
        payer_rule=result.payer_rule,
        improving=result.improving,
        payer_limit_policy=result.policy,
        visits=visits,
        skipped=list(result.proposal.skipped),
        short_by=result.proposal.short_by,
        refused=list(result.refused),
        booked=[AppointmentOut.model_validate(a) for a in result.booked],
    )


@router.post(
    "/plans/{plan_id}/course",
    response_model=CourseOut,
    status_code=status.HTTP_201_CREATED,
    tags=["appointments"],
)
def book_course(
    plan_id: PathId,
    body: CourseIn,
    uow: UoW,
    actor: CurrentActor,
    response: Response,
    dry_run: Annotated[bool, Query(description="only propose; book nothing")] = False,
) -> CourseOut:
    """Propose (`dry_run=true`, 200) or book (201) the course of an accepted plan: all visits
    or none; a clash or a payer limit the clinic enforces is a 409 naming it."""
    prefs = courses.CoursePreferences(
        body.practitioner_id,
        body.first_day,
        tuple(body.weekdays),
        tuple(body.times),
        body.room_id,
        body.minutes,
        body.limit_reason,
    )
    result = courses.book_course(uow, actor, plan_id, prefs, dry_run=dry_run)
    if dry_run:
        response.status_code = status.HTTP_200_OK
    return course_out(result, dry_run)


# -- iCalendar ---------------------------------------------------------------------------------

CALENDAR = "text/calendar; charset=utf-8"


def _ics(body: bytes, filename: str) -> Response:
    disposition = f'attachment; filename="{filename}"'
    return Response(body, media_type=CALENDAR, headers={"Content-Disposition": disposition})


@router.get(
    "/patients/{patient_id}/appointments.ics",
    response_class=Response,
    responses={200: {"content": {"text/calendar": {}}}},
    tags=["appointments"],
)
def patient_ics(patient_id: PathId, uow: UoW, actor: CurrentActor) -> Response:
    """The patient's visits as iCalendar (the portal's "add to my calendar" file)."""
    return _ics(calendars.patient_calendar(uow, actor, patient_id), "acupuncture-visits.ics")


@router.get(
    "/practitioners/{practitioner_id}/calendar.ics",
    response_class=Response,
    responses={200: {"content": {"text/calendar": {}}}},
    tags=["appointments"],
)
def practitioner_ics(practitioner_id: PathId, uow: UoW, actor: CurrentActor) -> Response:
    body = calendars.practitioner_calendar(uow, actor, practitioner_id)
    return _ics(body, f"practitioner-{practitioner_id}.ics")


class FeedOut(BaseModel):
    url: str = Field(description="the private address; shown once, revoke it if it leaks")


@router.post(
    "/practitioners/{practitioner_id}/calendar-feed",
    response_model=FeedOut,
    status_code=status.HTTP_201_CREATED,
    tags=["appointments"],
)
def create_feed(
    practitioner_id: PathId, request: Request, uow: UoW, actor: CurrentActor
) -> FeedOut:
    """A new private feed address (any earlier one stops working)."""
    token = calendars.create_feed(uow, actor, practitioner_id)
    return FeedOut(url=str(request.url_for("calendar_feed", token=token)))


@router.delete(
    "/practitioners/{practitioner_id}/calendar-feed",
    status_code=status.HTTP_204_NO_CONTENT,
    tags=["appointments"],
)
def revoke_feed(practitioner_id: PathId, uow: UoW, actor: CurrentActor) -> None:
    calendars.revoke_feed(uow, actor, practitioner_id)


@router.get(
    "/calendar-feeds/{token}.ics",
    response_class=Response,
    responses={200: {"content": {"text/calendar": {}}}},
    name="calendar_feed",
    tags=["appointments"],
)
def calendar_feed(token: Annotated[str, PathParam(max_length=100)], uow: UoW) -> Response:
    """A practitioner's calendar behind a private address (no login: the address is the key)."""
    return _ics(calendars.feed_calendar(uow, token), "acuback.ics")


# -- the clinic calendar's settings (administrators) --------------------------------------------


class SettingIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    value: Text | None = Field(default=None, max_length=200, description="null: the default")


class HoursIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    hours: dict[str, list[Text]] = Field(description='{"mon": ["08:00-12:00", "13:00-18:00"]}')


class TimeOffIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    starts_at: BoundedInstant
    ends_at: BoundedInstant
    reason: Text = Field(min_length=1, max_length=200)


class RoomIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: Text = Field(min_length=1, max_length=100)


class CreatedOut(BaseModel):
    id: int


@router.put("/clinic/settings/{key}", status_code=status.HTTP_204_NO_CONTENT, tags=["clinic"])
def put_setting(
    key: Annotated[str, PathParam(max_length=50)], body: SettingIn, uow: UoW, actor: CurrentActor
) -> None:
    """timezone (IANA name; overrides ACUBACK_TIMEZONE), cancel_notice_hours, payer_limit_policy."""
    clinic_settings.set_clinic_setting(uow, actor, key, body.value)


@router.put("/clinic/hours", status_code=status.HTTP_204_NO_CONTENT, tags=["clinic"])
def put_opening_hours(body: HoursIn, uow: UoW, actor: CurrentActor) -> None:
    """Replace the clinic's weekly opening hours (local time)."""
    scheduling.set_working_hours(uow, actor, None, body.hours)


@router.put(
    "/practitioners/{practitioner_id}/hours",
    status_code=status.HTTP_204_NO_CONTENT,
    tags=["clinic"],
)
def put_working_hours(
    practitioner_id: PathId, body: HoursIn, uow: UoW, actor: CurrentActor
) -> None:
    """Replace a practitioner's weekly working hours (local time)."""
    scheduling.set_working_hours(uow, actor, practitioner_id, body.hours)


@router.post(
    "/practitioners/{practitioner_id}/time-off",
    response_model=CreatedOut,
    status_code=status.HTTP_201_CREATED,
    tags=["clinic"],
)
def post_time_off(
    practitioner_id: PathId, body: TimeOffIn, uow: UoW, actor: CurrentActor
) -> CreatedOut:
    new_id = scheduling.add_time_off(
        uow, actor, practitioner_id, body.starts_at, body.ends_at, body.reason
    )
    return CreatedOut(id=new_id)


@router.post(
    "/rooms", response_model=CreatedOut, status_code=status.HTTP_201_CREATED, tags=["clinic"]
)
def post_room(body: RoomIn, uow: UoW, actor: CurrentActor) -> CreatedOut:
    return CreatedOut(id=scheduling.add_room(uow, actor, body.name))
