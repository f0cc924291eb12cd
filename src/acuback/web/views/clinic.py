"""The clinic's pages for staff: dashboard, patient list and search, new patient, patient record.

The intake, plan, session and outcome pages live in `clinic_intake`, `clinic_sessions` and
`clinic_outcomes`; their routers are included in `router` here, so `install_views` mounts the
whole clinic from this module. Every page calls `acuback.services`, which checks the
permission table and audits; a role that may not read clinical records (reception, admin) sees
a patient's contact details and appointments but none of the clinical parts.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response

from acuback.clinical.scheduling import local_day_bounds
from acuback.clinical.screening_rules import Policy
from acuback.errors import InputError
from acuback.records import Patient, UnitOfWork
from acuback.records.vocabulary import SEXES
from acuback.services import Actor, can, people, schedule
from acuback.services import dashboard as dashboard_service
from acuback.services.patient_record import ClinicalRecord
from acuback.services.patient_record import patient_record as read_patient_record
from acuback.services.portal_visits import course_progress
from acuback.services.safety import TREATING
from acuback.services.scheduling import clinic_calendar
from acuback.web.deps import ClinicPolicy, UoW
from acuback.web.views import (
    clinic_documents,
    clinic_intake,
    clinic_outcomes,
    clinic_plans,
    clinic_sessions,
)
from acuback.web.views.clinic_badges import screening_badges
from acuback.web.views.clinic_common import (
    FormFields,
    PageRoute,
    PathId,
    Staff,
    actor_of,
    fields,
    redirect,
)
from acuback.web.views.figures import progress_figure
from acuback.web.views.templating import render

__all__ = ["TimelineEntry", "router"]

router = APIRouter(prefix="/clinic", route_class=PageRoute, include_in_schema=False)
router.include_router(clinic_intake.router)
router.include_router(clinic_plans.router)
router.include_router(clinic_sessions.router)
router.include_router(clinic_outcomes.router)
router.include_router(clinic_documents.router)

PAGE_SIZE = 50
_PATIENT_FIELDS = ("given_name", "family_name", "birth_date", "sex", "phone", "email")


@dataclass(frozen=True)
class TimelineEntry:
    """One dated line of a patient's timeline; `at` is the moment, when the record has one."""

    when: date
    kind: str
    title: str
    detail: str = ""
    link: str | None = None
    status: str = ""
    at: datetime | None = None


def _shown_day(text: str, today: date) -> date:
    if not text:
        return today
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise InputError("day", f"{text!r} is not a date", "YYYY-MM-DD") from None


def _names(uow: UnitOfWork, actor: Actor, patient_ids: set[int]) -> dict[int, Patient]:
    return people.get_patients(uow, actor, patient_ids)  # one read and one audit entry for all


@router.get("")
def dashboard(
    request: Request, uow: UoW, user: Staff, day: Annotated[str, Query(max_length=10)] = ""
) -> Response:
    actor, cal = actor_of(user), clinic_calendar(uow)
    shown = _shown_day(day, cal.today())
    if can(actor, "dashboard.read"):
        board = dashboard_service.dashboard(uow, actor, shown)
    else:  # reception: the day's schedule in clinic time, no clinical alerts
        schedule.day_bounds(shown)
        start, end = local_day_bounds(shown, cal.zone)
        found = schedule.list_appointments(uow, actor, start, end)
        board = dashboard_service.Dashboard(shown, tuple(found), ())
    patient_ids = {a.patient_id for a in board.appointments}
    patient_ids |= {a.patient_id for a in board.alerts if a.patient_id is not None}
    practitioners = {p.id: p for p in people.list_practitioners(uow, actor)}
    context = {
        "board": board,
        "zone": cal.zone,
        "today": cal.today(),
        "prev_day": shown - timedelta(days=1),
        "next_day": shown + timedelta(days=1),
        "patients": _names(uow, actor, patient_ids),
        "practitioners": practitioners,
        "alert_titles": {
            "red_flags": "New red flags",
            "not_improving": "Not improving at reassessment",
            "reassessment_due": "Reassessment due",
            "licence_expiring": "Licences expiring",
        },
    }
    return render(request, "clinic/dashboard.html", context, user=user)


@router.get("/patients")
def patient_list(
    request: Request,
    uow: UoW,
    user: Staff,
    q: Annotated[str, Query(max_length=200)] = "",
    page: Annotated[int, Query(ge=1, le=100_000)] = 1,
) -> Response:
    actor = actor_of(user)
    total = None
    if q.strip():
        found = people.search_patients(uow, actor, q, limit=PAGE_SIZE)
    else:
        found, total = people.list_patients(uow, actor, PAGE_SIZE, (page - 1) * PAGE_SIZE)
    context = {"patients": found, "q": q, "page": page, "total": total, "size": PAGE_SIZE}
    return render(request, "clinic/patients.html", context, user=user)


@router.get("/patients/new")
def new_patient_form(request: Request, user: Staff) -> Response:
    context = {"values": dict.fromkeys(_PATIENT_FIELDS, ""), "sexes": SEXES}
    return render(request, "clinic/patient_new.html", context, user=user)


def _patient_data(values: dict[str, str]) -> dict[str, Any]:
    data: dict[str, Any] = {k: v for k, v in values.items() if v}
    if "birth_date" in data:
        try:
            data["birth_date"] = date.fromisoformat(data["birth_date"])
        except ValueError:
            raise InputError("birth_date", "is not a date", "YYYY-MM-DD") from None
    return data


@router.post("/patients/new")
def create_patient(request: Request, uow: UoW, user: Staff, form: FormFields) -> Response:
    values = fields(form, _PATIENT_FIELDS)
    try:
        patient = people.create_patient(uow, actor_of(user), _patient_data(values))
    except InputError as exc:
        context = {
            "values": values,
            "sexes": SEXES,
            "error": exc.message,
            "error_field": exc.field,
        }
        return render(request, "clinic/patient_new.html", context, user=user, status_code=422)
    return redirect(f"/clinic/patients/{patient.id}")


def _intake_and_plan_entries(record: ClinicalRecord) -> list[TimelineEntry]:
    entries: list[TimelineEntry] = []
    for intake in record.intakes:
        at = intake.submitted_at or datetime.now(UTC)
        when = at.date()
        title = "Intake" if intake.practitioner_id else "Pre-visit questionnaire"
        entries.append(
            TimelineEntry(
                when,
                "intake",
                title,
                f"screening: {intake.disposition}",
                f"/clinic/intakes/{intake.id}",
                intake.disposition,
                at,
            )
        )
    for plan in record.plans:
        at = plan.accepted_at or plan.created_at or datetime.now(UTC)
        entries.append(
            TimelineEntry(
                at.date(),
                "plan",
                f"Plan ({plan.status})",
                f"{plan.points} points",
                f"/clinic/plans/{plan.id}",
                plan.status,
                at,
            )
        )
    return entries


def _treatment_entries(record: ClinicalRecord) -> list[TimelineEntry]:
    """Sessions, outcomes and adverse events."""
    entries: list[TimelineEntry] = []
    for chart in record.charts:
        pain = (
            f"pain {chart.pain_before} → {chart.pain_after}"
            if chart.pain_before is not None
            else ""
        )
        detail = f"{len(chart.needles)} points; {pain}".strip("; ")
        entries.append(
            TimelineEntry(
                chart.session_date,
                "session",
                f"Session ({chart.status})",
                detail,
                f"/clinic/sessions/{chart.id}",
                chart.status,
                chart.signed_at,
            )
        )
    signed = {chart.id: chart.signed_at for chart in record.charts}
    for item in record.outcomes:
        score = "" if item.score is None else f"score {item.score:g}"
        moment = signed.get(item.session_id) if item.session_id else None  # at the session
        entries.append(
            TimelineEntry(item.measured_on, "outcome", item.instrument.upper(), score, at=moment)
        )
    for event in record.adverse_events:
        detail = f"{event.severity}; action: {event.action_taken}"
        entries.append(
            TimelineEntry(
                event.occurred_at.date(),
                "adverse",
                f"Adverse event: {event.type.replace('_', ' ')}",
                detail,
                f"/clinic/sessions/{event.session_id}",
                event.severity,
                event.occurred_at,
            )
        )
    return entries


def _timeline(record: ClinicalRecord) -> list[TimelineEntry]:
    entries = _intake_and_plan_entries(record) + _treatment_entries(record)
    return sorted(entries, key=_moment, reverse=True)


_ORDER = {"intake": 0, "plan": 1, "session": 2, "outcome": 3, "adverse": 4}


def _moment(entry: TimelineEntry) -> tuple[date, time, int]:
    """Newest first: by day, then by the time of day (UTC) where the record has one (an
    entry with only a date counts from the start of its day), then intake before plan."""
    at = entry.at.astimezone(UTC).time() if entry.at and entry.at.date() == entry.when else time.min
    return entry.when, at, _ORDER[entry.kind]


def _clinical(record: ClinicalRecord, policy: Policy | None) -> dict[str, Any]:
    latest = record.latest_screening
    badges = screening_badges(latest[1], latest[0].payload, policy) if latest else []
    charts = list(record.charts)
    return {
        "badges": badges,
        "latest_intake": latest[0] if latest else None,
        "screening": latest[1] if latest else None,
        "may_treat": latest is not None and latest[1].disposition in TREATING,
        "timeline": _timeline(record),
        "chart_svg": progress_figure(list(record.outcomes), charts, "Pain and function over time"),
        "trajectory": record.trajectory,
        "accepted_plan": record.accepted_plan,
    }


@router.get("/patients/{patient_id}")
def patient_record(
    request: Request, patient_id: PathId, uow: UoW, user: Staff, policy: ClinicPolicy
) -> Response:
    actor = actor_of(user)
    record = read_patient_record(uow, actor, patient_id)  # one transaction for every part
    context: dict[str, Any] = {
        "patient": record.patient,
        "clinical": record.clinical is not None,
        "charting": can(actor, "clinical.write"),
        "appointments": list(record.appointments),
        "progress": course_progress(uow, record.appointments),
        "zone": clinic_calendar(uow).zone,
    }
    if record.clinical is not None:
        context |= _clinical(record.clinical, policy)
    return render(request, "clinic/patient.html", context, user=user)
