"""Tables for people: user accounts, practitioners with credentials, patients."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import ForeignKey, Index, String, Text, func, text
from sqlalchemy.orm import Mapped, mapped_column

from acuback.records.tables.base import Base, JsonType, Versioned, one_of, utcnow
from acuback.records.vocabulary import ROLES, SEXES

__all__ = ["PatientRow", "PractitionerRow", "UserRow"]


class PractitionerRow(Versioned, Base):
    """A practitioner and the credentials a patient is told to check (STRICTA item 5)."""

    __tablename__ = "practitioners"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    qualification: Mapped[str] = mapped_column(String(200))
    licence_number: Mapped[str | None] = mapped_column(String(100))
    licence_body: Mapped[str | None] = mapped_column(String(200))
    licence_expiry: Mapped[date | None]
    years_in_practice: Mapped[int | None]
    specialties: Mapped[list[str]] = mapped_column(JsonType)
    npi: Mapped[str | None] = mapped_column(String(10))


class PatientRow(Versioned, Base):
    """A patient; `public_id` is the identifier that may leave the clinic (URLs, exports)."""

    __tablename__ = "patients"
    __table_args__ = (one_of("sex", SEXES),)

    id: Mapped[int] = mapped_column(primary_key=True)
    public_id: Mapped[str] = mapped_column(String(32), unique=True)
    given_name: Mapped[str] = mapped_column(String(200))
    family_name: Mapped[str] = mapped_column(String(200), index=True)
    birth_date: Mapped[date | None] = mapped_column(index=True)
    sex: Mapped[str] = mapped_column(String(10))
    phone: Mapped[str | None] = mapped_column(String(50))
    email: Mapped[str | None] = mapped_column(String(320))
    physician: Mapped[str | None] = mapped_column(String(500))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class UserRow(Versioned, Base):
    """A login: a role, and for patients and practitioners the person it belongs to."""

    __tablename__ = "users"
    # Usernames are unique ignoring case (migration 0004_usernames_ignore_case).
    __table_args__ = (
        one_of("role", ROLES),
        Index("uq_users_username_lower", func.lower(text("username")), unique=True),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    password_hash: Mapped[str] = mapped_column(Text)
    role: Mapped[str] = mapped_column(String(20))
    active: Mapped[bool] = mapped_column(default=True)
    patient_id: Mapped[int | None] = mapped_column(ForeignKey("patients.id"))
    practitioner_id: Mapped[int | None] = mapped_column(ForeignKey("practitioners.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # The TOTP second factor (migration 0007_totp): not part of the `User` record, so it never
    # leaves the server; `totp_pending` waits for a first code; `totp_last_step` stops replays.
    totp_secret: Mapped[str | None] = mapped_column(String(64))
    totp_pending: Mapped[str | None] = mapped_column(String(64))
    totp_last_step: Mapped[int | None]
