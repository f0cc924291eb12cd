"""Issuing documents: the superbill of a visit and the referral letter of an intake (the care
documents, handout, course report and consent form, are in `documents_care`).

Every document is allowed only to a role that may read the record (`clinical.read`) and holds
`document.issue` (`referral.write` for a letter), rendered by `acuback.interop.documents`,
stored with its exact bytes and SHA-256 (who, when, about what), and audited when issued; an
issued document is downloaded again unchanged.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from acuback.errors import InputError
from acuback.interop.documents import Letterhead, render_pdf
from acuback.knowledge import load_knowledge
from acuback.records import Intake, Patient, TreatmentSession, UnitOfWork
from acuback.records.documents import ClinicSettings, IssuedDocument
from acuback.services.access import Actor, audit, authorize
from acuback.services.billing import session_bill
from acuback.services.document_fields import (
    intake_diagnoses,
    intake_medications,
    licence_words,
    patient_name,
    screening_disposition,
    screening_reasons,
)

__all__ = [
    "REFERRAL_ASKS",
    "get_document",
    "issue",
    "issue_referral",
    "issue_superbill",
    "letterhead",
    "referrals",
    "session_intake",
]


def letterhead(clinic: ClinicSettings, patient: Patient) -> Letterhead:
    return Letterhead(
        clinic_name=clinic.name,
        clinic_address=clinic.address,
        clinic_phone=clinic.phone,
        logo=clinic.logo,
        paper=clinic.paper_size,
        patient_name=patient_name(patient),
        patient_birth_date=patient.birth_date,
    )


def authorize_document(
    uow: UnitOfWork, actor: Actor, entity: str, record_id: int, patient_id: int, action: str
) -> None:
    """Only a role that may read the record and issue this kind of document."""
    for permission in ("clinical.read", action):
        authorize(uow, actor, permission, entity=entity, entity_id=record_id, patient_id=patient_id)


def issue(
    uow: UnitOfWork,
    actor: Actor,
    document: IssuedDocument,
) -> IssuedDocument:
    """Store an issued document (bytes and hash) and audit the issue."""
    stored = uow.documents.add(document.model_copy(update={"issued_by": actor.user_id}))
    detail = {
        "kind": stored.kind,
        "subject": stored.subject,
        "subject_id": stored.subject_id,
        "patient_id": stored.patient_id,
        "sha256": stored.sha256,
    }
    audit(uow, actor, "document.issue", "document", stored.id, detail)
    return stored


def get_document(uow: UnitOfWork, actor: Actor, document_id: int) -> IssuedDocument:
    """An issued document, byte for byte as issued (audited as a read)."""
    document = uow.documents.get(document_id)
    authorize_document(uow, actor, "document", document_id, document.patient_id, "document.issue")
    audit(
        uow,
        actor,
        "document.read",
        "document",
        document_id,
        {"patient_id": document.patient_id, "sha256": document.sha256},
    )
    return document


def session_intake(uow: UnitOfWork, chart: TreatmentSession) -> Intake | None:
    """The intake a visit was treated under: its plan's, else the newest by the day's end."""
    if chart.plan_id is not None:
        return uow.intakes.get(uow.plans.get(chart.plan_id).intake_id)
    intakes = uow.intakes.for_patient(chart.patient_id)
    by_then = [
        i for i in intakes if i.submitted_at is None or i.submitted_at.date() <= chart.session_date
    ]
    chosen = by_then or intakes
    return chosen[-1] if chosen else None


def _diagnoses(intake: Intake | None) -> list[dict[str, Any]]:
    """ICD-10-CM candidates per diagnosis the intake names; when a condition has several
    codes the bill lists them all for the practitioner to choose (never picked for them)."""
    if intake is None:
        return []
    kb = load_knowledge()
    rows = []
    for code in intake_diagnoses(intake):
        if code not in kb.conditions:
            continue
        condition = kb.conditions[code]
        rows.append(
            {
                "name": condition.name,
                "codes": condition.icd10cm,
                "choose": len(condition.icd10cm) > 1,
                "verified": condition.verified,
            }
        )
    return rows


def superbill_context(uow: UnitOfWork, actor: Actor, session_id: int) -> dict[str, Any]:
    """Everything the superbill prints, from the signed chart (Conflict while unsigned)."""
    bill = session_bill(uow, actor, session_id)
    chart = bill.chart
    practitioner = uow.practitioners.get(chart.practitioner_id)
    result = bill.result
    return {
        "title": "Superbill",
        "clinic_npi": bill.clinic.npi,
        "tax_id": bill.clinic.tax_id,
        "practitioner": practitioner,
        "licence": licence_words(practitioner),
        "session_date": chart.session_date,
        "minutes": result.face_to_face_minutes,
        "session_id": session_id,
        "signed_on": chart.signed_at.date().isoformat() if chart.signed_at else "",
        "diagnoses": _diagnoses(session_intake(uow, chart)),
        "lines": result.lines,
        "total": result.total,
        "currency": bill.clinic.currency,
        "to_confirm": result.to_confirm,
        "rules": result.rules,
        "sources": result.sources,
        "verified": result.verified,
        "patient_id": chart.patient_id,
    }


def issue_superbill(uow: UnitOfWork, actor: Actor, session_id: int) -> IssuedDocument:
    """The superbill of a signed visit as a PDF, stored and audited."""
    context = superbill_context(uow, actor, session_id)
    patient_id = context["patient_id"]
    authorize_document(uow, actor, "session", session_id, patient_id, "document.issue")
    head = letterhead(uow.clinic.get(), uow.patients.get(patient_id))
    pdf = render_pdf("superbill.html", head, context)
    return issue(
        uow,
        actor,
        IssuedDocument(
            kind="superbill",
            subject="session",
            subject_id=session_id,
            patient_id=patient_id,
            content=pdf,
        ),
    )


# What the letter asks of the physician, by the screening's disposition; any other
# disposition is a letter written on request, asking for an opinion.
REFERRAL_ASKS = {
    "emergency": "Urgent assessment today: the findings below can mean a condition that needs "
    "same-day medical care. The patient has been told to seek it now and has not been treated.",
    "refer": "Assessment of the findings below before any acupuncture. The patient has not been "
    "treated and will not be until we hear from you.",
    "clearance": "Your clearance before acupuncture: may this patient be needled, and with what "
    "precautions? The patient will not be treated until we hear from you.",
}
OPINION = "Your opinion on the findings below and on acupuncture for this patient's back pain."
LETTER_REASONS = ("emergency", "refer", "clearance")


def _cited(keys: Any) -> list[str]:
    sources = load_knowledge().sources
    return [sources[key].citation if key in sources else str(key) for key in keys or ()]


def referral_context(
    intake: Intake, patient: Patient, practitioner: Any, note: str | None
) -> dict[str, Any]:
    """The letter: to whom, what was found (with sources), what is asked, medicines, who."""
    disposition = screening_disposition(intake)
    reasons = screening_reasons(intake)
    driving = [r for r in reasons if r.get("disposition") in LETTER_REASONS] or reasons
    findings = [
        {"message": r.get("message", ""), "sources": _cited(r.get("sources"))} for r in driving
    ]
    return {
        "title": "Referral letter",
        "physician": patient.physician,
        "ask": REFERRAL_ASKS.get(disposition, OPINION),
        "disposition": disposition,
        "findings": findings,
        "medications": intake_medications(intake),
        "submitted": intake.submitted_at.date().isoformat() if intake.submitted_at else "",
        "practitioner": practitioner,
        "licence": licence_words(practitioner) if practitioner else "not recorded",
        "note": note,
        "patient": patient,
        "today": datetime.now(UTC).date().isoformat(),
    }


def issue_referral(
    uow: UnitOfWork, actor: Actor, intake_id: int, note: str | None = None
) -> IssuedDocument:
    """Write the referral letter of an intake (any disposition: on request, an opinion) with
    the practitioner's note; the letter is stored with the note and audited."""
    intake = uow.intakes.get(intake_id)
    authorize_document(uow, actor, "intake", intake_id, intake.patient_id, "referral.write")
    if note is not None and len(note) > 4000:
        raise InputError("note", "is longer than 4000 characters")
    patient = uow.patients.get(intake.patient_id)
    who = actor.practitioner_id or intake.practitioner_id
    practitioner = uow.practitioners.get(who) if who is not None else None
    context = referral_context(intake, patient, practitioner, (note or "").strip() or None)
    pdf = render_pdf("referral.html", letterhead(uow.clinic.get(), patient), context)
    return issue(
        uow,
        actor,
        IssuedDocument(
            kind="referral",
            subject="intake",
            subject_id=intake_id,
            patient_id=intake.patient_id,
            note=context["note"],
            content=pdf,
        ),
    )


def referrals(uow: UnitOfWork, actor: Actor, intake_id: int) -> list[IssuedDocument]:
    """The letters written for an intake, oldest first (who, when, note, SHA-256)."""
    intake = uow.intakes.get(intake_id)
    authorize_document(uow, actor, "intake", intake_id, intake.patient_id, "referral.write")
    return uow.documents.for_subject("referral", intake_id)
