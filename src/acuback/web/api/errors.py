"""Exception handlers: acuback errors and validation failures become clear JSON responses.

InputError and request validation -> 422 naming the field (`field`, `detail`, `allowed`);
NotFound -> 404; Conflict (version conflicts included) -> 409; Forbidden -> 403; a rejected
login burst -> 429 with Retry-After. A value the database cannot hold -> 422, never a 500.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict
from sqlalchemy.exc import DataError, StatementError

from acuback.errors import Conflict, Forbidden, InputError, NotFound
from acuback.web.security.auth import LoginFailed, TooManyAttempts

__all__ = ["ERROR_RESPONSES", "ErrorOut", "install_error_handlers"]


class FieldProblem(BaseModel):
    model_config = ConfigDict(extra="forbid")

    field: str
    problem: str


class ErrorOut(BaseModel):
    """Every error body the API sends: `detail` always; the rest as the error has them."""

    model_config = ConfigDict(extra="forbid")

    detail: str
    field: str | None = None
    problem: str | None = None
    allowed: list[str] | str | None = None
    errors: list[FieldProblem] | None = None
    kind: str | None = None
    key: str | None = None
    suggestions: list[str] | None = None


def _declared(description: str) -> dict[str, Any]:
    return {"model": ErrorOut, "description": description}


# Declared once on the API router (web/api/__init__.py), so every endpoint of every router
# included there, now or later, documents the errors the handlers below can send.
ERROR_RESPONSES: dict[int | str, dict[str, Any]] = {
    400: _declared("The body could not be parsed as the declared content type"),
    401: _declared("Not signed in, or the token has expired or was revoked"),
    403: _declared("The signed-in role may not do this"),
    404: _declared("No such record (`kind`, `key`, `suggestions`)"),
    409: _declared("A version conflict, or a rule that protects stored data"),
    413: _declared("The request body is larger than the limit"),
    422: _declared("Bad input: `field` names it (`allowed` lists the values, `errors` all)"),
    429: _declared("Too many failed logins: wait the Retry-After seconds"),
}


def _field(loc: Sequence[Any]) -> str:
    parts = list(loc[1:]) if loc and loc[0] in {"body", "query", "path", "header"} else list(loc)
    text = ""
    for part in parts:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text or "body"


async def _validation(_: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    errors = [{"field": _field(e["loc"]), "problem": e["msg"]} for e in exc.errors()]
    first = errors[0] if errors else {"field": "body", "problem": "invalid"}
    detail = f"{first['field']}: {first['problem']}"
    return JSONResponse({"detail": detail, "field": first["field"], "errors": errors}, 422)


async def _input(_: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, InputError)
    allowed = list(exc.allowed) if isinstance(exc.allowed, tuple) else exc.allowed
    body = {"detail": exc.message, "field": exc.field, "problem": exc.problem, "allowed": allowed}
    return JSONResponse(body, 422)


async def _not_found(_: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, NotFound)
    body = {"detail": str(exc), "kind": exc.kind, "key": exc.key}
    return JSONResponse({**body, "suggestions": list(exc.suggestions)}, 404)


async def _status(status: int, exc: Exception) -> JSONResponse:
    return JSONResponse({"detail": str(exc)}, status)


async def _conflict(_: Request, exc: Exception) -> JSONResponse:
    return await _status(409, exc)


async def _forbidden(_: Request, exc: Exception) -> JSONResponse:
    return await _status(403, exc)


async def _login_failed(_: Request, exc: Exception) -> JSONResponse:
    return JSONResponse({"detail": str(exc)}, 401, headers={"WWW-Authenticate": "Bearer"})


async def _too_many(_: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, TooManyAttempts)
    return JSONResponse({"detail": str(exc)}, 429, headers={"Retry-After": str(exc.retry_after)})


async def _database_value(_: Request, exc: Exception) -> JSONResponse:
    # A value that passed validation but that the database refuses (out of range, NUL in JSON).
    assert isinstance(exc, StatementError)
    if isinstance(exc, DataError) or isinstance(exc.orig, ValueError):
        return JSONResponse({"detail": "a value is out of range or not storable"}, 422)
    raise exc


def install_error_handlers(app: FastAPI) -> None:
    app.add_exception_handler(RequestValidationError, _validation)
    app.add_exception_handler(InputError, _input)
    app.add_exception_handler(NotFound, _not_found)
    app.add_exception_handler(Conflict, _conflict)
    app.add_exception_handler(Forbidden, _forbidden)
    app.add_exception_handler(LoginFailed, _login_failed)
    app.add_exception_handler(TooManyAttempts, _too_many)
    app.add_exception_handler(StatementError, _database_value)
