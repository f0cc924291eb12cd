"""One store of clinic settings: the calendar's key/value settings (calendar_settings: time
zone, cancellation notice, payer-limit policy) move into the clinic's settings row
(clinic_settings), and their table goes. The downgrade moves them back.

Revision ID: 0008_one_clinic_settings
Revises: 0008_fhir_import
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0008_one_clinic_settings"
down_revision: str | None = "0008_fhir_import"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

JSON = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")
KEYS = ("timezone", "cancel_notice_hours", "payer_limit_policy")
_clinic = sa.table(
    "clinic_settings", sa.column("id"), sa.column("version"), sa.column("settings", JSON)
)
_calendar = sa.table("calendar_settings", sa.column("key"), sa.column("value"))


def _clinic_row(bind: sa.Connection) -> tuple[int, dict[str, Any]] | None:
    row = bind.execute(
        sa.select(_clinic.c.version, _clinic.c.settings).where(_clinic.c.id == 1)
    ).first()
    return None if row is None else (row.version, dict(row.settings))


def _write_clinic_row(bind: sa.Connection, settings: dict[str, Any]) -> None:
    found = _clinic_row(bind)
    if found is None:
        bind.execute(sa.insert(_clinic).values(id=1, version=1, settings=settings))
    else:
        changed = sa.update(_clinic).where(_clinic.c.id == 1)
        bind.execute(changed.values(version=found[0] + 1, settings=settings))


def upgrade() -> None:
    bind = op.get_bind()
    found_rows = bind.execute(sa.select(_calendar.c.key, _calendar.c.value))
    rows: dict[str, str] = {row.key: row.value for row in found_rows}
    unknown = sorted(set(rows) - set(KEYS))
    if unknown:  # nothing is ever lost: only the three keys were ever writable
        raise RuntimeError(f"calendar_settings holds unknown keys {unknown}: move them by hand")
    if rows:
        moved = {
            key: int(value) if key == "cancel_notice_hours" else value
            for key, value in rows.items()
        }
        found = _clinic_row(bind)
        _write_clinic_row(bind, {**(found[1] if found else {}), **moved})
    op.drop_table("calendar_settings")


def downgrade() -> None:
    op.create_table(
        "calendar_settings",
        sa.Column("key", sa.String(length=50), nullable=False),
        sa.Column("value", sa.String(length=200), nullable=False),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_calendar_settings")),
    )
    bind = op.get_bind()
    found = _clinic_row(bind)
    if found is None:
        return
    settings = found[1]
    back = {key: settings.pop(key) for key in KEYS if settings.get(key) is not None}
    for key in KEYS:
        settings.pop(key, None)
    if back:
        bind.execute(
            sa.insert(_calendar), [{"key": key, "value": str(value)} for key, value in back.items()]
        )
    _write_clinic_row(bind, settings)
