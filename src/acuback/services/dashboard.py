"""The practitioner dashboard: today's appointments and the alerts that need attention.

Alerts cover the active caseload (patients with an appointment from 90 days ago to 14 days
ahead, the practitioner's own when the user is one): reassessment due, not improving at
reassessment, new red flags in an intake or pre-visit questionnaire of the last 14 days, and
practitioner licences expiring within 60 days (or expired). Clinical alerts are shown only to
roles that read clinical records.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Literal

from acuback.clinical.labels import rule_label
from acuback.clinical.protocols import load_courses
from acuback.clinical.scheduling import local_day_bounds
from acuback.records import Appointment, Intake, UnitOfWork
from acuback.services.access import Actor, audit, authorize, can
from acuback.services.outcomes import (
    CourseFacts,
    course_facts,
    reassessment_point,
    report_from,
)
from acuback.services.schedule import day_bounds
from acuback.services.scheduling import clinic_calendar

__all__ = ["Alert", "Dashboard", "dashboard", "red_flags_reach_a_practitioner"]

LICENCE_WARNING_DAYS = 60
RED_FLAG_DAYS = 14
CASELOAD_PAST_DAYS = 90
CASELOAD_AHEAD_DAYS = 14
_RED_FLAG_DISPOSITIONS = ("emergency", "refer", "clearance", "defer")

AlertKind = Literal["reassessment_due", "not_improving", "red_flags", "licence_expiring"]


@dataclass(frozen=True)
class Alert:
    kind: AlertKind
    severity: Literal["info", "warning", "urgent"]
    message: str
    patient_id: int | None = None
    practitioner_id: int | None = None


@dataclass(frozen=True)
class Dashboard:
    day: date
    appointments: tuple[Appointment, ...]
    alerts: tuple[Alert, ...]


def dashboard(uow: UnitOfWork, actor: Actor, today: date | None = None) -> Dashboard:
    """Today's appointments and alerts for `actor` (see the module docstring).

    The caseload is judged from batched reads (`outcomes.course_facts`), so the number of SQL
    statements does not grow with the number of patients in it.
    """
    authorize(uow, actor, "dashboard.read", entity="dashboard")
    cal = clinic_calendar(uow)
    day = today or cal.today()
    day_bounds(day)  # 1900..2999, naming the field
    start, end = local_day_bounds(day, cal.zone)  # the clinic's local day
    day_bounds(day - timedelta(days=CASELOAD_PAST_DAYS))  # the caseload window must fit too
    day_bounds(day + timedelta(days=CASELOAD_AHEAD_DAYS))
    appointments = uow.appointments.between(start, end, actor.practitioner_id)
    alerts: list[Alert] = []
    if can(actor, "clinical.read"):
        caseload = _caseload(uow, actor.practitioner_id, day)
        facts = course_facts(uow, _may_alert(uow, caseload, day), _may_raise_red_flags(day))
        for patient_id, patient_facts in facts.items():  # ascending ids
            alerts.extend(_patient_alerts(patient_id, patient_facts, day))
    alerts.extend(_licence_alerts(uow, day))
    audit(uow, actor, "dashboard.read", "dashboard", None, {"alerts": len(alerts)})
    return Dashboard(day, tuple(appointments), tuple(alerts))


def _caseload(uow: UnitOfWork, practitioner_id: int | None, day: date) -> list[int]:
    start = day_bounds(day - timedelta(days=CASELOAD_PAST_DAYS))[0]
    end = day_bounds(day + timedelta(days=CASELOAD_AHEAD_DAYS))[1]
    return uow.appointments.patients_between(start, end, practitioner_id)


def _may_alert(uow: UnitOfWork, caseload: Sequence[int], day: date) -> list[int]:
    """The patients of `caseload` who may have an alert on `day` (a superset, read from
    indexes alone): those with as many signed sessions as the smallest reassessment point
    they can have (the usual courses' smallest, or their accepted plan's when lower), and
    those with an intake of a red-flag disposition in the last RED_FLAG_DAYS."""
    usual = min(course.reassess_after_sessions for course in load_courses().courses)
    since = datetime.combine(day - timedelta(days=RED_FLAG_DAYS), time(), tzinfo=UTC)
    flagged = uow.intakes.with_disposition_since(caseload, _RED_FLAG_DISPOSITIONS, since)
    return sorted({*uow.sessions.reaching(caseload, usual), *flagged})


def _may_raise_red_flags(day: date) -> Callable[[datetime, str], bool]:
    """Whether a newest intake (its submission time and disposition) may raise a red-flag
    alert on `day`, so must be read whole: one of the last RED_FLAG_DAYS with a red-flag
    disposition (the most severe of its reasons, `clinical.screening`: a reason of a red-flag
    disposition makes the whole one so)."""
    since = day - timedelta(days=RED_FLAG_DAYS)

    def may(submitted_at: datetime, disposition: str) -> bool:
        return disposition in _RED_FLAG_DISPOSITIONS and submitted_at.date() >= since

    return may


def red_flags_reach_a_practitioner(
    uow: UnitOfWork, patient_id: int, today: date | None = None
) -> bool:
    """Whether a practitioner's dashboard now shows a red-flag alert for the patient: they
    are in a caseload and their newest intake has red flags the one before lacked (internal:
    no authorisation, no audit; what the portal may promise the patient)."""
    day = today or date.today()
    if patient_id not in _caseload(uow, None, day):
        return False
    intakes = uow.intakes.latest_for([patient_id], count=2).get(patient_id, [])
    return bool(_red_flag_alerts(patient_id, intakes, day))


def _patient_alerts(patient_id: int, facts: CourseFacts, day: date) -> list[Alert]:
    alerts = _red_flag_alerts(patient_id, facts.intakes, day)
    after, done = reassessment_point(facts)
    if done < after:
        # Both other alerts need the reassessment point reached: "not improving" is only
        # judged there (`clinical.outcomes`), and a reassessment is due once the after-th
        # signed session exists. Most of a caseload is before it: no trajectory to judge.
        return alerts
    report = report_from(patient_id, facts)
    for trajectory in report.trajectories:
        if trajectory.verdict == "not_improving_reconsider":
            alerts.append(
                Alert(
                    "not_improving",
                    "warning",
                    f"Not improving at reassessment ({trajectory.instrument}): "
                    f"{trajectory.explanation}",
                    patient_id,
                )
            )
    if _reassessment_due(facts, report.reassess_after_sessions):
        alerts.append(
            Alert(
                "reassessment_due",
                "info",
                f"Reassessment due: {report.sessions_completed} sessions done "
                f"(reassess after {report.reassess_after_sessions}); record the outcome "
                "questionnaires.",
                patient_id,
            )
        )
    return alerts


def _reassessment_due(facts: CourseFacts, after: int) -> bool:
    """Due once the n-th signed session (since the plan was accepted) has no outcome after it."""
    since = facts.plan_since
    signed = [day for day in facts.signed_dates if day >= since]
    if len(signed) < after:
        return False
    reached_on = signed[after - 1]
    return not any(item.measured_on >= reached_on for item in facts.scores)


def _red_flag_alerts(patient_id: int, intakes: Sequence[Intake], day: date) -> list[Alert]:
    """Red flags of the newest intake that the one before it did not have (`intakes`: the
    newest two or fewer, oldest first)."""
    if not intakes:
        return []
    latest = intakes[-1]
    submitted = latest.submitted_at.date() if latest.submitted_at else day
    if submitted < day - timedelta(days=RED_FLAG_DAYS):
        return []
    before = {r.rule for r in intakes[-2].screening.reasons} if len(intakes) > 1 else set()
    new = [
        r
        for r in latest.screening.reasons
        if r.disposition in _RED_FLAG_DISPOSITIONS and r.rule not in before
    ]
    if not new:
        return []
    rules = ", ".join(sorted({rule_label(r.rule) for r in new}))
    severity: Literal["warning", "urgent"] = (
        "urgent" if latest.disposition in ("emergency", "refer") else "warning"
    )
    message = (
        f"New red flags ({rules}) in the questionnaire of {submitted.isoformat()}: "
        f"screening says {latest.disposition}."
    )
    return [Alert("red_flags", severity, message, patient_id)]


def _licence_alerts(uow: UnitOfWork, day: date) -> list[Alert]:
    alerts = []
    for practitioner in uow.practitioners.licences_expiring(
        day + timedelta(days=LICENCE_WARNING_DAYS)
    ):
        expiry = practitioner.licence_expiry
        assert expiry is not None  # the query selects licences with an expiry date
        state = "expired on" if expiry < day else "expires on"
        alerts.append(
            Alert(
                "licence_expiring",
                "urgent" if expiry < day else "warning",
                f"{practitioner.name}: licence {practitioner.licence_number or ''} {state} "
                f"{expiry.isoformat()}.".replace("  ", " "),
                practitioner_id=practitioner.id,
            )
        )
    return alerts
