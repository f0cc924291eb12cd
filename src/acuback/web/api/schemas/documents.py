"""Response bodies for billing lines and issued documents."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Literal

from pydantic import Field

from acuback.web.api.schemas.common import In, Out, Text, Version

__all__ = [
    "BillingLineOut",
    "BillingOut",
    "ClinicSettingsIn",
    "ClinicSettingsOut",
    "IssuedOut",
    "ReferralIn",
]


class BillingLineOut(Out):
    code: str
    paraphrase: str
    units: int
    increments: list[int]
    fee: Decimal | None
    amount: Decimal | None


class BillingOut(Out):
    """The CPT lines of a signed session; `to_confirm` is what the practitioner must settle
    (the rules do not decide it, so no line was made for it)."""

    session_id: int
    patient_id: int
    session_date: dt.date
    face_to_face_minutes: int | None
    lines: list[BillingLineOut]
    total: Decimal | None
    currency: str
    to_confirm: list[str]
    rules: list[str]
    sources: list[str]
    verified: bool


class ClinicSettingsIn(In):
    """Send the `version` you read and the fields to change (ranges are checked by the record)."""

    version: Version
    name: Text | None = None
    address: Text | None = None
    phone: Text | None = None
    tax_id: Text | None = None
    npi: Text | None = None
    paper_size: Literal["A4", "Letter"] | None = None
    logo: Text | None = Field(default=None, description="data:image/png or svg+xml;base64,...")
    currency: Text | None = None
    fee_schedule: dict[str, Decimal] | None = Field(
        default=None, description="fee per unit by CPT code, e.g. {'97810': '65.00'}"
    )


class ClinicSettingsOut(Out):
    version: int
    name: str
    address: str
    phone: str | None
    tax_id: str | None
    npi: str | None
    paper_size: str
    logo: str | None
    currency: str
    fee_schedule: dict[str, Decimal]


class IssuedOut(Out):
    """An issued document without its bytes (`GET /documents/{id}.pdf` gives those)."""

    id: int
    kind: str
    subject: str
    subject_id: int
    patient_id: int
    issued_at: dt.datetime
    issued_by: int | None
    note: str | None
    sha256: str


class ReferralIn(In):
    note: Text | None = Field(default=None, max_length=4000)
