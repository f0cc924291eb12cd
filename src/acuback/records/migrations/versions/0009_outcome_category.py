"""Outcome measurements keep what scoring said beside the numbers: the category (STarT Back's
risk group, the ODI band) and the scoring notes, so that no page scores the answers again.

Rows written before are scored once here, from their stored answers, by the clinical core's
own `score`; a row whose answers do not score (an imported value with no answers) keeps no
category and no notes.

Revision ID: 0009_outcome_category
Revises: 0008_speed_indexes
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

from acuback.clinical.scoring import score
from acuback.errors import InputError

revision: str = "0009_outcome_category"
down_revision: str | None = "0008_speed_indexes"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_JSON = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")


def _scored(instrument: str, responses: Any) -> tuple[str | None, list[str]] | None:
    if isinstance(responses, str):
        responses = json.loads(responses)
    if responses in (None, [], {}):
        return None
    try:
        result = score(instrument, responses)
    except (InputError, ValueError, TypeError, KeyError):
        return None
    return result.category, list(result.notes)


def upgrade() -> None:
    with op.batch_alter_table("outcome_measurements") as batch:
        batch.add_column(sa.Column("category", sa.String(40), nullable=True))
        batch.add_column(sa.Column("notes", _JSON, nullable=False, server_default="[]"))
    table = sa.table(
        "outcome_measurements",
        sa.column("id", sa.Integer),
        sa.column("instrument", sa.String),
        sa.column("responses", _JSON),
        sa.column("category", sa.String),
        sa.column("notes", _JSON),
    )
    bind = op.get_bind()
    rows = bind.execute(sa.select(table.c.id, table.c.instrument, table.c.responses)).all()
    for row_id, instrument, responses in rows:
        scored = _scored(instrument, responses)
        if scored is None:
            continue
        category, notes = scored
        bind.execute(
            table.update().where(table.c.id == row_id).values(category=category, notes=notes)
        )


def downgrade() -> None:
    with op.batch_alter_table("outcome_measurements") as batch:
        batch.drop_column("notes")
        batch.drop_column("category")
