"""The JSON API under /api/v1: one router per resource, schemas apart from the records."""

from __future__ import annotations

from fastapi import APIRouter, Depends

from acuback.web.api import (
    auth,
    care,
    charting,
    documents,
    fhir,
    logins,
    patients,
    reports,
    scheduling,
    totp,
)
from acuback.web.api.errors import ERROR_RESPONSES, install_error_handlers
from acuback.web.api.strict import refuse_unknown_query

__all__ = ["API_PREFIX", "api_router", "install_error_handlers"]

API_PREFIX = "/api/v1"

# The error responses are declared here, once, for every endpoint of every router included;
# so is the refusal of query parameters an operation does not declare.
api_router = APIRouter(
    prefix=API_PREFIX,
    responses=ERROR_RESPONSES,
    dependencies=[Depends(refuse_unknown_query)],
)
# Routes are matched in this order, each router's in turn (and matched again on the way in),
# and matching is not free (issue 16: planning sat behind 23 routes): health first, then the
# care routes (planning is the busiest write), then the rest. No two routers share a path,
# so the order changes nothing else but the order of the paths in /openapi.json.
for module in (auth, care, logins, totp, patients, charting, reports, fhir, documents, scheduling):
    api_router.include_router(module.router)
