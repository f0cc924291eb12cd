"""The conditions and medicines a FHIR import brings from another system, kept as they came
until an intake takes them in.

Revision ID: 0008_fhir_import
Revises: 0007_totp
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0008_fhir_import"
down_revision: str | None = "0007_totp"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    json = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")
    op.create_table(
        "imported_items",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("patient_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("code", sa.String(length=100), nullable=True),
        sa.Column("text", sa.String(length=500), nullable=False),
        sa.Column("status", sa.String(length=40), nullable=False),
        sa.Column("verification", sa.String(length=40), nullable=False),
        sa.Column("concept", json, nullable=False),
        sa.Column("recorded", sa.String(length=40), nullable=True),
        sa.Column("source", sa.String(length=200), nullable=False),
        sa.Column("imported_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("imported_by", sa.Integer(), nullable=True),
        sa.Column("intake_id", sa.Integer(), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.CheckConstraint(
            "kind IN ('condition', 'medication')", name=op.f("ck_imported_items_kind")
        ),
        sa.ForeignKeyConstraint(
            ["patient_id"], ["patients.id"], name=op.f("fk_imported_items_patient_id_patients")
        ),
        sa.ForeignKeyConstraint(
            ["imported_by"], ["users.id"], name=op.f("fk_imported_items_imported_by_users")
        ),
        sa.ForeignKeyConstraint(
            ["intake_id"], ["intakes.id"], name=op.f("fk_imported_items_intake_id_intakes")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_imported_items")),
    )
    op.create_index(op.f("ix_imported_items_patient_id"), "imported_items", ["patient_id"])


def downgrade() -> None:
    op.drop_index(op.f("ix_imported_items_patient_id"), table_name="imported_items")
    op.drop_table("imported_items")
