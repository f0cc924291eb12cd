"""Documents and billing: face-to-face time and increments on session charts, the patient's
physician, the practitioner's NPI, issued documents (exact bytes and SHA-256) and the clinic's
settings.

Revision ID: 0003_documents_billing
Revises: 0002
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

JSON = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")

revision: str = "0003_documents_billing"
down_revision: str | None = "0003_payload_version"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Plain ADD/DROP COLUMN (SQLite >= 3.35 has both): a batch rebuild of `practitioners`
    # would trip the foreign keys that point at it.
    op.add_column("treatment_sessions", sa.Column("face_to_face_minutes", sa.Integer()))
    for name in ("electro_increments", "reinsertion_increments"):
        op.add_column(
            "treatment_sessions", sa.Column(name, JSON, nullable=False, server_default="[]")
        )
    op.add_column("patients", sa.Column("physician", sa.String(500)))
    op.add_column("practitioners", sa.Column("npi", sa.String(10)))
    op.create_table(
        "issued_documents",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(30), nullable=False),
        sa.Column("subject", sa.String(20), nullable=False),
        sa.Column("subject_id", sa.Integer(), nullable=False),
        sa.Column("patient_id", sa.Integer(), nullable=False),
        sa.Column("issued_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("issued_by", sa.Integer(), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("content", sa.LargeBinary(), nullable=False),
        sa.ForeignKeyConstraint(
            ["patient_id"], ["patients.id"], name="fk_issued_documents_patient_id_patients"
        ),
        sa.ForeignKeyConstraint(
            ["issued_by"], ["users.id"], name="fk_issued_documents_issued_by_users"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_issued_documents"),
    )
    op.create_index("ix_issued_documents_subject_id", "issued_documents", ["subject_id"])
    op.create_index("ix_issued_documents_patient_id", "issued_documents", ["patient_id"])
    op.create_table(
        "clinic_settings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("settings", JSON, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_clinic_settings"),
    )


def downgrade() -> None:
    op.drop_table("clinic_settings")
    op.drop_index("ix_issued_documents_patient_id", table_name="issued_documents")
    op.drop_index("ix_issued_documents_subject_id", table_name="issued_documents")
    op.drop_table("issued_documents")
    op.drop_column("practitioners", "npi")
    op.drop_column("patients", "physician")
    for name in ("reinsertion_increments", "electro_increments", "face_to_face_minutes"):
        op.drop_column("treatment_sessions", name)
