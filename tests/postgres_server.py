"""Find or start a PostgreSQL server for the integration tests.

In order: the server at ACUBACK_TEST_POSTGRES_URL (when set, it must answer), else the local
one at postgresql+psycopg://postgres@127.0.0.1:5432/postgres; when that does not answer,
Debian's cluster is started with pg_ctlcluster (Debian's `postgresql` package is installed
first when no server binaries are found and we are root); when it still does not answer (not
started, or its TCP login wants a password), a private throw-away cluster is made with the
installed PostgreSQL binaries (initdb, trust login, a free port on 127.0.0.1) and stopped at the
end. If none of that works the caller fails with `INSTALL_HINT`.
"""

from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from sqlalchemy import Engine, create_engine, text
from sqlalchemy.engine import URL, make_url

from .system_packages import ensure_debian_package

__all__ = ["INSTALL_HINT", "admin_engine"]

DEFAULT_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
INSTALL_HINT = (
    "PostgreSQL is needed for the records tests and none could be reached or started. "
    "Install it (Debian: `apt-get install -y postgresql`); the tests then start a server "
    "themselves. Or point ACUBACK_TEST_POSTGRES_URL at a server where the user may create "
    "databases."
)


def _engine(url: URL) -> Engine:
    if url.drivername == "postgresql":
        url = url.set(drivername="postgresql+psycopg")
    return create_engine(url, isolation_level="AUTOCOMMIT", connect_args={"connect_timeout": 5})


def _wait(engine: Engine, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while True:
        try:
            with engine.connect() as connection:
                connection.execute(text("SELECT 1"))
            return True
        except Exception:
            if time.monotonic() >= deadline:
                return False
            time.sleep(0.5)


def _run(*command: str) -> str:
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    return f"{' '.join(command)}: exit {done.returncode} {done.stderr.strip()[-300:]}"


def _start_debian_cluster() -> str:
    if shutil.which("pg_ctlcluster") is None or not Path("/etc/postgresql").is_dir():
        return "pg_ctlcluster not found"
    versions = sorted(os.listdir("/etc/postgresql"))
    return "; ".join(
        _run("pg_ctlcluster", "--skip-systemctl-redirect", version, "main", "start")
        for version in versions
    )


def _bindir() -> Path | None:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    if found:
        return Path(found[-1]).parent
    initdb = shutil.which("initdb")
    return Path(initdb).parent if initdb else None


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _private_cluster() -> tuple[URL | None, Callable[[], None], str]:
    """initdb + pg_ctl start in a temporary folder; returns (url, stop, what happened)."""
    bindir = _bindir()
    if bindir is None:
        return None, lambda: None, "no initdb found"
    folder = Path(tempfile.mkdtemp(prefix="acuback-pg-"))
    data, port = folder / "data", _free_port()
    # PostgreSQL refuses to run as root: run it as the postgres account when we are root.
    as_user = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
    if as_user:
        shutil.chown(folder, "postgres")
    pg_ctl = str(bindir / "pg_ctl")
    notes = [
        _run(*as_user, str(bindir / "initdb"), "-D", str(data), "-U", "postgres", "-A", "trust"),
        _run(
            *as_user,
            pg_ctl,
            "-D",
            str(data),
            "-l",
            str(folder / "log"),
            "-w",
            "-o",
            f"-p {port} -k {folder} -c listen_addresses=127.0.0.1",
            "start",
        ),
    ]

    def stop() -> None:
        _run(*as_user, pg_ctl, "-D", str(data), "-m", "fast", "-w", "stop")
        shutil.rmtree(folder, ignore_errors=True)

    url = URL.create("postgresql+psycopg", "postgres", None, "127.0.0.1", port, "postgres")
    return url, stop, "; ".join(notes)


def admin_engine() -> tuple[Engine | None, Callable[[], None], str]:
    """An AUTOCOMMIT engine on a server's maintenance database, a stop function, and notes."""
    given = os.environ.get("ACUBACK_TEST_POSTGRES_URL")
    engine = _engine(make_url(given or DEFAULT_URL))
    if _wait(engine, 0):
        return engine, lambda: None, "reachable"
    if given:
        return None, lambda: None, f"ACUBACK_TEST_POSTGRES_URL does not answer: {given}"
    if _bindir() is None:  # a fresh machine: install Debian's server (as root), then start it
        ensure_debian_package(lambda: _bindir() is not None, "postgresql")
    notes = [_start_debian_cluster()]
    if _wait(engine, 15):
        return engine, lambda: None, notes[0]
    engine.dispose()
    url, stop, note = _private_cluster()
    notes.append(note)
    if url is not None:
        engine = _engine(url)
        if _wait(engine, 30):
            return engine, stop, "; ".join(notes)
        engine.dispose()
        stop()
    return None, lambda: None, "; ".join(notes)
