"""Billing lines and documents: the CPT lines of a signed session as JSON."""

from __future__ import annotations

from fastapi import APIRouter

from acuback.services import billing
from acuback.web.api.schemas.common import PathId
from acuback.web.api.schemas.documents import BillingLineOut, BillingOut
from acuback.web.deps import CurrentActor, UoW

__all__ = ["router"]

router = APIRouter(tags=["documents"])


@router.get("/sessions/{session_id}/billing", response_model=BillingOut)
def session_billing(session_id: PathId, uow: UoW, actor: CurrentActor) -> BillingOut:
    """CPT 97810-97814 lines from the signed chart; 409 while the chart is unsigned."""
    bill = billing.session_bill(uow, actor, session_id)
    result = bill.result
    return BillingOut(
        session_id=session_id, patient_id=bill.chart.patient_id,
        session_date=bill.chart.session_date, face_to_face_minutes=result.face_to_face_minutes,
        lines=[BillingLineOut.model_validate(line) for line in result.lines],
        total=result.total, currency=bill.clinic.currency, to_confirm=list(result.to_confirm),
        rules=list(result.rules), sources=list(result.sources), verified=result.verified,
    )  # fmt: skip
