"""Tables for issued documents (the exact PDF bytes and their hash) and the clinic's settings."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from acuback.records.tables.base import Base, JsonType, Versioned, utcnow

__all__ = ["ClinicSettingsRow", "IssuedDocumentRow"]


class IssuedDocumentRow(Base):
    """A document as issued: who, when, what it is about, its bytes and their SHA-256.
    Appended only; a letter downloaded again is these bytes, never a re-render."""

    __tablename__ = "issued_documents"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(30))
    subject: Mapped[str] = mapped_column(String(20))  # session | intake | plan
    subject_id: Mapped[int] = mapped_column(index=True)
    patient_id: Mapped[int] = mapped_column(ForeignKey("patients.id"), index=True)
    issued_at: Mapped[datetime] = mapped_column(default=utcnow)
    issued_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    note: Mapped[str | None] = mapped_column(Text)
    sha256: Mapped[str] = mapped_column(String(64))
    content: Mapped[bytes] = mapped_column(LargeBinary)


class ClinicSettingsRow(Versioned, Base):
    """The clinic's own settings (one row): name, address, logo, paper size, fee schedule."""

    __tablename__ = "clinic_settings"

    id: Mapped[int] = mapped_column(primary_key=True)
    settings: Mapped[dict[str, Any]] = mapped_column(JsonType)
