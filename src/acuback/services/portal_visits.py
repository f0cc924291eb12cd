"""What a patient may do with their own visits in the portal: cancel one within the clinic's
notice period, ask for a new time (the clinic rebooks it), and see the course's progress."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from acuback.errors import Conflict, InputError
from acuback.records import Appointment, UnitOfWork
from acuback.services.access import Actor, audit, authorized_record
from acuback.services.scheduling import clinic_calendar, local_text

__all__ = ["CourseProgress", "cancel_own_visit", "course_progress", "request_new_time"]


def _own_visit(uow: UnitOfWork, actor: Actor, appointment_id: int) -> Appointment:
    get = uow.appointments.get
    visit = authorized_record(uow, actor, "visit.self_service", "appointment", appointment_id, get)
    if visit.status != "booked":
        raise Conflict(f"this visit is {visit.status.replace('_', ' ')}: it cannot be changed")
    return visit


def cancel_own_visit(
    uow: UnitOfWork, actor: Actor, appointment_id: int, reason: str, now: dt.datetime | None = None
) -> Appointment:
    """Cancel the patient's own booked visit, if it starts after the notice period."""
    visit = _own_visit(uow, actor, appointment_id)
    cal = clinic_calendar(uow)
    now = now or dt.datetime.now(dt.UTC)
    if visit.starts_at - now < cal.cancel_notice:
        hours = int(cal.cancel_notice.total_seconds() // 3600)
        raise Conflict(
            f"visits can be cancelled online up to {hours} hours before they start; "
            "please call the clinic"
        )
    text = reason.strip() or "cancelled by the patient"
    if len(text) > 500:
        raise InputError("reason", "is longer than 500 characters")
    changed = visit.model_copy(update={"status": "cancelled", "cancel_reason": f"patient: {text}"})
    stored = uow.appointments.update(changed)
    audit(
        uow,
        actor,
        "appointment.cancel",
        "appointment",
        appointment_id,
        {"patient_id": visit.patient_id, "by": "patient"},
    )
    return stored


def request_new_time(uow: UnitOfWork, actor: Actor, appointment_id: int, wish: str) -> Appointment:
    """Record the patient's wish for another time on the visit, for reception to act on."""
    visit = _own_visit(uow, actor, appointment_id)
    text = wish.strip()
    if not text:
        raise InputError("wish", "say which days or times would suit you")
    if len(text) > 400:
        raise InputError("wish", "is longer than 400 characters")
    stored = uow.appointments.update(visit.model_copy(update={"patient_request": text}))
    audit(
        uow,
        actor,
        "appointment.request_new_time",
        "appointment",
        appointment_id,
        {"patient_id": visit.patient_id},
    )
    return stored


@dataclass(frozen=True)
class CourseProgress:
    plan_id: int
    attended: int
    to_come: int
    missed: int
    next_visit: str | None


def course_progress(
    uow: UnitOfWork, visits: Sequence[Appointment], now: dt.datetime | None = None
) -> CourseProgress | None:
    """The progress of the newest booked course among `visits` (None: no course booked)."""
    plans = [v.plan_id for v in visits if v.plan_id is not None]
    if not plans:
        return None
    plan_id = max(plans)
    now = now or dt.datetime.now(dt.UTC)
    course = [v for v in visits if v.plan_id == plan_id and v.status != "cancelled"]
    coming = sorted(
        (v for v in course if v.status == "booked" and v.ends_at > now), key=lambda v: v.starts_at
    )
    cal = clinic_calendar(uow)
    following = local_text(cal, coming[0].starts_at, coming[0].ends_at) if coming else None
    return CourseProgress(
        plan_id,
        sum(v.status == "attended" for v in course),
        len(coming),
        sum(v.status == "no_show" for v in course),
        following,
    )
