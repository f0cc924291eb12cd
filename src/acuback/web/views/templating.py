"""One Jinja2 environment for every page, and `render()` that fills the common context.

Autoescaping is on for every template, so text from patients and practitioners (notes,
names) is always shown inert.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates
from jinja2 import Environment, PackageLoader, select_autoescape

from acuback import __version__
from acuback.clinical.labels import method_label, response_label, rule_label, stance_label
from acuback.records import User
from acuback.web.deps import answered_with_error
from acuback.web.security.sessions import CSRF_FIELD, csrf_token

__all__ = ["NAV", "render", "templates"]

# Navigation per role: (label, path). Public links are shown to everyone signed out.
NAV: dict[str, tuple[tuple[str, str], ...]] = {
    "public": (("Self-check", "/self-check"), ("Learn", "/learn"), ("Evidence", "/evidence")),
    "practitioner": (
        ("Dashboard", "/clinic"),
        ("Week", "/clinic/schedule/week"),
        ("Patients", "/clinic/patients"),
        ("New patient", "/clinic/patients/new"),
        ("Evidence", "/evidence"),
    ),
    "reception": (
        ("Schedule", "/clinic"),
        ("Day", "/clinic/schedule"),
        ("Patients", "/clinic/patients"),
    ),
    "admin": (
        ("Dashboard", "/clinic"),
        ("Users", "/admin/users"),
        ("Credentials", "/admin/practitioners"),
        ("Audit log", "/admin/audit"),
    ),
    "patient": (
        ("My progress", "/portal"),
        ("Questionnaires", "/portal/questionnaires"),
        ("Home points", "/portal/home-points"),
        ("Appointments", "/portal/appointments"),
    ),
    "researcher": (("Aggregates", "/research"), ("Evidence", "/evidence")),
}


@lru_cache(maxsize=1)
def templates() -> Jinja2Templates:
    env = Environment(
        loader=PackageLoader("acuback.web", "templates"),
        autoescape=select_autoescape(default=True, default_for_string=True),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    # The one label lookup for codes a person reads (clinical/data/labels.yaml).
    env.filters["rule_label"] = rule_label
    env.filters["response_label"] = response_label
    env.filters["stance_label"] = stance_label
    env.filters["method_label"] = method_label
    return Jinja2Templates(env=env)


def render(
    request: Request,
    name: str,
    context: dict[str, Any] | None = None,
    *,
    user: User | None = None,
    status_code: int = 200,
) -> HTMLResponse:
    """Render `name` with the page context plus user, navigation and the CSRF token; an error
    status (400 or more) also means the request's writes do not commit (web/deps.py)."""
    if status_code >= 400:
        answered_with_error(request)
    role = user.role if user else "public"
    page = {
        "request": request,
        "user": user,
        "nav": NAV.get(role, NAV["public"]),
        "csrf_field": CSRF_FIELD,
        "csrf_token": csrf_token(request),
        "version": __version__,
        **(context or {}),
    }
    return templates().TemplateResponse(request, name, page, status_code=status_code)
