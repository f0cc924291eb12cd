"""Issued documents and the clinic's settings: their records and repositories.

An issued document is appended with the exact bytes and their SHA-256 and never changed, so a
letter downloaded again is the letter that was sent. The clinic's settings are one versioned
row, the one store of what an administrator sets for the clinic: what documents print (name,
address, logo, paper size, identifiers, fee schedule) and the calendar's choices (time zone,
cancellation notice, payer-limit policy; None: the default).
"""

from __future__ import annotations

import hashlib
from decimal import Decimal
from typing import Annotated, Any, Literal

from pydantic import Field, field_validator
from sqlalchemy import select

from acuback.errors import Conflict, NotFound
from acuback.records.models import Record, UtcDatetime, VersionedRecord, validated
from acuback.records.tables import ClinicSettingsRow, IssuedDocumentRow
from acuback.records.tables.base import utcnow

__all__ = [
    "DOCUMENT_KINDS",
    "ClinicSettings",
    "ClinicSettingsRepository",
    "DocumentRepository",
    "IssuedDocument",
]

DOCUMENT_KINDS = ("referral", "handout", "superbill", "course_report", "consent")
DocumentKind = Literal["referral", "handout", "superbill", "course_report", "consent"]
CptCode = Annotated[str, Field(pattern=r"^\d{5}$")]
_LOGO = r"^data:image/(png|svg\+xml);base64,[A-Za-z0-9+/=]+$"


class ClinicSettings(VersionedRecord):
    """What every document prints in its header, the fees the superbill charges, and the
    calendar's settings (None: ACUBACK_TIMEZONE or data/clinic.yaml decides)."""

    name: str = Field(default="Acupuncture clinic", min_length=1, max_length=200)
    address: str = Field(default="", max_length=500)
    phone: str | None = Field(default=None, max_length=50)
    tax_id: str | None = Field(default=None, max_length=20)
    npi: str | None = Field(default=None, pattern=r"^\d{10}$")  # the clinic's (type 2) NPI
    paper_size: Literal["A4", "Letter"] = "A4"
    logo: str | None = Field(default=None, max_length=300_000, pattern=_LOGO)
    currency: str = Field(default="USD", pattern=r"^[A-Z]{3}$")
    fee_schedule: dict[CptCode, Annotated[Decimal, Field(ge=0, le=100_000)]] = Field(
        default_factory=dict
    )
    timezone: str | None = Field(default=None, min_length=1, max_length=64)  # an IANA name
    cancel_notice_hours: int | None = Field(default=None, ge=0, le=24 * 14)
    payer_limit_policy: Literal["refuse", "reason"] | None = None


class IssuedDocument(Record):
    kind: DocumentKind
    subject: Literal["session", "intake", "plan"]
    subject_id: int
    patient_id: int
    issued_at: UtcDatetime | None = None
    issued_by: int | None = None
    note: str | None = Field(default=None, max_length=4000)
    sha256: str = ""
    content: bytes = Field(repr=False)

    @field_validator("sha256")
    @classmethod
    def _lower(cls, value: str) -> str:
        return value.lower()


class DocumentRepository:
    """Issued documents: appended with their hash, read back unchanged."""

    def __init__(self, session: Any) -> None:
        self.session = session

    def add(self, document: IssuedDocument) -> IssuedDocument:
        digest = hashlib.sha256(document.content).hexdigest()
        fields = document.model_dump(exclude={"id", "sha256", "issued_at"})
        row = IssuedDocumentRow(**fields, sha256=digest, issued_at=utcnow())
        self.session.add(row)
        self.session.flush()
        return IssuedDocument.model_validate(row, from_attributes=True)

    def get(self, document_id: int) -> IssuedDocument:
        row = self.session.get(IssuedDocumentRow, document_id)
        if row is None:
            raise NotFound("document", str(document_id))
        return IssuedDocument.model_validate(row, from_attributes=True)

    def for_subject(self, kind: str, subject_id: int) -> list[IssuedDocument]:
        """The documents of this kind issued for one record, oldest first."""
        rows = self.session.scalars(
            select(IssuedDocumentRow)
            .where(IssuedDocumentRow.kind == kind, IssuedDocumentRow.subject_id == subject_id)
            .order_by(IssuedDocumentRow.id)
        )
        return [IssuedDocument.model_validate(row, from_attributes=True) for row in rows]


class ClinicSettingsRepository:
    """The one row of clinic settings; the defaults until an administrator saves them."""

    def __init__(self, session: Any) -> None:
        self.session = session

    def get(self) -> ClinicSettings:
        row = self.session.get(ClinicSettingsRow, 1)
        if row is None:
            return ClinicSettings()
        return validated(ClinicSettings, {**row.settings, "id": 1, "version": row.version})

    def save(self, settings: ClinicSettings) -> ClinicSettings:
        """Store `settings` read at `settings.version` (0: never saved); a lost race is a
        Conflict from the optimistic lock."""

        data = settings.model_dump(mode="json", exclude={"id", "version"})
        row = self.session.get(ClinicSettingsRow, 1)
        if row is None:
            if settings.version != 0:
                raise Conflict("the clinic settings were changed by someone else; reload them")
            row = ClinicSettingsRow(id=1, settings=data)
            self.session.add(row)
        elif row.version != settings.version:
            raise Conflict("the clinic settings were changed by someone else; reload them")
        else:
            row.settings = data
        self.session.flush()
        return self.get()
