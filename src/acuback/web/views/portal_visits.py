"""The portal's forms on one visit: cancel it (within the notice period) or ask for a new
time. The rules are in `services.portal_visits`; a refusal is shown on the visit's page."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response

from acuback.errors import Conflict, InputError
from acuback.records import UnitOfWork, User
from acuback.services import Actor, portal_visits
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


# A patient's change to their own visit: (uow, actor, appointment id, the form's text).
VisitChange = Callable[[UnitOfWork, Actor, int, str], object]


def _change(
    request: Request,
    uow: UnitOfWork,
    user: User,
    appointment_id: int,
    change: VisitChange,
    text: str,
) -> Response:
    """Make the change, then back to the visit's page (showing the refusal, if any)."""
    try:
        change(uow, actor_of(user), appointment_id, text)
    except Conflict as exc:
        return appointment_page(request, uow, user, appointment_id, str(exc))
    except InputError as exc:
        return appointment_page(request, uow, user, appointment_id, exc.message)
    return redirect(f"/portal/appointments/{appointment_id}")


@router.post("/portal/appointments/{appointment_id}/cancel")
def cancel(
    request: Request, appointment_id: PathId, uow: UoW, user: PatientUser, form: FormFields
) -> Response:
    reason = field(form, "reason")
    return _change(request, uow, user, appointment_id, portal_visits.cancel_own_visit, reason)


@router.post("/portal/appointments/{appointment_id}/request")
def request_time(
    request: Request, appointment_id: PathId, uow: UoW, user: PatientUser, form: FormFields
) -> Response:
    wish = field(form, "wish")
    return _change(request, uow, user, appointment_id, portal_visits.request_new_time, wish)
