"""Scheduling: clinic settings, opening and working hours, time off, rooms, reminders,
calendar feeds; appointments gain a room, a plan, a cancel reason, a limit reason, a patient's
request for a new time, and the status "arrived".

Revision ID: 0003_scheduling
Revises: 0002
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003_scheduling"
down_revision: str | None = "0003_documents_billing"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


# Appointment statuses: 0003 adds "arrived" (the patient is in the waiting room).
BEFORE = ("booked", "attended", "cancelled", "no_show")
WITH_ARRIVED = ("booked", "arrived", "attended", "cancelled", "no_show")


def _statuses(values: tuple[str, ...]) -> str:
    return "status IN ({})".format(", ".join(f"'{v}'" for v in values))


def _id() -> sa.Column[int]:
    return sa.Column("id", sa.Integer(), nullable=False)


def _practitioner(nullable: bool) -> sa.Column[int]:
    return sa.Column("practitioner_id", sa.Integer(), nullable=nullable)


def _fk_practitioner(table: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        ["practitioner_id"],
        ["practitioners.id"],
        name=op.f(f"fk_{table}_practitioner_id_practitioners"),
    )


def upgrade() -> None:
    op.create_table(
        "calendar_settings",
        sa.Column("key", sa.String(length=50), nullable=False),
        sa.Column("value", sa.String(length=200), nullable=False),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_calendar_settings")),
    )
    op.create_table(
        "working_hours",
        _id(),
        _practitioner(True),
        sa.Column("weekday", sa.Integer(), nullable=False),
        sa.Column("opens", sa.Time(), nullable=False),
        sa.Column("closes", sa.Time(), nullable=False),
        sa.CheckConstraint("weekday >= 0 AND weekday <= 6", name=op.f("ck_working_hours_weekday")),
        sa.CheckConstraint("closes > opens", name=op.f("ck_working_hours_closes_after_opens")),
        _fk_practitioner("working_hours"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_working_hours")),
    )
    op.create_index(op.f("ix_working_hours_practitioner_id"), "working_hours", ["practitioner_id"])
    op.create_table(
        "time_off",
        _id(),
        _practitioner(False),
        sa.Column("starts_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("ends_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("reason", sa.String(length=200), nullable=False),
        sa.CheckConstraint("ends_at > starts_at", name=op.f("ck_time_off_ends_after_start")),
        _fk_practitioner("time_off"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_time_off")),
    )
    op.create_index(op.f("ix_time_off_practitioner_id"), "time_off", ["practitioner_id"])
    op.create_table(
        "rooms",
        _id(),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_rooms")),
        sa.UniqueConstraint("name", name=op.f("uq_rooms_name")),
    )
    with op.batch_alter_table("appointments") as batch:
        batch.add_column(sa.Column("room_id", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("plan_id", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("cancel_reason", sa.String(length=500), nullable=True))
        batch.add_column(sa.Column("limit_reason", sa.String(length=500), nullable=True))
        batch.add_column(sa.Column("patient_request", sa.String(length=500), nullable=True))
        batch.drop_constraint(op.f("ck_appointments_status"), type_="check")
        batch.create_check_constraint(op.f("ck_appointments_status"), _statuses(WITH_ARRIVED))
        batch.create_foreign_key(
            op.f("fk_appointments_room_id_rooms"), "rooms", ["room_id"], ["id"]
        )
        batch.create_foreign_key(
            op.f("fk_appointments_plan_id_plans"), "plans", ["plan_id"], ["id"]
        )
    op.create_table(
        "reminders",
        _id(),
        sa.Column("appointment_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("claimed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("claimed_by", sa.String(length=100), nullable=False),
        sa.Column("to_address", sa.String(length=320), nullable=True),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("outcome", sa.String(length=200), nullable=False),
        sa.ForeignKeyConstraint(
            ["appointment_id"],
            ["appointments.id"],
            name=op.f("fk_reminders_appointment_id_appointments"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_reminders")),
        sa.UniqueConstraint("appointment_id", "kind", name="uq_reminders_once"),
    )
    op.create_table(
        "calendar_feeds",
        _id(),
        _practitioner(False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        _fk_practitioner("calendar_feeds"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_calendar_feeds")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_calendar_feeds_token_hash")),
    )
    op.create_index(
        op.f("ix_calendar_feeds_practitioner_id"), "calendar_feeds", ["practitioner_id"]
    )


def downgrade() -> None:
    op.drop_table("calendar_feeds")
    op.drop_table("reminders")
    with op.batch_alter_table("appointments") as batch:
        batch.drop_constraint(op.f("fk_appointments_plan_id_plans"), type_="foreignkey")
        batch.drop_constraint(op.f("fk_appointments_room_id_rooms"), type_="foreignkey")
        batch.drop_constraint(op.f("ck_appointments_status"), type_="check")
        batch.create_check_constraint(op.f("ck_appointments_status"), _statuses(BEFORE))
        batch.drop_column("patient_request")
        batch.drop_column("limit_reason")
        batch.drop_column("cancel_reason")
        batch.drop_column("plan_id")
        batch.drop_column("room_id")
    op.drop_table("rooms")
    op.drop_table("time_off")
    op.drop_table("working_hours")
    op.drop_table("calendar_settings")
