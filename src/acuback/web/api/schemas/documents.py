"""Response bodies for billing lines and issued documents."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from acuback.web.api.schemas.common import Out

__all__ = ["BillingLineOut", "BillingOut"]


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
