"""Tables for the clinic's calendar: opening and working hours, time off, rooms, reminders
sent, and practitioners' private calendar feeds (its settings are in the clinic's settings,
tables/documents.py).

Hours are local wall times of the clinic (its time zone is the `timezone` setting); time off
and reminder instants are UTC like every other datetime.
"""

from __future__ import annotations

from datetime import datetime, time

from sqlalchemy import CheckConstraint, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from acuback.records.tables.base import Base, utcnow

__all__ = [
    "CalendarFeedRow",
    "HoursRow",
    "ReminderRow",
    "RoomRow",
    "TimeOffRow",
]


class HoursRow(Base):
    """A weekly interval: the clinic's opening hours (no practitioner) or a practitioner's."""

    __tablename__ = "working_hours"
    __table_args__ = (
        CheckConstraint("weekday >= 0 AND weekday <= 6", name="weekday"),
        CheckConstraint("closes > opens", name="closes_after_opens"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    practitioner_id: Mapped[int | None] = mapped_column(ForeignKey("practitioners.id"), index=True)
    weekday: Mapped[int]
    opens: Mapped[time]
    closes: Mapped[time]


class TimeOffRow(Base):
    """A practitioner away (holiday, course, illness): no bookings in [starts_at, ends_at)."""

    __tablename__ = "time_off"
    __table_args__ = (CheckConstraint("ends_at > starts_at", name="ends_after_start"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    practitioner_id: Mapped[int] = mapped_column(ForeignKey("practitioners.id"), index=True)
    starts_at: Mapped[datetime]
    ends_at: Mapped[datetime]
    reason: Mapped[str] = mapped_column(String(200))


class RoomRow(Base):
    """A treatment room or table: one visit at a time."""

    __tablename__ = "rooms"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    active: Mapped[bool] = mapped_column(default=True)


class ReminderRow(Base):
    """One reminder of one appointment: claimed by a sender before it is sent, so that two
    senders (or a rerun after a crash) never send it twice. The unique pair is the guard."""

    __tablename__ = "reminders"
    __table_args__ = (UniqueConstraint("appointment_id", "kind", name="uq_reminders_once"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    appointment_id: Mapped[int] = mapped_column(ForeignKey("appointments.id"))
    kind: Mapped[str] = mapped_column(String(20))
    claimed_at: Mapped[datetime] = mapped_column(default=utcnow)
    claimed_by: Mapped[str] = mapped_column(String(100))
    to_address: Mapped[str | None] = mapped_column(String(320))
    sent_at: Mapped[datetime | None]
    outcome: Mapped[str] = mapped_column(String(200), default="claimed")


class CalendarFeedRow(Base):
    """A practitioner's private calendar address: only the token's hash is kept."""

    __tablename__ = "calendar_feeds"

    id: Mapped[int] = mapped_column(primary_key=True)
    practitioner_id: Mapped[int] = mapped_column(ForeignKey("practitioners.id"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    revoked_at: Mapped[datetime | None]
