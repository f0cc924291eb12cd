"""Sign-ins kept on the server (browser sessions and API tokens), so that they can end.

Revision ID: 0005_logins
Revises: 0004_usernames_ignore_case
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005_logins"
down_revision: str | None = "0004_usernames_ignore_case"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "logins",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("sid_hash", sa.String(length=64), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_seen_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("ended_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("end_reason", sa.String(length=40), nullable=True),
        sa.Column("address", sa.String(length=64), nullable=True),
        sa.CheckConstraint("kind IN ('browser', 'token')", name=op.f("ck_logins_kind")),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name=op.f("fk_logins_user_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_logins")),
        sa.UniqueConstraint("sid_hash", name=op.f("uq_logins_sid_hash")),
    )
    op.create_index(op.f("ix_logins_user_id"), "logins", ["user_id"])


def downgrade() -> None:
    op.drop_index(op.f("ix_logins_user_id"), table_name="logins")
    op.drop_table("logins")
