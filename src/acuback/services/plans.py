"""Use cases for plans: generate one from a stored intake, read, accept (with edits).

A plan is generated from the intake's stored screening, so it matches what the practitioner
saw. Accepting may edit the points and methods; every edit is re-checked against the screening
(`safety.check_plan_points`), because no plan may hold what the screening forbids.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from acuback.clinical.plan_model import Plan as PlanResult
from acuback.clinical.plan_model import PlannedMethod, PlannedPoint
from acuback.clinical.planning import plan
from acuback.clinical.screening import ScreeningResult
from acuback.clinical.screening_rules import Policy
from acuback.clinical.sides import POINT_SIDES
from acuback.errors import Conflict, InputError
from acuback.knowledge import KnowledgeBase, Point, load_knowledge
from acuback.records import Plan, UnitOfWork
from acuback.records.summaries import PlanSummary, decode_cursor, encode_cursor
from acuback.services.access import Actor, audit, authorize, list_for_patient, read_clinical_record
from acuback.services.intakes import stored_screening
from acuback.services.safety import TREATING, check_plan_methods, check_plan_points

__all__ = [
    "PLAN_PAGE_MAX",
    "accept_plan",
    "accepted_plan",
    "generate_plan",
    "get_plan",
    "list_plans",
    "plan_summaries",
]

PLAN_PAGE_MAX = 100  # plan summaries per page at most


def generate_plan(
    uow: UnitOfWork,
    actor: Actor,
    intake_id: int,
    kb: KnowledgeBase | None = None,
    *,
    policy: Policy | None,
) -> Plan:
    """Plan treatment for a stored intake with the clinic's `policy`; the plan is `proposed`
    until accepted."""
    intake = uow.intakes.get(intake_id)
    authorize(uow, actor, "clinical.write", entity="plan", patient_id=intake.patient_id)
    kb = kb or load_knowledge()
    result = plan(intake.payload, kb, policy, screening=stored_screening(intake))
    record = Plan(patient_id=intake.patient_id, intake_id=intake_id, payload=result)
    stored = uow.plans.add(record)
    detail = {"patient_id": intake.patient_id, "intake_id": intake_id}
    audit(uow, actor, "plan.generate", "plan", stored.id, detail)
    return stored


def get_plan(uow: UnitOfWork, actor: Actor, plan_id: int) -> Plan:
    return read_clinical_record(uow, actor, "plan", plan_id, uow.plans.get)


def list_plans(uow: UnitOfWork, actor: Actor, patient_id: int) -> list[Plan]:
    """A patient's plans, oldest first."""
    return list_for_patient(uow, actor, "clinical.read", "plan", patient_id, uow.plans.for_patient)


def plan_summaries(
    uow: UnitOfWork,
    actor: Actor,
    patient_id: int,
    limit: int | None = 20,
    cursor: str | None = None,
) -> tuple[list[PlanSummary], str | None]:
    """A page of a patient's plans as summaries, oldest first, after `cursor` (a page's
    `next_cursor`), and the cursor of the next page (None on the last). `limit` None: every
    plan, in one statement (the patient record's timeline)."""
    if limit is not None and not 1 <= limit <= PLAN_PAGE_MAX:
        raise InputError("limit", f"must be from 1 to {PLAN_PAGE_MAX}, not {limit}")
    after = decode_cursor(cursor) if cursor else None
    authorize(uow, actor, "clinical.read", entity="plan", patient_id=patient_id)
    uow.patients.get(patient_id)
    found = uow.plans.summaries(patient_id, None if limit is None else limit + 1, after)
    page = found[:limit]
    more = limit is not None and len(found) > limit
    following = encode_cursor(page[-1].created_at, page[-1].id) if more else None
    audit(uow, actor, "plan.list", "patient", patient_id, {"count": len(page)})
    return page, following


def accepted_plan(uow: UnitOfWork, patient_id: int) -> Plan | None:
    """The patient's accepted plan, if any (internal: no authorisation)."""
    accepted = [p for p in uow.plans.for_patient(patient_id) if p.status == "accepted"]
    return accepted[-1] if accepted else None


def accept_plan(
    uow: UnitOfWork,
    actor: Actor,
    plan_id: int,
    version: int,
    points: Sequence[Mapping[str, Any]] | None = None,
    methods: Sequence[str] | None = None,
    kb: KnowledgeBase | None = None,
) -> Plan:
    """Accept a proposed plan read at `version`, optionally with edited points and methods."""
    current = uow.plans.get(plan_id)
    authorize(
        uow,
        actor,
        "clinical.write",
        entity="plan",
        entity_id=plan_id,
        patient_id=current.patient_id,
    )
    if actor.user_id is None:
        raise Conflict("a plan is accepted by a signed-in user")
    screening = current.payload.screening
    if screening.disposition not in TREATING:
        raise Conflict(f"the screening says {screening.disposition}: there is no plan to accept")
    kb = kb or load_knowledge()
    changes: dict[str, object] = {}
    if points is not None:
        changes["points"] = _edited_points(points, current.payload, screening, kb)
    if methods is not None:
        changes["methods"] = _edited_methods(methods, current.payload, screening, kb)
    edited = current.payload.model_copy(update=changes)
    record = current.model_copy(update={"version": version})
    if edited != current.payload:
        record = uow.plans.update(record.model_copy(update={"payload": edited}))
    accepted = uow.plans.accept(record, actor.user_id)
    detail = {"patient_id": current.patient_id, "edited": edited != current.payload}
    audit(uow, actor, "plan.accept", "plan", plan_id, detail)
    return accepted


def _edited_points(
    points: Sequence[Mapping[str, Any]],
    payload: PlanResult,
    screening: ScreeningResult,
    kb: KnowledgeBase,
) -> tuple[PlannedPoint, ...]:
    found = check_plan_points(points, screening, kb)
    proposed = {item.code: item.model_dump(mode="json") for item in payload.points}
    return tuple(
        _planned(point, item, proposed.get(point.code), index)
        for index, (point, item) in enumerate(zip(found, points, strict=True))
    )


def _planned(
    point: Point, item: Mapping[str, Any], proposed: Mapping[str, Any] | None, index: int
) -> PlannedPoint:
    side = item.get("side") or (proposed or {}).get("side") or "both"
    if side not in POINT_SIDES:
        raise InputError(f"points[{index}].side", f"{side!r}", POINT_SIDES)
    depth = item.get("depth_mm") or (proposed or {}).get("depth_mm")
    depth = depth or [point.depth_mm.min, point.depth_mm.max]
    base = (
        dict(proposed)
        if proposed
        else {
            "role": "local" if point.region in {"lower_back", "upper_back", "sacrum"} else "distal",
            "reason": "added by the practitioner",
            "sources": list(point.sources),
        }
    )
    data = {
        **base,
        "code": point.code,
        "name": point.english,
        "side": side,
        "angle": item.get("angle") or base.get("angle") or point.angle,
        "direction": base.get("direction", point.direction),
        "depth_mm": list(depth),
        "cautions": list(base.get("cautions", point.cautions)),
    }
    if "role" in item:
        data["role"] = item["role"]
    try:
        return PlannedPoint.model_validate(data)
    except ValueError as exc:
        raise InputError(f"points[{index}]", str(exc).splitlines()[0]) from None


def _edited_methods(
    methods: Sequence[str],
    payload: PlanResult,
    screening: ScreeningResult,
    kb: KnowledgeBase,
) -> tuple[PlannedMethod, ...]:
    check_plan_methods(methods, screening, kb)
    proposed = {item.code: item for item in payload.methods}
    return tuple(proposed.get(code) or _added_method(code, kb) for code in methods)


def _added_method(code: str, kb: KnowledgeBase) -> PlannedMethod:
    method = kb.methods[code]
    return PlannedMethod(
        code=code,
        name=method.name,
        when="added by the practitioner",
        details="",
        parameters={},
        sources=method.sources,
    )
