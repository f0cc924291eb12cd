"""Engines and sessions: SQLite (the embedded default) or PostgreSQL, from one URL.

With no URL, `acuback.settings` decides (`ACUBACK_DATABASE_URL`, else a SQLite file in the
user's data directory, whose folder is created). On SQLite every connection turns on WAL
journaling, foreign keys and a busy timeout, and each transaction starts with `BEGIN IMMEDIATE`:
nearly every unit of work appends to the audit log, SQLite has one writer, and taking the write
lock up front makes writers queue instead of failing when another one overtook their snapshot.
Within one process a file database gets a pool of one connection, so units of work wait in the
pool's queue and wake as soon as the connection comes back, rather than in SQLite's busy handler,
which polls with growing sleeps and let some writers wait seconds while later ones went first.
PostgreSQL URLs use psycopg 3 (`postgresql+psycopg://`; a bare `postgresql://` is mapped to it),
with the session time zone set to UTC.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError, NoSuchModuleError
from sqlalchemy.orm import Session, sessionmaker

from acuback.errors import InputError

__all__ = ["get_engine", "make_engine", "make_session_factory", "resolve_url"]

SQLITE_BUSY_TIMEOUT_MS = 15_000
_BACKENDS = ("sqlite", "postgresql")
_ALLOWED_URLS = ("sqlite:///PATH", "postgresql+psycopg://USER@HOST/NAME")


def resolve_url(url: str | URL | None = None) -> URL:
    """The database URL to use: `url`, else the settings' one; prepares what it needs.

    A SQLite file's folder is created; `postgresql://` and `postgres://` get the psycopg driver.
    """
    if url is None:
        from acuback.settings import get_settings

        url = get_settings().effective_database_url
    parsed = _parse(url)
    if parsed.get_backend_name() == "sqlite" and parsed.database not in {None, "", ":memory:"}:
        Path(parsed.database).expanduser().parent.mkdir(parents=True, exist_ok=True)
    return parsed


def _parse(url: str | URL) -> URL:
    """`url` parsed, with the psycopg driver for PostgreSQL; an unusable URL is an InputError.

    Checked here, where every command and the app resolve their URL, so `--db garbage://x` or a
    mistyped ACUBACK_DATABASE_URL is one line naming the setting, never a SQLAlchemy traceback.
    """
    try:
        parsed = make_url(url)
        if parsed.drivername in {"postgresql", "postgres"}:
            parsed = parsed.set(drivername="postgresql+psycopg")
        if parsed.get_backend_name() not in _BACKENDS:
            raise NoSuchModuleError(parsed.get_backend_name())
        parsed.get_dialect()
    except (ArgumentError, NoSuchModuleError, ImportError):
        shown = url if isinstance(url, str) else url.render_as_string(hide_password=True)
        raise InputError("database URL", f"cannot use {shown!r}", _ALLOWED_URLS) from None
    return parsed


def make_engine(url: str | URL | None = None, **options: Any) -> Engine:
    """A new engine for `url` (see `resolve_url`), set up for its dialect."""
    parsed = resolve_url(url)
    if parsed.get_backend_name() == "postgresql":
        # Keep any server options the URL carries (e.g. a search_path) and add UTC.
        given = parsed.query.get("options")
        utc = "-c timezone=UTC" if not given else f"{given} -c timezone=UTC"
        options.setdefault("connect_args", {}).setdefault("options", utc)
        options.setdefault("pool_pre_ping", True)
        return create_engine(parsed, **options)
    if parsed.get_backend_name() != "sqlite":
        return create_engine(parsed, **options)
    if parsed.database not in {None, "", ":memory:"}:
        options.setdefault("pool_size", 1)
        options.setdefault("max_overflow", 0)
        options.setdefault("pool_timeout", SQLITE_BUSY_TIMEOUT_MS / 1000)
    engine = create_engine(parsed, **options)
    _configure_sqlite(engine)
    return engine


@lru_cache(maxsize=8)
def get_engine(url: str | None = None) -> Engine:
    """One shared engine per URL for the process (built on first use, never at import)."""
    return make_engine(url)


def make_session_factory(engine: Engine) -> sessionmaker[Session]:
    """Sessions bound to `engine`; objects stay readable after commit."""
    return sessionmaker(bind=engine, expire_on_commit=False)


def _configure_sqlite(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Hand transaction control to SQLAlchemy (the `begin` hook below), as its docs advise
        # for pysqlite; the PRAGMAs must run outside a transaction.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        try:
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        finally:
            cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Any) -> None:
        connection.exec_driver_sql("BEGIN IMMEDIATE")
