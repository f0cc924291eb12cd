"""The clinic calendar as use cases: its time zone and hours, and the slot check every booking
and move goes through (hours, time off, the practitioner's and the room's other visits).

`check_and_lock` is the one way a visit gets a slot: it takes the database lock for the
practitioner and the room first (records/repositories/scheduling.py), then checks, so two
bookings of one slot cannot both pass. A clash is a `Conflict` whose sentence names it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import lru_cache
from importlib.resources import files
from typing import Literal
from zoneinfo import ZoneInfo

import yaml
from pydantic import BaseModel, ConfigDict, Field

from acuback.clinical.scheduling import (
    Busy,
    WeeklyHours,
    clinic_zone,
    describe_hours,
    find_clash,
    nonsense_in_times,
    outside_hours,
)
from acuback.errors import Conflict, InputError
from acuback.records import UnitOfWork
from acuback.records.models import Appointment
from acuback.services.access import Actor, audit, authorize

__all__ = [
    "WEEKDAY_KEYS",
    "ClinicCalendar",
    "add_room",
    "add_time_off",
    "check_and_lock",
    "clinic_calendar",
    "local_text",
    "parse_hours",
    "set_working_hours",
    "slot_problem",
]

WEEKDAY_KEYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
LimitPolicy = Literal["refuse", "reason"]


class ClinicDefaults(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")
    opening_hours: dict[str, tuple[str, ...]]
    cancel_notice_hours: int = Field(ge=0, le=24 * 14)
    payer_limit_policy: LimitPolicy
    reminder_hours_before: int = Field(ge=1, le=24 * 14)
    visit_minutes: int = Field(ge=5, le=240)


@lru_cache(maxsize=1)
def load_clinic_defaults() -> ClinicDefaults:
    text = (files("acuback.services") / "data" / "clinic.yaml").read_text(encoding="utf-8")
    return ClinicDefaults.model_validate(yaml.safe_load(text))


def parse_hours(spec: dict[str, tuple[str, ...]] | dict[str, list[str]], field: str) -> WeeklyHours:
    """{'mon': ['08:00-12:00', ...]} as weekly hours; a bad entry names its field."""
    hours: dict[int, list[tuple[dt.time, dt.time]]] = {}
    for key, intervals in spec.items():
        if key not in WEEKDAY_KEYS:
            raise InputError(f"{field}.{key}", "is not a weekday", WEEKDAY_KEYS)
        for i, text in enumerate(intervals):
            where = f"{field}.{key}[{i}]"
            try:
                opens_text, closes_text = text.split("-")
                opens, closes = (
                    dt.time.fromisoformat(opens_text),
                    dt.time.fromisoformat(closes_text),
                )
            except ValueError:
                raise InputError(where, f"{text!r} is not an interval", "HH:MM-HH:MM") from None
            if closes <= opens:
                raise InputError(where, f"{text!r} closes before it opens", "HH:MM-HH:MM")
            hours.setdefault(WEEKDAY_KEYS.index(key), []).append((opens, closes))
    return hours


@dataclass(frozen=True)
class ClinicCalendar:
    """The clinic's time zone, opening hours and booking policies, as in force now."""

    zone: ZoneInfo
    opening: WeeklyHours
    cancel_notice: dt.timedelta
    payer_limit_policy: LimitPolicy
    reminder_before: dt.timedelta
    visit_minutes: int

    def local(self, instant: dt.datetime) -> dt.datetime:
        return instant.astimezone(self.zone)

    def today(self, now: dt.datetime | None = None) -> dt.date:
        return self.local(now or dt.datetime.now(dt.UTC)).date()


def clinic_calendar(uow: UnitOfWork) -> ClinicCalendar:
    """The clinic's calendar: the administrator's clinic settings over the timezone of the
    settings the app or command runs with (`uow.settings`, ACUBACK_TIMEZONE) over
    data/clinic.yaml."""
    defaults = load_clinic_defaults()
    chosen = uow.clinic.get()
    zone = clinic_zone(chosen.timezone or uow.settings.timezone)
    opening = uow.schedule.hours(None) or parse_hours(defaults.opening_hours, "opening_hours")
    notice = chosen.cancel_notice_hours
    return ClinicCalendar(
        zone,
        opening,
        dt.timedelta(hours=defaults.cancel_notice_hours if notice is None else notice),
        chosen.payer_limit_policy or defaults.payer_limit_policy,
        dt.timedelta(hours=defaults.reminder_hours_before),
        defaults.visit_minutes,
    )


def set_working_hours(
    uow: UnitOfWork, actor: Actor, practitioner_id: int | None, hours: dict[str, list[str]]
) -> None:
    """Replace the clinic's opening hours (None) or a practitioner's working hours."""
    authorize(uow, actor, "clinic.admin", entity="working_hours")
    uow.schedule.set_hours(practitioner_id, parse_hours(hours, "hours"))
    audit(uow, actor, "clinic.hours", "practitioner", practitioner_id, {"days": sorted(hours)})


def add_time_off(
    uow: UnitOfWork,
    actor: Actor,
    practitioner_id: int,
    starts_at: dt.datetime,
    ends_at: dt.datetime,
    reason: str,
) -> int:
    """Block [starts_at, ends_at) in a practitioner's calendar (visits already booked stay)."""
    authorize(uow, actor, "clinic.admin", entity="time_off")
    if ends_at <= starts_at:
        raise InputError("ends_at", "must be after starts_at")
    if not reason.strip():
        raise InputError("reason", "say why (holiday, course, illness)")
    new_id = uow.schedule.add_time_off(practitioner_id, starts_at, ends_at, reason.strip()[:200])
    audit(uow, actor, "clinic.time_off", "practitioner", practitioner_id, {"id": new_id})
    return new_id


def add_room(uow: UnitOfWork, actor: Actor, name: str) -> int:
    authorize(uow, actor, "clinic.admin", entity="room")
    if not name.strip():
        raise InputError("name", "give the room a name")
    room_id = uow.schedule.add_room(name.strip()[:100])
    audit(uow, actor, "clinic.room", "room", room_id, {"name": name.strip()[:100]})
    return room_id


def local_text(cal: ClinicCalendar, start: dt.datetime, end: dt.datetime) -> str:
    """'Tue 08 Dec 2026 10:00-10:45' in clinic time."""
    first, last = cal.local(start), cal.local(end)
    return f"{first:%a %d %b %Y %H:%M}-{last:%H:%M}"


def check_and_lock(
    uow: UnitOfWork,
    cal: ClinicCalendar,
    visit: Appointment,
    *,
    new: bool,
    now: dt.datetime | None = None,
) -> None:
    """Take the booking lock, then refuse (Conflict) a visit whose slot is not free and open."""
    now = now or dt.datetime.now(dt.UTC)
    when = local_text(cal, visit.starts_at, visit.ends_at)
    nonsense = nonsense_in_times(visit.starts_at, visit.ends_at, now, new=new)
    if nonsense:
        raise Conflict(f"{when} cannot be booked: {nonsense}")
    uow.schedule.lock_booking(visit.practitioner_id, visit.room_id)
    why = slot_problem(uow, cal, visit, exclude_id=visit.id)
    if why:
        raise Conflict(f"{when} cannot be booked: {why}")


def slot_problem(
    uow: UnitOfWork, cal: ClinicCalendar, visit: Appointment, exclude_id: int | None = None
) -> str | None:
    """Why this slot is not free and open (None when it is); no lock taken."""
    start, end, practitioner = visit.starts_at, visit.ends_at, visit.practitioner_id
    if outside_hours(start, end, cal.opening, cal.zone):
        return f"the clinic is closed then (open {describe_hours(cal.opening)})"
    own = uow.schedule.hours(practitioner)
    if own and outside_hours(start, end, own, cal.zone):
        return f"it is outside the practitioner's working hours ({describe_hours(own)})"
    away = find_clash(start, end, uow.schedule.time_off(practitioner, start, end))
    if away:
        return f"the practitioner is away: {away.label}"
    taken = uow.schedule.overlapping(start, end, practitioner, visit.room_id, exclude_id)
    busy = [_busy(cal, other, practitioner) for other in taken]
    clash = find_clash(start, end, busy)
    return clash.label if clash else None


def _busy(cal: ClinicCalendar, other: Appointment, practitioner_id: int) -> Busy:
    at = local_text(cal, other.starts_at, other.ends_at)
    whose = (
        "the practitioner already has"
        if other.practitioner_id == practitioner_id
        else "the room is taken by"
    )
    return Busy(other.starts_at, other.ends_at, f"{whose} appointment {other.id} ({at})")
