"""The intake form and the screening result page (under /clinic).

Submitting the form runs the screening (`services.intakes.submit_intake`) and shows the result
in plain words: the disposition panel, each reason with its sources, and the constraints.
For emergency, refer, clearance and defer the page says what to do instead and offers no plan;
for caution and proceed it offers to propose a plan.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response

from acuback.errors import InputError
from acuback.knowledge import KnowledgeBase
from acuback.services import documents, intakes, people, plans
from acuback.services.safety import TREATING
from acuback.web import forms
from acuback.web.deps import ClinicPolicy, Knowledge, UoW
from acuback.web.security.sessions import CSRF_FIELD
from acuback.web.views.clinic_common import (
    Clinician,
    FormFields,
    PageRoute,
    PathId,
    actor_of,
    plain,
    redirect,
)
from acuback.web.views.clinic_intake_form import (
    FINDING_GROUPS,
    REGION_LABELS,
    SIDE_LABELS,
    STARTBACK_ANSWERS,
)
from acuback.web.views.templating import render

__all__ = ["HEADLINES", "citations", "router"]

router = APIRouter(route_class=PageRoute)

# The disposition in plain words, for the panel's heading.
HEADLINES = {
    "emergency": "Emergency: send the patient to emergency care today. Do not needle.",
    "refer": "Refer: the patient should see a physician before any acupuncture.",
    "clearance": "Medical clearance needed before acupuncture.",
    "defer": "Not today: rebook the treatment.",
    "caution": "Acupuncture can go ahead, within the limits below.",
    "proceed": "Acupuncture can go ahead.",
}


def citations(kb: KnowledgeBase, keys: Iterable[str]) -> list[dict[str, str | None]]:
    """Bibliography entries for source keys (an unknown key is shown as the bare key)."""
    out = []
    for key in keys:
        source = kb.sources.get(key)
        out.append(
            {
                "key": key,
                "citation": source.citation if source else key,
                "url": source.url if source else None,
            }
        )
    return out


def _form_context(kb: KnowledgeBase, values: dict[str, Any]) -> dict[str, Any]:
    conditions = sorted(kb.conditions.values(), key=lambda c: c.name)
    return {
        "values": values,
        "finding_groups": FINDING_GROUPS,
        "regions": REGION_LABELS,
        "sides": SIDE_LABELS,
        "startback_answers": STARTBACK_ANSWERS,
        "conditions": conditions,
    }


def _blank() -> dict[str, Any]:
    return {**forms.typed({}), "pain.regions": ["lower_back"]}


@router.get("/patients/{patient_id}/intake")
def intake_form(
    request: Request, patient_id: PathId, uow: UoW, user: Clinician, kb: Knowledge
) -> Response:
    patient = people.get_patient(uow, actor_of(user), patient_id)
    values = _blank()
    values["sex"] = patient.sex
    if patient.birth_date is not None:  # a suggestion the practitioner can correct
        today = date.today()
        born = patient.birth_date
        values["age"] = str(
            today.year - born.year - ((today.month, today.day) < (born.month, born.day))
        )
    context = {"patient": patient, **_form_context(kb, values)}
    return render(request, "clinic/intake.html", context, user=user)


@router.post("/patients/{patient_id}/intake")
def submit_intake(
    request: Request,
    patient_id: PathId,
    uow: UoW,
    user: Clinician,
    kb: Knowledge,
    policy: ClinicPolicy,
    form: FormFields,
) -> Response:
    actor = actor_of(user)
    patient = people.get_patient(uow, actor, patient_id)
    fields = plain(form)
    try:
        payload = forms.intake_fields(fields, also=(CSRF_FIELD,))
        stored = intakes.submit_intake(uow, actor, patient_id, payload, kb, policy=policy)
    except InputError as exc:
        context = {
            "patient": patient,
            **_form_context(kb, forms.typed(fields)),
            "error": exc.message,
            "error_field": forms.error_field(exc),
        }
        return render(request, "clinic/intake.html", context, user=user, status_code=422)
    return redirect(f"/clinic/intakes/{stored.id}")


@router.get("/intakes/{intake_id}")
def screening_page(
    request: Request, intake_id: PathId, uow: UoW, user: Clinician, kb: Knowledge
) -> Response:
    actor = actor_of(user)
    intake = intakes.get_intake(uow, actor, intake_id)
    patient = people.get_patient(uow, actor, intake.patient_id)
    screening = intakes.stored_screening(intake)
    intake_plans = [
        p for p in plans.list_plans(uow, actor, intake.patient_id) if p.intake_id == intake_id
    ]
    context = {
        "intake": intake,
        "patient": patient,
        "screening": screening,
        "headline": HEADLINES[screening.disposition],
        "treating": screening.disposition in TREATING,
        "reasons": [(r, citations(kb, r.sources)) for r in screening.reasons],
        "plans": intake_plans,
        "letters": documents.referrals(uow, actor, intake_id),
        "letter_due": screening.disposition in documents.LETTER_REASONS,
    }
    return render(request, "clinic/screening.html", context, user=user)


@router.post("/intakes/{intake_id}/plan")
def propose_plan(
    request: Request,
    intake_id: PathId,
    uow: UoW,
    user: Clinician,
    kb: Knowledge,
    policy: ClinicPolicy,
    form: FormFields,
) -> Response:
    actor = actor_of(user)
    intake = intakes.get_intake(uow, actor, intake_id)
    if intake.disposition not in TREATING:
        raise InputError("intake", f"the screening says {intake.disposition}: no plan is offered")
    created = plans.generate_plan(uow, actor, intake_id, kb, policy=policy)
    return redirect(f"/clinic/plans/{created.id}")
