"""The per-patient definition of the dashboard alerts and the trajectory report.

The reads one patient at a time that the dashboard used to make, kept as the reference the
batched reads (`outcomes.course_facts`, `dashboard.dashboard`) must agree with.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from typing import Literal

from acuback.clinical.instruments import load_instruments
from acuback.clinical.intake import duration_of
from acuback.clinical.labels import rule_label
from acuback.clinical.outcomes import assess_trajectory
from acuback.clinical.protocols import load_courses
from acuback.records import UnitOfWork
from acuback.services import Actor, dashboard, outcomes

__all__ = ["expected_alerts", "expected_report"]


def _reassessment(uow: UnitOfWork, patient_id: int) -> tuple[int, int, str, int | None]:
    signed = [s for s in uow.sessions.for_patient(patient_id) if s.status == "signed"]
    accepted = [p for p in uow.plans.for_patient(patient_id) if p.status == "accepted"]
    plan = accepted[-1] if accepted else None
    course = plan.payload.course if plan else None
    if course and course.reassess_after_sessions:
        since = plan.accepted_at.date() if plan and plan.accepted_at else date.min
        done = sum(s.session_date >= since for s in signed)
        plan_id = plan.id if plan else None
        return int(course.reassess_after_sessions), done, "the current plan", plan_id
    intakes = uow.intakes.for_patient(patient_id)
    duration = "chronic"
    if intakes:
        duration = duration_of(intakes[-1].payload.pain.onset_weeks)
    basis = f"the usual course for {duration} pain, until a plan is accepted"
    return load_courses().course(duration).reassess_after_sessions, len(signed), basis, None


def expected_report(uow: UnitOfWork, patient_id: int) -> outcomes.TrajectoryReport:
    after, done, basis, plan_id = _reassessment(uow, patient_id)
    series: dict[str, dict[date, float]] = {}
    for item in uow.outcomes.for_patient(patient_id):
        if item.score is not None:
            series.setdefault(item.instrument, {})[item.measured_on] = item.score
    trajectories, waiting = [], []
    for spec in load_instruments().instruments:
        if spec.responder is None or spec.id not in series:
            continue
        scores = sorted(series[spec.id].items())
        if len(scores) < 2:
            waiting.append(spec.id)
            continue
        trajectories.append(
            assess_trajectory(
                spec.id, scores, reassess_after_sessions=after, sessions_completed=done
            )
        )
    return outcomes.TrajectoryReport(
        patient_id, after, done, basis, tuple(trajectories), tuple(waiting), plan_id
    )


def expected_alerts(uow: UnitOfWork, actor: Actor, day: date) -> list[dashboard.Alert]:
    start = datetime.combine(day - timedelta(days=90), time(0), tzinfo=UTC)
    end = datetime.combine(day + timedelta(days=15), time(0), tzinfo=UTC)
    seen = uow.appointments.between(start, end, actor.practitioner_id)
    alerts: list[dashboard.Alert] = []
    for patient_id in sorted({a.patient_id for a in seen if a.status != "cancelled"}):
        alerts += _red_flags(uow, patient_id, day)
        report = expected_report(uow, patient_id)
        alerts += [
            dashboard.Alert(
                "not_improving",
                "warning",
                f"Not improving at reassessment ({t.instrument}): {t.explanation}",
                patient_id,
            )
            for t in report.trajectories
            if t.verdict == "not_improving_reconsider"
        ]
        accepted = [p for p in uow.plans.for_patient(patient_id) if p.status == "accepted"]
        plan = accepted[-1] if accepted else None
        since = plan.accepted_at.date() if plan and plan.accepted_at else date.min
        signed = [
            s
            for s in uow.sessions.for_patient(patient_id)
            if s.status == "signed" and s.session_date >= since
        ]
        after = report.reassess_after_sessions
        if len(signed) >= after and not uow.outcomes.for_patient(
            patient_id, since=signed[after - 1].session_date
        ):
            alerts.append(
                dashboard.Alert(
                    "reassessment_due",
                    "info",
                    f"Reassessment due: {report.sessions_completed} sessions done (reassess "
                    f"after {after}); record the outcome questionnaires.",
                    patient_id,
                )
            )
    return alerts


def _red_flags(uow: UnitOfWork, patient_id: int, day: date) -> list[dashboard.Alert]:
    intakes = uow.intakes.for_patient(patient_id)
    if not intakes:
        return []
    latest = intakes[-1]
    submitted = latest.submitted_at.date() if latest.submitted_at else day
    if submitted < day - timedelta(days=14):
        return []
    before = {r.rule for r in intakes[-2].screening.reasons} if len(intakes) > 1 else set()
    new = [
        r
        for r in latest.screening.reasons
        if r.disposition in ("emergency", "refer", "clearance", "defer") and r.rule not in before
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
    return [dashboard.Alert("red_flags", severity, message, patient_id)]
