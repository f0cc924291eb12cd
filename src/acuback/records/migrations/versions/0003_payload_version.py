"""Version the JSON payloads of intakes and plans.

The repositories now read and write these columns as the core's models (`records.payloads`).
Rows written before this revision were kept "as given" (an intake exactly as submitted);
they are marked version 1, which the repositories still read. New rows are version 2.

Revision ID: 0003_payload_version
Revises: 0002
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003_payload_version"
down_revision: str | None = "0005_logins"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TABLES = ("intakes", "plans")


def upgrade() -> None:
    for table in TABLES:
        with op.batch_alter_table(table) as batch:
            batch.add_column(
                sa.Column("payload_version", sa.Integer(), server_default="1", nullable=False)
            )


def downgrade() -> None:
    # Version 2 rows are a superset of version 1 (defaults written out): they read as before.
    for table in TABLES:
        with op.batch_alter_table(table) as batch:
            batch.drop_column("payload_version")
