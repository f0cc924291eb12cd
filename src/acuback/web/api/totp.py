"""The TOTP second factor through the API: enrol (a secret shown once), confirm, remove.

The rules live in `acuback.web.security.totp`; a wrong code is a 422 naming the field.
"""

from __future__ import annotations

from collections.abc import Callable

from fastapi import APIRouter
from pydantic import Field

from acuback.errors import InputError
from acuback.records import UnitOfWork, User
from acuback.web.api.schemas.common import In, Out
from acuback.web.deps import CurrentUser, UoW
from acuback.web.security import totp

__all__ = ["router"]

router = APIRouter(prefix="/auth/totp", tags=["auth"])


class EnrolOut(Out):
    otpauth_uri: str = Field(description="shown once: scan it into an authenticator app")


class CodeIn(In):
    code: str = Field(pattern=r"^[0-9]{6}$", description="the 6-digit code the app shows now")


class TotpOut(Out):
    enabled: bool


@router.post("/enrol", response_model=EnrolOut, status_code=201)
def enrol(uow: UoW, user: CurrentUser) -> EnrolOut:
    """Start enrolment (staff only): a new secret, active once confirmed with a first code."""
    return EnrolOut(otpauth_uri=totp.begin(uow, user))


@router.post("/confirm", response_model=TotpOut)
def confirm(uow: UoW, user: CurrentUser, body: CodeIn) -> TotpOut:
    """Activate the pending secret: from now on logging in needs a code."""
    return _with_code(totp.confirm, uow, user, body, enabled=True)


@router.post("/disable", response_model=TotpOut)
def disable(uow: UoW, user: CurrentUser, body: CodeIn) -> TotpOut:
    """Remove the second factor, proven by a current code."""
    return _with_code(totp.disable, uow, user, body, enabled=False)


def _with_code(
    step: Callable[[UnitOfWork, User, str], None],
    uow: UnitOfWork,
    user: User,
    body: CodeIn,
    *,
    enabled: bool,
) -> TotpOut:
    """Run a step proven by a code; a wrong code is a 422 naming the field `code`."""
    try:
        step(uow, user, body.code)
    except totp.SecondFactorFailed as exc:
        raise InputError("code", str(exc)) from exc
    return TotpOut(enabled=enabled)
