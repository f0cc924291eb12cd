"""Index appointments by practitioner and start time.

The dashboard finds a practitioner's caseload (patients with an appointment from 90 days ago
to 14 days ahead) and their appointments of the day; with only the start time indexed, the
caseload query read every appointment of the whole clinic in that window.

Revision ID: 0002
Revises: 0001
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

INDEX = "ix_appointments_practitioner_id_starts_at"


def upgrade() -> None:
    op.create_index(INDEX, "appointments", ["practitioner_id", "starts_at"])


def downgrade() -> None:
    op.drop_index(INDEX, table_name="appointments")
