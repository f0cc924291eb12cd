"""Upgrade or downgrade an acuback database with Alembic, configured in code.

The migration scripts ship inside the package (`acuback/records/migrations`), so an installed
acuback can bring its own database up to date: `upgrade(url)`, or `acuback db upgrade`.
"""

from __future__ import annotations

from importlib.resources import as_file, files
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy.engine import URL

from acuback.records.db import make_engine

__all__ = [
    "alembic_config",
    "current_revision",
    "downgrade",
    "head_revision",
    "revision_notes",
    "revisions",
    "upgrade",
]


def _script_location() -> Path:
    with as_file(files("acuback.records") / "migrations") as path:
        return Path(path)


def alembic_config() -> Config:
    """An Alembic Config pointing at the packaged migrations (no alembic.ini)."""
    config = Config()
    config.set_main_option("script_location", str(_script_location()))
    return config


def upgrade(url: str | URL | None = None, revision: str = "head") -> str | None:
    """Migrate the database at `url` (default: settings) up to `revision`; return the new one."""
    return _run("upgrade", url, revision)


def downgrade(url: str | URL | None, revision: str) -> str | None:
    """Migrate the database at `url` down to `revision` ("base" empties it); return the new one."""
    return _run("downgrade", url, revision)


def head_revision() -> str | None:
    """The newest revision the packaged migrations know."""
    return ScriptDirectory.from_config(alembic_config()).get_current_head()


def revisions() -> tuple[str, ...]:
    """Every revision the packaged migrations know, oldest first (one linear chain)."""
    script = ScriptDirectory.from_config(alembic_config())
    return tuple(reversed([item.revision for item in script.walk_revisions()]))


def revision_notes(revision: str) -> str:
    """The first line of a revision's docstring: what that migration does."""
    found = ScriptDirectory.from_config(alembic_config()).get_revision(revision)
    doc = (found.doc if found is not None else "") or ""
    return doc.strip().splitlines()[0] if doc.strip() else revision


def current_revision(url: str | URL | None = None) -> str | None:
    """The revision the database at `url` is at (None: never migrated)."""
    engine = make_engine(url)
    try:
        with engine.connect() as connection:
            return MigrationContext.configure(connection).get_current_revision()
    finally:
        engine.dispose()


def _run(direction: str, url: str | URL | None, revision: str) -> str | None:
    engine = make_engine(url)
    try:
        with engine.begin() as connection:
            config = alembic_config()
            config.attributes["connection"] = connection
            getattr(command, direction)(config, revision)
        with engine.connect() as connection:
            return MigrationContext.configure(connection).get_current_revision()
    finally:
        engine.dispose()
