"""Billing lines and documents: the CPT lines of a signed session as JSON, and the printed
documents as PDF (each one stored when issued; `GET /documents/{id}.pdf` gives it back
unchanged)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Response

from acuback.records.documents import IssuedDocument
from acuback.services import billing, clinic_settings, documents, documents_care
from acuback.web.api.schemas.common import PathId
from acuback.web.api.schemas.documents import (
    BillingLineOut,
    BillingOut,
    ClinicSettingsIn,
    ClinicSettingsOut,
    IssuedOut,
    ReferralIn,
)
from acuback.web.deps import CurrentActor, UoW
from acuback.web.views.document_figures import PAGE_FIGURES

__all__ = ["router"]

router = APIRouter(tags=["documents"])


@router.get("/sessions/{session_id}/billing", response_model=BillingOut)
def session_billing(session_id: PathId, uow: UoW, actor: CurrentActor) -> BillingOut:
    """CPT 97810-97814 lines from the signed chart; 409 while the chart is unsigned."""
    bill = billing.session_bill(uow, actor, session_id)
    result = bill.result
    return BillingOut(
        session_id=session_id,
        patient_id=bill.chart.patient_id,
        session_date=bill.chart.session_date,
        face_to_face_minutes=result.face_to_face_minutes,
        lines=[BillingLineOut.model_validate(line) for line in result.lines],
        total=result.total,
        currency=bill.clinic.currency,
        to_confirm=list(result.to_confirm),
        rules=list(result.rules),
        sources=list(result.sources),
        verified=result.verified,
    )


def pdf_response(document: IssuedDocument, name: str) -> Response:
    """The issued bytes; the headers name the stored copy and its SHA-256."""
    return Response(
        content=document.content,
        media_type="application/pdf",
        headers={
            "Content-Disposition": f'attachment; filename="{name}-{document.id}.pdf"',
            "X-Document-Id": str(document.id),
            "X-Document-SHA256": document.sha256,
            "Cache-Control": "no-store",
        },
    )


_PDF: dict[int | str, dict[str, Any]] = {
    200: {"content": {"application/pdf": {}}, "description": "the PDF as issued"}
}


@router.get("/sessions/{session_id}/superbill.pdf", response_class=Response, responses=_PDF)
def superbill(session_id: PathId, uow: UoW, actor: CurrentActor) -> Response:
    """The visit's superbill (stored and audited); 409 while the chart is unsigned."""
    return pdf_response(documents.issue_superbill(uow, actor, session_id), "superbill")


@router.get("/documents/{document_id}.pdf", response_class=Response, responses=_PDF)
def issued(document_id: PathId, uow: UoW, actor: CurrentActor) -> Response:
    """A document issued before, byte for byte."""
    document = documents.get_document(uow, actor, document_id)
    return pdf_response(document, document.kind.replace("_", "-"))


@router.get("/clinic/settings", response_model=ClinicSettingsOut)
def get_settings(uow: UoW, actor: CurrentActor) -> ClinicSettingsOut:
    """The clinic's letterhead, paper size, identifiers and fee schedule (administrators)."""
    return ClinicSettingsOut.model_validate(clinic_settings.get_clinic_settings(uow, actor))


@router.put("/clinic/settings", response_model=ClinicSettingsOut)
def put_settings(body: ClinicSettingsIn, uow: UoW, actor: CurrentActor) -> ClinicSettingsOut:
    changes = body.model_dump(exclude_unset=True, exclude={"version"})
    saved = clinic_settings.update_clinic_settings(uow, actor, body.version, changes)
    return ClinicSettingsOut.model_validate(saved)


@router.get("/intakes/{intake_id}/referral.pdf", response_class=Response, responses=_PDF)
def referral(intake_id: PathId, uow: UoW, actor: CurrentActor) -> Response:
    """Write the referral letter of an intake (stored and audited) without a note."""
    return pdf_response(documents.issue_referral(uow, actor, intake_id), "referral")


@router.post("/intakes/{intake_id}/referrals", response_class=Response, responses=_PDF)
def referral_with_note(
    intake_id: PathId, body: ReferralIn, uow: UoW, actor: CurrentActor
) -> Response:
    """Write the referral letter with the practitioner's note (stored with the letter)."""
    letter = documents.issue_referral(uow, actor, intake_id, body.note)
    return pdf_response(letter, "referral")


@router.get("/intakes/{intake_id}/referrals", response_model=list[IssuedOut])
def referral_list(intake_id: PathId, uow: UoW, actor: CurrentActor) -> list[IssuedOut]:
    """The letters written for an intake: who, when, the note and the PDF's SHA-256."""
    return [IssuedOut.model_validate(d) for d in documents.referrals(uow, actor, intake_id)]


@router.get("/plans/{plan_id}/handout.pdf", response_class=Response, responses=_PDF)
def handout(plan_id: PathId, uow: UoW, actor: CurrentActor) -> Response:
    """The patient handout of an accepted plan (409 for a plan not accepted)."""
    return pdf_response(documents_care.issue_handout(uow, actor, plan_id, PAGE_FIGURES), "handout")


@router.get("/plans/{plan_id}/consent.pdf", response_class=Response, responses=_PDF)
def consent(plan_id: PathId, uow: UoW, actor: CurrentActor) -> Response:
    """The consent form: risks with their frequencies, the patient's cautions, signatures."""
    return pdf_response(documents_care.issue_consent(uow, actor, plan_id), "consent")


@router.get("/plans/{plan_id}/course-report.pdf", response_class=Response, responses=_PDF)
def course_report_pdf(plan_id: PathId, uow: UoW, actor: CurrentActor) -> Response:
    """The STRICTA 2010 report of the plan's course, from the plan and the signed charts."""
    document = documents_care.issue_course_report(uow, actor, plan_id, PAGE_FIGURES)
    return pdf_response(document, "course-report")


@router.get("/plans/{plan_id}/course-report")
def course_report_json(plan_id: PathId, uow: UoW, actor: CurrentActor) -> dict[str, Any]:
    """The same report as JSON, for researchers."""
    return documents_care.course_report_json(uow, actor, plan_id)
