"""Indexes for the clinic-wide reads that must stay cheap as the clinic grows (issue 16).

- intakes (patient_id, submitted_at, id): every patient's newest intake (research
  aggregates, the dashboard's red flags) is ranked along the index instead of a sort;
- plans (patient_id, created_at, id): a patient's plans paged by key;
- outcome_measurements (instrument, patient_id, measured_on, id, score): the first and
  last score per patient and instrument read from the index alone;
- treatment_sessions (status, patient_id, session_date): signed charts counted, and their
  dates per patient, from the index alone.

Revision ID: 0008_speed_indexes
Revises: 0008_one_clinic_settings
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0008_speed_indexes"
down_revision: str | None = "0008_one_clinic_settings"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

INDEXES: tuple[tuple[str, str, list[str]], ...] = (
    ("ix_intakes_patient_id_submitted_at", "intakes", ["patient_id", "submitted_at", "id"]),
    ("ix_plans_patient_id_created_at", "plans", ["patient_id", "created_at", "id"]),
    (
        "ix_outcome_measurements_instrument_patient",
        "outcome_measurements",
        ["instrument", "patient_id", "measured_on", "id", "score"],
    ),
    (
        "ix_treatment_sessions_status_patient",
        "treatment_sessions",
        ["status", "patient_id", "session_date"],
    ),
)


def upgrade() -> None:
    for name, table, columns in INDEXES:
        op.create_index(name, table, columns)


def downgrade() -> None:
    for name, table, _ in reversed(INDEXES):
        op.drop_index(name, table_name=table)
