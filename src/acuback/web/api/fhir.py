"""FHIR R4 over HTTP: a patient's Bundle, the CapabilityStatement, our CodeSystems and
extension StructureDefinitions (media type application/fhir+json).

The conformance resources are public (they describe codes, not patients) and live at the
canonical URLs they name, under ACUBACK_BASE_URL.
"""

from __future__ import annotations

import dataclasses
import json
from importlib.metadata import version
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, Response

from acuback.errors import InputError, NotFound
from acuback.interop.fhir import (
    CODE_SYSTEMS,
    EXTENSIONS,
    Urls,
    capability_statement,
    code_system,
    structure_definition,
)
from acuback.services import exchange
from acuback.web.api.schemas.common import PathId
from acuback.web.deps import CurrentActor, UoW

__all__ = ["FHIR_JSON", "router"]

FHIR_JSON = "application/fhir+json"
router = APIRouter(tags=["fhir"])


def _fhir(resource: dict[str, Any]) -> Response:
    return Response(json.dumps(resource, ensure_ascii=False), media_type=FHIR_JSON)


def _urls(request: Request) -> Urls:
    return exchange.fhir_urls(request.app.state.settings)


@router.get("/patients/{patient_id}/fhir", response_class=Response)
def patient_fhir(patient_id: PathId, request: Request, uow: UoW, actor: CurrentActor) -> Response:
    """The patient's record as a FHIR R4 `collection` Bundle."""
    return _fhir(exchange.fhir_patient_bundle(uow, actor, patient_id, _urls(request)))


@router.get("/fhir/metadata", response_class=Response)
def metadata(request: Request) -> Response:
    """The CapabilityStatement: what acuback exports and publishes."""
    return _fhir(capability_statement(_urls(request), version("acuback")))


@router.get("/fhir/CodeSystem/{name}", response_class=Response)
def get_code_system(name: str, request: Request) -> Response:
    if name not in CODE_SYSTEMS:
        raise NotFound("code system", name, tuple(CODE_SYSTEMS))
    return _fhir(code_system(_urls(request), name))


@router.get("/fhir/StructureDefinition/{name}", response_class=Response)
def get_structure_definition(name: str, request: Request) -> Response:
    specs = {spec.name: spec for spec in EXTENSIONS}
    if name not in specs:
        raise NotFound("extension", name, tuple(specs))
    return _fhir(structure_definition(_urls(request), specs[name]))


_BUNDLE_BODY = {
    "required": True,
    "content": {
        "application/json": {
            "schema": {
                "type": "object",
                "description": "a FHIR R4 Bundle (checked with fhir.resources)",
                "required": ["resourceType"],
                "properties": {"resourceType": {"const": "Bundle"}},
            }
        }
    },
}
_IMPORTED = {"description": "What was imported (dry_run: what would be)"}


@router.post(
    "/fhir",
    response_class=JSONResponse,
    openapi_extra={"requestBody": _BUNDLE_BODY},
    responses={200: _IMPORTED, 201: _IMPORTED},
)
async def import_fhir(
    request: Request,
    uow: UoW,
    actor: CurrentActor,
    into: str | None = None,
    new: bool = False,
    dry_run: bool = False,
) -> JSONResponse:
    """Import a Bundle: a patient (matched only with `into`, or `new`), their scores,
    conditions and medicines."""
    try:
        data = json.loads(await request.body())
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise InputError("body", f"not valid JSON ({exc})") from None
    report = exchange.fhir_import(
        uow, actor, data, _urls(request), into=into, new=new, dry_run=dry_run
    )
    status = 200 if dry_run else 201
    return JSONResponse({"dry_run": dry_run, **dataclasses.asdict(report)}, status_code=status)
