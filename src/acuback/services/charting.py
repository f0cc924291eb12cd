"""Use cases for session charts (STRICTA): prefill, chart, sign, amend, adverse events.

A chart is saved as a draft even while a needle lacks its override reason, so work is never
lost; signing is refused until every needle the screening forbids (or that goes deeper than
its limit) carries a reason, and while needles in and out differ. A signed chart is locked:
changes are amendments that keep the original.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from acuback.clinical.plan_model import Plan as PlanResult
from acuback.clinical.screening import ScreeningResult
from acuback.clinical.sides import needle_side
from acuback.errors import Conflict, InputError
from acuback.knowledge import KnowledgeBase, load_knowledge
from acuback.records import (
    AdverseEvent,
    SessionAmendment,
    TreatmentSession,
    UnitOfWork,
)
from acuback.records.models import validated
from acuback.services.access import Actor, audit, authorize, authorized_record, list_for_patient
from acuback.services.inputs import reject_nul
from acuback.services.intakes import latest_screening, stored_screening
from acuback.services.plans import accepted_plan
from acuback.services.safety import NeedleCheck, check_needles

__all__ = [
    "ChartView",
    "amend_session",
    "chart_session",
    "get_session",
    "list_adverse_events",
    "list_sessions",
    "needles_from_plan",
    "prefill_session",
    "record_adverse_event",
    "sign_session",
    "signing_refusal",
    "update_session",
]

_SYSTEM_FIELDS = ("id", "version", "status", "signed_at", "signed_by")
_CARRIED = ("needle_gauge_mm", "needle_length_mm", "needle_make", "retention_minutes")


@dataclass(frozen=True)
class ChartView:
    """A chart as it stands (amendments applied), its original, amendments and safety checks."""

    session: TreatmentSession
    original: TreatmentSession
    amendments: tuple[SessionAmendment, ...]
    adverse_events: tuple[AdverseEvent, ...]
    checks: tuple[NeedleCheck, ...]
    # Who signed the chart and wrote its amendments, by user id: the practitioner's name, else
    # the username (a chart names its author; a user id means nothing to a reader).
    names: Mapping[int, str] = field(default_factory=dict)

    @property
    def unresolved(self) -> tuple[NeedleCheck, ...]:
        return tuple(check for check in self.checks if not check.resolved)


def _screening(uow: UnitOfWork, chart: TreatmentSession) -> ScreeningResult | None:
    """The screening in force on the session's day: the newest intake submitted by the end of
    that day (so a later refer, emergency, clearance or defer overrides the plan's older
    screening); else the plan's own intake; else the newest of all."""
    intakes = uow.intakes.for_patient(chart.patient_id)
    on_the_day = [
        intake
        for intake in intakes
        if intake.submitted_at is None or intake.submitted_at.date() <= chart.session_date
    ]
    if on_the_day:
        return stored_screening(on_the_day[-1])
    if chart.plan_id is not None:
        return stored_screening(uow.intakes.get(uow.plans.get(chart.plan_id).intake_id))
    latest = latest_screening(uow, chart.patient_id)
    return latest[1] if latest else None


def _view(uow: UnitOfWork, session_id: int, kb: KnowledgeBase | None = None) -> ChartView:
    original = uow.sessions.get(session_id)
    effective = uow.sessions.effective(session_id)
    checks = check_needles(effective.needles, _screening(uow, effective), kb or load_knowledge())
    amendments = tuple(uow.sessions.amendments(session_id))
    authors = {original.signed_by, *(a.amended_by for a in amendments)} - {None}
    return ChartView(
        effective,
        original,
        amendments,
        tuple(uow.adverse_events.for_session(session_id)),
        tuple(checks),
        {user_id: _author(uow, user_id) for user_id in authors if user_id is not None},
    )


def _author(uow: UnitOfWork, user_id: int) -> str:
    user = uow.users.get(user_id)
    if user.practitioner_id is not None:
        return uow.practitioners.get(user.practitioner_id).name
    return user.username


def _check_links(uow: UnitOfWork, chart: TreatmentSession) -> None:
    """The plan and appointment a chart names must be the same patient's."""
    if chart.plan_id is not None and uow.plans.get(chart.plan_id).patient_id != chart.patient_id:
        raise InputError("plan_id", f"plan {chart.plan_id} belongs to another patient")
    if chart.appointment_id is not None:
        appointment = uow.appointments.get(chart.appointment_id)
        if appointment.patient_id != chart.patient_id:
            raise InputError(
                "appointment_id", f"appointment {chart.appointment_id} is another patient's"
            )


def _chart(data: Mapping[str, Any], actor: Actor) -> TreatmentSession:
    for name in _SYSTEM_FIELDS:
        if name in data:
            raise InputError(name, "is set by the clinic system and cannot be given")
    reject_nul(dict(data), "")
    fields = dict(data)
    if fields.get("practitioner_id") is None:
        if actor.practitioner_id is None:
            raise InputError("practitioner_id", "say which practitioner gave the treatment")
        fields["practitioner_id"] = actor.practitioner_id
    return validated(TreatmentSession, fields)


def _authorized_session(
    uow: UnitOfWork, actor: Actor, permission: str, session_id: int
) -> TreatmentSession:
    """The stored chart `session_id`, once `actor` holds `permission` on it and its patient."""
    return authorized_record(uow, actor, permission, "session", session_id, uow.sessions.get)


def _audited_view(
    uow: UnitOfWork, actor: Actor, action: str, session_id: int, detail: dict[str, Any]
) -> ChartView:
    """Audit `action` on the chart and read it back as it now stands (they commit together)."""
    audit(uow, actor, action, "session", session_id, detail)
    view = _view(uow, session_id)
    return view


def prefill_session(
    uow: UnitOfWork, actor: Actor, patient_id: int, on: date | None = None
) -> dict[str, Any]:
    """A draft chart to start from: the last session's needles, else the accepted plan's."""
    authorize(uow, actor, "clinical.write", entity="session", patient_id=patient_id)
    uow.patients.get(patient_id)
    draft: dict[str, Any] = {
        "patient_id": patient_id,
        "practitioner_id": actor.practitioner_id,
        "session_date": (on or date.today()).isoformat(),
        "needles": [],
    }
    plan = accepted_plan(uow, patient_id)
    if plan is not None:
        draft["plan_id"] = plan.id
    previous = uow.sessions.for_patient(patient_id)
    if previous:
        last = uow.sessions.effective(previous[-1].id or 0)
        draft.update({name: getattr(last, name) for name in _CARRIED})
        draft["needles"] = [
            n.model_dump(mode="json", exclude={"id", "version"}) for n in last.needles
        ]
        # Shown to the practitioner: the date identifies the chart; record ids mean nothing to them.
        draft["source"] = f"the last session ({last.session_date.isoformat()})"
    elif plan is not None:
        draft.update(needles_from_plan(plan.payload))
        draft["source"] = "the accepted plan"
    audit(uow, actor, "session.prefill", "patient", patient_id)
    return draft


def needles_from_plan(payload: PlanResult) -> dict[str, Any]:
    retention = payload.course.retention_minutes if payload.course else None
    needles = []
    for item in payload.points:
        low, high = item.depth_mm
        side = needle_side(item.side)
        needles.append(
            {
                "point": item.code,
                "side": side,
                "angle": item.angle,
                "depth_mm": round((low + high) / 2, 1),
                "response_sought": "de_qi",
                "stimulation": "manual",
                "retention_minutes": retention,
            }
        )
    return {"needles": needles, "retention_minutes": retention}


def chart_session(uow: UnitOfWork, actor: Actor, data: Mapping[str, Any]) -> ChartView:
    """Save a new draft chart; the view lists which needles still need an override reason."""
    patient_id = data.get("patient_id")
    authorize(
        uow,
        actor,
        "clinical.write",
        entity="session",
        patient_id=patient_id if isinstance(patient_id, int) else None,
    )
    chart = _chart(data, actor)
    _check_links(uow, chart)
    check_needles(chart.needles, None, load_knowledge())  # unknown points fail before saving
    stored = uow.sessions.add(chart)
    return _audited_view(
        uow, actor, "session.chart", stored.id or 0, {"patient_id": chart.patient_id}
    )


def update_session(
    uow: UnitOfWork, actor: Actor, session_id: int, version: int, data: Mapping[str, Any]
) -> ChartView:
    """Rewrite a draft chart read at `version` (a signed one needs an amendment)."""
    current = _authorized_session(uow, actor, "clinical.write", session_id)
    chart = _chart({"patient_id": current.patient_id, **data}, actor)
    _check_links(uow, chart)
    check_needles(chart.needles, None, load_knowledge())
    uow.sessions.update(chart.model_copy(update={"id": session_id, "version": version}))
    return _audited_view(uow, actor, "session.update", session_id, {"patient_id": chart.patient_id})


def sign_session(uow: UnitOfWork, actor: Actor, session_id: int, version: int) -> ChartView:
    """Sign and lock a draft; refused while a needle lacks its override reason or the counts
    of needles in and out differ."""
    current = _authorized_session(uow, actor, "session.sign", session_id)
    if actor.user_id is None:
        raise Conflict("a session is signed by a signed-in user")
    view = _view(uow, session_id)
    if (refusal := signing_refusal(view)) is not None:
        raise Conflict(refusal)
    uow.sessions.sign(current.model_copy(update={"version": version}), actor.user_id)
    return _audited_view(uow, actor, "session.sign", session_id, {"patient_id": current.patient_id})


def signing_refusal(view: ChartView) -> str | None:
    """Why a chart cannot be signed, in the practitioner's words (None: it can be)."""
    chart = view.session
    if chart.status == "signed":
        return "this session is already signed; record any change as an amendment"
    if chart.needles_in is None or chart.needles_out is None:
        return "count the needles: enter how many went in and how many came out"
    if chart.needles_in != chart.needles_out:
        return (
            f"{chart.needles_in} needles in, {chart.needles_out} out: count the needles again "
            "and find every one before signing"
        )
    if view.unresolved:
        first = view.unresolved[0]
        more = len(view.unresolved) - 1
        others = f" ({more} more {'needle needs' if more == 1 else 'needles need'} one too)"
        return (
            f"needle {first.index + 1} ({first.point}) needs an override reason: "
            f"{'; '.join(first.problems)}{others if more else ''}"
        )
    return None


def amend_session(
    uow: UnitOfWork,
    actor: Actor,
    session_id: int,
    reason: str,
    changes: Mapping[str, Any],
    version: int | None = None,
) -> ChartView:
    """Amend a signed chart read at `version`; changed needles must carry any override reason
    they need."""
    current = _authorized_session(uow, actor, "session.sign", session_id)
    if actor.user_id is None:
        raise Conflict("a session is amended by a signed-in user")
    reject_nul(dict(changes), "changes")
    # The repository checks the field names and values; then the amended needles are checked.
    uow.sessions.amend(session_id, actor.user_id, reason, dict(changes), version=version)
    amended = uow.sessions.effective(session_id)
    screening = _screening(uow, amended)
    checks = check_needles(amended.needles, screening, load_knowledge(), "changes.needles")
    for check in checks:
        if not check.resolved and "needles" in changes:
            uow.rollback()  # the amendment is refused: it must not commit with the request
            raise InputError(
                f"changes.needles[{check.index}].override_reason", "; ".join(check.problems)
            )
    detail = {"patient_id": current.patient_id, "fields": sorted(changes)}
    return _audited_view(uow, actor, "session.amend", session_id, detail)


def get_session(uow: UnitOfWork, actor: Actor, session_id: int) -> ChartView:
    current = _authorized_session(uow, actor, "clinical.read", session_id)
    view = _view(uow, session_id)
    audit(uow, actor, "session.read", "session", session_id, {"patient_id": current.patient_id})
    return view


def list_sessions(uow: UnitOfWork, actor: Actor, patient_id: int) -> list[TreatmentSession]:
    """A patient's charts as they stand now (amendments applied), oldest first."""
    read = uow.sessions.effective_for_patient
    return list_for_patient(uow, actor, "clinical.read", "session", patient_id, read)


def list_adverse_events(uow: UnitOfWork, actor: Actor, patient_id: int) -> list[AdverseEvent]:
    """A patient's adverse events (every session), in the order recorded."""
    read = uow.adverse_events.for_patient
    return list_for_patient(uow, actor, "clinical.read", "adverse_event", patient_id, read)


def record_adverse_event(
    uow: UnitOfWork, actor: Actor, session_id: int, data: Mapping[str, Any]
) -> AdverseEvent:
    """Record an adverse event against a session (also after signing)."""
    chart = uow.sessions.get(session_id)
    authorize(uow, actor, "clinical.write", entity="adverse_event", patient_id=chart.patient_id)
    for name in ("id", "version", "session_id", "patient_id"):
        if name in data:
            raise InputError(name, "is taken from the session")
    fields = {**data, "session_id": session_id, "patient_id": chart.patient_id}
    event = uow.adverse_events.add(validated(AdverseEvent, fields))
    detail = {"patient_id": chart.patient_id, "session_id": session_id, "type": event.type}
    audit(uow, actor, "adverse_event.record", "adverse_event", event.id, detail)
    return event
