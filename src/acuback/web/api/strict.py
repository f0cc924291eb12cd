"""Unknown query parameters are bad input: `?limt=5` is a client's typo, not a default.

A dependency of the whole API router (web/api/__init__.py): a query parameter the operation
does not declare is a 422 naming it, with the declared names as the allowed values.
"""

from __future__ import annotations

from fastapi import Request
from fastapi.dependencies.models import Dependant
from fastapi.routing import APIRoute

from acuback.errors import InputError

__all__ = ["refuse_unknown_query"]


def _query_names(dependant: Dependant) -> set[str]:
    names = {param.alias for param in dependant.query_params}
    for sub in dependant.dependencies:
        names |= _query_names(sub)
    return names


def _declared(route: APIRoute) -> tuple[str, ...]:
    return tuple(sorted(_query_names(route.dependant)))  # a few names: cheap per request


async def refuse_unknown_query(request: Request) -> None:
    # A coroutine, so that it runs on the event loop: no I/O, and a hop to a worker thread
    # would cost more than the check (issue 16). Most requests have no query string at all.
    route = request.scope.get("route")
    if not request.scope.get("query_string") or not isinstance(route, APIRoute):
        return
    declared = _declared(route)
    for name in request.query_params:
        if name not in declared:
            raise InputError(
                name, "is not a parameter of this operation", declared or "no query parameters"
            )
