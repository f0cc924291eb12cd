"""Tables for session charting to STRICTA 2010 items 2a-2g and 4a, amendments, adverse events."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from acuback.records.tables.base import Base, JsonType, Versioned, one_of
from acuback.records.vocabulary import (
    ADVERSE_EVENT_TYPES,
    ANGLES,
    NEEDLE_SIDES,
    SESSION_STATUSES,
    SEVERITIES,
    STIMULATIONS,
)

__all__ = ["AdverseEventRow", "AmendmentRow", "NeedleRow", "SessionRow"]


class SessionRow(Versioned, Base):
    """One treatment session as charted; frozen once signed (changes become amendments)."""

    __tablename__ = "treatment_sessions"
    __table_args__ = (
        one_of("status", SESSION_STATUSES),
        CheckConstraint("pain_before BETWEEN 0 AND 10", name="pain_before_0_10"),
        CheckConstraint("pain_after BETWEEN 0 AND 10", name="pain_after_0_10"),
        # Signed charts counted, and their dates per patient, from the index (migration 0008).
        Index("ix_treatment_sessions_status_patient", "status", "patient_id", "session_date"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    patient_id: Mapped[int] = mapped_column(ForeignKey("patients.id"), index=True)
    practitioner_id: Mapped[int] = mapped_column(ForeignKey("practitioners.id"))
    appointment_id: Mapped[int | None] = mapped_column(ForeignKey("appointments.id"))
    plan_id: Mapped[int | None] = mapped_column(ForeignKey("plans.id"))
    session_date: Mapped[date] = mapped_column(index=True)
    needle_gauge_mm: Mapped[float | None]
    needle_length_mm: Mapped[float | None]
    needle_make: Mapped[str | None] = mapped_column(String(200))
    needles_in: Mapped[int | None]
    needles_out: Mapped[int | None]
    retention_minutes: Mapped[int | None]
    face_to_face_minutes: Mapped[int | None]
    electro_increments: Mapped[list[int]] = mapped_column(JsonType, default=list)
    reinsertion_increments: Mapped[list[int]] = mapped_column(JsonType, default=list)
    moxibustion: Mapped[dict[str, Any] | None]
    tui_na: Mapped[dict[str, Any] | None]
    other_components: Mapped[list[Any]] = mapped_column(JsonType)
    pain_before: Mapped[int | None]
    pain_after: Mapped[int | None]
    notes: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(10))
    signed_at: Mapped[datetime | None]
    signed_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    needles: Mapped[list[NeedleRow]] = relationship(
        back_populates="session",
        cascade="all, delete-orphan",
        order_by="NeedleRow.position",
        lazy="selectin",  # a list of charts loads all their needles in one more query
    )


class NeedleRow(Versioned, Base):
    """One charted point: STRICTA 2b (point, side) to 2f (retention), plus any override."""

    __tablename__ = "needle_insertions"
    __table_args__ = (
        one_of("side", NEEDLE_SIDES),
        one_of("angle", ANGLES),
        one_of("stimulation", STIMULATIONS),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(
        ForeignKey("treatment_sessions.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int]  # the order the practitioner charted them in
    point: Mapped[str] = mapped_column(String(20))
    side: Mapped[str] = mapped_column(String(10))
    depth_mm: Mapped[float]
    angle: Mapped[str] = mapped_column(String(20))
    response_sought: Mapped[str] = mapped_column(String(100))
    stimulation: Mapped[str] = mapped_column(String(10))
    frequency_hz: Mapped[float | None]
    intensity: Mapped[str | None] = mapped_column(String(100))
    pairing: Mapped[str | None] = mapped_column(String(20))
    retention_minutes: Mapped[int | None]
    override_reason: Mapped[str | None] = mapped_column(Text)

    session: Mapped[SessionRow] = relationship(back_populates="needles")


class AmendmentRow(Base):
    """A change to a signed session, appended; the signed row itself is never modified."""

    __tablename__ = "session_amendments"

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("treatment_sessions.id"), index=True)
    amended_at: Mapped[datetime]
    amended_by: Mapped[int] = mapped_column(ForeignKey("users.id"))
    reason: Mapped[str] = mapped_column(Text)
    changes: Mapped[dict[str, Any]]


class AdverseEventRow(Versioned, Base):
    """An adverse event after a session: type, severity and the action taken."""

    __tablename__ = "adverse_events"
    __table_args__ = (one_of("type", ADVERSE_EVENT_TYPES), one_of("severity", SEVERITIES))

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("treatment_sessions.id"), index=True)
    patient_id: Mapped[int] = mapped_column(ForeignKey("patients.id"), index=True)
    occurred_at: Mapped[datetime]
    type: Mapped[str] = mapped_column(String(30))
    severity: Mapped[str] = mapped_column(String(10))
    action_taken: Mapped[str] = mapped_column(Text)
    description: Mapped[str | None] = mapped_column(Text)
