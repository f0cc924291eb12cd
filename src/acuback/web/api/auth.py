"""Health, login (bearer tokens) and who-am-I."""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated

from fastapi import APIRouter, Form, Request
from pydantic import BaseModel, ConfigDict, Field

from acuback import __version__
from acuback.web.api.schemas.people import TokenOut, UserOut
from acuback.web.deps import CurrentUser, UoW
from acuback.web.security.auth import authenticate
from acuback.web.security.tokens import TokenSigner

__all__ = ["router"]

router = APIRouter(tags=["auth"])


@router.get("/health")
def health() -> dict[str, str]:
    """The service is up."""
    return {"status": "ok", "version": __version__}


class TokenForm(BaseModel):
    """The OAuth2 password form fields, as one form model.

    Two separate `Form()` parameters made FastAPI wrap them in a generated body field aliased
    "body", which pydantic >= 2.12 reports as an `UnsupportedFieldAttributeWarning`.
    """

    model_config = ConfigDict(extra="ignore")  # OAuth2 clients also send grant_type, scope

    username: str = Field(min_length=1, max_length=64)
    password: str = Field(min_length=1, max_length=200)
    # A string, empty when absent: form fields have no null.
    totp_code: str = Field(
        default="", pattern=r"^([0-9]{6})?$", description="needed once a second factor is enrolled"
    )


@router.post("/auth/token", response_model=TokenOut)
def token(request: Request, uow: UoW, form: Annotated[TokenForm, Form()]) -> TokenOut:
    """Exchange a username and password for a bearer token (OAuth2 password form fields)."""
    address = request.client.host if request.client else "unknown"
    limiter = request.app.state.login_limiter
    admins_must = request.app.state.settings.require_admin_totp
    user = authenticate(
        uow, limiter, address, form.username, form.password, form.totp_code or None, admins_must
    )
    signer: TokenSigner = request.app.state.token_signer
    lifetime = timedelta(seconds=signer.lifetime)
    sid, _ = uow.logins.start(user.id or 0, "token", lifetime, address)
    return TokenOut(
        access_token=signer.issue(user.id or 0, sid), expires_in=signer.lifetime, role=user.role
    )


@router.get("/auth/me", response_model=UserOut)
def me(user: CurrentUser) -> UserOut:
    return UserOut.model_validate(user)
