"""The JSON API under /api/v1: one router per resource, schemas apart from the records."""

from __future__ import annotations

from fastapi import APIRouter

from acuback.web.api import auth, care, charting, patients, reports, scheduling
from acuback.web.api.errors import install_error_handlers

__all__ = ["API_PREFIX", "api_router", "install_error_handlers"]

API_PREFIX = "/api/v1"

api_router = APIRouter(prefix=API_PREFIX)
for module in (auth, patients, care, charting, reports, scheduling):
    api_router.include_router(module.router)
