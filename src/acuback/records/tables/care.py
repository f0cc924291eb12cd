"""Tables for the course of care: intakes, plans, appointments, outcome measurements."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text, false
from sqlalchemy.orm import Mapped, mapped_column

from acuback.records.tables.base import Base, JsonType, Versioned, one_of, utcnow
from acuback.records.vocabulary import APPOINTMENT_STATUSES, DISPOSITIONS, PLAN_STATUSES

__all__ = ["AppointmentRow", "IntakeRow", "OutcomeRow", "OutcomeSeriesRow", "PlanRow"]


class IntakeRow(Versioned, Base):
    """An intake v1 and its screening result, as the JSON of the core's models."""

    __tablename__ = "intakes"
    __table_args__ = (
        one_of("disposition", DISPOSITIONS),
        # Every patient's newest intake, ranked without a sort (migration 0008).
        Index("ix_intakes_patient_id_submitted_at", "patient_id", "submitted_at", "id"),
        # The research figure's GROUP BY over the newest intakes, read from the index (0010).
        Index("ix_intakes_newest_disposition", "newest", "disposition", "condition"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    patient_id: Mapped[int] = mapped_column(ForeignKey("patients.id"), index=True)
    practitioner_id: Mapped[int | None] = mapped_column(ForeignKey("practitioners.id"))
    submitted_at: Mapped[datetime] = mapped_column(default=utcnow)
    payload: Mapped[dict[str, Any]]
    screening: Mapped[dict[str, Any]]
    # The shape payload and screening were written in (records.payloads; migration 0003).
    payload_version: Mapped[int] = mapped_column(server_default="1")
    disposition: Mapped[str] = mapped_column(String(20), index=True)
    # Derived, kept true on every write (`repositories.derived`; migration 0010): the condition
    # group of the payload's diagnoses, and whether this is its patient's newest intake.
    condition: Mapped[str] = mapped_column(Text, server_default="unspecified")
    newest: Mapped[bool] = mapped_column(server_default=false())


class PlanRow(Versioned, Base):
    """A plan result for one intake, and whether a practitioner accepted it."""

    __tablename__ = "plans"
    __table_args__ = (
        one_of("status", PLAN_STATUSES),
        # A patient's plans paged by key (migration 0008).
        Index("ix_plans_patient_id_created_at", "patient_id", "created_at", "id"),
        # A caseload's accepted plans and their reassessment points, from the index alone
        # (migration 0011).
        Index(
            "ix_plans_patient_id_status",
            "patient_id",
            "status",
            "created_at",
            "accepted_at",
            "reassess_after_sessions",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    patient_id: Mapped[int] = mapped_column(ForeignKey("patients.id"), index=True)
    intake_id: Mapped[int] = mapped_column(ForeignKey("intakes.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    payload: Mapped[dict[str, Any]]
    # The shape payload was written in (records.payloads; migration 0003).
    payload_version: Mapped[int] = mapped_column(server_default="1")
    status: Mapped[str] = mapped_column(String(20))
    accepted_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    accepted_at: Mapped[datetime | None]
    # The payload's course.reassess_after_sessions (None: no course), kept beside it so that
    # the dashboard reads reassessment points without parsing payloads (migration 0011).
    reassess_after_sessions: Mapped[int | None]


class AppointmentRow(Versioned, Base):
    """A booked slot of one patient with one practitioner."""

    __tablename__ = "appointments"
    __table_args__ = (
        one_of("status", APPOINTMENT_STATUSES),
        CheckConstraint("ends_at > starts_at", name="ends_after_start"),
        # A practitioner's day and caseload (migration 0002).
        Index("ix_appointments_practitioner_id_starts_at", "practitioner_id", "starts_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    patient_id: Mapped[int] = mapped_column(ForeignKey("patients.id"), index=True)
    practitioner_id: Mapped[int] = mapped_column(ForeignKey("practitioners.id"))
    starts_at: Mapped[datetime] = mapped_column(index=True)
    ends_at: Mapped[datetime]
    status: Mapped[str] = mapped_column(String(20))
    kind: Mapped[str] = mapped_column(String(50))
    # Scheduling (migration 0003_scheduling): the room, the plan whose course it belongs to,
    # why it was cancelled, the recorded reason for booking beyond a payer's limit, and a
    # patient's request for a new time (from the portal).
    room_id: Mapped[int | None] = mapped_column(ForeignKey("rooms.id"))
    plan_id: Mapped[int | None] = mapped_column(ForeignKey("plans.id"))
    cancel_reason: Mapped[str | None] = mapped_column(String(500))
    limit_reason: Mapped[str | None] = mapped_column(String(500))
    patient_request: Mapped[str | None] = mapped_column(String(500))


class OutcomeRow(Versioned, Base):
    """One completed instrument (NRS, PEG, RMDQ, STarT Back, ODI) and its score."""

    __tablename__ = "outcome_measurements"
    __table_args__ = (
        # First and last score per patient and instrument, read from the index (migration 0008).
        Index(
            "ix_outcome_measurements_instrument_patient",
            "instrument",
            "patient_id",
            "measured_on",
            "id",
            "score",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    patient_id: Mapped[int] = mapped_column(ForeignKey("patients.id"), index=True)
    session_id: Mapped[int | None] = mapped_column(ForeignKey("treatment_sessions.id"))
    instrument: Mapped[str] = mapped_column(String(30))
    measured_on: Mapped[date]
    responses: Mapped[Any] = mapped_column(JsonType)
    score: Mapped[float | None]
    subscores: Mapped[dict[str, Any]]
    category: Mapped[str | None] = mapped_column(String(40))
    notes: Mapped[list[str]] = mapped_column(JsonType, default=list)


class OutcomeSeriesRow(Base):
    """Derived, kept true on every write (`repositories.derived`; migration 0010): one patient's
    scored measurements of one instrument, as the research figures read them: the first and
    last score (by date, then id), their count, and the condition of the newest intake."""

    __tablename__ = "outcome_series"
    __table_args__ = (
        # The research figure's GROUP BY, read from the index.
        Index(
            "ix_outcome_series_groups",
            "instrument",
            "condition",
            "first_score",
            "last_score",
            "scores",
        ),
    )

    patient_id: Mapped[int] = mapped_column(ForeignKey("patients.id"), primary_key=True)
    instrument: Mapped[str] = mapped_column(String(30), primary_key=True)
    first_score: Mapped[float]
    last_score: Mapped[float]
    scores: Mapped[int]
    condition: Mapped[str] = mapped_column(Text)
