"""One way to get a test database: a fresh, empty one on SQLite or PostgreSQL.

`BACKENDS` is the parametrisation of a database fixture over both back ends; the PostgreSQL
case is marked `postgres`. `fresh_database_url` gives the URL of an empty database of the
fixture's back end (`request.param`): a SQLite file in a new tmp folder, or a PostgreSQL
database acuback_<name>_<run>_<n> made through the session's `postgres_admin` engine (see
tests/conftest.py) and dropped when the block ends. Migrating and seeding are the caller's.
"""

from __future__ import annotations

import itertools
import uuid
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from sqlalchemy import Engine, text

__all__ = ["BACKENDS", "fresh_database_url", "fresh_postgres_database"]

BACKENDS = ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)]

_RUN = uuid.uuid4().hex[:8]
_COUNTER = itertools.count(1)


@contextmanager
def fresh_postgres_database(admin: Engine, name: str) -> Iterator[str]:
    """The URL of a new database acuback_<name>_<run>_<n> on `admin`'s server, dropped after."""
    database = f"acuback_{name}_{_RUN}_{next(_COUNTER)}"
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{database}"'))
    try:
        yield admin.url.set(database=database).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)'))


@contextmanager
def fresh_database_url(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory, name: str
) -> Iterator[str]:
    """The URL of an empty database of the back end `request.param` (one of `BACKENDS`)."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path_factory.mktemp(name) / 'clinic.sqlite3'}"
        return
    admin: Engine = request.getfixturevalue("postgres_admin")
    with fresh_postgres_database(admin, name) as url:
        yield url
