"""Use cases for outcomes: record a questionnaire (scored), list, and a patient's trajectory.

The trajectory judges each instrument with a responder rule (NRS, PEG, RMDQ, ODI) from the
first to the latest score, at the reassessment point of the patient's accepted plan (its
`course.reassess_after_sessions`, counted in signed sessions); without a plan, the course the
packaged rules give for the latest intake's pain duration.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from acuback.clinical.instruments import load_instruments
from acuback.clinical.intake import Duration, duration_of
from acuback.clinical.outcomes import Trajectory, assess_trajectory
from acuback.clinical.protocols import load_courses
from acuback.clinical.scoring import Score, score
from acuback.errors import InputError
from acuback.records import Intake, OutcomeMeasurement, UnitOfWork
from acuback.records.summaries import AcceptedCourse, OutcomeScore
from acuback.services.access import Actor, audit, authorize, list_for_patient, read_clinical_record
from acuback.services.inputs import reject_nul

__all__ = [
    "CourseFacts",
    "TrajectoryReport",
    "course_facts",
    "get_outcome",
    "list_outcomes",
    "patient_trajectory",
    "reassessment_point",
    "record_outcome",
    "report_from",
    "score_answers",
    "store_outcome",
    "trajectory_of",
]


@dataclass(frozen=True)
class TrajectoryReport:
    """Per instrument, the trajectory (when two or more scores exist) at the reassessment."""

    patient_id: int
    reassess_after_sessions: int
    sessions_completed: int
    basis: str  # where the reassessment point comes from, in words
    trajectories: tuple[Trajectory, ...]
    waiting: tuple[str, ...]  # instruments with fewer than two scores
    plan_id: int | None = None  # the accepted plan that sets the point, if one does

    @property
    def summary(self) -> str:
        """One sentence for the record: when to reassess and how far the patient is."""
        n, done = self.reassess_after_sessions, self.sessions_completed
        where = "of the current plan" if self.plan_id is not None else f"({self.basis})"
        return f"Reassess after {n} sessions {where}; {done} signed so far."


def record_outcome(
    uow: UnitOfWork,
    actor: Actor,
    patient_id: int,
    instrument: str,
    responses: Any,
    measured_on: date | None = None,
    session_id: int | None = None,
) -> OutcomeMeasurement:
    """Score a questionnaire with its instrument and store the answers and the score."""
    authorize(uow, actor, "outcome.write", entity="outcome", patient_id=patient_id)
    uow.patients.get(patient_id)
    result = score_answers(instrument, responses)
    return store_outcome(
        uow, actor, patient_id, instrument, responses, result, measured_on, session_id
    )


def score_answers(instrument: str, responses: Any) -> Score:
    """Score one questionnaire (`InputError` names the instrument or the item)."""
    known = {spec.id for spec in load_instruments().instruments}
    if instrument not in known:
        raise InputError("instrument", f"unknown instrument {instrument!r}", sorted(known))
    reject_nul(responses, "responses")
    return score(instrument, responses)


def store_outcome(
    uow: UnitOfWork,
    actor: Actor,
    patient_id: int,
    instrument: str,
    responses: Any,
    result: Score,
    measured_on: date | None = None,
    session_id: int | None = None,
) -> OutcomeMeasurement:
    """Store answers already scored by `score_answers` (internal: the caller authorizes)."""
    record = OutcomeMeasurement(
        patient_id=patient_id,
        session_id=session_id,
        instrument=instrument,
        measured_on=measured_on or date.today(),
        responses=responses,
        score=float(result.value),
        subscores={key: float(value) for key, value in result.subscores.items()},
        category=result.category,
        notes=result.notes,
    )
    stored = uow.outcomes.add(record)
    detail = {"patient_id": patient_id, "instrument": instrument}
    audit(uow, actor, "outcome.record", "outcome", stored.id, detail)
    return stored


def get_outcome(uow: UnitOfWork, actor: Actor, outcome_id: int) -> OutcomeMeasurement:
    """One stored measurement (to show a saved questionnaire again, e.g. after a redirect)."""
    return read_clinical_record(uow, actor, "outcome", outcome_id, uow.outcomes.get)


def list_outcomes(
    uow: UnitOfWork,
    actor: Actor,
    patient_id: int,
    instrument: str | None = None,
) -> list[OutcomeMeasurement]:
    """A patient's measurements by date."""
    return list_for_patient(
        uow,
        actor,
        "clinical.read",
        "outcome",
        patient_id,
        lambda patient: uow.outcomes.for_patient(patient, instrument),
    )


@dataclass(frozen=True)
class CourseFacts:
    """What a patient's trajectory and reassessment rest on, read without building records:
    the dates of the signed charts (originals, oldest first), the accepted plan's course,
    the newest two intakes (oldest first) and every measurement (by date, then id)."""

    signed_dates: tuple[date, ...] = ()
    plan: AcceptedCourse | None = None
    intakes: tuple[Intake, ...] = ()
    scores: tuple[OutcomeScore, ...] = ()
    duration: Duration | None = None  # the newest intake's, when `intakes` were not read

    @property
    def plan_since(self) -> date:
        """The day the accepted plan was accepted (sessions count from it), else any day."""
        accepted_at = self.plan.accepted_at if self.plan else None
        return accepted_at.date() if accepted_at else date.min


def course_facts(
    uow: UnitOfWork,
    patient_ids: Iterable[int],
    read_whole: Callable[[datetime, str], bool] | None = None,
) -> dict[int, CourseFacts]:
    """`CourseFacts` for every patient in `patient_ids` (internal: no authorisation, no audit),
    in four statements however many patients there are (per chunk of ids). With `read_whole`
    (given the newest intake's submission time and disposition), only the newest intakes it
    accepts are read whole; the other patients get the newest intake's `duration` alone (read
    inside the database, no payload parsed), in one more statement."""
    ids = sorted(set(patient_ids))
    signed = uow.sessions.signed_dates(ids)
    plans = uow.plans.accepted_courses(ids)
    onsets: dict[int, float] = {}
    whole = ids
    if read_whole is not None:
        whole = []
        for pid, (at, disposition, weeks) in uow.intakes.newest_onsets(ids).items():
            if weeks is None or read_whole(at, disposition):
                whole.append(pid)
            else:
                onsets[pid] = weeks
    intakes = uow.intakes.latest_for(whole, count=2) if whole else {}
    scores = uow.outcomes.scores_for(ids)
    facts = {}
    for pid in ids:
        weeks = onsets.get(pid)
        facts[pid] = CourseFacts(
            tuple(signed.get(pid, ())),
            plans.get(pid),
            tuple(intakes.get(pid, ())),
            tuple(scores.get(pid, ())),
            None if weeks is None else duration_of(weeks),
        )
    return facts


def _reassessment(facts: CourseFacts) -> tuple[int, int, str, int | None]:
    """(reassess after n sessions, signed sessions so far, where n comes from, plan id)."""
    plan = facts.plan
    if plan is not None and plan.reassess_after_sessions:
        done = sum(day >= facts.plan_since for day in facts.signed_dates)
        after = int(plan.reassess_after_sessions)
        return after, done, "the current plan", plan.plan_id
    # Without an intake there is no onset to judge; the stored intake always has one (a row
    # that lacks it does not read: see records.payloads), so no onset is ever made up.
    duration: Duration = facts.duration or "chronic"
    if facts.intakes:
        duration = facts.intakes[-1].payload.duration
    rules = load_courses().course(duration)
    basis = f"the usual course for {duration} pain, until a plan is accepted"
    return rules.reassess_after_sessions, len(facts.signed_dates), basis, None


def reassessment_point(facts: CourseFacts) -> tuple[int, int]:
    """(reassess after n signed sessions, signed sessions counted so far), as `report_from`
    judges them, without judging any trajectory (pure)."""
    after, done, _, _ = _reassessment(facts)
    return after, done


def report_from(patient_id: int, facts: CourseFacts) -> TrajectoryReport:
    """The trajectory report of one patient from their `CourseFacts` (pure)."""
    after, done, basis, plan_id = _reassessment(facts)
    series: dict[str, dict[date, float]] = {}
    for item in facts.scores:
        if item.score is not None:
            series.setdefault(item.instrument, {})[item.measured_on] = item.score  # latest wins
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
    return TrajectoryReport(
        patient_id, after, done, basis, tuple(trajectories), tuple(waiting), plan_id
    )


def trajectory_of(uow: UnitOfWork, patient_id: int) -> TrajectoryReport:
    """The trajectory report (internal: no authorisation, no audit)."""
    return report_from(patient_id, course_facts(uow, [patient_id])[patient_id])


def patient_trajectory(uow: UnitOfWork, actor: Actor, patient_id: int) -> TrajectoryReport:
    """Is the treatment working? One verdict per instrument, at the reassessment point
    ."""
    authorize(uow, actor, "clinical.read", entity="trajectory", patient_id=patient_id)
    uow.patients.get(patient_id)
    report = trajectory_of(uow, patient_id)
    audit(uow, actor, "trajectory.read", "patient", patient_id)
    return report
