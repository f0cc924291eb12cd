"""Appointments split by their end time, a saved outcome read back, the reassessment sentence."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import pytest

from acuback.errors import Forbidden
from acuback.records import Appointment
from acuback.services import outcomes, plans
from acuback.services.schedule import split_visits

from .conftest import DemoClinic

NOW = datetime(2026, 3, 10, 12, 0, tzinfo=UTC)


def _visit(ident: int, start: datetime, minutes: int = 45) -> Appointment:
    return Appointment(
        id=ident,
        version=1,
        patient_id=1,
        practitioner_id=1,
        starts_at=start,
        ends_at=start + timedelta(minutes=minutes),
    )


def test_a_visit_that_started_but_has_not_ended_is_still_upcoming() -> None:
    started = _visit(1, NOW - timedelta(minutes=30))  # 11:30 to 12:15, still going
    ended = _visit(2, NOW - timedelta(hours=3))  # 09:00 to 09:45 today
    just_ended = _visit(3, NOW - timedelta(minutes=45))  # 11:15 to 12:00: over at noon
    later = _visit(4, NOW + timedelta(days=2))
    upcoming, past = split_visits([later, ended, started, just_ended], NOW)
    assert [a.id for a in upcoming] == [1, 4]
    assert [a.id for a in past] == [3, 2]


def test_a_saved_outcome_can_be_read_back_with_permission(
    demo: DemoClinic, fresh_patient: Callable[[], int]
) -> None:
    mei, grace = demo.actor("mei"), demo.actor("grace")
    patient_id = fresh_patient()
    with demo.uow() as uow:
        stored = outcomes.record_outcome(uow, mei, patient_id, "nrs", 6)
    with demo.uow() as uow:
        again = outcomes.get_outcome(uow, mei, stored.id or 0)
        entry = uow.audit.entries(actor="mei", limit=1)[0]
    assert (again.id, again.score, again.patient_id) == (stored.id, 6, patient_id)
    assert (entry.action, entry.entity_id) == ("outcome.read", str(stored.id))
    with demo.uow() as uow, pytest.raises(Forbidden):  # another patient's measurement
        outcomes.get_outcome(uow, grace, stored.id or 0)


def test_the_reassessment_is_said_without_internal_ids(
    demo: DemoClinic, fresh_patient: Callable[[], int]
) -> None:
    mei = demo.actor("mei")
    patient_id = fresh_patient()
    with demo.uow() as uow:
        before = outcomes.patient_trajectory(uow, mei, patient_id)
        plan = plans.generate_plan(
            uow, mei, uow.intakes.for_patient(patient_id)[0].id or 0, policy=None
        )
        plans.accept_plan(uow, mei, plan.id or 0, plan.version)
        after = outcomes.patient_trajectory(uow, mei, patient_id)
    assert before.plan_id is None
    assert before.summary == (
        f"Reassess after {before.reassess_after_sessions} sessions (the usual course for "
        "chronic pain, until a plan is accepted); 0 signed so far."
    )
    assert after.plan_id == plan.id
    assert after.summary == (
        f"Reassess after {after.reassess_after_sessions} sessions of the current plan; "
        "0 signed so far."
    )
    assert str(plan.id) not in after.summary
