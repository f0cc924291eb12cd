"""Dependencies for routes, as short `Annotated` aliases.

`UoW` a unit of work on the app's engine; `CurrentUser` / `CurrentActor` the signed-in user,
from a bearer token (API clients) or the session cookie (the browser; unsafe requests then
must carry the CSRF token); `OptionalUser` the same or None (public pages); `Knowledge` the
knowledge base; `ClinicPolicy` the clinic's safety policy from the app's settings.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from typing import Annotated

from fastapi import Depends, HTTPException, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from starlette.concurrency import run_in_threadpool

from acuback.clinical.screening_rules import Policy
from acuback.errors import NotFound
from acuback.knowledge import KnowledgeBase, load_knowledge
from acuback.records import UnitOfWork, User
from acuback.services import Actor
from acuback.services.policy import clinic_policy
from acuback.web.security.sessions import end_session, read_session, require_csrf
from acuback.web.security.tokens import TokenSigner

__all__ = [
    "ClinicPolicy",
    "CurrentActor",
    "CurrentUser",
    "Knowledge",
    "OptionalUser",
    "UoW",
    "answered_with_error",
    "get_uow",
    "login_is_live",
    "signed_in_user_id",
]

_ANSWERED_WITH_ERROR = "answered_with_error"
_bearer = HTTPBearer(auto_error=False, description="a token from POST /api/v1/auth/token")


def get_uow(request: Request) -> Iterator[UnitOfWork]:
    """One unit of work per request: it commits once when the route returns, before the
    response is sent (so a lost race is the request's error), and rolls back if it raises
    (keeping only the writes meant to outlive a failure: records/uow.py). It carries the
    settings the app was created with, which the use cases read."""
    state = request.app.state
    with UnitOfWork(state.engine, audit_key=state.audit_key, settings=state.settings) as uow:
        yield uow
        if getattr(request.state, _ANSWERED_WITH_ERROR, False):
            uow.rollback()  # a page that shows a refusal commits nothing of the request


def answered_with_error(request: Request) -> None:
    """Mark the request as answered with an error page (the page renderer calls it for a status
    of 400 or more): a view that catches a refusal and shows it then commits nothing of what
    the request wrote, as if the refusal had been raised (only kept writes stay)."""
    setattr(request.state, _ANSWERED_WITH_ERROR, True)


UoW = Annotated[UnitOfWork, Depends(get_uow, scope="function")]


async def get_knowledge() -> KnowledgeBase:
    # Cached after the first call: run on the event loop, not on a worker thread (each hop
    # to a thread costs more than the call; issue 16).
    return load_knowledge()


Knowledge = Annotated[KnowledgeBase, Depends(get_knowledge)]


async def get_policy(request: Request) -> Policy | None:
    """The clinic's safety policy named by the settings the app was created with."""
    return clinic_policy(request.app.state.settings)


ClinicPolicy = Annotated[Policy | None, Depends(get_policy)]


def _unauthorised(detail: str) -> HTTPException:
    return HTTPException(401, detail, headers={"WWW-Authenticate": "Bearer"})


async def signed_in_user_id(
    request: Request,
    uow: UoW,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> int | None:
    """The user id of a valid bearer token, else of the session cookie (None: nobody).

    Either must name a sign-in the server still holds open (records/repositories/logins.py):
    logged out, revoked, expired or, for a browser, idle longer than the setting, and the
    token or cookie signs nobody in. A cookie-authenticated unsafe request must echo the
    session's CSRF token (header or form field); bearer tokens are not sent by browsers on
    their own, so they need none.
    """
    if credentials is not None:
        signer: TokenSigner = request.app.state.token_signer
        claims = signer.read(credentials.credentials)
        if claims is None or not await run_in_threadpool(
            login_is_live, request, uow, claims[0], claims[1], "token"
        ):
            raise _unauthorised("the token is invalid, revoked or has expired: log in again")
        return claims[0]
    session = read_session(request)
    if session is None or session.user_id is None or session.sid is None:
        return None
    if not await run_in_threadpool(
        login_is_live, request, uow, session.user_id, session.sid, "browser"
    ):
        end_session(request)  # the server ended it: the browser is signed out too
        return None
    await require_csrf(request)
    return session.user_id


def login_is_live(request: Request, uow: UnitOfWork, user_id: int, sid: str, kind: str) -> bool:
    """Whether the sign-in is open. A write (last-seen time, idle ending) is kept by the unit
    of work (`UnitOfWork.keep`), so that it stays whatever the route then does; it commits
    with the request, or on its own when the request fails."""
    settings = request.app.state.settings
    idle = timedelta(minutes=settings.session_idle_minutes) if kind == "browser" else None
    login, _ = uow.keep(lambda work: work.logins.live(sid, user_id, idle))
    return login is not None and login.kind == kind


def optional_user(
    uow: UoW, user_id: Annotated[int | None, Depends(signed_in_user_id)]
) -> User | None:
    if user_id is None:
        return None
    try:
        user = uow.users.get(user_id)
    except NotFound:
        return None
    return user if user.active else None


OptionalUser = Annotated[User | None, Depends(optional_user)]


async def current_user(user: OptionalUser) -> User:
    if user is None:
        raise _unauthorised("log in first")
    return user


CurrentUser = Annotated[User, Depends(current_user)]


async def current_actor(user: CurrentUser) -> Actor:
    return Actor.of(user)


CurrentActor = Annotated[Actor, Depends(current_actor)]
