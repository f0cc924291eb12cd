"""What a backup says about itself, and how the facts are read from a database.

A backup archive (`.tar.gz`) holds `manifest.json` and one database file: a SQLite copy, or a
`pg_dump --format=custom` file. The manifest records the schema revision, the row count of
every table, the audit log's length and head hash, and the SHA-256 and size of the database
file; `restore` checks all of it, before and after restoring.
"""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import Connection, inspect, text

__all__ = ["FORMAT", "DatabaseFacts", "Manifest", "read_facts"]

FORMAT = "acuback-backup/1"


class DatabaseFacts(BaseModel):
    """What must be identical between a database and its restored copy."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    schema_revision: str | None
    tables: dict[str, int]  # row count per table, alembic_version included
    audit_entries: int
    audit_head_hash: str | None


class Manifest(BaseModel):
    """`manifest.json` of a backup archive."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    format: Literal["acuback-backup/1"]
    created_at: datetime
    dialect: Literal["sqlite", "postgresql"]
    server_version: str | None = None
    acuback_version: str
    facts: DatabaseFacts
    database_file: str = Field(pattern=r"^database\.(sqlite3|pgdump)$")
    database_sha256: str = Field(pattern=r"^[0-9a-f]{64}$")
    database_bytes: int = Field(ge=0)


def read_facts(connection: Connection) -> DatabaseFacts:
    """Count every table's rows and read the audit head, in `connection`'s transaction."""
    names = sorted(inspect(connection).get_table_names())
    preparer = connection.dialect.identifier_preparer
    tables = {
        name: int(connection.execute(text(f"SELECT count(*) FROM {preparer.quote(name)}")).one()[0])
        for name in names
    }
    revision = None
    if "alembic_version" in tables:
        revision = connection.execute(text("SELECT version_num FROM alembic_version")).scalar()
    head = None
    if "audit_log" in tables:
        head = connection.execute(
            text("SELECT hash FROM audit_log ORDER BY seq DESC LIMIT 1")
        ).scalar()
    return DatabaseFacts(
        schema_revision=revision,
        tables=tables,
        audit_entries=tables.get("audit_log", 0),
        audit_head_hash=head,
    )
