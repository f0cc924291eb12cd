"""Practitioners, the dashboard, research aggregates, and administration (users, audit)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Request, status

from acuback.records.bounds import BoundedDate
from acuback.services import accounts, dashboard, people, research
from acuback.web.api.schemas.care import AppointmentOut
from acuback.web.api.schemas.common import MAX_ID, PathId
from acuback.web.api.schemas.people import (
    PractitionerIn,
    PractitionerOut,
    PractitionerPatch,
    UserIn,
    UserOut,
)
from acuback.web.api.schemas.reports import AlertOut, DashboardOut, GroupFiguresOut, ResearchOut
from acuback.web.deps import CurrentActor, UoW
from acuback.web.security.passwords import hash_password

__all__ = ["router"]

router = APIRouter()


@router.get("/practitioners", response_model=list[PractitionerOut], tags=["practitioners"])
def list_practitioners(uow: UoW, actor: CurrentActor) -> list[PractitionerOut]:
    return [PractitionerOut.model_validate(p) for p in people.list_practitioners(uow, actor)]


@router.post(
    "/practitioners",
    response_model=PractitionerOut,
    status_code=status.HTTP_201_CREATED,
    tags=["practitioners"],
)
def create_practitioner(body: PractitionerIn, uow: UoW, actor: CurrentActor) -> PractitionerOut:
    created = people.create_practitioner(uow, actor, body.model_dump(exclude_none=True))
    return PractitionerOut.model_validate(created)


@router.get(
    "/practitioners/{practitioner_id}", response_model=PractitionerOut, tags=["practitioners"]
)
def get_practitioner(practitioner_id: PathId, uow: UoW, actor: CurrentActor) -> PractitionerOut:
    return PractitionerOut.model_validate(people.get_practitioner(uow, actor, practitioner_id))


@router.patch(
    "/practitioners/{practitioner_id}", response_model=PractitionerOut, tags=["practitioners"]
)
def update_practitioner(
    practitioner_id: PathId, body: PractitionerPatch, uow: UoW, actor: CurrentActor
) -> PractitionerOut:
    changes = body.model_dump(exclude_unset=True, exclude={"version"})
    updated = people.update_practitioner(uow, actor, practitioner_id, body.version, changes)
    return PractitionerOut.model_validate(updated)


@router.get("/dashboard", response_model=DashboardOut, tags=["dashboard"])
def get_dashboard(uow: UoW, actor: CurrentActor, day: BoundedDate | None = None) -> DashboardOut:
    """Today's appointments and alerts (reassessment, not improving, red flags, licences)."""
    board = dashboard.dashboard(uow, actor, day)
    return DashboardOut(
        day=board.day,
        appointments=[AppointmentOut.model_validate(a) for a in board.appointments],
        alerts=[AlertOut.model_validate(a) for a in board.alerts],
    )


@router.get("/research/aggregates", response_model=ResearchOut, tags=["research"])
def aggregates(uow: UoW, actor: CurrentActor) -> ResearchOut:
    """De-identified figures: counts, responder rates, mean change by condition."""
    figures = research.research_aggregates(uow, actor)
    return ResearchOut(
        patients=figures.patients,
        by_disposition=figures.by_disposition,
        by_condition=figures.by_condition,
        sessions_signed=figures.sessions_signed,
        adverse_events=figures.adverse_events,
        outcomes=[GroupFiguresOut.model_validate(g) for g in figures.outcomes],
        min_cell=figures.min_cell,
    )


@router.get("/users", response_model=list[UserOut], tags=["admin"])
def list_users(uow: UoW, actor: CurrentActor) -> list[UserOut]:
    return [UserOut.model_validate(u) for u in accounts.list_users(uow, actor)]


@router.post("/users", response_model=UserOut, status_code=status.HTTP_201_CREATED, tags=["admin"])
def create_user(body: UserIn, uow: UoW, actor: CurrentActor, request: Request) -> UserOut:
    created = accounts.create_user(
        uow,
        actor,
        username=body.username,
        password_hash=hash_password(body.password),
        role=body.role,
        patient_id=body.patient_id,
        practitioner_id=body.practitioner_id,
    )
    return UserOut.model_validate(created)


@router.get("/audit", tags=["admin"])
def audit_log(
    uow: UoW,
    actor: CurrentActor,
    entity: Annotated[str | None, Query(max_length=50)] = None,
    entity_id: Annotated[str | None, Query(max_length=50)] = None,
    username: Annotated[str | None, Query(max_length=64)] = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
    before_seq: Annotated[int | None, Query(ge=1, le=MAX_ID)] = None,
) -> list[dict[str, Any]]:
    """Audit entries, newest first (reading them is itself audited)."""
    entries = accounts.read_audit(
        uow,
        actor,
        entity=entity,
        entity_id=entity_id,
        username=username,
        limit=limit,
        before_seq=before_seq,
    )
    return [entry.model_dump(mode="json") for entry in entries]
