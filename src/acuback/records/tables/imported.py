"""The conditions and medicines a FHIR import brought from another system (migration
0008_fhir_import)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from acuback.records.tables.base import Base, Versioned, one_of, utcnow
from acuback.records.vocabulary import IMPORTED_KINDS

__all__ = ["ImportedItemRow"]


class ImportedItemRow(Versioned, Base):
    """A Condition or MedicationStatement of an imported Bundle (`records.models.ImportedItem`)."""

    __tablename__ = "imported_items"
    __table_args__ = (one_of("kind", IMPORTED_KINDS),)

    id: Mapped[int] = mapped_column(primary_key=True)
    patient_id: Mapped[int] = mapped_column(ForeignKey("patients.id"), index=True)
    kind: Mapped[str] = mapped_column(String(20))
    code: Mapped[str | None] = mapped_column(String(100))
    text: Mapped[str] = mapped_column(String(500))
    status: Mapped[str] = mapped_column(String(40))
    verification: Mapped[str] = mapped_column(String(40))
    concept: Mapped[dict[str, Any]]
    recorded: Mapped[str | None] = mapped_column(String(40))
    source: Mapped[str] = mapped_column(String(200))
    imported_at: Mapped[datetime] = mapped_column(default=utcnow)
    imported_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    intake_id: Mapped[int | None] = mapped_column(ForeignKey("intakes.id"))
