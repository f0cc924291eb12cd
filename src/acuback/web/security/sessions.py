"""Cookie sessions for the HTML pages, and CSRF protection for every unsafe form request.

The session is a signed, timestamped cookie (`acuback_session`, itsdangerous) holding the user
id (None before login) and a random CSRF token; it is HttpOnly, SameSite=Lax, Secure when the
request came over HTTPS, and expires after `SESSION_LIFETIME_SECONDS`. Route code never
writes cookies itself: `start_session`, `end_session` and `csrf_token` leave the new cookie in
the request state and `SessionCookieMiddleware` adds it to the response.

CSRF: every unsafe request authenticated by the cookie must echo the session's token, in the
form field `csrf_token` or the `X-CSRF-Token` header (`verify_csrf`, or the `require_csrf`
dependency for form routes). Templates put `csrf_token(request)` in a hidden field. A login
rotates the token.
"""

from __future__ import annotations

import hmac
import secrets
from dataclasses import dataclass
from typing import Any

from fastapi import HTTPException, Request
from itsdangerous import BadSignature, URLSafeTimedSerializer
from starlette.types import Message, Receive, Scope, Send

from acuback.web.security.headers import HttpMiddleware, with_headers

__all__ = [
    "COOKIE_NAME",
    "CSRF_FIELD",
    "CSRF_HEADER",
    "SESSION_LIFETIME_SECONDS",
    "SessionCookieMiddleware",
    "SessionData",
    "SessionSigner",
    "csrf_token",
    "end_session",
    "read_session",
    "require_csrf",
    "start_session",
    "verify_csrf",
]

COOKIE_NAME = "acuback_session"
CSRF_FIELD = "csrf_token"
CSRF_HEADER = "x-csrf-token"
SESSION_LIFETIME_SECONDS = 8 * 60 * 60
_PENDING = "acuback_pending_cookie"
_CURRENT = "acuback_session"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "TRACE"})


@dataclass(frozen=True)
class SessionData:
    user_id: int | None
    csrf: str
    sid: str | None = None  # the sign-in's secret id: the server must still hold it open


class SessionSigner:
    """Signs and reads the session cookie with the app's secret key."""

    def __init__(self, key: str, lifetime: int = SESSION_LIFETIME_SECONDS) -> None:
        self._serializer = URLSafeTimedSerializer(key, salt="acuback.session")
        self.lifetime = lifetime

    def dumps(self, data: SessionData) -> str:
        return self._serializer.dumps({"uid": data.user_id, "csrf": data.csrf, "sid": data.sid})

    def loads(self, value: str) -> SessionData | None:
        try:
            raw = self._serializer.loads(value, max_age=self.lifetime)
        except BadSignature:
            return None
        if not isinstance(raw, dict) or not isinstance(raw.get("csrf"), str):
            return None
        uid, sid = raw.get("uid"), raw.get("sid")
        if not isinstance(uid, int) or not isinstance(sid, str):
            return SessionData(None, raw["csrf"])  # signed in only with a sign-in id
        return SessionData(uid, raw["csrf"], sid)


def _signer(request: Request) -> SessionSigner:
    signer: SessionSigner = request.app.state.session_signer
    return signer


def read_session(request: Request) -> SessionData | None:
    """The session of this request (a new one set during the request wins), or None."""
    state = request.scope.setdefault("state", {})
    if _CURRENT not in state:
        value = request.cookies.get(COOKIE_NAME)
        state[_CURRENT] = _signer(request).loads(value) if value else None
    current: SessionData | None = state[_CURRENT]
    return current


def _set(request: Request, data: SessionData | None) -> None:
    state = request.scope.setdefault("state", {})
    state[_CURRENT] = data
    # In production the cookie is always Secure: behind a TLS-terminating proxy the app itself
    # may see plain http, and a browser must still never send the session over it.
    settings = getattr(request.app.state, "settings", None)
    production = getattr(settings, "environment", None) == "production"
    secure = production or request.url.scheme == "https"
    if data is None:
        cookie = f"{COOKIE_NAME}=; Path=/; Max-Age=0; HttpOnly; SameSite=Lax"
    else:
        value = _signer(request).dumps(data)
        lifetime = _signer(request).lifetime
        cookie = f"{COOKIE_NAME}={value}; Path=/; Max-Age={lifetime}; HttpOnly; SameSite=Lax"
    state[_PENDING] = cookie + ("; Secure" if secure else "")


def start_session(request: Request, user_id: int, sid: str) -> SessionData:
    """Log `user_id` in on this browser under the server-side sign-in `sid`, with a fresh CSRF
    token."""
    data = SessionData(user_id, secrets.token_urlsafe(32), sid)
    _set(request, data)
    return data


def end_session(request: Request) -> None:
    _set(request, None)


def csrf_token(request: Request) -> str:
    """The CSRF token to embed in a form; starts an anonymous session when there is none."""
    current = read_session(request)
    if current is None:
        current = SessionData(None, secrets.token_urlsafe(32))
        _set(request, current)
    return current.csrf


def verify_csrf(request: Request, submitted: str | None) -> None:
    """Raise 403 unless `submitted` equals the session's CSRF token."""
    current = read_session(request)
    if current is None or not submitted or not hmac.compare_digest(current.csrf, submitted):
        raise HTTPException(403, "the form's CSRF token is missing or wrong: reload the page")


async def require_csrf(request: Request) -> None:
    """Dependency for form routes: unsafe methods must echo the token (form field or header)."""
    if request.method in SAFE_METHODS:
        return
    submitted = request.headers.get(CSRF_HEADER)
    if submitted is None:
        form = await request.form()
        value: Any = form.get(CSRF_FIELD)
        submitted = value if isinstance(value, str) else None
    verify_csrf(request, submitted)


class SessionCookieMiddleware(HttpMiddleware):
    """Adds the session cookie a route left in the request state to its response."""

    async def http(self, scope: Scope, receive: Receive, send: Send) -> None:
        state = scope.setdefault("state", {})

        async def send_with_cookie(message: Message) -> None:
            if message["type"] == "http.response.start" and state.get(_PENDING):
                cookie = state.pop(_PENDING).encode("latin-1")
                message = with_headers(message, [(b"set-cookie", cookie)])
            await send(message)

        await self.app(scope, receive, send_with_cookie)
