"""Web fixtures: the app over a seeded demo clinic, on SQLite and on PostgreSQL.

The database and app are shared by the tests of a module (seeding hashes seven passwords with
argon2id); tests create what they change. PostgreSQL: the server at
ACUBACK_TEST_POSTGRES_URL, else the local one (postgresql+psycopg://postgres@127.0.0.1:5432/
postgres), started with Debian's pg_ctlcluster when it does not answer; no server is a
failure with instructions, never a skip (same policy as tests/integration).
"""

from __future__ import annotations

import itertools
import os
import shutil
import subprocess
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.engine import URL, make_url

from acuback.records import UnitOfWork, make_engine, upgrade
from acuback.services.demo import seed_demo
from acuback.settings import Settings
from acuback.web.app import create_app
from acuback.web.security.passwords import hash_password

DEFAULT_POSTGRES_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
SECRET = "test-secret-key-that-is-long-enough-0123456789"
PASSWORDS = {
    "admin": "admin-demo-2026", "mei": "mei-demo-2026", "daniel": "daniel-demo-2026",
    "reception": "reception-demo-2026", "researcher": "researcher-demo-2026",
    "ada": "ada-demo-2026", "grace": "grace-demo-2026",
}  # fmt: skip
_RUN = uuid.uuid4().hex[:8]
_COUNTER = itertools.count(1)


def _admin_url() -> URL:
    url = make_url(os.environ.get("ACUBACK_TEST_POSTGRES_URL") or DEFAULT_POSTGRES_URL)
    return url.set(drivername="postgresql+psycopg") if url.drivername == "postgresql" else url


def _reachable(engine: Engine) -> bool:
    try:
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
    except Exception:
        return False
    return True


def _start_debian_cluster() -> None:
    if shutil.which("pg_ctlcluster") is None or not Path("/etc/postgresql").is_dir():
        return
    for version in sorted(os.listdir("/etc/postgresql")):
        subprocess.run(
            ["pg_ctlcluster", "--skip-systemctl-redirect", version, "main", "start"],
            capture_output=True, check=False,
        )  # fmt: skip


@pytest.fixture(scope="session")
def web_postgres_admin() -> Iterator[Engine]:
    engine = create_engine(_admin_url(), isolation_level="AUTOCOMMIT", pool_pre_ping=True)
    if not _reachable(engine):
        _start_debian_cluster()
        deadline = time.monotonic() + 30
        while not _reachable(engine) and time.monotonic() < deadline:
            time.sleep(0.5)
        if not _reachable(engine):
            pytest.fail(
                "PostgreSQL is needed for the web tests: install Debian's postgresql package "
                "or set ACUBACK_TEST_POSTGRES_URL",
                pytrace=False,
            )
    yield engine
    engine.dispose()


@pytest.fixture(
    scope="module", params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)]
)
def web_db_url(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[str]:
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path_factory.mktemp('web') / 'clinic.sqlite3'}"
        return
    admin: Engine = request.getfixturevalue("web_postgres_admin")
    name = f"acuback_web_{_RUN}_{next(_COUNTER)}"
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    yield admin.url.set(database=name).render_as_string(hide_password=False)
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


@pytest.fixture(scope="module")
def web_engine(web_db_url: str) -> Iterator[Engine]:
    upgrade(web_db_url)
    engine = make_engine(web_db_url)
    with UnitOfWork(engine) as uow:
        seed_demo(uow, hash_password)
    yield engine
    engine.dispose()


def make_app(engine: Engine) -> FastAPI:
    settings = Settings(database_url=engine.url.render_as_string(hide_password=False),
                        secret_key=SECRET)  # fmt: skip
    return create_app(settings, engine=engine, migrate=False)


@pytest.fixture(scope="module")
def client(web_engine: Engine) -> Iterator[TestClient]:
    with TestClient(make_app(web_engine)) as test_client:
        yield test_client


@pytest.fixture(scope="module")
def auth(client: TestClient) -> Callable[[str], dict[str, str]]:
    """`auth("mei")`: the Authorization header of a demo user (tokens cached per module)."""
    tokens: dict[str, str] = {}

    def header(username: str) -> dict[str, str]:
        if username not in tokens:
            response = client.post(
                "/api/v1/auth/token",
                data={"username": username, "password": PASSWORDS[username]},
            )
            assert response.status_code == 200, response.text
            tokens[username] = response.json()["access_token"]
        return {"Authorization": f"Bearer {tokens[username]}"}

    return header


@pytest.fixture(scope="module")
def patient_ids(client: TestClient, auth: Callable[[str], dict[str, str]]) -> dict[str, int]:
    """Demo patients by family name."""
    page = client.get("/api/v1/patients?limit=200", headers=auth("mei")).json()
    return {item["family_name"]: item["id"] for item in page["items"]}
