"""What every staff page shares: the signed-in user, role gates, form reading, error pages.

Pages authenticate by the session cookie only. For unsafe requests the CSRF token is read
from the form field (or the X-CSRF-Token header) before the user is loaded, so a form post
without the token is refused (403) whoever sends it. `PageRoute` turns the errors a use case
raises into pages: a signed-out visitor of a private page is sent to `/login?next=...`,
`NotFound` is a 404 page, `Forbidden` (and a CSRF refusal) a 403 page, `Conflict` a 409 page,
an `InputError` a 422 page (form routes catch it first and re-render the form).
"""

from __future__ import annotations

from collections.abc import Callable, Coroutine, Iterable
from typing import Annotated, Any
from urllib.parse import quote

from fastapi import Depends, HTTPException, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import RedirectResponse, Response
from fastapi.routing import APIRoute
from starlette.datastructures import FormData

from acuback.errors import Conflict, Forbidden, InputError, NotFound
from acuback.records import User
from acuback.records.vocabulary import Role
from acuback.services import Actor, refuse
from acuback.web import forms
from acuback.web.api.schemas.common import MAX_ID, PathId
from acuback.web.deps import UoW, login_is_live
from acuback.web.security.sessions import end_session, read_session, require_csrf
from acuback.web.views.templating import render

__all__ = [
    "STAFF_ROLES",
    "Admin",
    "Clinician",
    "FormFields",
    "LoginRequired",
    "PageRoute",
    "PageUser",
    "PathId",
    "Staff",
    "actor_of",
    "csrf_checked",
    "decimal_number",
    "error_page",
    "field",
    "fields",
    "home_for",
    "plain",
    "redirect",
    "require_roles",
    "whole_number",
]

STAFF_ROLES: tuple[Role, ...] = ("practitioner", "admin", "reception")
_HOME: dict[str, str] = {
    "practitioner": "/clinic",
    "admin": "/clinic",
    "reception": "/clinic",
    "patient": "/portal",
    "researcher": "/research",
}
_USER_KEY = "acuback_page_user"


class LoginRequired(Exception):
    """Raised by a page dependency when nobody is signed in: the page redirects to /login."""


def home_for(role: str) -> str:
    """Where a user of `role` lands after logging in."""
    return _HOME.get(role, "/")


def redirect(url: str) -> RedirectResponse:
    """A 303 See Other: after a form post the browser GETs the result page."""
    return RedirectResponse(url, status_code=303)


def error_page(request: Request, status: int, title: str, message: str) -> Response:
    user = request.scope.get("state", {}).get(_USER_KEY)
    home = home_for(user.role) if user else "/login"
    context = {"title": title, "problem": message, "status": status, "home": home}
    return render(request, "clinic/error.html", context, user=user, status_code=status)


def _login_redirect(request: Request) -> Response:
    target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    return redirect(f"/login?next={quote(target, safe='')}")


class PageRoute(APIRoute):
    """An APIRoute whose errors become HTML pages (see the module docstring)."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        original = super().get_route_handler()

        async def handler(request: Request) -> Response:
            try:
                return await original(request)
            except LoginRequired:
                return _login_redirect(request)
            except NotFound as exc:
                return error_page(request, 404, "Not found", f"There is no {exc.kind} {exc.key}.")
            except Forbidden as exc:
                return error_page(request, 403, "Not allowed", str(exc))
            except Conflict as exc:
                return error_page(request, 409, "Cannot do that now", str(exc))
            except InputError as exc:
                return error_page(request, 422, "Please check the input", exc.message)
            except RequestValidationError as exc:
                first = exc.errors()[0] if exc.errors() else {"loc": ("query",), "msg": "invalid"}
                if first["loc"] and first["loc"][0] == "path":  # /clinic/patients/abc
                    return error_page(request, 404, "Not found", "There is no such page.")
                where = ".".join(str(part) for part in first["loc"][1:])
                return error_page(
                    request, 422, "Please check the input", f"{where}: {first['msg']}"
                )
            except HTTPException as exc:
                if exc.status_code in (403, 404):
                    return error_page(request, exc.status_code, "Refused", str(exc.detail))
                raise

        return handler


async def csrf_checked(request: Request) -> None:
    """Unsafe requests carrying a session must echo its CSRF token (form field or header)."""
    if request.method not in ("GET", "HEAD", "OPTIONS") and read_session(request) is not None:
        await require_csrf(request)
    elif request.method not in ("GET", "HEAD", "OPTIONS"):
        raise HTTPException(403, "the form's CSRF token is missing: reload the page")


def page_user(
    request: Request, uow: UoW, _csrf: Annotated[None, Depends(csrf_checked)]
) -> User | None:
    """The active user of this browser session, or None."""
    session = read_session(request)
    if session is None or session.user_id is None or session.sid is None:
        return None
    if not login_is_live(request, uow, session.user_id, session.sid, "browser"):
        end_session(request)  # logged out, idle or ended elsewhere: signed out here too
        return None
    try:
        user = uow.users.get(session.user_id)
    except NotFound:
        return None
    if not user.active:
        return None
    request.scope.setdefault("state", {})[_USER_KEY] = user
    return user


PageUser = Annotated[User | None, Depends(page_user)]


def require_roles(*roles: Role) -> Callable[..., User]:
    """A dependency: the signed-in user when their role is one of `roles`.

    Any other role is refused through `services.refuse`, like a use case's own refusal: the
    attempt is audited (action `page.open`, the path as entity id) before the 403 page.
    """

    def dependency(request: Request, uow: UoW, user: PageUser) -> User:
        if user is None:
            raise LoginRequired
        if user.role not in roles:
            refuse(
                uow,
                Actor.of(user),
                "page.open",
                entity="page",
                entity_id=request.url.path,
                message=f"this page is for {', '.join(roles)} users, not {user.role}",
                detail={"page_roles": list(roles)},
            )
        return user

    return dependency


Staff = Annotated[User, Depends(require_roles(*STAFF_ROLES))]
Clinician = Annotated[User, Depends(require_roles("practitioner"))]
Admin = Annotated[User, Depends(require_roles("admin"))]


async def _form(request: Request) -> FormData:
    """The posted form (cached by Starlette: the CSRF check may have read it already), with NUL
    characters removed: no database column can store them, and no one types them."""
    form = await request.form()
    return FormData(
        [
            (key, value.replace("\x00", "") if isinstance(value, str) else value)
            for key, value in form.multi_items()
        ]
    )


FormFields = Annotated[FormData, Depends(_form)]


def actor_of(user: User) -> Actor:
    return Actor.of(user)


def whole_number(text: str, field_name: str, low: int = 0, high: int = MAX_ID) -> int:
    """`text` as an integer in [low, high]; anything else, blank too, is an `InputError` on
    `field_name` (parsed by the form mapper's `whole`, the one number parser of the forms)."""
    value = forms.whole({field_name: text}, field_name, low, high)
    if value is None:
        raise InputError(field_name, "is required", f"{low}..{high}")
    return value


def decimal_number(text: str, field_name: str, low: float = 0, high: float | None = None) -> float:
    """`text` as a number in [low, high] (no upper bound when `high` is None); anything else,
    blank too, is an `InputError` on `field_name` (parsed by the form mapper's `decimal`)."""
    value = forms.decimal({field_name: text}, field_name, low, high)
    if value is None:
        raise InputError(
            field_name, "is required", f"{low:g} or more" if high is None else f"{low:g}..{high:g}"
        )
    return value


def field(form: FormData, name: str) -> str:
    """A text field, stripped; absent fields and files read as ''."""
    value: Any = form.get(name)
    return value.strip() if isinstance(value, str) else ""


def plain(form: FormData) -> dict[str, list[str]]:
    """The form as a plain mapping of name to its text values (files left out), the input of
    the form mapper (`acuback.web.forms`)."""
    return {name: [v for v in form.getlist(name) if isinstance(v, str)] for name in form}


def fields(form: FormData, names: Iterable[str]) -> dict[str, str]:
    """Several text fields as a dict (for re-rendering what the user typed)."""
    return {name: field(form, name) for name in names}
