"""Web fixtures: the app over a seeded demo clinic, on SQLite and on PostgreSQL.

The database and app are shared by the tests of a module (seeding hashes seven passwords with
argon2id); tests create what they change. The database is a fresh one per module from
tests/databases.py; PostgreSQL is the server of the session fixture `postgres_admin`
(tests/conftest.py): no server is a failure with instructions, never a skip.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from functools import lru_cache

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from acuback.records import UnitOfWork, make_engine, upgrade
from acuback.services.demo import DEMO_LOGINS, seed_demo
from acuback.settings import Settings
from acuback.web.app import create_app
from acuback.web.security.passwords import hash_password

from ..databases import BACKENDS, fresh_database_url

SECRET = "test-secret-key-that-is-long-enough-0123456789"
DEMO_PASSWORDS = {login.username: login.password for login in DEMO_LOGINS}

# The app's own argon2id, each password hashed once per run: hashing the seven demo passwords
# was most of a module's set-up (about 1.3 of 2 seconds). A module still gets its own database,
# and every login verifies through the app's code at the app's cost.
seed_hash = lru_cache(maxsize=None)(hash_password)


@pytest.fixture(scope="module", params=BACKENDS)
def web_db_url(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[str]:
    with fresh_database_url(request, tmp_path_factory, "web") as url:
        yield url


@pytest.fixture(scope="module")
def web_engine(web_db_url: str) -> Iterator[Engine]:
    upgrade(web_db_url)
    engine = make_engine(web_db_url)
    with UnitOfWork(engine) as uow:
        seed_demo(uow, seed_hash)
    yield engine
    engine.dispose()


def make_app(engine: Engine) -> FastAPI:
    settings = Settings(
        database_url=engine.url.render_as_string(hide_password=False), secret_key=SECRET
    )
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
                data={"username": username, "password": DEMO_PASSWORDS[username]},
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
