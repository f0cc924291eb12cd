"""Research aggregates, the patient list and the patient record cost a constant number of SQL
statements as the clinic grows (SQLite and PostgreSQL).

Each page is counted (`counted`, SQLAlchemy's `before_cursor_execute`) in a small clinic and
again after ten times as many patients (research, list) or intakes, plans and scores (record)
were added; the counts must be equal. The dashboard is counted the same way in
tests/integration/services/test_batched_reads.py.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from sqlalchemy import Engine

from acuback.clinical.intake import parse_intake
from acuback.clinical.planning import plan
from acuback.clinical.screening import screen
from acuback.knowledge import load_knowledge
from acuback.records import Intake, OutcomeMeasurement, Patient, Plan, UnitOfWork

from .conftest import Browser, page
from .test_clinic_statements import counted


def _add_history(uow: UnitOfWork, patient_id: int, index: int) -> None:
    """One intake with its plan and two NRS scores (a baseline and a follow-up)."""
    kb = load_knowledge()
    pain = {"regions": ["lower_back"], "onset_weeks": 8 + index % 5, "nrs": 6}
    form = parse_intake(
        {"age": 40 + index % 30, "sex": "female", "pain": pain}, conditions=kb.conditions
    )
    at = datetime(2026, 1, 1, tzinfo=UTC) + timedelta(days=index)
    intake = uow.intakes.add(
        Intake(patient_id=patient_id, submitted_at=at, payload=form, screening=screen(form, kb))
    )
    assert intake.id is not None
    uow.plans.add(Plan(patient_id=patient_id, intake_id=intake.id, payload=plan(form)))
    for day, score in ((0, 7.0), (28, 3.0 + index % 4)):
        measured_on = date(2026, 1, 1) + timedelta(days=index + day)
        uow.outcomes.add(
            OutcomeMeasurement(
                patient_id=patient_id,
                instrument="nrs",
                responses=score,
                measured_on=measured_on,
                score=score,
            )
        )


def _add_patients(engine: Engine, start: int, count: int) -> None:
    with UnitOfWork(engine) as uow:
        for index in range(start, start + count):
            patient = uow.patients.add(
                Patient(given_name="Stmt", family_name=f"Grow{index:03d}", sex="female")
            )
            assert patient.id is not None
            _add_history(uow, patient.id, index)
        uow.commit()


def test_research_and_the_patient_list_do_not_grow_with_the_clinic(
    browser: Browser, web_engine: Engine
) -> None:
    researcher, mei = browser("researcher"), browser("mei")
    costs: list[tuple[int, int, int]] = []
    seen: list[int] = []
    for start, more in ((0, 3), (3, 30)):
        _add_patients(web_engine, start, more)
        with counted(web_engine) as api:
            response = researcher.get("/api/v1/research/aggregates")
        assert response.status_code == 200
        seen.append(response.json()["patients"])
        with counted(web_engine) as html:
            assert researcher.get("/research").status_code == 200
        with counted(web_engine) as listing:
            soup = page(mei.get("/clinic/patients?q=Stmt"))
        assert len(soup.select('table.patients a[href^="/clinic/patients/"]')) == start + more
        costs.append((api[0], html[0], listing[0]))
    assert seen[1] == seen[0] + 30  # the larger clinic was counted
    assert costs[0] == costs[1]


def test_the_patient_record_does_not_grow_with_its_history(
    browser: Browser, web_engine: Engine
) -> None:
    client = browser("mei")
    with UnitOfWork(web_engine) as uow:
        patient = uow.patients.add(Patient(given_name="Long", family_name="History", sex="male"))
        uow.commit()
    assert patient.id is not None
    costs = []
    for start, more in ((0, 2), (2, 20)):
        with UnitOfWork(web_engine) as uow:
            for index in range(start, start + more):
                _add_history(uow, patient.id, index)
            uow.commit()
        with counted(web_engine) as counts:
            response = client.get(f"/clinic/patients/{patient.id}")
        assert response.status_code == 200
        costs.append(counts[0])
    assert costs[0] == costs[1]
