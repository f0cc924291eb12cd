"""Consistent database copies: SQLite's online backup API and PostgreSQL's pg_dump/pg_restore.

Both take the manifest's facts from the very snapshot they copy, so a backup taken while the
server writes is consistent with its own manifest. SQLite: the whole database is copied in one
backup step (a single read transaction; WAL lets writers carry on), and the facts are read
from the copy. PostgreSQL: a REPEATABLE READ transaction exports its snapshot, the facts are
read in it, and pg_dump dumps that same snapshot (`--snapshot`). pg_dump and pg_restore must be
at least the server's major version; the newest found under /usr/lib/postgresql/*/bin or on
PATH is used.
"""

from __future__ import annotations

import glob
import os
import re
import shutil
import sqlite3
import subprocess
from pathlib import Path

from sqlalchemy import Engine, create_engine, text
from sqlalchemy.engine import URL

from acuback.errors import InputError
from acuback.interop.manifest import DatabaseFacts, read_facts
from acuback.records.db import make_engine

__all__ = [
    "drop_restored_postgres",
    "dump_postgres",
    "dump_sqlite",
    "postgres_facts",
    "restore_postgres",
    "sqlite_facts",
]


def dump_sqlite(url: URL, target: Path) -> DatabaseFacts:
    """Copy the SQLite database at `url` into `target` in one step; the copy's facts."""
    source_path = Path(str(url.database)).expanduser()
    if not source_path.is_file():
        raise InputError("--db", f"no SQLite database at {source_path}")
    source = sqlite3.connect(f"file:{source_path}?mode=ro", uri=True, timeout=15)
    copy = sqlite3.connect(target)
    try:
        source.backup(copy, pages=-1)
    finally:
        copy.close()
        source.close()
    return sqlite_facts(target)


def sqlite_facts(path: Path) -> DatabaseFacts:
    """The facts of a SQLite file, read without writing to it."""
    engine = create_engine(f"sqlite:///file:{path}?mode=ro&uri=true")
    try:
        with engine.connect() as connection:
            return read_facts(connection)
    finally:
        engine.dispose()


def _libpq_env(url: URL) -> dict[str, str]:
    """The connection as libpq variables, so no password appears on a command line."""
    env = dict(os.environ)
    values = {
        "PGHOST": url.host,
        "PGPORT": url.port,
        "PGUSER": url.username,
        "PGPASSWORD": url.password,
        "PGDATABASE": url.database,
    }
    env.update({key: str(value) for key, value in values.items() if value is not None})
    return env


def _refuse_search_path(url: URL) -> None:
    if "search_path" in str(url.query.get("options", "")):
        raise InputError(
            "--db", "a URL with a search_path option is not supported: back up a whole database"
        )


def _tool(name: str, server_major: int) -> str:
    """The newest `name` (pg_dump, pg_restore) of at least the server's major version."""
    found = [*glob.glob(f"/usr/lib/postgresql/*/bin/{name}"), shutil.which(name)]
    best: tuple[int, str] | None = None
    for path in filter(None, found):
        done = subprocess.run([path, "--version"], capture_output=True, text=True, check=False)
        match = re.search(r"\b(\d+)(?:\.\d+)?", done.stdout)
        if match and (best is None or int(match.group(1)) > best[0]):
            best = (int(match.group(1)), path)
    if best is None or best[0] < server_major:
        have = "none found" if best is None else f"found version {best[0]}"
        raise InputError(
            name,
            f"PostgreSQL {server_major} needs {name} {server_major} or newer ({have}): "
            f"install postgresql-client-{server_major}",
        )
    return best[1]


def _server_major(engine: Engine) -> int:
    with engine.connect() as connection:
        return int(connection.execute(text("SHOW server_version_num")).scalar_one()) // 10000


def dump_postgres(url: URL, target: Path) -> tuple[DatabaseFacts, str]:
    """pg_dump the database at `url` into `target` (custom format); its facts and version."""
    _refuse_search_path(url)
    engine = make_engine(url)
    try:
        major = _server_major(engine)
        pg_dump = _tool("pg_dump", major)
        with engine.connect() as plain:
            connection = plain.execution_options(isolation_level="REPEATABLE READ")
            with connection.begin():
                snapshot = connection.execute(text("SELECT pg_export_snapshot()")).scalar_one()
                facts = read_facts(connection)
                command = [pg_dump, "--format=custom", f"--snapshot={snapshot}", "--no-password"]
                _run([*command, f"--file={target}"], url)
        return facts, str(major)
    finally:
        engine.dispose()


def postgres_facts(url: URL) -> DatabaseFacts:
    engine = make_engine(url)
    try:
        with engine.connect() as connection:
            return read_facts(connection)
    finally:
        engine.dispose()


def restore_postgres(url: URL, dump: Path) -> None:
    """pg_restore `dump` into the (empty) database at `url`, all or nothing."""
    _refuse_search_path(url)
    engine = make_engine(url)
    try:
        pg_restore = _tool("pg_restore", _server_major(engine))
    finally:
        engine.dispose()
    command = [pg_restore, "--single-transaction", "--exit-on-error", "--no-owner"]
    _run([*command, "--no-privileges", "--no-password", f"--dbname={url.database}", str(dump)], url)


def drop_restored_postgres(url: URL, tables: list[str]) -> None:
    """Undo a restore whose result did not match its manifest: the target was empty before."""
    engine = make_engine(url)
    try:
        with engine.begin() as connection:
            for name in tables:
                connection.execute(text(f'DROP TABLE IF EXISTS "{name}" CASCADE'))
            connection.execute(text("DROP FUNCTION IF EXISTS acuback_audit_append_only() CASCADE"))
    finally:
        engine.dispose()


def _run(command: list[str], url: URL) -> None:
    done = subprocess.run(command, capture_output=True, text=True, env=_libpq_env(url), check=False)
    if done.returncode != 0:
        last = (done.stderr.strip().splitlines() or ["no message"])[-1]
        raise InputError(Path(command[0]).name, f"failed (exit {done.returncode}): {last}")
