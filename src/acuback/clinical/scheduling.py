"""Clinic time, free slots and the proposal of a course of visits (pure: no I/O, no clock).

Times a person sees or types are clinic local wall times; everything this module returns is a
timezone-aware UTC instant, converted with the standard library's `zoneinfo`, so a visit at
10:00 stays at 10:00 local across a daylight-saving change (its UTC instant moves instead).
Opening and working hours are weekly local intervals; a booking must fit inside one of them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from acuback.clinical.coverage import CoverageDecision, check_visit_coverage
from acuback.errors import InputError

__all__ = [
    "EARLIEST",
    "MAX_APPOINTMENT_MINUTES",
    "Busy",
    "CourseProposal",
    "CourseRequest",
    "ProposedVisit",
    "SlotCheck",
    "WeeklyHours",
    "clinic_zone",
    "describe_hours",
    "find_clash",
    "local_day_bounds",
    "nonsense_in_times",
    "outside_hours",
    "propose_course",
    "to_utc",
]

UTC = dt.UTC
EARLIEST = dt.datetime(1900, 1, 1, tzinfo=UTC)
# acuback policy: no single visit runs longer than four hours (a typo such as 10:00-22:00).
MAX_APPOINTMENT_MINUTES = 240
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")

# Per weekday (0 = Monday), the local (opens, closes) intervals.
WeeklyHours = Mapping[int, Sequence[tuple[dt.time, dt.time]]]


def clinic_zone(name: str, field_name: str = "timezone") -> ZoneInfo:
    """The IANA time zone `name`; an unknown name is an InputError naming the field."""
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise InputError(
            field_name, f"{name!r} is not an IANA time zone", "e.g. UTC, Europe/London"
        ) from None


def to_utc(day: dt.date, at: dt.time, zone: ZoneInfo) -> dt.datetime:
    """The UTC instant of local wall time `at` on `day`. A time skipped by a spring-forward
    change is read with the offset before the change (PEP 495 fold=0), as clocks do."""
    return dt.datetime.combine(day, at, tzinfo=zone).astimezone(UTC)


def local_day_bounds(day: dt.date, zone: ZoneInfo) -> tuple[dt.datetime, dt.datetime]:
    """The UTC instants the local calendar `day` spans (23 or 25 hours on a change day)."""
    return to_utc(day, dt.time(0), zone), to_utc(day + dt.timedelta(days=1), dt.time(0), zone)


@dataclass(frozen=True)
class Busy:
    """A stretch of time someone or something is taken, and the words that name it."""

    starts_at: dt.datetime
    ends_at: dt.datetime
    label: str


def find_clash(starts_at: dt.datetime, ends_at: dt.datetime, busy: Iterable[Busy]) -> Busy | None:
    """The first busy stretch that overlaps [starts_at, ends_at); touching ends do not clash."""
    for item in sorted(busy, key=lambda b: b.starts_at):
        if item.starts_at < ends_at and starts_at < item.ends_at:
            return item
    return None


def nonsense_in_times(
    starts_at: dt.datetime, ends_at: dt.datetime, now: dt.datetime, *, new: bool
) -> str | None:
    """Why these times cannot be a visit (None when they can)."""
    if starts_at < EARLIEST:
        return "the start is before 1900"
    if ends_at <= starts_at:
        return "the end is not after the start"
    minutes = (ends_at - starts_at).total_seconds() / 60
    if minutes > MAX_APPOINTMENT_MINUTES:
        return f"it lasts {minutes:.0f} minutes; the longest visit is {MAX_APPOINTMENT_MINUTES}"
    if new and starts_at < now:
        return "it starts in the past; a new booking must start from now on"
    return None


def outside_hours(
    starts_at: dt.datetime, ends_at: dt.datetime, hours: WeeklyHours, zone: ZoneInfo
) -> bool:
    """True unless [starts_at, ends_at) fits inside one local interval of `hours`."""
    local_start, local_end = starts_at.astimezone(zone), ends_at.astimezone(zone)
    if local_start.date() != local_end.date() and local_end.time() != dt.time(0):
        return True
    for opens, closes in hours.get(local_start.weekday(), ()):
        open_at = to_utc(local_start.date(), opens, zone)
        close_at = to_utc(local_start.date(), closes, zone)
        if open_at <= starts_at and ends_at <= close_at:
            return False
    return True


def describe_hours(hours: WeeklyHours) -> str:
    """'mon 09:00-17:00, tue ...' for error messages and pages."""
    parts = []
    for day in range(7):
        for opens, closes in hours.get(day, ()):
            parts.append(f"{WEEKDAYS[day]} {opens:%H:%M}-{closes:%H:%M}")
    return ", ".join(parts) or "no hours at all"


@dataclass(frozen=True)
class CourseRequest:
    """What the course is (from the plan) and what the patient prefers."""

    sessions_per_week: int
    weeks: int
    total_sessions: int
    reassess_after_sessions: int
    first_day: dt.date
    weekdays: tuple[int, ...]  # preferred, 0 = Monday, in order of preference
    times: tuple[dt.time, ...]  # preferred local start times, in order of preference
    minutes: int = 45
    extra_weeks: int = 4  # how far past the planned weeks to look when slots are taken


@dataclass(frozen=True)
class ProposedVisit:
    number: int
    starts_at: dt.datetime
    ends_at: dt.datetime
    reassessment: bool
    coverage: CoverageDecision | None = None


@dataclass(frozen=True)
class CourseProposal:
    visits: tuple[ProposedVisit, ...]
    skipped: tuple[str, ...] = field(default=())  # why preferred slots were passed over
    short_by: int = 0  # visits the search could not place


# A slot checker: None if [start, end) is free and open, else why not (one sentence).
SlotCheck = Callable[[dt.datetime, dt.datetime], str | None]


def propose_course(
    request: CourseRequest,
    zone: ZoneInfo,
    check: SlotCheck,
    *,
    prior_visits: Sequence[dt.date] = (),
    payer_rule: str | None = None,
    improving: bool | None = None,
) -> CourseProposal:
    """The visits of a course, week by week from `first_day`: in each week up to
    `sessions_per_week` visits on the preferred weekdays (then the other days of that week),
    at the first preferred time the `check` finds free, and never two on one day. Visit
    `reassess_after_sessions` is the reassessment. With `payer_rule`, each visit carries the
    payer's coverage decision counted over `prior_visits` and the visits proposed before it."""
    _check_request(request)
    visits: list[ProposedVisit] = []
    skipped: list[str] = []
    counted = list(prior_visits)
    week_start = request.first_day - dt.timedelta(days=request.first_day.weekday())
    for week in range(request.weeks + request.extra_weeks):
        wanted = min(request.sessions_per_week, request.total_sessions - len(visits))
        if wanted <= 0:
            break
        monday = week_start + dt.timedelta(weeks=week)
        for start, end in _week_slots(monday, wanted, request, zone, check, skipped):
            day = start.astimezone(zone).date()
            coverage = None
            if payer_rule is not None:
                earlier = [d for d in counted if d <= day]
                coverage = check_visit_coverage(
                    earlier, day, improving=improving, rule_id=payer_rule
                )
            counted.append(day)
            number = len(visits) + 1
            reassess = number == request.reassess_after_sessions
            visits.append(ProposedVisit(number, start, end, reassess, coverage))
    short = request.total_sessions - len(visits)
    return CourseProposal(tuple(visits), tuple(skipped), short)


def _week_slots(
    monday: dt.date,
    wanted: int,
    request: CourseRequest,
    zone: ZoneInfo,
    check: SlotCheck,
    skipped: list[str],
) -> list[tuple[dt.datetime, dt.datetime]]:
    """Up to `wanted` slots in the week of `monday`, one a day: preferred weekdays first, then
    the other days; returned in time order."""
    found: list[tuple[dt.datetime, dt.datetime]] = []
    order = [*request.weekdays, *(d for d in range(7) if d not in request.weekdays)]
    for weekday in order:
        day = monday + dt.timedelta(days=weekday)
        if len(found) >= wanted:
            break
        if day < request.first_day:
            continue
        slot = _first_free(day, request, zone, check, skipped)
        if slot is not None:
            found.append(slot)
    return sorted(found)


def _first_free(
    day: dt.date, request: CourseRequest, zone: ZoneInfo, check: SlotCheck, skipped: list[str]
) -> tuple[dt.datetime, dt.datetime] | None:
    for at in request.times:
        start = to_utc(day, at, zone)
        end = start + dt.timedelta(minutes=request.minutes)
        why = check(start, end)
        if why is None:
            return start, end
        if day.weekday() in request.weekdays:
            skipped.append(f"{day.isoformat()} {at:%H:%M}: {why}")
    return None


def _check_request(request: CourseRequest) -> None:
    if not request.times:
        raise InputError("times", "give at least one preferred start time", "HH:MM")
    if not 1 <= request.sessions_per_week <= 7:
        raise InputError("sessions_per_week", f"{request.sessions_per_week}", "1 to 7")
    if not 1 <= request.total_sessions <= 60:
        raise InputError("total_sessions", f"{request.total_sessions}", "1 to 60")
    if not 1 <= request.weeks <= 52:
        raise InputError("weeks", f"{request.weeks}", "1 to 52")
    for i, weekday in enumerate(request.weekdays):
        if not 0 <= weekday <= 6:
            raise InputError(f"weekdays[{i}]", f"{weekday}", "0 (Monday) to 6 (Sunday)")
