"""Plans keep their course's reassessment point in a column beside the payload.

The dashboard asks, for a whole caseload, which patients have reached the point where their
plan says to reassess; reading it out of every accepted plan's JSON grew with the caseload.
`plans.reassess_after_sessions` holds the payload's `course.reassess_after_sessions` (None for
a plan without a course), copied here for the rows written before, and an index covers the
caseload's accepted plans with it.

Revision ID: 0011_plan_reassess_after
Revises: 0010_research_columns
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0011_plan_reassess_after"
down_revision: str | None = "0010_research_columns"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_JSON = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")
_INDEX = "ix_plans_patient_id_status"
_COLUMNS = ["patient_id", "status", "created_at", "accepted_at", "reassess_after_sessions"]


def upgrade() -> None:
    op.add_column("plans", sa.Column("reassess_after_sessions", sa.Integer(), nullable=True))
    plans = sa.table(
        "plans", sa.column("payload", _JSON), sa.column("reassess_after_sessions", sa.Integer)
    )
    after = plans.c.payload[("course", "reassess_after_sessions")].as_integer()
    op.execute(plans.update().values(reassess_after_sessions=after))
    op.create_index(_INDEX, "plans", _COLUMNS)


def downgrade() -> None:
    op.drop_index(_INDEX, table_name="plans")
    op.drop_column("plans", "reassess_after_sessions")
