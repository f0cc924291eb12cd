"""Derived rows for the research figures, so that they cost nearly the same at any clinic size
(issue 16): `intakes.condition` (the condition group of the payload's diagnoses) and
`intakes.newest` (the patient's newest intake, by submitted_at then id), and the table
`outcome_series` (per patient and instrument: first and last score by measured_on then id,
the count of scored measurements, the newest intake's condition). The repositories keep them
true on every write (`acuback.records.repositories.derived`); here they are filled for the
rows written before, with plain SQL but for the condition group, whose one definition is
`records.payloads.condition_group` (a pure function of the stored JSON).

Revision ID: 0010_research_columns
Revises: 0009_outcome_category
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

from acuback.records.payloads import condition_group

revision: str = "0010_research_columns"
down_revision: str | None = "0009_outcome_category"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_JSON = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")
_CHUNK = 500

_NEWEST = """
UPDATE intakes SET newest = :yes WHERE NOT EXISTS (
    SELECT 1 FROM intakes AS later
    WHERE later.patient_id = intakes.patient_id
      AND (later.submitted_at > intakes.submitted_at
           OR (later.submitted_at = intakes.submitted_at AND later.id > intakes.id)))
"""

_SERIES = """
INSERT INTO outcome_series (patient_id, instrument, first_score, last_score, scores, condition)
SELECT s.patient_id, s.instrument, s.first_score, s.last_score, s.scores,
       COALESCE(i.condition, 'unspecified')
FROM (
    SELECT patient_id, instrument,
           first_value(score) OVER w AS first_score,
           last_value(score) OVER w AS last_score,
           count(*) OVER w AS scores,
           row_number() OVER w AS rank
    FROM outcome_measurements
    WHERE score IS NOT NULL
    WINDOW w AS (PARTITION BY patient_id, instrument ORDER BY measured_on, id
                 ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING)
) AS s
LEFT JOIN intakes AS i ON i.patient_id = s.patient_id AND i.newest = :yes
WHERE s.rank = 1
"""


def upgrade() -> None:
    op.add_column(
        "intakes", sa.Column("condition", sa.Text(), nullable=False, server_default="unspecified")
    )
    op.add_column(
        "intakes", sa.Column("newest", sa.Boolean(), nullable=False, server_default=sa.false())
    )
    op.create_table(
        "outcome_series",
        sa.Column("patient_id", sa.Integer(), nullable=False),
        sa.Column("instrument", sa.String(30), nullable=False),
        sa.Column("first_score", sa.Double(), nullable=False),
        sa.Column("last_score", sa.Double(), nullable=False),
        sa.Column("scores", sa.Integer(), nullable=False),
        sa.Column("condition", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["patient_id"], ["patients.id"], name="fk_outcome_series_patient_id_patients"
        ),
        sa.PrimaryKeyConstraint("patient_id", "instrument", name="pk_outcome_series"),
    )
    bind = op.get_bind()
    _fill_conditions(bind)
    yes = sa.bindparam("yes", True, type_=sa.Boolean())
    bind.execute(sa.text(_NEWEST).bindparams(yes))
    bind.execute(sa.text(_SERIES).bindparams(yes))
    op.create_index(
        "ix_intakes_newest_disposition", "intakes", ["newest", "disposition", "condition"]
    )
    op.create_index(
        "ix_outcome_series_groups",
        "outcome_series",
        ["instrument", "condition", "first_score", "last_score", "scores"],
    )


def _fill_conditions(bind: sa.Connection) -> None:
    """Each stored intake's condition group (`unspecified`, the default, is left as is)."""
    table = sa.table(
        "intakes",
        sa.column("id", sa.Integer),
        sa.column("payload", _JSON),
        sa.column("condition", sa.Text),
    )
    ids: dict[str, list[int]] = defaultdict(list)
    for row_id, diagnoses in bind.execute(sa.select(table.c.id, table.c.payload["diagnoses"])):
        ids[condition_group(diagnoses)].append(row_id)
    ids.pop("unspecified", None)
    for condition, chosen in ids.items():
        for start in range(0, len(chosen), _CHUNK):
            chunk = chosen[start : start + _CHUNK]
            bind.execute(table.update().where(table.c.id.in_(chunk)).values(condition=condition))


def downgrade() -> None:
    op.drop_index("ix_outcome_series_groups", table_name="outcome_series")
    op.drop_table("outcome_series")
    op.drop_index("ix_intakes_newest_disposition", table_name="intakes")
    op.drop_column("intakes", "newest")
    op.drop_column("intakes", "condition")
