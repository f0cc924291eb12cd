"""Indexed patient search: an FTS5 trigram table on SQLite, pg_trgm indexes on PostgreSQL,
and an index on the date of birth (`acuback.records.patient_search`).

Revision ID: 0006_patient_search
Revises: 0005_logins
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from acuback.records.patient_search import postgresql_ddl, sqlite_ddl

revision: str = "0006_patient_search"
down_revision: str | None = "0003_scheduling"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _statements(upgrading: bool) -> tuple[str, ...]:
    dialect = op.get_bind().dialect.name
    up, down = sqlite_ddl() if dialect == "sqlite" else postgresql_ddl()
    return up if upgrading else down


def upgrade() -> None:
    op.create_index(op.f("ix_patients_birth_date"), "patients", ["birth_date"])
    for statement in _statements(upgrading=True):
        op.execute(sa.text(statement))


def downgrade() -> None:
    for statement in _statements(upgrading=False):
        op.execute(sa.text(statement))
    op.drop_index(op.f("ix_patients_birth_date"), table_name="patients")
