"""Intakes, plans, appointments and outcome measurements."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest

from acuback.clinical.intake import parse_intake
from acuback.clinical.plan_model import Plan as PlanResult
from acuback.clinical.plan_model import PlannedPoint
from acuback.clinical.planning import plan
from acuback.clinical.screening import ScreeningResult
from acuback.errors import Conflict, InputError, NotFound
from acuback.records import Appointment, Intake, OutcomeMeasurement, Plan, UnitOfWork

from .conftest import Clinic

UoW = Callable[[], UnitOfWork]

INTAKE: dict[str, Any] = {
    "age": 46,
    "sex": "female",
    "pain": {"regions": ["lower_back"], "side": "left", "onset_weeks": 14.5, "nrs": 6},
    "findings": ["anticoagulant_therapy"],
    "medications": ["warfarin 5 mg"],
    "pregnancy_weeks": None,
    "startback": [True, False, False, True, False, False, False, True, "slightly"],
}
SCREENING: dict[str, Any] = {
    "disposition": "caution",
    "reasons": [
        {
            "rule": "anticoagulants",
            "disposition": "caution",
            "message": "m",
            "patient_message": "p",
            "sources": ["x"],
        }
    ],
    "constraints": {"avoid_points": [], "max_depth_mm": {"*": 25.0}, "notes": ["ünïcode ✓"]},
    "next_step": "treat with care",
    "patient_message": "p",
}
FORM = parse_intake(INTAKE)
RESULT = ScreeningResult.model_validate(SCREENING)
PLAN = plan(FORM)


def _intake(work: UnitOfWork, clinic: Clinic) -> Intake:
    return work.intakes.add(Intake(patient_id=clinic.patient_id, payload=FORM, screening=RESULT))


def test_intake_is_stored_exactly_as_given(uow: UoW, clinic: Clinic) -> None:
    with uow() as work:
        intake = _intake(work, clinic)
        work.commit()
    with uow() as work:
        stored = work.intakes.get(intake.id or 0)
        assert stored.payload == FORM
        assert stored.screening == RESULT
        assert stored.disposition == "caution"
        assert work.intakes.for_patient(clinic.patient_id) == [stored]
        older = FORM.model_copy(update={"age": 50})
        with pytest.raises(InputError, match="payload"):
            work.intakes.update(stored.model_copy(update={"payload": older}))
        assigned = work.intakes.update(
            stored.model_copy(update={"practitioner_id": clinic.practitioner_id})
        )
        assert assigned.version == 2


def test_intake_needs_a_disposition_and_a_patient(uow: UoW) -> None:
    with pytest.raises(ValueError, match="disposition"):
        Intake.model_validate({"patient_id": 1, "payload": FORM, "screening": {"reasons": []}})
    maybe = {**SCREENING, "disposition": "maybe"}
    with pytest.raises(ValueError, match="disposition"):
        Intake.model_validate({"patient_id": 1, "payload": FORM, "screening": maybe})
    with uow() as work, pytest.raises(NotFound, match="patient '9'"):
        work.intakes.add(Intake(patient_id=9, payload=FORM, screening=RESULT))


def _points(points: tuple[PlannedPoint, ...]) -> PlanResult:
    return PLAN.model_copy(update={"points": points})


def test_accepting_a_plan_supersedes_the_earlier_one(uow: UoW, clinic: Clinic) -> None:
    with uow() as work:
        intake = _intake(work, clinic)
        assert intake.id
        first = work.plans.add(
            Plan(patient_id=clinic.patient_id, intake_id=intake.id, payload=_points(()))
        )
        first = work.plans.accept(first, clinic.practitioner_user_id)
        second = work.plans.add(
            Plan(patient_id=clinic.patient_id, intake_id=intake.id, payload=_points(PLAN.points))
        )
        fewer = _points(PLAN.points[1:])
        edited = work.plans.update(second.model_copy(update={"payload": fewer}))
        assert edited.payload == fewer
        accepted = work.plans.accept(edited, clinic.practitioner_user_id)
        work.commit()
    assert first.status == "accepted"
    assert first.accepted_by == clinic.practitioner_user_id
    assert accepted.status == "accepted"
    assert accepted.accepted_at is not None
    with uow() as work:
        statuses = [plan.status for plan in work.plans.for_patient(clinic.patient_id)]
        assert statuses == ["superseded", "accepted"]
        with pytest.raises(Conflict, match="no longer proposed"):
            work.plans.update(accepted.model_copy(update={"payload": PLAN}))
        with pytest.raises(Conflict, match="not proposed"):
            work.plans.accept(accepted, clinic.practitioner_user_id)


def test_plan_intake_must_be_the_same_patients(uow: UoW, clinic: Clinic) -> None:
    with uow() as work:
        intake = _intake(work, clinic)
        with pytest.raises(InputError, match="intake_id"):
            work.plans.add(
                Plan(patient_id=clinic.other_patient_id, intake_id=intake.id or 0, payload=PLAN)
            )


def test_appointments_between(uow: UoW, clinic: Clinic) -> None:
    day = datetime(2026, 5, 4, 8, 0, tzinfo=UTC)
    with uow() as work:
        for hours in (1, 3, 30):
            work.appointments.add(
                Appointment(
                    patient_id=clinic.patient_id,
                    practitioner_id=clinic.practitioner_id,
                    starts_at=day + timedelta(hours=hours),
                    ends_at=day + timedelta(hours=hours, minutes=45),
                    kind="follow_up",
                )
            )
        work.commit()
    with uow() as work:
        today = work.appointments.between(day, day + timedelta(days=1), clinic.practitioner_id)
        assert [a.starts_at.hour for a in today] == [9, 11]
        cancelled = work.appointments.update(today[0].model_copy(update={"status": "cancelled"}))
        work.commit()
    with uow() as work:
        assert work.appointments.get(cancelled.id or 0).status == "cancelled"
        assert len(work.appointments.for_patient(clinic.patient_id)) == 3
    with pytest.raises(ValueError, match="ends_at"):
        Appointment(patient_id=1, practitioner_id=1, starts_at=day, ends_at=day)


def test_outcomes_by_patient_and_instrument(uow: UoW, clinic: Clinic) -> None:
    with uow() as work:
        for day, score in ((1, 7.0), (8, 5.0), (15, 3.0)):
            work.outcomes.add(
                OutcomeMeasurement(
                    patient_id=clinic.patient_id,
                    instrument="nrs",
                    measured_on=date(2026, 6, day),
                    responses=[int(score)],
                    score=score,
                )
            )
        work.outcomes.add(
            OutcomeMeasurement(
                patient_id=clinic.patient_id,
                instrument="startback",
                measured_on=date(2026, 6, 1),
                responses=INTAKE["startback"],
                score=3,
                subscores={"distress": 1},
            )
        )
        work.commit()
    with uow() as work:
        nrs = work.outcomes.for_patient(clinic.patient_id, instrument="nrs")
        assert [m.score for m in nrs] == [7.0, 5.0, 3.0]
        assert len(work.outcomes.for_patient(clinic.patient_id, since=date(2026, 6, 2))) == 2
        startback = work.outcomes.for_patient(clinic.patient_id, instrument="startback")[0]
        assert startback.responses == INTAKE["startback"]
        assert startback.subscores == {"distress": 1}
