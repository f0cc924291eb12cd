"""Log in and log out in the browser.

`GET /login` shows the form (with `next`, the page to return to); `POST /login` checks the
credentials with `acuback.web.security.auth.authenticate` (rate-limited per address and per
username, audited), starts the cookie session and redirects to `next` when it is a local path,
else to the user's home: /clinic for practitioners, administrators and reception, /portal for
patients, /research for researchers. Too many failures give a 429 page that says how long to
wait. `POST /logout` ends the session on the server as well as in the browser; `POST
/logout-everywhere` ends every sign-in of the user (other browsers, API tokens).
"""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import Response

from acuback.records import UnitOfWork
from acuback.web.deps import UoW
from acuback.web.security.auth import (
    LoginFailed,
    SecondFactorRefused,
    TooManyAttempts,
    authenticate,
)
from acuback.web.security.sessions import end_session, read_session, start_session
from acuback.web.views.clinic_common import (
    FormFields,
    PageRoute,
    PageUser,
    csrf_checked,
    field,
    home_for,
    redirect,
)
from acuback.web.views.templating import render

__all__ = ["router", "safe_next"]

router = APIRouter(route_class=PageRoute, include_in_schema=False)


def safe_next(target: str | None) -> str | None:
    """`target` when it is a path on this site (not `//host` or a full URL), else None."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return None
    return target


def _wait_words(seconds: int) -> str:
    minutes, rest = divmod(seconds, 60)
    if minutes == 0:
        return f"{seconds} seconds"
    return f"{minutes} min {rest} s" if rest else f"{minutes} minutes"


@router.get("/login")
def login_form(
    request: Request, user: PageUser, next: Annotated[str | None, Query(max_length=500)] = None
) -> Response:
    context = {"next": safe_next(next) or "", "username": ""}
    return render(request, "auth/login.html", context, user=user)


@router.post("/login", dependencies=[Depends(csrf_checked)])
def login(request: Request, uow: UoW, form: FormFields) -> Response:
    username, password = field(form, "username"), form.get("password")
    target = safe_next(field(form, "next"))
    context: dict[str, object] = {"next": target or "", "username": username}
    if not username or not isinstance(password, str) or not password:
        context["error"] = "Enter your username and your password."
        return render(request, "auth/login.html", context, status_code=422)
    address = request.client.host if request.client else "unknown"
    try:
        user = authenticate(
            uow,
            request.app.state.login_limiter,
            address,
            username,
            password,
            field(form, "code") or None,
            request.app.state.settings.require_admin_totp,
        )
    except TooManyAttempts as exc:
        context |= {
            "error": f"Too many failed logins. Please wait {_wait_words(exc.retry_after)} "
            "and try again.",
            "retry_after": exc.retry_after,
        }
        response = render(request, "auth/login.html", context, status_code=429)
        response.headers["Retry-After"] = str(exc.retry_after)
        return response
    except SecondFactorRefused:
        context["error"] = "Enter the current code of your authenticator app (each works once)."
        return render(request, "auth/login.html", context, status_code=401)
    except LoginFailed:
        context["error"] = "Wrong username or password."
        return render(request, "auth/login.html", context, status_code=401)
    lifetime = timedelta(seconds=request.app.state.session_signer.lifetime)
    sid, _ = uow.logins.start(user.id or 0, "browser", lifetime, address)
    start_session(request, user.id or 0, sid)
    return redirect(target or home_for(user.role))


@router.post("/logout")
def logout(request: Request, uow: UoW, user: PageUser) -> Response:
    _end_here(request, uow, "logout")
    return redirect("/login?logged_out=1" if user else "/login")


@router.post("/logout-everywhere")
def logout_everywhere(request: Request, uow: UoW, user: PageUser) -> Response:
    """End every sign-in of this user: other browsers and API tokens too."""
    if user is not None:
        uow.logins.end_all(user.id or 0, "logout everywhere")
    end_session(request)
    return redirect("/login?logged_out=1" if user else "/login")


def _end_here(request: Request, uow: UnitOfWork, reason: str) -> None:
    session = read_session(request)
    if session is not None and session.sid is not None:
        uow.logins.end(session.sid, reason)
    end_session(request)
