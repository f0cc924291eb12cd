"""The clinic's calendar pages: a day view for reception (book, reschedule, cancel with a
reason, arrived, attended, no-show), a week view per practitioner, and booking a plan's course
(propose, then confirm). Plain forms: everything works without JavaScript. Every change goes
through `services.schedule` / `services.course`, so a clash is the same 409 sentence as in
the API, shown above the calendar.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response
from starlette.datastructures import FormData

from acuback.clinical.scheduling import local_day_bounds
from acuback.errors import Conflict, InputError
from acuback.records import UnitOfWork, User
from acuback.services import Actor, people, schedule
from acuback.services import course as courses
from acuback.services.scheduling import WEEKDAY_KEYS, ClinicCalendar, clinic_calendar
from acuback.web.deps import UoW
from acuback.web.views.clinic_common import (
    FormFields,
    PageRoute,
    PathId,
    Staff,
    actor_of,
    field,
    redirect,
    whole_number,
)
from acuback.web.views.templating import render

__all__ = ["router"]

router = APIRouter(prefix="/clinic", route_class=PageRoute, include_in_schema=False)
MARKS = {"arrived": "Arrived", "attended": "Attended", "no_show": "No-show"}
DayText = Annotated[str, Query(max_length=10)]


def _day(text: str, cal: ClinicCalendar, name: str = "day") -> dt.date:
    if not text:
        return cal.today()
    try:
        day = dt.date.fromisoformat(text)
    except ValueError:
        raise InputError(name, f"{text!r} is not a date", "YYYY-MM-DD") from None
    schedule.day_bounds(day, name)  # 1900..2999
    return day


def _local(cal: ClinicCalendar, form: FormData, prefix: str = "") -> dt.datetime:
    """The instant of the form's local date and time fields."""
    day = _day(field(form, f"{prefix}date"), cal, f"{prefix}date")
    text = field(form, f"{prefix}time")
    try:
        at = dt.time.fromisoformat(text)
    except ValueError:
        raise InputError(f"{prefix}time", f"{text!r} is not a time", "HH:MM") from None
    return dt.datetime.combine(day, at, tzinfo=cal.zone).astimezone(dt.UTC)


def _day_context(
    uow: UnitOfWork, actor: Actor, cal: ClinicCalendar, day: dt.date
) -> dict[str, Any]:
    start, end = local_day_bounds(day, cal.zone)
    found = schedule.list_appointments(uow, actor, start, end)
    return {
        "day": day,
        "cal": cal,
        "zone": cal.zone,
        "appointments": found,
        "patients": people.get_patients(uow, actor, {a.patient_id for a in found}),
        "practitioners": {p.id: p for p in people.list_practitioners(uow, actor)},
        "rooms": uow.schedule.rooms(),
        "marks": MARKS,
        "prev": day - dt.timedelta(days=1),
        "next": day + dt.timedelta(days=1),
        "today": cal.today(),
    }


def _day_page(
    request: Request,
    uow: UnitOfWork,
    user: User,
    day: dt.date,
    *,
    error: str = "",
    status: int = 200,
    patient_id: int | None = None,
) -> Response:
    cal = clinic_calendar(uow)
    context = _day_context(uow, actor_of(user), cal, day) | {
        "error": error,
        "book_patient": patient_id,
    }
    return render(request, "clinic/schedule_day.html", context, user=user, status_code=status)


@router.get("/schedule")
def day_view(
    request: Request,
    uow: UoW,
    user: Staff,
    day: DayText = "",
    patient_id: Annotated[int | None, Query(ge=1, le=2_147_483_647)] = None,
) -> Response:
    return _day_page(request, uow, user, _day(day, clinic_calendar(uow)), patient_id=patient_id)


def _after_change(
    request: Request, uow: UnitOfWork, user: User, day: dt.date, change: Any
) -> Response:
    """Run `change`; back to the day on success, the day with the refusal on a clash (the
    refused change is rolled back: the page is shown, nothing of it commits)."""
    try:
        change()
    except Conflict as exc:
        uow.rollback()
        return _day_page(request, uow, user, day, error=str(exc), status=409)
    except InputError as exc:
        uow.rollback()
        return _day_page(request, uow, user, day, error=exc.message, status=422)
    return redirect(f"/clinic/schedule?day={day.isoformat()}")


@router.post("/schedule/book")
def book(request: Request, uow: UoW, user: Staff, form: FormFields) -> Response:
    cal = clinic_calendar(uow)
    day = _day(field(form, "date"), cal, "date")

    def change() -> None:
        start = _local(cal, form)
        minutes = whole_number(field(form, "minutes") or str(cal.visit_minutes), "minutes", 5, 240)
        room = field(form, "room_id")
        data = {
            "patient_id": whole_number(field(form, "patient_id"), "patient_id", 1),
            "practitioner_id": whole_number(field(form, "practitioner_id"), "practitioner_id", 1),
            "starts_at": start,
            "ends_at": start + dt.timedelta(minutes=minutes),
            "room_id": whole_number(room, "room_id", 1) if room else None,
        }
        schedule.book_appointment(uow, actor_of(user), data)

    return _after_change(request, uow, user, day, change)


def _change_appointment(
    request: Request,
    uow: UnitOfWork,
    user: User,
    appointment_id: int,
    form: FormData,
    changes: Callable[[ClinicCalendar], dict[str, Any]],
) -> Response:
    """Apply the form's `changes` to the appointment read at the form's version, then back to
    the form's day (with the refusal on a clash or a bad field)."""
    cal = clinic_calendar(uow)
    day = _day(field(form, "day"), cal)

    def change() -> None:
        wanted = changes(cal)
        version = whole_number(field(form, "version"), "version", 0)
        schedule.update_appointment(uow, actor_of(user), appointment_id, version, wanted)

    return _after_change(request, uow, user, day, change)


@router.post("/schedule/appointments/{appointment_id}/status")
def mark(
    request: Request, appointment_id: PathId, uow: UoW, user: Staff, form: FormFields
) -> Response:
    def changes(cal: ClinicCalendar) -> dict[str, Any]:
        status = field(form, "status")
        if status not in (*MARKS, "booked"):
            raise InputError("status", f"{status!r}", (*MARKS, "booked"))
        return {"status": status}

    return _change_appointment(request, uow, user, appointment_id, form, changes)


@router.post("/schedule/appointments/{appointment_id}/cancel")
def cancel(
    request: Request, appointment_id: PathId, uow: UoW, user: Staff, form: FormFields
) -> Response:
    def changes(cal: ClinicCalendar) -> dict[str, Any]:
        reason = field(form, "reason")
        if not reason:
            raise InputError("reason", "say why the visit is cancelled")
        return {"status": "cancelled", "cancel_reason": reason[:500]}

    return _change_appointment(request, uow, user, appointment_id, form, changes)


@router.post("/schedule/appointments/{appointment_id}/move")
def move(
    request: Request, appointment_id: PathId, uow: UoW, user: Staff, form: FormFields
) -> Response:
    def changes(cal: ClinicCalendar) -> dict[str, Any]:
        current = uow.appointments.get(appointment_id)
        start = _local(cal, form)
        return {
            "starts_at": start,
            "ends_at": start + (current.ends_at - current.starts_at),
            "patient_request": None,
        }

    return _change_appointment(request, uow, user, appointment_id, form, changes)


@router.get("/schedule/week")
def week_view(
    request: Request,
    uow: UoW,
    user: Staff,
    week: DayText = "",
    practitioner_id: Annotated[int | None, Query(ge=1, le=2_147_483_647)] = None,
) -> Response:
    actor, cal = actor_of(user), clinic_calendar(uow)
    practitioners = {p.id: p for p in people.list_practitioners(uow, actor)}
    chosen = practitioner_id or actor.practitioner_id or next(iter(practitioners), None)
    if chosen not in practitioners:
        raise InputError(
            "practitioner_id", f"{chosen} is not a practitioner", [str(p) for p in practitioners]
        )
    picked = _day(week, cal, "week")
    monday = picked - dt.timedelta(days=picked.weekday())
    days = [monday + dt.timedelta(days=i) for i in range(7)]
    start, end = local_day_bounds(days[0], cal.zone)[0], local_day_bounds(days[-1], cal.zone)[1]
    found = schedule.list_appointments(uow, actor, start, end, chosen)
    by_day: dict[dt.date, list[Any]] = {day: [] for day in days}
    for visit in found:
        by_day[visit.starts_at.astimezone(cal.zone).date()].append(visit)
    context = {
        "days": days,
        "by_day": by_day,
        "zone": cal.zone,
        "practitioner": practitioners[chosen],
        "practitioners": practitioners,
        "patients": people.get_patients(uow, actor, {a.patient_id for a in found}),
        "prev": monday - dt.timedelta(weeks=1),
        "next": monday + dt.timedelta(weeks=1),
    }
    return render(request, "clinic/schedule_week.html", context, user=user)


# -- a plan's course --------------------------------------------------------------------------


def _preferences(form: FormData, cal: ClinicCalendar) -> courses.CoursePreferences:
    weekdays = tuple(day for day in WEEKDAY_KEYS if field(form, f"wd_{day}"))
    if not weekdays:
        raise InputError("weekdays", "tick at least one weekday", WEEKDAY_KEYS)
    times = []
    for i, text in enumerate(t.strip() for t in field(form, "times").split(",") if t.strip()):
        try:
            times.append(dt.time.fromisoformat(text))
        except ValueError:
            raise InputError(f"times[{i}]", f"{text!r} is not a time", "HH:MM, HH:MM") from None
    if not times:
        raise InputError("times", "give at least one start time", "HH:MM, HH:MM")
    room = field(form, "room_id")
    return courses.CoursePreferences(
        whole_number(field(form, "practitioner_id"), "practitioner_id", 1),
        _day(field(form, "first_day"), cal, "first_day"),
        weekdays,
        tuple(times),
        whole_number(room, "room_id", 1) if room else None,
        None,
        field(form, "limit_reason")[:500] or None,
    )


def _course_page(
    request: Request,
    uow: UnitOfWork,
    user: User,
    plan_id: int,
    values: dict[str, str],
    *,
    proposal: courses.CourseBooking | None = None,
    error: str = "",
    status: int = 200,
) -> Response:
    actor = actor_of(user)
    context = {
        "plan_id": plan_id,
        "values": values,
        "proposal": proposal,
        "error": error,
        "weekdays": WEEKDAY_KEYS,
        "rooms": uow.schedule.rooms(),
        "practitioners": people.list_practitioners(uow, actor),
    }
    return render(request, "clinic/course.html", context, user=user, status_code=status)


@router.get("/plans/{plan_id}/course")
def course_form(request: Request, plan_id: PathId, uow: UoW, user: Staff) -> Response:
    cal = clinic_calendar(uow)
    values = {
        "practitioner_id": str(user.practitioner_id or ""),
        "times": "10:00, 14:00",
        "first_day": (cal.today() + dt.timedelta(days=1)).isoformat(),
        "wd_tue": "on",
        "wd_thu": "on",
        "room_id": "",
        "limit_reason": "",
    }
    return _course_page(request, uow, user, plan_id, values)


@router.post("/plans/{plan_id}/course")
def course_submit(
    request: Request, plan_id: PathId, uow: UoW, user: Staff, form: FormFields
) -> Response:
    cal = clinic_calendar(uow)
    values = {key: field(form, key) for key in form}
    book_it = field(form, "action") == "book"
    try:
        prefs = _preferences(form, cal)
        result = courses.book_course(uow, actor_of(user), plan_id, prefs, dry_run=not book_it)
    except Conflict as exc:
        uow.rollback()  # a refused booking commits nothing (no half-booked course)
        return _course_page(request, uow, user, plan_id, values, error=str(exc), status=409)
    except InputError as exc:
        uow.rollback()
        return _course_page(request, uow, user, plan_id, values, error=exc.message, status=422)
    if book_it:
        return redirect(f"/clinic/patients/{result.patient_id}")
    return _course_page(request, uow, user, plan_id, values, proposal=result)
