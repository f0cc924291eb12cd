"""Book a course of treatment from an accepted plan: propose the series, then book it whole.

The proposal (`acuback.clinical.scheduling.propose_course`) takes the plan's course, the
patient's preferred weekdays and times and the clinic's calendar; each visit carries the
payer's coverage decision (Medicare NCD 30.3.3, the numbers in clinical/data/instruments.yaml).
A visit beyond the limit is refused or needs a recorded reason, as the clinic's
`payer_limit_policy` says; the reassessment verdict (improving or not) decides visits 13-20.
Booking runs every visit through the same slot check and lock as a single booking, in one
unit of work: all visits are booked, or none.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from acuback.clinical.scheduling import CourseProposal, CourseRequest, ProposedVisit
from acuback.clinical.scheduling import propose_course as propose_series
from acuback.errors import Conflict, InputError
from acuback.records import Appointment, UnitOfWork
from acuback.records.bounds import EARLIEST_INSTANT, LATEST_INSTANT
from acuback.records.models import Plan
from acuback.services.access import Actor, audit, authorize
from acuback.services.outcomes import trajectory_of
from acuback.services.scheduling import (
    WEEKDAY_KEYS,
    ClinicCalendar,
    check_and_lock,
    clinic_calendar,
    local_text,
    slot_problem,
)

__all__ = ["CourseBooking", "CoursePreferences", "PlanCourse", "book_course", "plan_course"]

# The payer visit rule (clinical/data/instruments.yaml) a plan's payer rules stand for.
VISIT_RULE_OF_PAYER = {"medicare_clbp": "medicare"}


@dataclass(frozen=True)
class PlanCourse:
    sessions_per_week: int
    weeks: int
    total_sessions: int
    reassess_after_sessions: int
    payer_rule_ids: tuple[str, ...]


def plan_course(plan: Plan) -> PlanCourse:
    """The course fields of a stored plan (the one place scheduling reads a plan's payload)."""
    course = plan.payload.course
    if course is None:
        raise Conflict(f"plan {plan.id} states no course to book")
    return PlanCourse(
        course.sessions_per_week,
        course.weeks,
        course.total_sessions,
        course.reassess_after_sessions,
        tuple(rule.id for rule in course.payer_rules),
    )


@dataclass(frozen=True)
class CoursePreferences:
    practitioner_id: int
    first_day: dt.date
    weekdays: tuple[str, ...]
    times: tuple[dt.time, ...]
    room_id: int | None = None
    minutes: int | None = None
    limit_reason: str | None = None


@dataclass(frozen=True)
class CourseBooking:
    plan_id: int
    patient_id: int
    payer_rule: str | None
    improving: bool | None
    policy: str
    proposal: CourseProposal
    refused: tuple[str, ...]  # why visits beyond a payer limit cannot be booked as asked
    booked: tuple[Appointment, ...] = ()
    calendar: ClinicCalendar | None = None

    def when(self, visit: ProposedVisit) -> str:
        assert self.calendar is not None
        return local_text(self.calendar, visit.starts_at, visit.ends_at)


def book_course(
    uow: UnitOfWork, actor: Actor, plan_id: int, prefs: CoursePreferences, *, dry_run: bool
) -> CourseBooking:
    """Propose (dry run) or book the course of the accepted plan `plan_id`."""
    plan = uow.plans.get(plan_id)
    authorize(
        uow, actor, "schedule.write", entity="plan", entity_id=plan_id, patient_id=plan.patient_id
    )
    if plan.status != "accepted":
        raise Conflict(f"plan {plan_id} is {plan.status}: accept it before booking its course")
    cal = clinic_calendar(uow)
    course = plan_course(plan)
    request = _request(course, prefs, cal)
    rule = next(
        (VISIT_RULE_OF_PAYER[r] for r in course.payer_rule_ids if r in VISIT_RULE_OF_PAYER), None
    )
    improving = _improving(uow, plan.patient_id) if rule else None

    def check(start: dt.datetime, end: dt.datetime) -> str | None:
        if not (start >= EARLIEST_INSTANT and end <= LATEST_INSTANT):
            return f"outside the bookable range ({EARLIEST_INSTANT:%Y} to {LATEST_INSTANT:%Y})"
        probe = Appointment(
            patient_id=plan.patient_id,
            practitioner_id=prefs.practitioner_id,
            starts_at=start,
            ends_at=end,
            room_id=prefs.room_id,
        )
        return slot_problem(uow, cal, probe)

    proposal = propose_series(
        request,
        cal.zone,
        check,
        prior_visits=_prior(uow, plan, cal),
        payer_rule=rule,
        improving=improving,
    )
    refused = _refusals(proposal, cal, prefs.limit_reason)
    result = CourseBooking(
        plan_id,
        plan.patient_id,
        rule,
        improving,
        cal.payer_limit_policy,
        proposal,
        refused,
        calendar=cal,
    )
    if dry_run:
        audit(uow, actor, "course.propose", "plan", plan_id, {"visits": len(proposal.visits)})
        return result
    if refused:
        raise Conflict(refused[0])
    booked = tuple(_book(uow, cal, plan, prefs, visit) for visit in proposal.visits)
    detail = {"patient_id": plan.patient_id, "appointments": [a.id for a in booked]}
    audit(uow, actor, "course.book", "plan", plan_id, detail)
    return CourseBooking(
        plan_id, plan.patient_id, rule, improving, cal.payer_limit_policy, proposal, (), booked, cal
    )


def _request(course: PlanCourse, prefs: CoursePreferences, cal: ClinicCalendar) -> CourseRequest:
    for i, key in enumerate(prefs.weekdays):
        if key not in WEEKDAY_KEYS:
            raise InputError(f"weekdays[{i}]", f"{key!r} is not a weekday", WEEKDAY_KEYS)
    if prefs.first_day < cal.today():
        raise InputError("first_day", f"{prefs.first_day} is in the past", "today or later")
    return CourseRequest(
        course.sessions_per_week,
        course.weeks,
        course.total_sessions,
        course.reassess_after_sessions,
        prefs.first_day,
        tuple(WEEKDAY_KEYS.index(key) for key in prefs.weekdays),
        prefs.times,
        prefs.minutes or cal.visit_minutes,
    )


def _improving(uow: UnitOfWork, patient_id: int) -> bool | None:
    """The reassessment verdict for the payer: improving only if some instrument says so and
    none says not improving; None when nothing has been assessed yet."""
    verdicts = {t.verdict for t in trajectory_of(uow, patient_id).trajectories}
    if not verdicts or verdicts == {"not_yet"}:
        return None
    return "improving" in verdicts and "not_improving_reconsider" not in verdicts


def _prior(uow: UnitOfWork, plan: Plan, cal: ClinicCalendar) -> list[dt.date]:
    """The local days of the patient's visits of the last year that count for the payer."""
    now = dt.datetime.now(dt.UTC)
    return sorted(
        cal.local(a.starts_at).date()
        for a in uow.appointments.for_patient(plan.patient_id)
        if a.status in ("booked", "attended") and now - dt.timedelta(days=365) <= a.starts_at
    )


def _refusals(proposal: CourseProposal, cal: ClinicCalendar, reason: str | None) -> tuple[str, ...]:
    out = []
    for visit in proposal.visits:
        cover = visit.coverage
        if cover is None or cover.covered:
            continue
        when = local_text(cal, visit.starts_at, visit.ends_at)
        if cal.payer_limit_policy == "refuse":
            out.append(
                f"visit {visit.number} ({when}) is beyond the payer's limit and the "
                f"clinic refuses such bookings: {cover.reason}"
            )
        elif not reason:
            out.append(
                f"visit {visit.number} ({when}) is beyond the payer's limit "
                f"({cover.reason}); give limit_reason to book it"
            )
    return tuple(out)


def _book(
    uow: UnitOfWork, cal: ClinicCalendar, plan: Plan, prefs: CoursePreferences, visit: ProposedVisit
) -> Appointment:
    over = visit.coverage is not None and not visit.coverage.covered
    record = Appointment(
        patient_id=plan.patient_id,
        practitioner_id=prefs.practitioner_id,
        starts_at=visit.starts_at,
        ends_at=visit.ends_at,
        room_id=prefs.room_id,
        plan_id=plan.id,
        kind="reassessment" if visit.reassessment else "treatment",
        limit_reason=prefs.limit_reason if over else None,
    )
    check_and_lock(uow, cal, record, new=True)
    return uow.appointments.add(record)
