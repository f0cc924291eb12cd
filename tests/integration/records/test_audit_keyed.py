"""The keyed audit chain: each way of tampering is detected, with and without the key; the head
anchor catches a cut-off end; a log from before the key is re-keyed once, its old chain checked.

Each tamper is applied by someone who can write to the database (past its append-only triggers)
but does not hold the audit key; `acuback audit verify` must exit 1 for every one.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
import typer
from sqlalchemy import Engine, select, text
from sqlalchemy.orm import Session
from typer.testing import CliRunner, Result

from acuback.cli import records
from acuback.errors import ConfigurationError
from acuback.records import UnitOfWork, make_engine, upgrade
from acuback.records.audit import GENESIS, canonical_detail, entry_hash, verify_chain
from acuback.records.tables import AuditRow

KEY = b"k" * 8 + b"audit-key-for-the-tests-0123456789"
OTHER_KEY = b"someone-elses-key-0123456789-abcdefghij"


def _run(*args: str) -> Result:
    app = typer.Typer()
    records.register(app)
    return CliRunner().invoke(app, list(args))


def _fill(engine: Engine, count: int, key: bytes = KEY) -> None:
    with UnitOfWork(engine, audit_key=key) as work:
        for index in range(count):
            outcome = "denied" if index % 3 == 0 else "success"
            work.audit.record("mei", "read", "patient", index, outcome=outcome)
        work.commit()


def _unguarded(engine: Engine, statements: list[str], params: list[dict[str, object]]) -> None:
    """Run statements past the append-only triggers, as a database writer could."""
    with engine.begin() as connection:
        if engine.dialect.name == "postgresql":
            connection.execute(text("ALTER TABLE audit_log DISABLE TRIGGER USER"))
        else:
            connection.execute(text("DROP TRIGGER IF EXISTS audit_log_no_update"))
            connection.execute(text("DROP TRIGGER IF EXISTS audit_log_no_delete"))
        for statement, values in zip(statements, params, strict=True):
            connection.execute(text(statement), values)
        if engine.dialect.name == "postgresql":
            connection.execute(text("ALTER TABLE audit_log ENABLE TRIGGER USER"))


def _rechain(engine: Engine, key: bytes | None, upto: int | None = None) -> None:
    """Recompute the links of the chain (of its first `upto` entries) over what is stored now:
    with plain SHA-256 (key None, the scheme before the key) or with a key not the clinic's."""
    table = AuditRow.__table__
    with engine.connect() as connection:
        rows = connection.execute(select(table).order_by(table.c.seq)).mappings().all()
    prev, updates = GENESIS, []
    for row in rows[:upto]:
        fields = {
            name: row[name]
            for name in ("seq", "at", "actor", "action", "entity", "entity_id", "outcome", "detail")
        }
        digest = entry_hash(**fields, prev_hash=prev, key=key)
        updates.append({"seq": row["seq"], "prev_hash": prev, "hash": digest})
        prev = digest
    statement = "UPDATE audit_log SET prev_hash = :prev_hash, hash = :hash WHERE seq = :seq"
    _unguarded(engine, [statement] * len(updates), updates)


def _flip_and_rechain(key: bytes | None) -> Callable[[Engine], None]:
    def tamper(engine: Engine) -> None:
        _unguarded(engine, ["UPDATE audit_log SET outcome = 'success'"], [{}])
        _rechain(engine, key)

    return tamper


def _sql(statement: str) -> Callable[[Engine], None]:
    return lambda engine: _unguarded(engine, [statement], [{}])


TAMPERS: dict[str, Callable[[Engine], None]] = {
    "edit a field": _sql("UPDATE audit_log SET outcome = 'success' WHERE seq = 4"),
    "delete a middle row": _sql("DELETE FROM audit_log WHERE seq = 3"),
    "cut the newest rows": _sql("DELETE FROM audit_log WHERE seq > 4"),
    "recompute the chain without a key": _flip_and_rechain(None),
    "recompute the chain with another key": _flip_and_rechain(OTHER_KEY),
}


@pytest.fixture
def migrated(db_url: str) -> str:
    upgrade(db_url)
    return db_url


@pytest.mark.parametrize("tamper", list(TAMPERS))
def test_every_tamper_is_detected_and_verify_exits_1(
    migrated: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, tamper: str
) -> None:
    monkeypatch.setenv("ACUBACK_AUDIT_KEY", KEY.decode())
    from acuback.settings import get_settings

    get_settings.cache_clear()
    engine = make_engine(migrated)
    try:
        _fill(engine, 7)
        anchor = tmp_path / "anchor.json"
        assert _run("audit", "anchor", "--db", migrated, "--out", str(anchor)).exit_code == 0
        assert json.loads(anchor.read_text())["seq"] == 7
        intact = _run("audit", "verify", "--db", migrated, "--anchor", str(anchor))
        assert intact.exit_code == 0, intact.output
        TAMPERS[tamper](engine)
        with Session(engine) as session:
            assert not verify_chain(session, KEY, anchor=None).ok or tamper.startswith("cut")
    finally:
        engine.dispose()
        get_settings.cache_clear()
    monkeypatch.setenv("ACUBACK_AUDIT_KEY", KEY.decode())
    broken = _run("audit", "verify", "--db", migrated, "--anchor", str(anchor), "--json")
    assert broken.exit_code == 1, broken.output
    assert json.loads(broken.stdout)["ok"] is False
    get_settings.cache_clear()


def test_without_the_anchor_a_cut_end_passes_and_with_it_fails(migrated: str) -> None:
    engine = make_engine(migrated)
    try:
        _fill(engine, 6)
        with UnitOfWork(engine, audit_key=KEY) as work:
            from acuback.records.audit import anchor

            head = anchor(work.session)
        assert head is not None
        TAMPERS["cut the newest rows"](engine)
        with UnitOfWork(engine, audit_key=KEY) as work:
            assert work.audit.verify().ok  # why the anchor is needed
            report = work.audit.verify(head)
    finally:
        engine.dispose()
    assert not report.ok
    assert report.first_broken_seq == 5
    assert report.problem is not None
    assert "cut off" in report.problem


def test_a_replaced_head_does_not_match_the_anchor(migrated: str) -> None:
    engine = make_engine(migrated)
    try:
        _fill(engine, 3)
        with UnitOfWork(engine, audit_key=KEY) as work:
            from acuback.records.audit import anchor

            head = anchor(work.session)
        assert head is not None
        forged = head.model_copy(update={"hash": "f" * 64})
        with UnitOfWork(engine, audit_key=KEY) as work:
            report = work.audit.verify(forged)
    finally:
        engine.dispose()
    assert not report.ok
    assert report.first_broken_seq == 3


INSERT = (
    "INSERT INTO audit_log (seq, at, actor, action, entity, entity_id, outcome, detail, "
    "prev_hash, hash) VALUES (:seq, :at, :actor, :action, :entity, :entity_id, :outcome, "
    ":detail, :prev_hash, :hash)"
)


def _legacy_rows(engine: Engine, count: int) -> None:
    """Entries as acuback wrote them before the key: plain SHA-256."""
    from datetime import UTC, datetime

    prev, statements, params = GENESIS, [], []
    for seq in range(1, count + 1):
        fields: dict[str, object] = {
            "seq": seq,
            "at": datetime(2026, 1, seq, tzinfo=UTC),
            "actor": "mei",
            "action": "read",
            "entity": "patient",
            "entity_id": str(seq),
            "outcome": "success",
            "detail": canonical_detail({}),
        }
        digest = entry_hash(**fields, prev_hash=prev, key=None)  # type: ignore[arg-type]
        statements.append(INSERT)
        params.append({**fields, "prev_hash": prev, "hash": digest})
        prev = digest
    _unguarded(engine, statements, params)


def test_an_old_log_is_checked_then_rekeyed_once(
    db_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    from acuback.settings import get_settings

    upgrade(db_url, "0002")
    engine = make_engine(db_url)
    try:
        _legacy_rows(engine, 4)
        monkeypatch.setenv("ACUBACK_AUDIT_KEY", KEY.decode())
        get_settings.cache_clear()
        upgraded = _run("db", "upgrade", "--db", db_url, "--json")
        assert upgraded.exit_code == 0, upgraded.output
        assert json.loads(upgraded.stdout)["audit_sealed"] is True
        again = _run("audit", "rekey", "--db", db_url, "--json")
        assert again.exit_code == 0
        assert json.loads(again.stdout)["sealed"] is False  # once only
        _fill(engine, 2)
        with UnitOfWork(engine, audit_key=KEY) as work:
            report = work.audit.verify()
            seal = work.audit.entries()
        assert report.ok, report
        assert report.entries_checked == 7
        assert report.unkeyed_entries == 4
        assert [e.action for e in seal][2] == "audit.rekey"
        assert seal[2].detail["sealed_seq"] == 4
        # An old entry altered and its plain chain recomputed still breaks the keyed seal.
        _unguarded(engine, ["UPDATE audit_log SET actor = 'someone' WHERE seq = 2"], [{}])
        _rechain(engine, None, upto=4)
        assert _run("audit", "verify", "--db", db_url).exit_code == 1
    finally:
        engine.dispose()
        get_settings.cache_clear()


def test_a_broken_old_log_stops_the_migration(db_url: str) -> None:
    upgrade(db_url, "0002")
    engine = make_engine(db_url)
    try:
        _legacy_rows(engine, 3)
        _unguarded(engine, ["UPDATE audit_log SET actor = 'x' WHERE seq = 2"], [{}])
    finally:
        engine.dispose()
    with pytest.raises(ConfigurationError, match="BROKEN at entry 2"):
        upgrade(db_url)


def test_a_log_never_keyed_does_not_verify(db_url: str) -> None:
    upgrade(db_url, "0002")
    engine = make_engine(db_url)
    try:
        _legacy_rows(engine, 2)
        with Session(engine) as session:
            report = verify_chain(session, KEY)
    finally:
        engine.dispose()
    assert not report.ok
    assert report.problem is not None
    assert "rekey" in report.problem


def test_an_unreadable_anchor_is_bad_input(migrated: str, tmp_path: Path) -> None:
    from acuback.errors import InputError

    bad = tmp_path / "anchor.json"
    bad.write_text("not json", encoding="utf-8")
    result = _run("audit", "verify", "--db", migrated, "--anchor", str(bad))
    assert isinstance(result.exception, InputError)
    assert "--anchor" in str(result.exception)
