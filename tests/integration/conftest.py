"""Integration fixtures: a real database, SQLite and PostgreSQL, for every records test.

`db_url` is parametrised over both back ends. SQLite is a file in the test's tmp folder.
PostgreSQL is found or started by `tests/postgres_server.py` (ACUBACK_TEST_POSTGRES_URL, the
local server, Debian's cluster, or a private throw-away cluster) behind the session fixture
`postgres_admin` of tests/conftest.py. The run creates one database (tests/databases.py),
dropped at the end; each test gets an empty schema of its own in it.
No server and no way to start one is a failure with instructions, never a silent skip: CI
must run these tests for real.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, create_engine, text

from acuback.records import UnitOfWork, make_engine, upgrade

from ..databases import BACKENDS, fresh_postgres_database

_COUNTER = itertools.count(1)


@pytest.fixture(scope="session")
def postgres_database(postgres_admin: Engine) -> Iterator[Engine]:
    """A database of this test run, acuback_test_<run>_<n>, dropped at the end of the run."""
    with fresh_postgres_database(postgres_admin, "test") as url:
        engine = create_engine(url, isolation_level="AUTOCOMMIT")
        yield engine
        engine.dispose()


@pytest.fixture
def postgres_url(postgres_database: Engine) -> Iterator[str]:
    """An empty schema of its own for one test (as search_path), dropped afterwards.

    A schema is created in an instant where a database takes about a second to copy.
    """
    schema = f"t{next(_COUNTER)}"
    with postgres_database.connect() as connection:
        connection.execute(text(f"CREATE SCHEMA {schema}"))
    url = postgres_database.url.update_query_dict({"options": f"-c search_path={schema}"})
    yield url.render_as_string(hide_password=False)
    with postgres_database.connect() as connection:
        connection.execute(text(f"DROP SCHEMA {schema} CASCADE"))


@pytest.fixture(params=BACKENDS)
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """An empty database of each kind: a SQLite file, or a fresh PostgreSQL database."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'acuback.sqlite3'}"
    return str(request.getfixturevalue("postgres_url"))


@pytest.fixture
def engine(db_url: str) -> Iterator[Engine]:
    """An engine on a database migrated to the newest schema."""
    upgrade(db_url)
    engine = make_engine(db_url)
    yield engine
    engine.dispose()


@pytest.fixture
def uow(engine: Engine) -> Callable[[], UnitOfWork]:
    """Make a fresh unit of work on the migrated database: `with uow() as work: ...`."""
    return lambda: UnitOfWork(engine)
