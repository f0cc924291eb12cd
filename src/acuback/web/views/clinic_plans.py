"""Plan review (under /clinic): the proposed plan on the body map, and accepting it.

The practitioner accepts the plan as proposed, or with edits: points removed (untick), added
(one per submit, chosen from every point of the knowledge base), sides and depths changed,
methods chosen. The edited plan goes to `services.plans.accept_plan`, which re-checks every
point and depth against the intake's screening; a refused edit re-renders the page (422) with
the reason and keeps the edits. Points the body map cannot place are listed beside it.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response
from starlette.datastructures import FormData

from acuback.clinical.plan_model import PlannedPoint
from acuback.clinical.sides import POINT_SIDES
from acuback.errors import InputError
from acuback.knowledge import KnowledgeBase
from acuback.records import Plan
from acuback.services import people, plans
from acuback.services.safety import TREATING
from acuback.web.deps import Knowledge, UoW
from acuback.web.views.clinic_common import (
    Clinician,
    FormFields,
    PageRoute,
    PathId,
    actor_of,
    decimal_number,
    field,
    redirect,
    whole_number,
)
from acuback.web.views.clinic_intake import citations
from acuback.web.views.figures import body_map
from acuback.web.views.templating import render

__all__ = ["router"]

router = APIRouter(route_class=PageRoute)
# The plan's sides, `both` first: the browser preselects it for an added point.
_SIDES = tuple(sorted(POINT_SIDES, key=lambda side: side != "both"))


def _all_points(kb: KnowledgeBase) -> list[tuple[str, str]]:
    return [(code, f"{code} {point.english}") for code, point in sorted(kb.points.items())]


def _context(plan: Plan, kb: KnowledgeBase, edits: dict[str, Any] | None) -> dict[str, Any]:
    payload = plan.payload
    screening = payload.screening
    codes = [p.code for p in payload.points]
    figure, unplaced = body_map(codes, "Body map of the plan, front and back")
    proposed_methods = {m.code for m in payload.methods}
    return {
        "plan": plan,
        "payload": payload,
        "screening": screening,
        "treating": screening.disposition in TREATING,
        "body_map": figure,
        "unplaced": unplaced,
        "point_sources": {p.code: citations(kb, p.sources) for p in payload.points},
        "methods_all": sorted(kb.methods.values(), key=lambda m: m.name),
        "proposed_methods": proposed_methods,
        "avoided_methods": set(screening.constraints.avoid_methods),
        "all_points": _all_points(kb),
        "sides": _SIDES,
        "edits": edits or {},
    }


@router.get("/plans/{plan_id}")
def plan_page(
    request: Request, plan_id: PathId, uow: UoW, user: Clinician, kb: Knowledge
) -> Response:
    actor = actor_of(user)
    plan = plans.get_plan(uow, actor, plan_id)
    patient = people.get_patient(uow, actor, plan.patient_id)
    context = {"patient": patient, **_context(plan, kb, None)}
    return render(request, "clinic/plan.html", context, user=user)


def _depth(form: FormData, name: str, field_name: str) -> float:
    return decimal_number(field(form, name), field_name)


def edited_points(form: FormData, proposed: Sequence[PlannedPoint]) -> list[dict[str, Any]]:
    """The point list the form asks for: kept proposed points, then the added one."""
    kept = set(form.getlist("keep"))
    points = []
    for item in proposed:
        code = item.code
        if code not in kept:
            continue
        low = _depth(form, f"dmin_{code}", f"{code} depth from")
        high = _depth(form, f"dmax_{code}", f"{code} depth to")
        side = field(form, f"side_{code}") or item.side
        points.append({"code": code, "side": side, "depth_mm": [low, high]})
    added = field(form, "add_code")
    if added:
        point: dict[str, Any] = {"code": added, "side": field(form, "add_side") or "both"}
        if field(form, "add_dmax"):
            low = _depth(form, "add_dmin", f"{added} depth from") if field(form, "add_dmin") else 1
            point["depth_mm"] = [low, _depth(form, "add_dmax", f"{added} depth to")]
        points.append(point)
    return points


def _edits(form: FormData) -> dict[str, Any]:
    """What the practitioner typed, to keep it on a refused edit."""
    return {key: value for key, value in form.multi_items() if isinstance(value, str)} | {
        "keep": form.getlist("keep"),
        "method": form.getlist("method"),
    }


@router.post("/plans/{plan_id}/accept")
def accept(
    request: Request, plan_id: PathId, uow: UoW, user: Clinician, kb: Knowledge, form: FormFields
) -> Response:
    actor = actor_of(user)
    plan = plans.get_plan(uow, actor, plan_id)
    version = whole_number(field(form, "version"), "version")
    points = methods = None
    try:
        if field(form, "action") == "edit":
            points = edited_points(form, plan.payload.points)
            methods = [m for m in form.getlist("method") if isinstance(m, str)]
        plans.accept_plan(uow, actor, plan_id, version, points, methods, kb)
    except InputError as exc:
        patient = people.get_patient(uow, actor, plan.patient_id)
        context = {
            "patient": patient,
            **_context(plan, kb, _edits(form)),
            "error": f"Refused: {_refusal(exc, points)}",
        }
        return render(request, "clinic/plan.html", context, user=user, status_code=422)
    return redirect(f"/clinic/plans/{plan_id}")


def _refusal(exc: InputError, points: list[dict[str, Any]] | None) -> str:
    """The service names `points[i]...`; say which point that is."""
    if points and exc.field.startswith("points[") and "]" in exc.field:
        index = exc.field[len("points[") : exc.field.index("]")]
        if index.isdigit() and int(index) < len(points):
            return f"{points[int(index)]['code']}: {exc.problem}"
    return exc.message
