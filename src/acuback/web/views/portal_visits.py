"""The portal's forms on one visit: cancel it (within the notice period) or ask for a new
time. The rules are in `services.portal_visits`; a refusal is shown on the visit's page."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response

from acuback.errors import Conflict, InputError
from acuback.records import UnitOfWork, User
from acuback.services import portal_visits
from acuback.web.api.schemas.common import PathId
from acuback.web.deps import UoW
from acuback.web.views.clinic_common import (
    FormFields,
    PageRoute,
    actor_of,
    field,
    redirect,
    require_roles,
)
from acuback.web.views.portal import appointment_page

__all__ = ["router"]

router = APIRouter(route_class=PageRoute, include_in_schema=False)
PatientUser = Annotated[User, Depends(require_roles("patient"))]


def _done(
    request: Request, uow: UnitOfWork, user: User, appointment_id: int, change: Callable[[], object]
) -> Response:
    try:
        change()
    except Conflict as exc:
        return appointment_page(request, uow, user, appointment_id, str(exc))
    except InputError as exc:
        return appointment_page(request, uow, user, appointment_id, exc.message)
    return redirect(f"/portal/appointments/{appointment_id}")


@router.post("/portal/appointments/{appointment_id}/cancel")
def cancel(
    request: Request, appointment_id: PathId, uow: UoW, user: PatientUser, form: FormFields
) -> Response:
    actor = actor_of(user)
    return _done(
        request,
        uow,
        user,
        appointment_id,
        lambda: portal_visits.cancel_own_visit(uow, actor, appointment_id, field(form, "reason")),
    )


@router.post("/portal/appointments/{appointment_id}/request")
def request_time(
    request: Request, appointment_id: PathId, uow: UoW, user: PatientUser, form: FormFields
) -> Response:
    actor = actor_of(user)
    return _done(
        request,
        uow,
        user,
        appointment_id,
        lambda: portal_visits.request_new_time(uow, actor, appointment_id, field(form, "wish")),
    )
