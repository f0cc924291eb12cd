"""Engine set-up: SQLite pragmas, the default database location, UTC datetimes."""

from __future__ import annotations

import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest
from pydantic import ValidationError
from sqlalchemy import Engine, event, text
from sqlalchemy.dialects import sqlite

from acuback.records import Appointment, UnitOfWork, make_engine, resolve_url
from acuback.records.tables.base import UTCDateTime
from acuback.settings import get_settings


def test_sqlite_has_wal_and_foreign_keys(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'db.sqlite3'}")
    try:
        with engine.connect() as connection:
            assert connection.execute(text("PRAGMA journal_mode")).scalar() == "wal"
            assert connection.execute(text("PRAGMA foreign_keys")).scalar() == 1
    finally:
        engine.dispose()


def test_sqlite_units_of_work_in_one_process_queue_for_one_connection(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'db.sqlite3'}")
    connects: list[object] = []
    event.listen(engine, "connect", lambda connection, _record: connects.append(connection))

    def write(n: int) -> None:
        with engine.begin() as connection:
            connection.execute(text("INSERT INTO t VALUES (:n)"), {"n": n})
            time.sleep(0.002)  # hold the transaction so the other threads must wait

    try:
        with engine.begin() as connection:
            connection.execute(text("CREATE TABLE t (n INTEGER)"))
        with ThreadPoolExecutor(max_workers=16) as threads:
            list(threads.map(write, range(64)))
        with engine.connect() as connection:
            assert connection.execute(text("SELECT count(*) FROM t")).scalar() == 64
    finally:
        engine.dispose()
    assert len(connects) == 1


def test_default_url_is_a_sqlite_file_in_the_data_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    data_dir = tmp_path / "nested" / "acuback"
    monkeypatch.delenv("ACUBACK_DATABASE_URL", raising=False)
    monkeypatch.setenv("ACUBACK_DATA_DIR", str(data_dir))
    get_settings.cache_clear()
    try:
        url = resolve_url()
    finally:
        get_settings.cache_clear()
    assert url.get_backend_name() == "sqlite"
    assert Path(str(url.database)).parent == data_dir
    assert data_dir.is_dir()  # created, so the first connection can make the file


def test_bare_postgresql_url_gets_the_psycopg_driver() -> None:
    assert resolve_url("postgresql://u@h/db").drivername == "postgresql+psycopg"


def test_foreign_keys_are_enforced(uow: Callable[[], UnitOfWork], engine: Engine) -> None:
    with pytest.raises(Exception, match=r"(?i)foreign key"), engine.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO intakes (patient_id, submitted_at, payload, screening, disposition,"
                " version) VALUES (999, CURRENT_TIMESTAMP, '{}', '{}', 'proceed', 1)"
            )
        )


def test_datetimes_come_back_aware_in_utc(uow: Callable[[], UnitOfWork], clinic: object) -> None:
    plus_two = timezone(timedelta(hours=2))
    starts = datetime(2026, 3, 2, 9, 30, tzinfo=plus_two)
    with uow() as work:
        patient = work.patients.all()[0]
        practitioner = work.practitioners.all()[0]
        assert patient.id
        assert practitioner.id
        added = work.appointments.add(
            Appointment(
                patient_id=patient.id,
                practitioner_id=practitioner.id,
                starts_at=starts,
                ends_at=starts + timedelta(minutes=45),
            )
        )
        work.commit()
    with uow() as work:
        stored = work.appointments.get(added.id or 0)
    assert stored.starts_at == starts
    assert stored.starts_at.tzinfo == UTC
    assert stored.starts_at.hour == 7


def test_naive_datetimes_are_refused() -> None:
    naive = datetime(2026, 3, 2, 9, 30)
    with pytest.raises(ValidationError, match="timezone"):
        Appointment(patient_id=1, practitioner_id=1, starts_at=naive, ends_at=naive)
    with pytest.raises(ValueError, match="naive"):
        UTCDateTime().process_bind_param(naive, sqlite.dialect())
