"""The audit log: append, read back, verify the chain, detect tampering."""

from __future__ import annotations

import itertools
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, date, datetime

import pytest
from sqlalchemy import Engine, text

from acuback.records import UnitOfWork
from acuback.records.audit import GENESIS

UoW = Callable[[], UnitOfWork]


def _fill(uow: UoW, count: int) -> None:
    with uow() as work:
        for index in range(count):
            work.audit.record(
                "mei",
                "read" if index % 2 else "update",
                "patient",
                index + 1,
                detail={"fields": ["phone"], "on": date(2026, 6, 1), "note": "ünïcode ✓", "n": 0.1},
            )
        work.commit()


def _tamper(engine: Engine, statement: str) -> None:
    """Change the log behind the code's back, past the database's append-only triggers."""
    with engine.begin() as connection:
        if engine.dialect.name == "postgresql":
            connection.execute(text("ALTER TABLE audit_log DISABLE TRIGGER USER"))
        else:
            connection.execute(text("DROP TRIGGER audit_log_no_update"))
            connection.execute(text("DROP TRIGGER audit_log_no_delete"))
        connection.execute(text(statement))


def test_entries_chain_and_read_back(uow: UoW) -> None:
    _fill(uow, 5)
    with uow() as work:
        entries = work.audit.entries()
        report = work.audit.verify()
    assert [e.seq for e in entries] == [5, 4, 3, 2, 1]
    assert entries[-1].prev_hash == GENESIS
    assert all(newer.prev_hash == older.hash for newer, older in itertools.pairwise(entries))
    assert entries[0].detail == {
        "fields": ["phone"],
        "n": 0.1,
        "note": "ünïcode ✓",
        "on": "2026-06-01",
    }
    assert entries[0].at.tzinfo == UTC
    assert report.ok
    assert report.entries_checked == 5
    assert report.head_hash == entries[0].hash


def test_entries_filter_and_page(uow: UoW) -> None:
    _fill(uow, 6)
    with uow() as work:
        assert [e.seq for e in work.audit.entries(entity_id=3)] == [3]
        assert [e.seq for e in work.audit.entries(limit=2, before_seq=5)] == [4, 3]
        assert work.audit.entries(actor="nobody") == []


def test_empty_log_verifies(uow: UoW) -> None:
    with uow() as work:
        report = work.audit.verify()
    assert report.ok
    assert report.entries_checked == 0
    assert report.head_hash is None


def _failing_request(uow: UoW) -> None:
    with uow() as work:
        work.audit.record("mei", "read", "patient", 1)
        raise RuntimeError("the request failed")


def test_rolled_back_work_leaves_no_entry(uow: UoW) -> None:
    # A unit of work commits when its block ends normally; a failing request rolls back.
    with pytest.raises(RuntimeError, match="failed"):
        _failing_request(uow)
    with uow() as work:
        assert work.audit.entries() == []


def test_altered_entry_is_found(uow: UoW, engine: Engine) -> None:
    _fill(uow, 5)
    _tamper(engine, "UPDATE audit_log SET actor = 'someone_else' WHERE seq = 3")
    with uow() as work:
        report = work.audit.verify()
    assert not report.ok
    assert report.first_broken_seq == 3
    assert report.entries_checked == 2
    assert report.problem is not None
    assert "altered" in report.problem


def test_altered_time_is_found(uow: UoW, engine: Engine) -> None:
    _fill(uow, 3)
    with uow() as work:
        at = work.audit.entries()[-1].at
    moved = datetime(at.year - 1, at.month, 1, tzinfo=UTC).strftime("%Y-%m-%d %H:%M:%S")
    _tamper(engine, f"UPDATE audit_log SET at = '{moved}' WHERE seq = 1")
    with uow() as work:
        assert work.audit.verify().first_broken_seq == 1


def test_deleted_entry_is_found(uow: UoW, engine: Engine) -> None:
    _fill(uow, 5)
    _tamper(engine, "DELETE FROM audit_log WHERE seq = 2")
    with uow() as work:
        report = work.audit.verify()
    assert not report.ok
    assert report.first_broken_seq == 3
    assert report.problem is not None
    assert "missing" in report.problem


def test_concurrent_appends_keep_one_chain(uow: UoW) -> None:
    """Writers in parallel threads queue for the tail instead of forking the chain."""

    def append(writer: int) -> None:
        for index in range(10):
            with uow() as work:
                work.audit.record(f"writer{writer}", "read", "patient", index)
                work.commit()

    with ThreadPoolExecutor(max_workers=4) as pool:
        list(pool.map(append, range(4)))
    with uow() as work:
        report = work.audit.verify()
        actors = {entry.actor for entry in work.audit.entries(limit=100)}
    assert report.ok
    assert report.entries_checked == 40
    assert actors == {"writer0", "writer1", "writer2", "writer3"}
