"""Clinic-wide reads stay a constant number of SQL statements (both databases).

The dashboard judges a whole caseload, the clinic page names many patients, the patient record
reads every part of one patient: each is counted with SQLAlchemy's `before_cursor_execute`
event for a small and a ten times larger case, and the count must not grow. The batched
dashboard is also checked against the per-patient definition of each alert (`expected_alerts`,
the reads one patient at a time that the dashboard used to make), so batching changed nothing.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

import pytest
from sqlalchemy import Engine, event

from acuback.clinical.intake import parse_intake
from acuback.clinical.plan_model import Plan as PlanResult
from acuback.clinical.planning import plan
from acuback.clinical.screening import screen
from acuback.errors import Forbidden, NotFound
from acuback.knowledge import load_knowledge
from acuback.records import (
    Appointment,
    Intake,
    NeedleInsertion,
    OutcomeMeasurement,
    Patient,
    Plan,
    Practitioner,
    TreatmentSession,
    UnitOfWork,
)
from acuback.services import Actor, charting, dashboard, outcomes, people
from acuback.services.patient_record import patient_record

from .conftest import DemoClinic
from .per_patient import expected_alerts, expected_report


def _intake(patient_id: int, at: datetime, onset_weeks: int, *findings: str) -> Intake:
    """An Intake v1 and its real screening result, as the use case stores them."""
    kb = load_knowledge()
    pain = {"regions": ["lower_back"], "onset_weeks": onset_weeks, "nrs": 6}
    payload = {"age": 50, "sex": "female", "findings": list(findings), "pain": pain}
    form = parse_intake(payload, conditions=kb.conditions)
    return Intake(patient_id=patient_id, submitted_at=at, payload=form, screening=screen(form, kb))


def _plan_reassessing_after(intake: Intake, sessions: int) -> PlanResult:
    """The intake's plan without points, its course reassessing after `sessions`."""
    result = plan(intake.payload)
    assert result.course is not None
    course = result.course.model_copy(update={"reassess_after_sessions": sessions})
    return result.model_copy(update={"course": course, "points": ()})


@dataclass
class Counter:
    statements: int = 0
    commits: int = 0


@contextmanager
def counted(engine: Engine) -> Iterator[Counter]:
    """Count the SQL statements and the commits run on `engine` inside the block."""
    counter = Counter()

    def statement(*_args: Any) -> None:
        counter.statements += 1

    def commit(*_args: Any) -> None:
        counter.commits += 1

    event.listen(engine, "before_cursor_execute", statement)
    event.listen(engine, "commit", commit)
    try:
        yield counter
    finally:
        event.remove(engine, "before_cursor_execute", statement)
        event.remove(engine, "commit", commit)


def _at(day: date, hour: int) -> datetime:
    return datetime.combine(day, time(hour), tzinfo=UTC)


def _book(uow: UnitOfWork, patient_id: int, practitioner_id: int, start: datetime) -> None:
    """A 45-minute appointment of the patient with the practitioner."""
    uow.appointments.add(
        Appointment(
            patient_id=patient_id,
            practitioner_id=practitioner_id,
            starts_at=start,
            ends_at=start + timedelta(minutes=45),
        )
    )


def _accept_plan(uow: UnitOfWork, intake: Intake, sessions: int, signer: int, at: datetime) -> None:
    """The intake's plan (reassessing after `sessions`), accepted by `signer` at `at`."""
    stored = uow.plans.add(
        Plan(
            patient_id=intake.patient_id,
            intake_id=intake.id or 0,
            payload=_plan_reassessing_after(intake, sessions),
        )
    )
    uow.plans.accept(stored, signer, at=at)


def _sign_session(
    uow: UnitOfWork, patient_id: int, practitioner_id: int, signer: int, day: date, points: int
) -> None:
    """A signed chart on `day` with `points` bilateral BL23 needlings (all counted out)."""
    needle = NeedleInsertion(point="BL23", side="bilateral", depth_mm=20, angle="perpendicular")
    chart = uow.sessions.add(
        TreatmentSession(
            patient_id=patient_id,
            practitioner_id=practitioner_id,
            session_date=day,
            needles=(needle,) * points,
            needles_in=2 * points,
            needles_out=2 * points,
        )
    )
    uow.sessions.sign(chart, signer, at=_at(day, 12))


def _add_case(uow: UnitOfWork, practitioner_id: int, signer: int, index: int, today: date) -> int:
    """A patient in the caseload of `practitioner_id` with one of four histories: new red flags;
    sessions past the reassessment point without outcomes; not improving; improving."""
    kind = index % 4
    patient = uow.patients.add(
        Patient(given_name="Batch", family_name=f"Case{index:03d}", sex="female")
    )
    assert patient.id is not None
    intake = uow.intakes.add(
        _intake(patient.id, _at(today - timedelta(days=40), 9), 2 + index % 3 * 8)
    )
    _book(uow, patient.id, practitioner_id, _at(today, 8 + index % 9))
    if kind == 0:
        uow.intakes.add(
            _intake(patient.id, _at(today - timedelta(days=1), 9), 30, "cancer_history")
        )
        return patient.id
    _accept_plan(uow, intake, 3, signer, _at(today - timedelta(days=35), 10))
    for number in range(4):
        day = today - timedelta(days=30 - 7 * number)
        _sign_session(uow, patient.id, practitioner_id, signer, day, points=2)
        if kind != 1:
            last = 7 if kind == 2 else 7 - 2 * number
            uow.outcomes.add(
                OutcomeMeasurement(
                    patient_id=patient.id,
                    instrument="nrs",
                    measured_on=day,
                    responses=last,
                    score=float(last),
                )
            )
    return patient.id


@pytest.fixture(scope="module")
def caseload(demo: DemoClinic) -> tuple[Actor, Any]:
    """A practitioner of their own (with a login) and a function that grows their caseload."""
    mei = demo.actor("mei")
    with demo.uow() as uow:
        practitioner = uow.practitioners.add(
            Practitioner(name="Batch Practitioner", qualification="MSc Acupuncture")
        )
        uow.commit()
    assert practitioner.id is not None
    assert mei.user_id is not None
    actor = Actor(mei.user_id, "batch", "practitioner", None, practitioner.id)
    added: list[int] = []

    def grow_to(size: int) -> list[int]:
        with demo.uow() as uow:
            while len(added) < size:
                added.append(
                    _add_case(uow, practitioner.id or 0, mei.user_id or 0, len(added), demo.today)
                )
            uow.commit()
        return list(added)

    return actor, grow_to


def _dashboard_cost(demo: DemoClinic, actor: Actor) -> tuple[int, dashboard.Dashboard]:
    with demo.uow() as uow, counted(demo.engine) as count:
        board = dashboard.dashboard(uow, actor, demo.today)
    return count.statements, board


def test_dashboard_statements_do_not_grow_with_the_caseload(
    demo: DemoClinic, caseload: tuple[Actor, Any]
) -> None:
    actor, grow_to = caseload
    grow_to(5)
    small, small_board = _dashboard_cost(demo, actor)
    grow_to(50)
    large, large_board = _dashboard_cost(demo, actor)
    clinical = {"red_flags", "reassessment_due", "not_improving"}
    small_alerts = [a for a in small_board.alerts if a.kind in clinical]
    large_alerts = [a for a in large_board.alerts if a.kind in clinical]
    assert len(large_alerts) > len(small_alerts) >= 3  # the larger caseload was judged
    assert {a.kind for a in large_alerts} == clinical
    assert large == small
    assert small <= 15


def test_the_batched_dashboard_matches_the_per_patient_definition(
    demo: DemoClinic, caseload: tuple[Actor, Any]
) -> None:
    actor, grow_to = caseload
    grow_to(12)
    whole_clinic = Actor(actor.user_id, "batch", "practitioner")  # no practitioner: everyone
    judged = []
    for who in (actor, demo.actor("mei"), demo.actor("daniel"), whole_clinic):
        with demo.uow() as uow:
            board = dashboard.dashboard(uow, who, demo.today)
        clinical = [a for a in board.alerts if a.kind != "licence_expiring"]
        with demo.uow() as uow:
            assert clinical == expected_alerts(uow, who, demo.today)
        judged.append(len(clinical))
    assert judged[0] > 0
    assert judged[1] > 0
    assert judged[3] > judged[0]


def _add_short_case(uow: UnitOfWork, practitioner_id: int, signer: int, kind: str) -> int:
    """A patient with an appointment today and: `new` (one intake, 40 days ago, nothing
    else), `old_flags` (red flags in an intake 20 days ago) or `short_plan` (a plan that
    reassesses after 2 sessions, and 2 signed sessions without an outcome)."""
    today = date.today()
    patient = uow.patients.add(Patient(given_name="Short", family_name=kind, sex="male"))
    assert patient.id is not None
    findings = ("cancer_history",) if kind == "old_flags" else ()
    submitted = today - timedelta(days=20 if kind == "old_flags" else 40)
    intake = uow.intakes.add(_intake(patient.id, _at(submitted, 9), 30, *findings))
    _book(uow, patient.id, practitioner_id, _at(today, 15))
    if kind == "short_plan":
        _accept_plan(uow, intake, 2, signer, _at(today - timedelta(days=20), 10))
        for day in (today - timedelta(days=14), today - timedelta(days=7)):
            _sign_session(uow, patient.id, practitioner_id, signer, day, points=1)
    return patient.id


def test_the_dashboard_reads_in_full_exactly_the_patients_who_may_alert(
    demo: DemoClinic, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Only patients with a recent red-flag intake, or as many signed sessions as the smallest
    reassessment point of the caseload, get their course read; the alerts stay those of the
    per-patient definition (a plan reassessing after 2, below every usual course, still
    counts)."""
    mei = demo.actor("mei")
    assert mei.user_id is not None
    with demo.uow() as uow:
        practitioner = uow.practitioners.add(
            Practitioner(name="Short Practitioner", qualification="MSc Acupuncture")
        )
        assert practitioner.id is not None
        ids = {
            kind: _add_short_case(uow, practitioner.id, mei.user_id, kind)
            for kind in ("new", "old_flags", "short_plan")
        }
        flagged = _add_case(uow, practitioner.id, mei.user_id, 0, date.today())  # red flags
        uow.commit()
    actor = Actor(mei.user_id, "short", "practitioner", None, practitioner.id)
    read: list[list[int]] = []
    real = dashboard.course_facts

    def spy(uow: UnitOfWork, patient_ids: list[int], *args: Any) -> Any:
        read.append(list(patient_ids))
        return real(uow, patient_ids, *args)

    monkeypatch.setattr(dashboard, "course_facts", spy)
    with demo.uow() as uow:
        board = dashboard.dashboard(uow, actor, date.today())
    assert read == [sorted([ids["short_plan"], flagged])]
    kinds = {(a.patient_id, a.kind) for a in board.alerts if a.kind != "licence_expiring"}
    assert kinds == {(ids["short_plan"], "reassessment_due"), (flagged, "red_flags")}
    with demo.uow() as uow:
        expected = expected_alerts(uow, actor, date.today())
    assert [a for a in board.alerts if a.kind != "licence_expiring"] == expected


def test_trajectory_of_matches_the_per_patient_definition(
    demo: DemoClinic, caseload: tuple[Actor, Any]
) -> None:
    _, grow_to = caseload
    ids = grow_to(8)
    with demo.uow() as uow:
        everyone = [p.id for p in uow.patients.all(limit=500) if p.id is not None]
    assert set(ids) <= set(everyone)
    for patient_id in everyone:
        with demo.uow() as uow:
            assert outcomes.trajectory_of(uow, patient_id) == expected_report(uow, patient_id)


def test_get_patients_reads_and_audits_once(demo: DemoClinic, caseload: tuple[Actor, Any]) -> None:
    _, grow_to = caseload
    ids = grow_to(50)
    mei = demo.actor("mei")
    costs = []
    for wanted in (ids[:5], ids[:50]):
        with demo.uow() as uow, counted(demo.engine) as count:
            found = people.get_patients(uow, mei, set(wanted))
        costs.append(count.statements)
        assert list(found) == sorted(wanted)
        assert all(found[i].id == i for i in wanted)
        with demo.uow() as uow:
            entry = uow.audit.entries(actor="mei", limit=1)[0]
            assert uow.audit.verify().ok
        assert (entry.action, entry.entity, entry.outcome) == ("patient.read", "patient", "success")
        assert entry.detail["patient_ids"] == sorted(wanted)
    assert costs[0] == costs[1]
    with demo.uow() as uow:
        assert people.get_patients(uow, mei, set()) == {}
    with demo.uow() as uow, pytest.raises(NotFound):
        people.get_patients(uow, mei, {ids[0], 10_000_000})


def test_get_patients_refuses_like_get_patient(demo: DemoClinic) -> None:
    researcher = demo.actor("researcher")
    patient_id = demo.patient_id("Moreau")
    with demo.uow() as uow, pytest.raises(Forbidden):
        people.get_patients(uow, researcher, {patient_id})
    with demo.uow() as uow:
        entry = uow.audit.entries(actor="researcher", limit=1)[0]
    assert (entry.action, entry.outcome, entry.entity) == ("patient.read", "denied", "patient")
    assert entry.detail["patient_id"] == patient_id


def test_patient_record_is_one_transaction_with_every_audit_entry(
    demo: DemoClinic, caseload: tuple[Actor, Any]
) -> None:
    _, grow_to = caseload
    patient_id = grow_to(4)[1]  # four signed sessions
    mei = demo.actor("mei")
    with demo.uow() as uow:
        charting.amend_session(
            uow, mei, uow.sessions.for_patient(patient_id)[0].id or 0, "typo", {"notes": "fixed"}
        )
    # Counted around the whole unit of work: its one commit is at the end of the block.
    with counted(demo.engine) as count, demo.uow() as uow:
        record = patient_record(uow, mei, patient_id)
    assert count.commits == 1
    assert record.clinical is not None
    assert [c.notes for c in record.clinical.charts][:2] == ["fixed", ""]
    with demo.uow() as uow:
        entries = uow.audit.entries(actor="mei", entity="patient", entity_id=patient_id, limit=20)
        expected = [uow.sessions.effective(c.id or 0) for c in uow.sessions.for_patient(patient_id)]
    actions = [e.action for e in entries[:8]]
    assert sorted(actions) == sorted(
        [
            "patient.read",
            "appointment.list",
            "intake.list",
            "plan.list",
            "session.list",
            "outcome.list",
            "adverse_event.list",
            "trajectory.read",
        ]
    )
    assert list(record.clinical.charts) == expected
    reception = demo.actor("reception")
    with demo.uow() as uow:
        assert patient_record(uow, reception, patient_id).clinical is None


def test_listing_charts_reads_amendments_in_one_statement(
    demo: DemoClinic, caseload: tuple[Actor, Any]
) -> None:
    _, grow_to = caseload
    ids = grow_to(8)
    mei = demo.actor("mei")
    few, many = ids[1], ids[5]  # one and then four charts amended
    with demo.uow() as uow:
        charts = uow.sessions.for_patient(many)
    for chart in charts:
        with demo.uow() as uow:
            charting.amend_session(uow, mei, chart.id or 0, "late note", {"pain_after": 1})
    with demo.uow() as uow:
        charting.amend_session(
            uow, mei, uow.sessions.for_patient(few)[0].id or 0, "x", {"pain_after": 2}
        )
    costs = []
    for patient_id in (few, many):
        with demo.uow() as uow, counted(demo.engine) as count:
            listed = charting.list_sessions(uow, mei, patient_id)
        costs.append(count.statements)
        with demo.uow() as uow:
            assert listed == [
                uow.sessions.effective(c.id or 0) for c in uow.sessions.for_patient(patient_id)
            ]
    assert costs[0] == costs[1]
