"""The patient portal: my progress, questionnaires before a visit, my home points, my visits.

Every page is for a signed-in patient and shows only the record their account is linked to:
the routes take no patient id, and every read goes through a use case in `acuback.services`,
which checks the permission table (a patient holds `own` scope) and writes the audit entry.

Questionnaires: the page reads NRS, PEG, RMDQ (by statement number: acuback ships no RMDQ
item text), STarT Back and the red-flag questions off the form; one use case
(`services.questionnaires.submit_questionnaires`) scores and stores them and turns a yes to a
red-flag question into a new, screened intake. A form with a mistake stores nothing.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response

from acuback.clinical.instruments import Instrument, load_instruments
from acuback.errors import InputError, NotFound
from acuback.knowledge import load_knowledge
from acuback.records import Appointment, UnitOfWork, User
from acuback.services import Actor, refuse
from acuback.services.charting import list_sessions
from acuback.services.outcomes import list_outcomes, patient_trajectory
from acuback.services.people import get_patient, get_practitioner
from acuback.services.plans import list_plans
from acuback.services.portal_visits import course_progress
from acuback.services.questionnaires import submit_questionnaires as submit_answers
from acuback.services.schedule import list_patient_appointments, split_visits
from acuback.services.scheduling import clinic_calendar
from acuback.web import forms
from acuback.web.deps import ClinicPolicy, UoW
from acuback.web.views.charts import session_pain
from acuback.web.views.clinic_common import FormFields, PageRoute, actor_of, plain, require_roles
from acuback.web.views.figures import body_map, progress_figure
from acuback.web.views.templating import render

__all__ = [
    "RED_FLAG_GROUPS",
    "appointment_page",
    "questionnaire_answers",
    "router",
]

router = APIRouter(route_class=PageRoute, include_in_schema=False)
PatientUser = Annotated[User, Depends(require_roles("patient"))]

# The finding groups of the self-check asked again before each visit (public/_findings.html).
RED_FLAG_GROUPS: tuple[str, ...] = ("emergency", "chest", "bones", "serious")
_PAPER = "your clinic gives it to you on paper"
_VERDICT_WORDS = {
    "improving": "Improving: the change is large enough to matter.",
    "not_yet": "Too early to say: the check comes later in the course.",
    "not_improving_reconsider": "Not improving yet: your practitioner will talk with you about "
    "whether to carry on.",
}


def _patient(uow: UnitOfWork, user: User) -> tuple[Actor, int]:
    """The actor and the patient record this account is linked to (a refusal is audited)."""
    if user.patient_id is None:
        refuse(
            uow,
            actor_of(user),
            "patient.read",
            entity="patient",
            message="this account is not linked to a patient record",
        )
    return actor_of(user), user.patient_id


# ----- questionnaires -------------------------------------------------------------------------


def paper_only() -> list[Instrument]:
    """Instruments a patient cannot answer in the portal: their item wording is licensed and
    not shipped, so the portal could show only numbers (the RMDQ, the ODI)."""
    return [spec for spec in load_instruments().instruments if not spec.patient_form]


def questionnaire_answers(fields: forms.Fields) -> tuple[dict[str, Any], list[str]]:
    """The instruments answered on the form, as the responses `score()` reads (the use case
    scores them), and the red-flag findings ticked. Pain now is the intake's `pain.nrs`, and
    STarT Back the intake's `startback.1` to `.9`, read by the one form mapper."""
    answers: dict[str, Any] = {}
    findings, nrs = forms.follow_up_fields(fields)
    if nrs is not None:
        answers["nrs"] = nrs
    peg_names = [f"peg.{i}" for i in (1, 2, 3)]
    if forms.all_or_none(fields, peg_names, "PEG") is not None:
        answers["peg"] = [forms.whole(fields, name, 0, 10) for name in peg_names]
    for spec in paper_only():
        if forms.text(fields, f"{spec.id}.include") or forms.texts(fields, spec.id):
            raise InputError(spec.id, f"the {spec.short_name} is not answered here: {_PAPER}")
    startback = forms.startback(fields)
    if startback is not None:
        answers["startback"] = startback
    return answers, findings


def _form_again(request: Request, user: User, fields: forms.Fields, exc: InputError) -> Response:
    """The questionnaire form again with what the patient typed and the field named, 422."""
    context = {
        "form": forms.typed(fields),
        "error": exc.message,
        "error_field": forms.error_field(exc),
        "paper_only": paper_only(),
    }
    return render(request, "portal/questionnaires.html", context, user=user, status_code=422)


@router.get("/portal/questionnaires")
def questionnaires(request: Request, uow: UoW, user: PatientUser) -> Response:
    _patient(uow, user)
    context = {"form": {}, "paper_only": paper_only()}
    return render(request, "portal/questionnaires.html", context, user=user)


@router.post("/portal/questionnaires")
def submit_questionnaires(
    request: Request, uow: UoW, user: PatientUser, policy: ClinicPolicy, form: FormFields
) -> Response:
    actor, patient_id = _patient(uow, user)
    fields = plain(form)
    try:
        answers, findings = questionnaire_answers(fields)
        result = submit_answers(uow, actor, patient_id, answers, findings, policy=policy)
    except InputError as exc:
        return _form_again(request, user, fields, exc)
    context: dict[str, Any] = {
        "stored": list(result.stored),
        "findings": list(result.findings),
        "screening": result.screening,
        "not_sent": result.not_sent,
        "told": result.told,
        "names": {spec.id: spec.short_name for spec in load_instruments().instruments},
    }
    return render(request, "portal/questionnaires_done.html", context, user=user)


# ----- progress, home points, appointments ----------------------------------------------------


@router.get("/portal")
def progress(request: Request, uow: UoW, user: PatientUser) -> Response:
    actor, patient_id = _patient(uow, user)
    patient = get_patient(uow, actor, patient_id)
    outcomes = list_outcomes(uow, actor, patient_id)
    report = patient_trajectory(uow, actor, patient_id)
    sessions = list_sessions(uow, actor, patient_id)
    drawn = any(o.score is not None for o in outcomes) or bool(session_pain(sessions))
    chart = progress_figure(outcomes, sessions, "My progress: pain and function over time")
    context = {
        "patient": patient,
        "outcomes": list(reversed(outcomes)),
        "report": report,
        "chart": chart if drawn else "",
        "verdicts": _VERDICT_WORDS,
    }
    return render(request, "portal/progress.html", context, user=user)


@router.get("/portal/home-points")
def home_points(request: Request, uow: UoW, user: PatientUser) -> Response:
    actor, patient_id = _patient(uow, user)
    accepted = [p for p in list_plans(uow, actor, patient_id) if p.status == "accepted"]
    # Planning leaves out every home point the screening forbids (clinical.planning._self_care).
    points = list(accepted[-1].payload.self_care) if accepted else []
    kb = load_knowledge()
    figure, unplaced = body_map([item.code for item in points], "Body map of my home points")
    shown = len(unplaced) < len(points)
    context = {
        "plan": accepted[-1] if accepted else None,
        "points": points,
        "kb_points": kb.points,
        "body_map": figure if shown else "",
        "sources": kb.sources,
    }
    return render(request, "portal/home_points.html", context, user=user)


def _visits(uow: UoW, actor: Actor, patient_id: int) -> list[tuple[Appointment, Any]]:
    appointments = list_patient_appointments(uow, actor, patient_id)
    staff = {
        a.practitioner_id: get_practitioner(uow, actor, a.practitioner_id) for a in appointments
    }
    return [(a, staff[a.practitioner_id]) for a in sorted(appointments, key=lambda a: a.starts_at)]


@router.get("/portal/appointments")
def appointments(request: Request, uow: UoW, user: PatientUser) -> Response:
    actor, patient_id = _patient(uow, user)
    visits = _visits(uow, actor, patient_id)
    staff = {visit.id: practitioner for visit, practitioner in visits}
    now = datetime.now(UTC)
    upcoming, past = split_visits([visit for visit, _ in visits], now)
    context = {
        "upcoming": [(a, staff[a.id]) for a in upcoming],
        "now": now,
        "past": [(a, staff[a.id]) for a in past],
        "patient_id": patient_id,
        "zone": clinic_calendar(uow).zone,
        "progress": course_progress(uow, [visit for visit, _ in visits], now),
    }
    return render(request, "portal/appointments.html", context, user=user)


@router.get("/portal/appointments/{appointment_id}")
def appointment(request: Request, uow: UoW, user: PatientUser, appointment_id: int) -> Response:
    return appointment_page(request, uow, user, appointment_id)


def appointment_page(
    request: Request, uow: UnitOfWork, user: User, appointment_id: int, error: str = ""
) -> Response:
    """One visit of the patient's, with a refusal to show (`error`: status 409)."""
    actor, patient_id = _patient(uow, user)
    for visit, practitioner in _visits(uow, actor, patient_id):
        if visit.id == appointment_id:
            cal = clinic_calendar(uow)
            context = {
                "visit": visit,
                "practitioner": practitioner,
                "today": datetime.now(UTC).date(),
                "zone": cal.zone,
                "may_cancel": visit.status == "booked"
                and visit.starts_at - datetime.now(UTC) >= cal.cancel_notice,
                "notice_hours": int(cal.cancel_notice.total_seconds() // 3600),
                "error": error,
            }
            status = 409 if error else 200
            return render(
                request, "portal/appointment.html", context, user=user, status_code=status
            )
    raise NotFound("appointment of yours", str(appointment_id))  # another patient's: same answer
