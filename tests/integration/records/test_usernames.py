"""Usernames are unique ignoring case, in the repository, the database and the migration."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from acuback.errors import ConfigurationError, Conflict
from acuback.records import UnitOfWork, User, make_engine, upgrade

INSERT = (
    "INSERT INTO users (username, password_hash, role, active, version, created_at) "
    "VALUES (:name, 'x', 'admin', true, 1, CURRENT_TIMESTAMP)"
)


def _user(name: str) -> User:
    return User(username=name, password_hash="$argon2id$not-checked-here", role="admin")


def test_mei_and_MEI_are_one_account(db_url: str) -> None:  # noqa: N802
    upgrade(db_url)
    engine = make_engine(db_url)
    try:
        with UnitOfWork(engine) as work:
            work.users.add(_user("mei"))
            work.commit()
        with UnitOfWork(engine) as work:
            assert work.users.get_by_username("MEI").username == "mei"
            with pytest.raises(Conflict, match="already taken"):
                work.users.add(_user("Mei"))
        insert = text(INSERT.replace(":name", "'MEI'"))
        with pytest.raises(Exception, match=r"(?i)unique"), engine.begin() as connection:
            connection.execute(insert)
    finally:
        engine.dispose()


def test_the_migration_refuses_accounts_that_differ_only_in_case(db_url: str) -> None:
    upgrade(db_url, "0003_audit_keyed")
    engine = make_engine(db_url)
    try:
        with engine.begin() as connection:
            for name in ("mei", "MEI", "ada"):
                connection.execute(text(INSERT), {"name": name})
    finally:
        engine.dispose()
    with pytest.raises(ConfigurationError, match="differ only in case: mei;"):
        upgrade(db_url)
