"""Sign-ins through the API: log out (this token), log out everywhere, list and revoke API
tokens (the owner's own; an administrator's of anyone), change the password."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request, Response
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from pydantic import AwareDatetime, Field

from acuback.services import Actor, logins
from acuback.web.api.schemas.common import MAX_ID, In, Out, PathId
from acuback.web.deps import CurrentActor, CurrentUser, UoW
from acuback.web.security.passwords import hash_password, verify_password
from acuback.web.security.tokens import TokenSigner

__all__ = ["router"]

router = APIRouter(prefix="/auth", tags=["auth"])
_bearer = HTTPBearer(auto_error=False)
Bearer = Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)]


def _token_signer(request: Request) -> TokenSigner:
    signer: TokenSigner = request.app.state.token_signer
    return signer


Signer = Annotated[TokenSigner, Depends(_token_signer)]


class LoginOut(Out):
    id: int
    user_id: int
    kind: str
    created_at: AwareDatetime
    last_seen_at: AwareDatetime
    expires_at: AwareDatetime
    ended_at: datetime | None
    end_reason: str | None
    address: str | None


class EndedOut(Out):
    ended: int = Field(description="how many sign-ins were ended")


class PasswordIn(In):
    current_password: str = Field(min_length=1, max_length=200)
    new_password: str = Field(min_length=1, max_length=200)


def _sid(signer: TokenSigner, credentials: HTTPAuthorizationCredentials | None) -> str | None:
    claims = signer.read(credentials.credentials) if credentials else None
    return claims[1] if claims else None


@router.post("/logout", status_code=204)
def logout(uow: UoW, user: CurrentUser, credentials: Bearer, signer: Signer) -> Response:
    """End the sign-in of this bearer token on the server."""
    sid = _sid(signer, credentials)
    if sid is not None:
        uow.logins.end(sid, "logout")
    return Response(status_code=204)


@router.post("/logout-everywhere", response_model=EndedOut)
def logout_everywhere(uow: UoW, actor: CurrentActor) -> EndedOut:
    """End every sign-in of the caller: all browsers and all API tokens, this one included."""
    return EndedOut(ended=logins.end_everywhere(uow, actor))


@router.get("/tokens", response_model=list[LoginOut])
def tokens(
    uow: UoW,
    actor: CurrentActor,
    user_id: Annotated[int | None, Query(ge=1, le=MAX_ID)] = None,
) -> list[LoginOut]:
    """The open API tokens of the caller, or (administrators) of `user_id`."""
    return [LoginOut.model_validate(login) for login in logins.list_tokens(uow, actor, user_id)]


@router.delete("/tokens/{login_id}", response_model=LoginOut)
def revoke(login_id: PathId, uow: UoW, actor: CurrentActor) -> LoginOut:
    """Revoke an API token: it signs nobody in from now on."""
    return LoginOut.model_validate(logins.revoke_token(uow, actor, login_id))


@router.post("/password", response_model=EndedOut)
def password(
    body: PasswordIn, uow: UoW, user: CurrentUser, credentials: Bearer, signer: Signer
) -> EndedOut:
    """Change the caller's password; every other sign-in of theirs ends."""
    ended = logins.change_password(
        uow,
        Actor.of(user),
        verify_password(user.password_hash, body.current_password),
        body.new_password,
        hash_password,
        _sid(signer, credentials),
    )
    return EndedOut(ended=ended)
