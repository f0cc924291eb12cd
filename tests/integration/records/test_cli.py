"""`acuback db upgrade` and `acuback audit verify` on a real database."""

from __future__ import annotations

import json

import pytest
import typer
from sqlalchemy import text
from typer.testing import CliRunner, Result

from acuback.cli import records
from acuback.errors import InputError
from acuback.records import UnitOfWork, head_revision, make_engine


def _run(*args: str) -> Result:
    # A fresh app with only this module's commands, as cli/app.py registers them.
    app = typer.Typer()
    records.register(app)
    return CliRunner().invoke(app, list(args))


def _audit(url: str, count: int) -> None:
    engine = make_engine(url)
    try:
        with UnitOfWork(engine) as work:
            for index in range(count):
                work.audit.record("mei", "read", "patient", index)
            work.commit()
    finally:
        engine.dispose()


def test_upgrade_then_verify_then_tamper(db_url: str) -> None:
    upgraded = _run("db", "upgrade", "--db", db_url, "--json")
    assert upgraded.exit_code == 0, upgraded.output
    assert json.loads(upgraded.stdout)["to"] == head_revision()
    assert json.loads(upgraded.stdout)["from"] is None

    _audit(db_url, 4)
    intact = _run("audit", "verify", "--db", db_url, "--json")
    assert intact.exit_code == 0, intact.output
    assert json.loads(intact.stdout)["ok"] is True
    assert json.loads(intact.stdout)["entries_checked"] == 4
    assert "audit log intact: 4 entries" in _run("audit", "verify", "--db", db_url).stdout

    engine = make_engine(db_url)
    with engine.begin() as connection:
        if engine.dialect.name == "postgresql":
            connection.execute(text("ALTER TABLE audit_log DISABLE TRIGGER USER"))
        else:
            connection.execute(text("DROP TRIGGER audit_log_no_update"))
        connection.execute(text("UPDATE audit_log SET entity_id = '99' WHERE seq = 2"))
    engine.dispose()
    broken = _run("audit", "verify", "--db", db_url)
    assert broken.exit_code == 1
    assert "BROKEN at entry 2" in broken.stdout
    as_json = _run("audit", "verify", "--db", db_url, "--json")
    assert as_json.exit_code == 1
    assert json.loads(as_json.stdout)["first_broken_seq"] == 2


def test_verify_on_an_empty_database_says_to_upgrade(db_url: str) -> None:
    result = _run("audit", "verify", "--db", db_url)
    assert isinstance(result.exception, InputError)
    assert "acuback db upgrade" in str(result.exception)


def test_upgrade_is_idempotent(db_url: str) -> None:
    assert _run("db", "upgrade", "--db", db_url).exit_code == 0
    again = _run("db", "upgrade", "--db", db_url, "--json")
    assert again.exit_code == 0
    assert json.loads(again.stdout)["from"] == json.loads(again.stdout)["to"] == head_revision()


@pytest.mark.parametrize("command", [["db", "--help"], ["audit", "verify", "--help"]])
def test_help(command: list[str]) -> None:
    assert _run(*command).exit_code == 0


def test_upgrade_refuses_going_back_and_downgrade_says_what_it_undid(db_url: str) -> None:
    from acuback.records.migrate import revisions

    first, *_ = revisions()
    assert _run("db", "upgrade", "--db", db_url).exit_code == 0
    back = _run("db", "upgrade", "--db", db_url, "--revision", first)
    assert isinstance(back.exception, InputError)
    assert f"acuback db downgrade {first}" in str(back.exception)
    unknown = _run("db", "upgrade", "--db", db_url, "--revision", "0099")
    assert isinstance(unknown.exception, InputError)
    assert "unknown revision '0099'" in str(unknown.exception)

    down = _run("db", "downgrade", first, "--db", db_url, "--json")
    assert down.exit_code == 0, down.output
    data = json.loads(down.stdout)
    assert (data["from"], data["to"]) == (head_revision(), first)
    assert [step["revision"] for step in data["undone"]] == list(reversed(revisions()[1:]))
    again = _run("db", "downgrade", first, "--db", db_url)
    assert f"already at revision {first}; nothing undone" in again.stdout
    assert _run("db", "upgrade", "--db", db_url).exit_code == 0
