"""The administrator's pages: user accounts, practitioner credentials and the audit log.

Users: create a login (the password is hashed here with argon2id and never leaves this
module), see roles, activate or deactivate. Practitioners: the credentials patients are told to
check (qualification, licence number and body, expiry, years in practice, specialties), added
and edited. Audit log: the newest entries with filters, and a button that verifies the hash
chain. Everything goes through `services.accounts` and `services.people`, which check the
permission table and audit.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response
from starlette.datastructures import FormData

from acuback.errors import InputError
from acuback.records import UnitOfWork, User
from acuback.records.vocabulary import ROLES
from acuback.services import accounts, people
from acuback.web.deps import UoW
from acuback.web.security.passwords import MIN_PASSWORD_LENGTH, hash_password
from acuback.web.views.clinic_common import (
    Admin,
    FormFields,
    PageRoute,
    PathId,
    actor_of,
    field,
    fields,
    redirect,
    whole_number,
)
from acuback.web.views.templating import render

__all__ = ["router"]

router = APIRouter(prefix="/admin", route_class=PageRoute, include_in_schema=False)
_USER_FIELDS = ("username", "role", "patient_id", "practitioner_id")
_CREDENTIALS = (
    "name",
    "qualification",
    "licence_number",
    "licence_body",
    "licence_expiry",
    "years_in_practice",
    "specialties",
)


@router.get("")
def admin_home(user: Admin) -> Response:
    return redirect("/admin/users")


def _users_page(
    request: Request, uow: UnitOfWork, user: User, status: int = 200, **extra: Any
) -> Response:
    actor = actor_of(user)
    context = {
        "users": accounts.list_users(uow, actor),
        "practitioners": {p.id: p for p in people.list_practitioners(uow, actor)},
        "roles": ROLES,
        "min_length": MIN_PASSWORD_LENGTH,
        "values": dict.fromkeys(_USER_FIELDS, ""),
        **extra,
    }
    return render(request, "admin/users.html", context, user=user, status_code=status)


@router.get("/users")
def users(request: Request, uow: UoW, user: Admin) -> Response:
    return _users_page(request, uow, user)


def _optional_id(text: str, name: str) -> int | None:
    return whole_number(text, name, low=1) if text else None


@router.post("/users")
def create_user(request: Request, uow: UoW, user: Admin, form: FormFields) -> Response:
    values = fields(form, _USER_FIELDS)
    password = form.get("password")
    try:
        if not isinstance(password, str) or len(password) < MIN_PASSWORD_LENGTH:
            raise InputError("password", f"use at least {MIN_PASSWORD_LENGTH} characters")
        if values["role"] not in ROLES:
            raise InputError("role", "choose a role", ROLES)
        created = accounts.create_user(
            uow,
            actor_of(user),
            username=values["username"],
            password_hash=hash_password(password),
            role=values["role"],  # type: ignore[arg-type]  # checked against ROLES above
            patient_id=_optional_id(values["patient_id"], "patient_id"),
            practitioner_id=_optional_id(values["practitioner_id"], "practitioner_id"),
        )
    except InputError as exc:
        return _users_page(
            request, uow, user, 422, values=values, error=exc.message, error_field=exc.field
        )
    return _users_page(request, uow, user, message=f"User {created.username} created.")


@router.post("/users/{user_id}/active")
def set_active(
    request: Request, user_id: PathId, uow: UoW, user: Admin, form: FormFields
) -> Response:
    version = whole_number(field(form, "version"), "version")
    active = field(form, "active") == "true"
    if user_id == user.id and not active:
        return _users_page(request, uow, user, 422, error="You cannot deactivate yourself.")
    accounts.set_user_active(uow, actor_of(user), user_id, version, active)
    return redirect("/admin/users")


def _credentials(form: FormData) -> tuple[dict[str, str], dict[str, Any]]:
    values = fields(form, _CREDENTIALS)
    data: dict[str, Any] = {key: value or None for key, value in values.items()}
    data["name"], data["qualification"] = values["name"], values["qualification"]
    if values["licence_expiry"]:
        try:
            data["licence_expiry"] = date.fromisoformat(values["licence_expiry"])
        except ValueError:
            raise InputError("licence_expiry", "is not a date", "YYYY-MM-DD") from None
    if values["years_in_practice"]:
        data["years_in_practice"] = _optional_id(values["years_in_practice"], "years_in_practice")
    items = values["specialties"].replace("\n", ",").split(",")
    data["specialties"] = tuple(item.strip() for item in items if item.strip())
    return values, data


def _practitioners_page(
    request: Request, uow: UnitOfWork, user: User, status: int = 200, **extra: Any
) -> Response:
    context = {
        "practitioners": people.list_practitioners(uow, actor_of(user)),
        "today": date.today(),
        "values": dict.fromkeys(_CREDENTIALS, ""),
        **extra,
    }
    return render(request, "admin/practitioners.html", context, user=user, status_code=status)


@router.get("/practitioners")
def practitioners(request: Request, uow: UoW, user: Admin) -> Response:
    return _practitioners_page(request, uow, user)


@router.post("/practitioners")
def create_practitioner(request: Request, uow: UoW, user: Admin, form: FormFields) -> Response:
    values: dict[str, str] = fields(form, _CREDENTIALS)
    try:
        values, data = _credentials(form)
        people.create_practitioner(uow, actor_of(user), data)
    except InputError as exc:
        return _practitioners_page(request, uow, user, 422, values=values, error=exc.message)
    return redirect("/admin/practitioners")


@router.get("/practitioners/{practitioner_id}")
def edit_practitioner(request: Request, practitioner_id: PathId, uow: UoW, user: Admin) -> Response:
    found = people.get_practitioner(uow, actor_of(user), practitioner_id)
    values = {
        name: "" if getattr(found, name) is None else str(getattr(found, name))
        for name in _CREDENTIALS
    }
    values["specialties"] = ", ".join(found.specialties)
    context = {"practitioner": found, "values": values}
    return render(request, "admin/practitioner.html", context, user=user)


@router.post("/practitioners/{practitioner_id}")
def update_practitioner(
    request: Request, practitioner_id: PathId, uow: UoW, user: Admin, form: FormFields
) -> Response:
    actor = actor_of(user)
    found = people.get_practitioner(uow, actor, practitioner_id)
    values: dict[str, str] = fields(form, _CREDENTIALS)
    try:
        version = whole_number(field(form, "version"), "version")
        values, data = _credentials(form)
        people.update_practitioner(uow, actor, practitioner_id, version, data)
    except InputError as exc:
        context = {"practitioner": found, "values": values, "error": exc.message}
        return render(request, "admin/practitioner.html", context, user=user, status_code=422)
    return redirect("/admin/practitioners")


@router.get("/audit")
def audit_log(
    request: Request,
    uow: UoW,
    user: Admin,
    entity: Annotated[str, Query(max_length=50)] = "",
    username: Annotated[str, Query(max_length=64)] = "",
    before: Annotated[int | None, Query(ge=1, le=2_147_483_647)] = None,
) -> Response:
    entries = accounts.read_audit(
        uow,
        actor_of(user),
        entity=entity or None,
        username=username or None,
        limit=100,
        before_seq=before,
    )
    context = {"entries": entries, "entity": entity, "username": username, "report": None}
    return render(request, "admin/audit.html", context, user=user)


@router.post("/audit/verify")
def verify(request: Request, uow: UoW, user: Admin, form: FormFields) -> Response:
    actor = actor_of(user)
    report = accounts.verify_audit(uow, actor)
    entries = accounts.read_audit(uow, actor, limit=100)
    context = {"entries": entries, "entity": "", "username": "", "report": report}
    return render(request, "admin/audit.html", context, user=user)
