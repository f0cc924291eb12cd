"""The derived research rows (`repositories.derived`) under two concurrent writers of one
patient on PostgreSQL: the second waits for the first's lock on the patient row and rebuilds
the series from what the first committed, so that no series is left stale (nor does the
second fail on the first's row). The figures themselves: tests/integration/services/
test_research_derived.py."""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import UTC, date, datetime

import pytest
from sqlalchemy import select

from acuback.clinical.intake import parse_intake
from acuback.clinical.screening import screen
from acuback.knowledge import load_knowledge
from acuback.records import Intake, OutcomeMeasurement, UnitOfWork
from acuback.records.tables import OutcomeSeriesRow

from .conftest import Clinic

UoW = Callable[[], UnitOfWork]
WAIT_S = 1.0  # long enough for the second writer to reach the lock on a loaded machine


def _score(work: UnitOfWork, patient_id: int, day: date, score: float) -> None:
    record = OutcomeMeasurement(
        patient_id=patient_id, instrument="nrs", measured_on=day, responses=score, score=score
    )
    work.outcomes.add(record)


def _intake(work: UnitOfWork, patient_id: int, diagnoses: list[str]) -> None:
    kb = load_knowledge()
    pain = {"regions": ["lower_back"], "onset_weeks": 10, "nrs": 6}
    data = {"age": 50, "sex": "female", "pain": pain, "diagnoses": diagnoses}
    form = parse_intake(data, conditions=kb.conditions)
    at = datetime(2026, 3, 1, tzinfo=UTC)
    work.intakes.add(
        Intake(patient_id=patient_id, submitted_at=at, payload=form, screening=screen(form, kb))
    )


def _series(uow: UoW, patient_id: int) -> list[tuple[float, float, int, str]]:
    with uow() as work:
        rows = work.session.scalars(
            select(OutcomeSeriesRow).where(OutcomeSeriesRow.patient_id == patient_id)
        )
        return [(r.first_score, r.last_score, r.scores, r.condition) for r in rows]


@pytest.mark.postgres
@pytest.mark.parametrize("db_url", ["postgresql"], indirect=True)
@pytest.mark.parametrize("first_writes", ["score", "intake"])
def test_two_writers_of_one_patient_leave_a_true_series(
    uow: UoW, clinic: Clinic, first_writes: str
) -> None:
    """The first transaction writes (a score, or an intake with a diagnosis) and holds on; the
    second adds a later score meanwhile. The second must wait, then see the first's rows."""
    patient = clinic.patient_id
    code = sorted(load_knowledge().conditions)[0]
    with uow() as work:
        _score(work, patient, date(2026, 1, 5), 7.0)
        work.commit()
    errors: list[BaseException] = []
    done = threading.Event()

    def second() -> None:
        try:
            with uow() as work:
                _score(work, patient, date(2026, 2, 5), 2.0)
                work.commit()
        except BaseException as exc:  # reported by the test, not lost in the thread
            errors.append(exc)
        finally:
            done.set()

    with uow() as first:
        if first_writes == "score":
            _score(first, patient, date(2026, 1, 20), 5.0)
        else:
            _intake(first, patient, [code])
        thread = threading.Thread(target=second)
        thread.start()
        waited = not done.wait(WAIT_S)
        first.commit()
    thread.join(30)
    assert not errors, errors
    assert waited, "the second writer did not wait for the first"
    count = 3 if first_writes == "score" else 2
    condition = code if first_writes == "intake" else "unspecified"
    assert _series(uow, patient) == [(7.0, 2.0, count, condition)]
