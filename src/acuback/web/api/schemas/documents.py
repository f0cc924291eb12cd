"""Response bodies for billing lines and issued documents."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Annotated, Literal

from pydantic import Field, WithJsonSchema

from acuback.web.api.schemas.common import In, Name, Out, Text, Version, bounded

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


# The record's limits (records/documents.py ClinicSettings), declared so the schema states them.
_FEE_TEXT = r"^(100000(\.0+)?|[0-9]{1,5}(\.[0-9]+)?)$"
Fee = Annotated[
    Decimal,
    Field(ge=0, le=100_000),
    WithJsonSchema(
        {
            "anyOf": [
                {"type": "number", "minimum": 0, "maximum": 100_000},
                {"type": "string", "pattern": _FEE_TEXT},
            ]
        }
    ),
]
CptCode = Annotated[str, Field(pattern=r"^[0-9]{5}$")]
FeeSchedule = Annotated[
    dict[CptCode, Fee], Field(json_schema_extra={"additionalProperties": False})
]  # keys other than a CPT code are refused


class ClinicSettingsIn(In):
    """Send the `version` you read and the fields to change (ranges are checked by the record)."""

    version: Version
    name: Name | None = None
    address: Annotated[Text, bounded(500)] | None = None
    phone: Annotated[Text, bounded(50)] | None = None
    tax_id: Annotated[Text, bounded(20)] | None = None
    npi: Annotated[str, Field(pattern=r"^[0-9]{10}$")] | None = None
    paper_size: Literal["A4", "Letter"] | None = None
    logo: (
        Annotated[
            str,
            Field(
                max_length=300_000,
                pattern=r"^data:image/(png|svg\+xml);base64,[A-Za-z0-9+/=]+$",
                description="data:image/png or svg+xml;base64,...",
            ),
        ]
        | None
    ) = None
    currency: Annotated[str, Field(pattern=r"^[A-Z]{3}$")] | None = None
    fee_schedule: FeeSchedule | None = Field(
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
