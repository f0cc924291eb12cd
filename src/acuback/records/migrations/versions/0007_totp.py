"""The optional TOTP second factor of staff accounts, kept on the users table.

Revision ID: 0007_totp
Revises: 0005_logins
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007_totp"
down_revision: str | None = "0006_patient_search"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


COLUMNS = ("totp_secret", "totp_pending", "totp_last_step")
INDEX = "uq_users_username_lower"  # made by 0004; SQLite's batch copy cannot reflect it


def upgrade() -> None:
    # Plain ADD COLUMN works on SQLite and PostgreSQL and keeps the table (and its indexes).
    op.add_column("users", sa.Column("totp_secret", sa.String(length=64), nullable=True))
    op.add_column("users", sa.Column("totp_pending", sa.String(length=64), nullable=True))
    op.add_column("users", sa.Column("totp_last_step", sa.Integer(), nullable=True))


def downgrade() -> None:
    sqlite = op.get_bind().dialect.name == "sqlite"
    with op.batch_alter_table("users") as batch:
        for column in reversed(COLUMNS):
            batch.drop_column(column)
    if sqlite:  # the batch copy of the table dropped the expression index: make it again
        op.execute(f"CREATE UNIQUE INDEX IF NOT EXISTS {INDEX} ON users (lower(username))")
