"""Session charting (under /clinic): chart, save a draft, sign, amend, adverse events.

A new chart is pre-filled by `services.charting.prefill_session` (the last session, else the
accepted plan). Each needle is checked against the patient's screening as the page is drawn;
a point the screening forbids, or a depth past its limit, shows its override-reason field with
the problem. Signing is refused while a needle lacks its reason or needles in and out differ
(the page shows the alarm, status 409). A signed chart is locked: the amendment form records
changes with a reason, and the page shows the original beside the chart as amended.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response
from starlette.datastructures import FormData

from acuback.errors import Conflict, InputError
from acuback.knowledge import KnowledgeBase
from acuback.knowledge.bodymap import placed_codes
from acuback.records import NeedleInsertion, Patient, User
from acuback.records.models import validated
from acuback.records.vocabulary import ADVERSE_EVENT_TYPES, ANGLES, NEEDLE_SIDES, SEVERITIES
from acuback.services import charting, people
from acuback.services.charting import ChartView
from acuback.services.intakes import latest_screening
from acuback.services.safety import TREATING, check_needles
from acuback.web.deps import Knowledge, UoW
from acuback.web.views.clinic_common import (
    Clinician,
    FormFields,
    PageRoute,
    PathId,
    actor_of,
    field,
    redirect,
    whole_number,
)
from acuback.web.views.clinic_session_form import (
    MOXA_METHODS,
    chart_data,
    form_rows,
    form_session,
    rows_from_needles,
    session_values,
)
from acuback.web.views.figures import body_map
from acuback.web.views.templating import render

__all__ = ["router"]

router = APIRouter(route_class=PageRoute)
_NEEDLE_STORAGE = {"needles": {"__all__": {"id", "version"}}}


def _chosen_codes(rows: list[dict[str, Any]], kb: KnowledgeBase) -> list[str]:
    placed, codes = placed_codes(), []
    for row in rows:
        if row["include"] and row["point"]:
            code = kb.normalise_code(row["point"])
            if code in placed and code not in codes:
                codes.append(code)
    return codes


def _row_problems(rows: list[dict[str, Any]], problems: dict[int, tuple[str, ...]]) -> None:
    included = [row for row in rows if row["include"]]
    for index, row in enumerate(included):
        row["problems"] = problems.get(index, ())


def _form_context(
    kb: KnowledgeBase, patient: Patient, values: dict[str, str], rows: list[dict[str, Any]]
) -> dict[str, Any]:
    codes = _chosen_codes(rows, kb)
    return {
        "patient": patient,
        "values": values,
        "rows": rows,
        "body_map": body_map(codes, "Body map of the points ticked in this chart")[0],
        "all_points": [(c, f"{c} {p.english}") for c, p in sorted(kb.points.items())],
        "sides": NEEDLE_SIDES,
        "angles": ANGLES,
        "ae_types": ADVERSE_EVENT_TYPES,
        "severities": SEVERITIES,
        "moxa_methods": MOXA_METHODS,
    }


def _prefill_problems(
    uow: Any, patient_id: int, draft: dict[str, Any], kb: KnowledgeBase
) -> dict[int, tuple[str, ...]]:
    latest = latest_screening(uow, patient_id)
    try:
        needles = [NeedleInsertion.model_validate(n) for n in draft["needles"]]
    except ValueError:
        return {}
    checks = check_needles(needles, latest[1] if latest else None, kb)
    return {check.index: check.problems for check in checks}


@router.get("/patients/{patient_id}/sessions/new")
def new_session(
    request: Request, patient_id: PathId, uow: UoW, user: Clinician, kb: Knowledge
) -> Response:
    actor = actor_of(user)
    patient = people.get_patient(uow, actor, patient_id)
    draft = charting.prefill_session(uow, actor, patient_id)
    rows = rows_from_needles(draft["needles"], spare=2 if draft["needles"] else 5)
    _row_problems(rows, _prefill_problems(uow, patient_id, draft, kb))
    context = _form_context(kb, patient, session_values(draft), rows)
    context["source"] = draft.get("source")
    context["stop"] = _stop_reason(uow, patient_id)
    return render(request, "clinic/session_new.html", context, user=user)


def _stop_reason(uow: Any, patient_id: int) -> str | None:
    """Why no needle should go in today (a screening that does not allow treatment), or None."""
    latest = latest_screening(uow, patient_id)
    if latest is None:
        return "this patient has no screening yet: submit an intake first"
    if latest[1].disposition not in TREATING:
        return f"the latest screening says {latest[1].disposition}: {latest[1].next_step}"
    return None


def _adverse_event(form: FormData) -> dict[str, Any] | None:
    kind = field(form, "ae_type")
    if not kind:
        return None
    return {
        "occurred_at": datetime.now(UTC),
        "type": kind,
        "severity": field(form, "ae_severity"),
        "action_taken": field(form, "ae_action"),
        "description": field(form, "ae_description") or None,
    }


@router.post("/patients/{patient_id}/sessions/new")
def create_session(
    request: Request, patient_id: PathId, uow: UoW, user: Clinician, kb: Knowledge, form: FormFields
) -> Response:
    actor = actor_of(user)
    patient = people.get_patient(uow, actor, patient_id)
    values, rows = form_session(form), form_rows(form)
    try:
        event = _adverse_event(form)
        if event is not None:  # check it before anything is saved
            validated_event(event)
        view = charting.chart_session(
            uow, actor, {"patient_id": patient_id, **chart_data(values, rows)}
        )
        if event is not None:
            charting.record_adverse_event(uow, actor, view.session.id or 0, event)
    except InputError as exc:
        context = _form_context(kb, patient, values, rows) | {
            "error": exc.message,
            "ae": _ae_values(form),
        }
        return render(request, "clinic/session_new.html", context, user=user, status_code=422)
    return redirect(f"/clinic/sessions/{view.session.id}")


def validated_event(event: dict[str, Any]) -> None:
    """Check an adverse event's fields before the chart is saved (ids are stand-ins)."""
    from acuback.records import AdverseEvent

    validated(AdverseEvent, {**event, "session_id": 1, "patient_id": 1})


def _ae_values(form: FormData) -> dict[str, str]:
    return {
        name: field(form, name)
        for name in ("ae_type", "ae_severity", "ae_action", "ae_description")
    }


def _chart_dict(view: ChartView, which: str = "session") -> dict[str, Any]:
    chart = view.session if which == "session" else view.original
    return chart.model_dump(mode="json", exclude=_NEEDLE_STORAGE)


def _session_context(
    uow: Any,
    user: User,
    view: ChartView,
    kb: KnowledgeBase,
    rows: list[dict[str, Any]] | None = None,
    values: dict[str, str] | None = None,
) -> dict[str, Any]:
    actor = actor_of(user)
    patient = people.get_patient(uow, actor, view.session.patient_id)
    chart = _chart_dict(view)
    if rows is None:
        rows = rows_from_needles(chart["needles"], spare=2 if view.session.status == "draft" else 1)
        _row_problems(rows, {c.index: c.problems for c in view.checks})
    context = _form_context(kb, patient, values or session_values(chart), rows)
    ready = (
        view.session.status == "draft"
        and not view.unresolved
        and view.session.needles_in is not None
        and view.session.needles_in == view.session.needles_out
    )
    return context | {
        "view": view,
        "chart": view.session,
        "checks": {c.index: c for c in view.checks},
        "original": view.original if view.amendments else None,
        "ready": ready,
        "mismatch": view.session.needle_count_mismatch,
        "uncounted": view.session.needles_in is None or view.session.needles_out is None,
    }


@router.get("/sessions/{session_id}")
def session_page(
    request: Request, session_id: PathId, uow: UoW, user: Clinician, kb: Knowledge
) -> Response:
    view = charting.get_session(uow, actor_of(user), session_id)
    return render(request, "clinic/session.html", _session_context(uow, user, view, kb), user=user)


def _refused(
    request: Request,
    uow: Any,
    user: User,
    session_id: int,
    kb: KnowledgeBase,
    refusal: dict[str, Any],
    rows: list[dict[str, Any]] | None = None,
    values: dict[str, str] | None = None,
    *,
    status_code: int = 422,
) -> Response:
    """The chart's page again, with why the change was refused (and what was typed)."""
    view = charting.get_session(uow, actor_of(user), session_id)
    context = _session_context(uow, user, view, kb, rows, values) | refusal
    return render(request, "clinic/session.html", context, user=user, status_code=status_code)


def _version(form: FormData) -> int:
    return whole_number(field(form, "version"), "version")


@router.post("/sessions/{session_id}")
def update_session(
    request: Request, session_id: PathId, uow: UoW, user: Clinician, kb: Knowledge, form: FormFields
) -> Response:
    actor = actor_of(user)
    values, rows = form_session(form), form_rows(form)
    try:
        charting.update_session(uow, actor, session_id, _version(form), chart_data(values, rows))
    except InputError as exc:
        return _refused(request, uow, user, session_id, kb, {"error": exc.message}, rows, values)
    return redirect(f"/clinic/sessions/{session_id}")


@router.post("/sessions/{session_id}/sign")
def sign_session(
    request: Request, session_id: PathId, uow: UoW, user: Clinician, kb: Knowledge, form: FormFields
) -> Response:
    actor = actor_of(user)
    try:
        charting.sign_session(uow, actor, session_id, _version(form))
    except Conflict as exc:
        refusal = {"error": f"Not signed: {exc}"}
        return _refused(request, uow, user, session_id, kb, refusal, status_code=409)
    return redirect(f"/clinic/sessions/{session_id}?signed=1")


def _changes(view: ChartView, data: dict[str, Any]) -> dict[str, Any]:
    """The fields whose values differ from the chart as it stands."""
    current = _chart_dict(view)
    new = validated(type(view.session), {**view.session.model_dump(), **data})
    proposed = new.model_dump(mode="json", exclude=_NEEDLE_STORAGE)
    return {name: data[name] for name in data if proposed.get(name) != current.get(name)}


@router.post("/sessions/{session_id}/amend")
def amend_session(
    request: Request, session_id: PathId, uow: UoW, user: Clinician, kb: Knowledge, form: FormFields
) -> Response:
    actor = actor_of(user)
    values, rows = form_session(form), form_rows(form)
    try:
        view = charting.get_session(uow, actor, session_id)
        data = chart_data(values, rows)
        data.pop("plan_id", None)
        changes = _changes(view, data)
        charting.amend_session(
            uow, actor, session_id, field(form, "reason"), changes, _version(form)
        )
    except InputError as exc:
        refusal = {"error": exc.message, "reason": field(form, "reason")}
        return _refused(request, uow, user, session_id, kb, refusal, rows, values)
    return redirect(f"/clinic/sessions/{session_id}")


@router.post("/sessions/{session_id}/adverse-events")
def adverse_event(
    request: Request, session_id: PathId, uow: UoW, user: Clinician, kb: Knowledge, form: FormFields
) -> Response:
    actor = actor_of(user)
    event = _adverse_event(form)
    try:
        if event is None:
            raise InputError("type", "choose the type of adverse event", ADVERSE_EVENT_TYPES)
        charting.record_adverse_event(uow, actor, session_id, event)
    except InputError as exc:
        refusal = {"error": exc.message, "ae": _ae_values(form)}
        return _refused(request, uow, user, session_id, kb, refusal)
    return redirect(f"/clinic/sessions/{session_id}#adverse-events")
