"""Use cases for appointments: book, change (move, cancel, mark attended) and list."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from acuback.errors import InputError
from acuback.records import Appointment, UnitOfWork
from acuback.records.models import validated
from acuback.services.access import Actor, audit, authorize, list_for_patient
from acuback.services.scheduling import check_and_lock, clinic_calendar

__all__ = [
    "book_appointment",
    "day_bounds",
    "list_appointments",
    "list_patient_appointments",
    "split_visits",
    "update_appointment",
]


EARLIEST_DAY, LATEST_DAY = date(1900, 1, 1), date(2999, 12, 31)


def day_bounds(day: date, field: str = "day") -> tuple[datetime, datetime]:
    """The UTC instants of the UTC calendar `day`, after checking it lies in 1900..2999. The
    calendar pages and the dashboard use the clinic's local day instead
    (`acuback.clinical.scheduling.local_day_bounds`)."""
    if not EARLIEST_DAY <= day <= LATEST_DAY:
        raise InputError(field, f"{day.isoformat()} is out of range", "1900-01-01 to 2999-12-31")
    start = datetime.combine(day, time(0), tzinfo=UTC)
    return start, start + timedelta(days=1)


def book_appointment(uow: UnitOfWork, actor: Actor, data: Mapping[str, Any]) -> Appointment:
    authorize(uow, actor, "schedule.write", entity="appointment")
    for name in ("id", "version"):
        if name in data:
            raise InputError(name, "is set by the clinic system and cannot be given")
    visit = validated(Appointment, data)
    if visit.status == "booked":
        check_and_lock(uow, clinic_calendar(uow), visit, new=True)
    appointment = uow.appointments.add(visit)
    detail = {"patient_id": appointment.patient_id, "starts_at": appointment.starts_at}
    audit(uow, actor, "appointment.book", "appointment", appointment.id, detail)
    return appointment


def update_appointment(
    uow: UnitOfWork,
    actor: Actor,
    appointment_id: int,
    version: int,
    changes: Mapping[str, Any],
) -> Appointment:
    """Move, cancel or mark an appointment, if unchanged since `version` was read."""
    authorize(uow, actor, "schedule.write", entity="appointment", entity_id=appointment_id)
    current = uow.appointments.get(appointment_id)
    for name in ("id", "version", "patient_id"):
        if name in changes:
            raise InputError(name, "cannot be changed; book a new appointment instead")
    merged = {**current.model_dump(), **changes, "version": version}
    visit = validated(Appointment, merged)
    if visit.status == "booked" and _slot_changed(current, visit):
        moved = visit.starts_at != current.starts_at
        check_and_lock(uow, clinic_calendar(uow), visit, new=moved)
    appointment = uow.appointments.update(visit)
    detail = {"patient_id": appointment.patient_id, "fields": sorted(changes)}
    audit(uow, actor, "appointment.update", "appointment", appointment_id, detail)
    return appointment


_SLOT_FIELDS = ("starts_at", "ends_at", "practitioner_id", "room_id", "status")


def _slot_changed(before: Appointment, after: Appointment) -> bool:
    return any(getattr(before, name) != getattr(after, name) for name in _SLOT_FIELDS)


def list_appointments(
    uow: UnitOfWork,
    actor: Actor,
    start: datetime,
    end: datetime,
    practitioner_id: int | None = None,
) -> list[Appointment]:
    """The clinic's appointments starting in [start, end), optionally one practitioner's."""
    authorize(uow, actor, "schedule.read", entity="appointment")
    if end <= start:
        raise InputError("end", "must be after start")
    found = uow.appointments.between(start, end, practitioner_id)
    audit(uow, actor, "appointment.list", "appointment", None, {"count": len(found)})
    return found


def list_patient_appointments(uow: UnitOfWork, actor: Actor, patient_id: int) -> list[Appointment]:
    """A patient's appointments."""
    read = uow.appointments.for_patient
    return list_for_patient(uow, actor, "schedule.read", "appointment", patient_id, read)


def split_visits(
    appointments: Sequence[Appointment], now: datetime
) -> tuple[list[Appointment], list[Appointment]]:
    """(upcoming, past) at `now`, judged by the END of each visit: one that has started but
    not ended (earlier today, still going) is upcoming. Upcoming soonest first, past newest
    first."""
    upcoming = sorted((a for a in appointments if a.ends_at > now), key=lambda a: a.starts_at)
    past = sorted((a for a in appointments if a.ends_at <= now), key=lambda a: a.ends_at)
    return upcoming, past[::-1]
