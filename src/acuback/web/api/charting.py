"""Session charts: chart a draft, update it, sign it, amend it, record adverse events."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, status

from acuback.records import TreatmentSession
from acuback.services import charting
from acuback.services.charting import ChartView
from acuback.web.api.schemas.charting import (
    AdverseEventIn,
    AdverseEventOut,
    AmendIn,
    AmendmentOut,
    NeedleCheckOut,
    SessionIn,
    SessionOut,
    SessionUpdate,
    SignIn,
)
from acuback.web.api.schemas.common import PathId
from acuback.web.deps import CurrentActor, UoW

__all__ = ["chart_json", "router", "session_out"]

# Needle rows' own ids and versions are storage details: a chart is edited as a whole.
_NEEDLE_STORAGE = {"needles": {"__all__": {"id", "version"}}}

router = APIRouter(prefix="/sessions", tags=["sessions"])


def chart_json(chart: TreatmentSession) -> dict[str, Any]:
    """A chart as JSON, in the shape a client sends back to update it."""
    return chart.model_dump(mode="json", exclude=_NEEDLE_STORAGE)


def session_out(view: ChartView) -> SessionOut:
    chart = view.session
    checks = [
        NeedleCheckOut(
            index=c.index,
            point=c.point,
            problems=list(c.problems),
            override_reason=c.override_reason,
            needs_override=c.needs_override,
            resolved=c.resolved,
        )
        for c in view.checks
    ]
    return SessionOut(
        id=chart.id or 0,
        version=view.original.version,
        status=chart.status,
        chart=chart_json(chart),
        original=chart_json(view.original) if view.amendments else None,
        amendments=[AmendmentOut.model_validate(a) for a in view.amendments],
        adverse_events=[AdverseEventOut.model_validate(e) for e in view.adverse_events],
        checks=checks,
        needle_count_mismatch=chart.needle_count_mismatch,
        ready_to_sign=chart.status == "draft"
        and not view.unresolved
        and chart.needles_in is not None
        and chart.needles_in == chart.needles_out,
    )


@router.post("", response_model=SessionOut, status_code=status.HTTP_201_CREATED)
def chart(body: SessionIn, uow: UoW, actor: CurrentActor) -> SessionOut:
    """Save a draft chart; `checks` says which needles still need an override reason."""
    return session_out(charting.chart_session(uow, actor, body.model_dump(exclude_none=True)))


@router.get("/{session_id}", response_model=SessionOut)
def get(session_id: PathId, uow: UoW, actor: CurrentActor) -> SessionOut:
    return session_out(charting.get_session(uow, actor, session_id))


@router.put("/{session_id}", response_model=SessionOut)
def update(session_id: PathId, body: SessionUpdate, uow: UoW, actor: CurrentActor) -> SessionOut:
    """Rewrite a draft; send the `version` you read (409 when it changed, or once signed)."""
    data = body.model_dump(exclude_none=True, exclude={"version"})
    return session_out(charting.update_session(uow, actor, session_id, body.version, data))


@router.post("/{session_id}/sign", response_model=SessionOut)
def sign(session_id: PathId, body: SignIn, uow: UoW, actor: CurrentActor) -> SessionOut:
    """Sign and lock; 409 while needles in and out differ or an override reason is missing."""
    return session_out(charting.sign_session(uow, actor, session_id, body.version))


@router.post("/{session_id}/amendments", response_model=SessionOut)
def amend(session_id: PathId, body: AmendIn, uow: UoW, actor: CurrentActor) -> SessionOut:
    """Amend a signed chart; the original is kept and shown beside the amended one."""
    view = charting.amend_session(uow, actor, session_id, body.reason, body.changes, body.version)
    return session_out(view)


@router.post(
    "/{session_id}/adverse-events",
    response_model=AdverseEventOut,
    status_code=status.HTTP_201_CREATED,
)
def adverse_event(
    session_id: PathId, body: AdverseEventIn, uow: UoW, actor: CurrentActor
) -> AdverseEventOut:
    event = charting.record_adverse_event(uow, actor, session_id, body.model_dump())
    return AdverseEventOut.model_validate(event)
