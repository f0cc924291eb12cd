"""Dependencies for routes, as short `Annotated` aliases.

`UoW` a unit of work on the app's engine; `CurrentUser` / `CurrentActor` the signed-in user,
from a bearer token (API clients) or the session cookie (the browser; unsafe requests then
must carry the CSRF token); `OptionalUser` the same or None (public pages); `Knowledge` the
knowledge base; `ClinicPolicy` the clinic's safety policy from the app's settings.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from datetime import timedelta
from typing import Annotated

import anyio.to_thread
from anyio import CancelScope, CapacityLimiter
from fastapi import Depends, HTTPException, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from starlette.concurrency import run_in_threadpool

from acuback.clinical.screening_rules import Policy
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
]

_ANSWERED_WITH_ERROR = "answered_with_error"
_bearer = HTTPBearer(auto_error=False, description="a token from POST /api/v1/auth/token")


async def get_uow(request: Request) -> AsyncIterator[UnitOfWork]:
    """One unit of work per request: it commits once when the route returns, before the
    response is sent (so a lost race is the request's error), and rolls back if it raises
    (keeping only the writes meant to outlive a failure: records/uow.py). It carries the
    settings the app was created with, which the use cases read.

    It is opened here, on the event loop: opening builds a session and does no I/O (the
    session connects at its first statement, in the worker thread of whoever runs it), and a
    hop to a worker thread costs more than the opening (issue 16). Leaving it commits or rolls
    back, which waits on the database, so that runs in a worker thread, shielded from
    cancellation and outside the shared thread limit (as FastAPI leaves a sync dependency:
    requests queued for the one SQLite connection must not keep it from coming back)."""
    state = request.app.state
    uow = UnitOfWork(
        session_factory=state.sessions, audit_key=state.audit_key, settings=state.settings
    )
    uow.__enter__()
    try:
        yield uow
    except BaseException as error:
        await _in_thread(_leave, request, uow, error)
        raise
    await _in_thread(_leave, request, uow, None)


async def _in_thread(call: Callable[..., None], *args: object) -> None:
    with CancelScope(shield=True):
        await anyio.to_thread.run_sync(call, *args, limiter=CapacityLimiter(1))


def _leave(request: Request, uow: UnitOfWork, error: BaseException | None) -> None:
    """Leave `uow` as a `with` block around the route would: `error` is what the route raised."""
    if error is not None:
        uow.__exit__(type(error), error, error.__traceback__)
        return
    try:
        if getattr(request.state, _ANSWERED_WITH_ERROR, False):
            uow.rollback()  # a page that shows a refusal commits nothing of the request
    except BaseException as failed:
        uow.__exit__(type(failed), failed, failed.__traceback__)
        raise
    uow.__exit__(None, None, None)


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


async def optional_user(
    request: Request,
    uow: UoW,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> User | None:
    """The active user of a valid bearer token, else of the session cookie (None: nobody).

    Either must name a sign-in the server still holds open (records/repositories/logins.py):
    logged out, revoked, expired or, for a browser, idle longer than the setting, and the
    token or cookie signs nobody in. A cookie-authenticated unsafe request must echo the
    session's CSRF token (header or form field); bearer tokens are not sent by browsers on
    their own, so they need none. The sign-in check and the user read share one hop to a
    worker thread (issue 16).
    """
    if credentials is not None:
        signer: TokenSigner = request.app.state.token_signer
        claims = signer.read(credentials.credentials)
        live, user = False, None
        if claims is not None:
            live, user = await run_in_threadpool(
                _signed_in, request, uow, claims[0], claims[1], "token"
            )
        if not live:
            raise _unauthorised("the token is invalid, revoked or has expired: log in again")
        return user
    session = read_session(request)
    if session is None or session.user_id is None or session.sid is None:
        return None
    live, user = await run_in_threadpool(
        _signed_in, request, uow, session.user_id, session.sid, "browser"
    )
    if not live:
        end_session(request)  # the server ended it: the browser is signed out too
        return None
    await require_csrf(request)
    return user


def _signed_in(
    request: Request, uow: UnitOfWork, user_id: int, sid: str, kind: str
) -> tuple[bool, User | None]:
    """Whether the sign-in is open and, when it is, its user if that user is still active."""
    live, user = _live(request, uow, user_id, sid, kind)
    return live, user if live and user is not None and user.active else None


def login_is_live(request: Request, uow: UnitOfWork, user_id: int, sid: str, kind: str) -> bool:
    """Whether the sign-in is open (see `_live`)."""
    return _live(request, uow, user_id, sid, kind)[0]


def _live(
    request: Request, uow: UnitOfWork, user_id: int, sid: str, kind: str
) -> tuple[bool, User | None]:
    """Whether the sign-in is open, and its user as read with it. A write (last-seen time, idle
    ending) is kept by the unit of work (`UnitOfWork.keep`), so that it stays whatever the route
    then does; it commits with the request, or on its own when the request fails."""
    settings = request.app.state.settings
    idle = timedelta(minutes=settings.session_idle_minutes) if kind == "browser" else None
    login, _, user = uow.keep(lambda work: work.logins.live(sid, user_id, idle))
    return login is not None and login.kind == kind, user


OptionalUser = Annotated[User | None, Depends(optional_user)]


async def current_user(user: OptionalUser) -> User:
    if user is None:
        raise _unauthorised("log in first")
    return user


CurrentUser = Annotated[User, Depends(current_user)]


async def current_actor(user: CurrentUser) -> Actor:
    return Actor.of(user)


CurrentActor = Annotated[Actor, Depends(current_actor)]
