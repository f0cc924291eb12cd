"""One planning request (POST /api/v1/intakes/{id}/plans) runs a short, fixed list of SQL
statements and answers exactly what was stored (issue 16: planning throughput).

Statements are counted with SQLAlchemy's `before_cursor_execute` event on the app's engine
(SQLite and PostgreSQL): each row the request needs is read once (the sign-in, the user, the
intake), the plan is written by one INSERT that also checks its intake, and the audit entry
by its link read and its INSERT; one commit. The repository's refusals of a bad plan stay
what they were (a missing patient or intake is NotFound, another patient's intake an
InputError), and nothing is written then.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, event, func, select

from acuback.clinical.planning import plan
from acuback.errors import InputError, NotFound
from acuback.records import Patient, Plan, UnitOfWork
from acuback.records.tables import PlanRow

Auth = Callable[[str], dict[str, str]]
CLEAN = {"age": 40, "sex": "male", "pain": {"regions": ["lower_back"], "onset_weeks": 20, "nrs": 6}}


@contextmanager
def statements(engine: Engine) -> Iterator[tuple[list[str], list[int]]]:
    """The SQL statements run on `engine` inside the block, and [commits]."""
    run: list[str] = []
    commits = [0]

    def statement(_conn: Any, _cursor: Any, sql: str, *_args: Any) -> None:
        run.append(" ".join(sql.split()))

    def commit(*_args: Any) -> None:
        commits[0] += 1

    event.listen(engine, "before_cursor_execute", statement)
    event.listen(engine, "commit", commit)
    try:
        yield run, commits
    finally:
        event.remove(engine, "before_cursor_execute", statement)
        event.remove(engine, "commit", commit)


def _kind(sql: str) -> str:
    """'SELECT logins', 'INSERT plans', 'BEGIN', ...: the verb and the first table named."""
    verb = sql.split()[0].upper()
    table = re.search(r"\b(?:FROM|INTO)\s+(\w+)", sql, re.IGNORECASE)
    if verb == "SELECT" and "pg_advisory_xact_lock" in sql:
        return "SELECT pg_advisory_xact_lock"
    return f"{verb} {table.group(1)}" if table else verb


def _treatable_intake(client: TestClient, auth: Auth) -> dict[str, Any]:
    body = {"given_name": "Lena", "family_name": "Counted", "sex": "female"}
    patient = client.post("/api/v1/patients", json=body, headers=auth("mei")).json()
    intake = client.post(
        "/api/v1/intakes", json={"patient_id": patient["id"], "intake": CLEAN}, headers=auth("mei")
    )
    assert intake.status_code == 201, intake.text
    assert intake.json()["disposition"] == "proceed"
    return dict(intake.json())


def test_a_planning_request_reads_each_row_once_and_writes_the_plan_in_one_statement(
    client: TestClient, auth: Auth, web_engine: Engine
) -> None:
    intake = _treatable_intake(client, auth)
    client.post(f"/api/v1/intakes/{intake['id']}/plans", headers=auth("mei"))  # warm
    with statements(web_engine) as (run, commits):
        answer = client.post(f"/api/v1/intakes/{intake['id']}/plans", headers=auth("mei"))
    assert answer.status_code == 201, answer.text
    opening = ["BEGIN"] if web_engine.dialect.name == "sqlite" else []  # BEGIN IMMEDIATE
    lock = [] if web_engine.dialect.name == "sqlite" else ["SELECT pg_advisory_xact_lock"]
    assert [_kind(sql) for sql in run] == [
        *opening,
        "SELECT logins",  # with the user's row: the user read that follows needs no SQL
        "SELECT intakes",
        "INSERT plans",  # INSERT ... SELECT: written only if the intake is the patient's
        *lock,
        "SELECT audit_log",
        "INSERT audit_log",
    ], run
    assert commits == [1]


def test_the_answer_is_the_stored_plan_and_the_request_is_audited(
    client: TestClient, auth: Auth
) -> None:
    intake = _treatable_intake(client, auth)
    answer = client.post(f"/api/v1/intakes/{intake['id']}/plans", headers=auth("mei"))
    assert answer.status_code == 201
    made = answer.json()
    stored = client.get(f"/api/v1/plans/{made['id']}", headers=auth("mei")).json()
    assert made == stored
    assert (made["status"], made["version"], made["accepted_by"]) == ("proposed", 1, None)
    assert (made["patient_id"], made["intake_id"]) == (intake["patient_id"], intake["id"])
    assert made["payload"]["points"]
    entries = client.get(
        "/api/v1/audit", params={"entity": "plan", "entity_id": made["id"]}, headers=auth("admin")
    )
    assert entries.status_code == 200, entries.text
    generated = [e for e in entries.json() if e["action"] == "plan.generate"]
    assert [(e["actor"], e["outcome"], e["detail"]) for e in generated] == [
        (
            "mei",
            "success",
            {"role": "practitioner", "patient_id": intake["patient_id"], "intake_id": intake["id"]},
        )
    ]


def test_an_unknown_intake_is_a_404_naming_it(client: TestClient, auth: Auth) -> None:
    answer = client.post("/api/v1/intakes/999999/plans", headers=auth("mei"))
    assert answer.status_code == 404
    assert "999999" in answer.text


def _plans(engine: Engine) -> int:
    with engine.connect() as connection:
        return int(connection.scalar(select(func.count()).select_from(PlanRow)) or 0)


@pytest.mark.parametrize("wrong", ["other patient", "no patient", "no intake"])
def test_the_repository_refuses_a_plan_whose_intake_is_not_the_patients(
    client: TestClient, auth: Auth, web_engine: Engine, wrong: str
) -> None:
    intake = _treatable_intake(client, auth)
    before = _plans(web_engine)
    with UnitOfWork(web_engine) as uow:
        other = uow.patients.add(Patient(given_name="Ola", family_name="Other", sex="male"))
        stored = uow.intakes.get(intake["id"])
        patient_id, intake_id = {
            "other patient": (other.id, stored.id),
            "no patient": (999_999, stored.id),
            "no intake": (stored.patient_id, 999_999),
        }[wrong]
        assert patient_id is not None
        assert intake_id is not None
        record = Plan(patient_id=patient_id, intake_id=intake_id, payload=plan(stored.payload))
        expected: tuple[type[Exception], str] = {
            "other patient": (InputError, "belongs to another patient"),
            "no patient": (NotFound, "patient"),
            "no intake": (NotFound, "intake"),
        }[wrong]
        with pytest.raises(expected[0], match=expected[1]):
            uow.plans.add(record)
        uow.rollback()
    assert _plans(web_engine) == before
