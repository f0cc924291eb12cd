"""The patient search index: SQLite FTS5 (trigram) or PostgreSQL pg_trgm, one definition.

Search matches a substring of the full name (either order), the record number (public id),
phone or e-mail, ignoring case, or the date of birth given as YYYY-MM-DD. Both indexes answer
a substring of three or more characters; shorter text falls back to a scan (the same matches).
SQLite keeps `patient_search` (an FTS5 table whose rowid is the patient id) in step with
`patients` through triggers; PostgreSQL indexes the very expressions the query compares.
Migration 0006_patient_search creates both from `sqlite_ddl` and `postgresql_ddl`.
"""

from __future__ import annotations

from sqlalchemy import ColumnElement, func, literal_column

from acuback.records.tables import PatientRow

__all__ = ["FTS_TABLE", "MIN_INDEXED", "postgresql_ddl", "search_fields", "sqlite_ddl"]

FTS_TABLE = "patient_search"
MIN_INDEXED = 3  # a trigram index needs three characters


def search_fields() -> tuple[ColumnElement[str], ...]:
    """The lower-cased texts a search compares; a literal separator, so that PostgreSQL's
    expression indexes match the query's expressions exactly."""
    space: ColumnElement[str] = literal_column("' '")
    return (
        func.lower(PatientRow.given_name + space + PatientRow.family_name),
        func.lower(PatientRow.family_name + space + PatientRow.given_name),
        func.lower(PatientRow.public_id),
        func.lower(PatientRow.phone),
        func.lower(PatientRow.email),
    )


_FTS_VALUES = (
    "given_name || ' ' || family_name, family_name || ' ' || given_name, "
    "public_id, coalesce(phone, ''), coalesce(email, '')"
)
_FTS_COLUMNS = "name, reversed, public_id, phone, email"


def sqlite_ddl() -> tuple[tuple[str, ...], tuple[str, ...]]:
    """(upgrade, downgrade) statements for SQLite."""
    insert = (
        f"INSERT INTO {FTS_TABLE}(rowid, {_FTS_COLUMNS}) SELECT id, {_FTS_VALUES} FROM patients"
    )
    row_values = (
        _FTS_VALUES.replace("given_name", "new.given_name")
        .replace("family_name", "new.family_name")
        .replace("public_id", "new.public_id")
        .replace("phone", "new.phone")
        .replace("email", "new.email")
    )
    add = f"INSERT INTO {FTS_TABLE}(rowid, {_FTS_COLUMNS}) VALUES (new.id, {row_values});"
    drop = f"DELETE FROM {FTS_TABLE} WHERE rowid = old.id;"
    up = (
        f"CREATE VIRTUAL TABLE {FTS_TABLE} USING fts5({_FTS_COLUMNS}, tokenize='trigram')",
        insert,
        f"CREATE TRIGGER {FTS_TABLE}_ai AFTER INSERT ON patients BEGIN {add} END",
        f"CREATE TRIGGER {FTS_TABLE}_au AFTER UPDATE ON patients BEGIN {drop} {add} END",
        f"CREATE TRIGGER {FTS_TABLE}_ad AFTER DELETE ON patients BEGIN {drop} END",
    )
    down = tuple(f"DROP TRIGGER IF EXISTS {FTS_TABLE}_{s}" for s in ("ai", "au", "ad"))
    return up, (*down, f"DROP TABLE IF EXISTS {FTS_TABLE}")


_PG_INDEXES = {
    "ix_patients_search_name": "lower(given_name || ' ' || family_name)",
    "ix_patients_search_reversed": "lower(family_name || ' ' || given_name)",
    "ix_patients_search_public_id": "lower(public_id)",
    "ix_patients_search_phone": "lower(phone)",
    "ix_patients_search_email": "lower(email)",
}


def postgresql_ddl() -> tuple[tuple[str, ...], tuple[str, ...]]:
    """(upgrade, downgrade) statements for PostgreSQL (pg_trgm ships with it, trusted)."""
    up = (
        "CREATE EXTENSION IF NOT EXISTS pg_trgm",
        *(
            f"CREATE INDEX {name} ON patients USING gin (({expression}) gin_trgm_ops)"
            for name, expression in _PG_INDEXES.items()
        ),
    )
    return up, tuple(f"DROP INDEX IF EXISTS {name}" for name in _PG_INDEXES)
