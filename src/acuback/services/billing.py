"""Billing a signed visit: the CPT lines of `acuback.clinical.billing`, priced from the clinic's
fee schedule. Only a signed chart is billed (an unsigned one is a Conflict: 409)."""

from __future__ import annotations

from dataclasses import dataclass

from acuback.clinical.billing import BillingResult, VisitContact, bill_day, priced
from acuback.errors import Conflict
from acuback.records import TreatmentSession, UnitOfWork
from acuback.records.documents import ClinicSettings
from acuback.services.access import Actor, audit, authorized_record

__all__ = ["VisitBill", "session_bill", "signed_chart", "visit_contact"]


@dataclass(frozen=True)
class VisitBill:
    chart: TreatmentSession
    result: BillingResult
    clinic: ClinicSettings


def visit_contact(chart: TreatmentSession) -> VisitContact:
    """What billing reads from a chart (the one place that maps chart fields to billing)."""
    return VisitContact(
        session_id=chart.id or 0,
        face_to_face_minutes=chart.face_to_face_minutes,
        electro_increments=chart.electro_increments,
        reinsertion_increments=chart.reinsertion_increments,
        electro_needles=any(n.stimulation == "electro" for n in chart.needles),
    )


def signed_chart(uow: UnitOfWork, actor: Actor, session_id: int) -> TreatmentSession:
    """The chart as it stands (amendments applied), once `actor` may read it and it is signed."""
    stored = authorized_record(uow, actor, "clinical.read", "session", session_id, uow.sessions.get)
    if stored.status != "signed":
        raise Conflict(f"session {session_id} is not signed: only a signed chart is billed")
    return uow.sessions.effective(session_id)


def _bill(uow: UnitOfWork, chart: TreatmentSession, clinic: ClinicSettings) -> BillingResult:
    """Bill the chart among its patient's signed charts of the same day (signing order)."""
    day = [
        c
        for c in uow.sessions.effective_for_patient(chart.patient_id)
        if c.status == "signed" and c.session_date == chart.session_date
    ]
    day.sort(key=lambda c: (c.signed_at.isoformat() if c.signed_at else "", c.id or 0))
    results = bill_day([visit_contact(c) for c in day])
    mine = next(r for r in results if r.session_id == chart.id)
    return priced(mine, clinic.fee_schedule)


def session_bill(uow: UnitOfWork, actor: Actor, session_id: int) -> VisitBill:
    """The priced CPT lines of a signed session, audited as a read."""
    chart = signed_chart(uow, actor, session_id)
    clinic = uow.clinic.get()
    bill = VisitBill(chart, _bill(uow, chart, clinic), clinic)
    detail = {"patient_id": chart.patient_id, "codes": [line.code for line in bill.result.lines]}
    audit(uow, actor, "session.billing", "session", session_id, detail)
    return bill
