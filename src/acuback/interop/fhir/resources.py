"""The one door to fhir.resources: validate a resource against the R4B (R4) models.

Resources are built as plain JSON-shaped dicts by the mappers; `checked` parses each with its
R4B class (a pydantic model: wrong types, missing required elements and bad choice types fail)
and returns the model's own JSON, so what we emit is what fhir.resources accepts. `parse`
does the same for what comes in and turns a failure into one line naming the element.
"""

from __future__ import annotations

import json
from typing import Any

from pydantic import ValidationError

from acuback.errors import AcubackError, InputError

__all__ = ["checked", "parse"]


def _model(resource_type: object) -> Any:
    from fhir.resources.R4B import get_fhir_model_class

    if not isinstance(resource_type, str):
        raise InputError("resourceType", "missing")
    try:
        return get_fhir_model_class(resource_type)
    except (KeyError, ValueError, AttributeError, ImportError):
        raise InputError("resourceType", f"{resource_type!r} is not a FHIR R4 resource") from None


def parse(data: dict[str, Any], where: str = "resource") -> dict[str, Any]:
    """Validate `data` as its resourceType; the model's JSON, or InputError naming the field."""
    model = _model(data.get("resourceType"))
    try:
        resource = model.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        field = ".".join(str(part) for part in first["loc"])
        raise InputError(f"{where}.{field}" if field else where, first["msg"]) from None
    result: dict[str, Any] = json.loads(resource.model_dump_json(exclude_none=True))
    return result


def checked(data: dict[str, Any]) -> dict[str, Any]:
    """`parse` for what we build ourselves: a failure is our bug, so it is not InputError."""
    try:
        return parse(data, str(data.get("resourceType")))
    except InputError as exc:
        raise AcubackError(f"acuback built invalid FHIR: {exc}") from None
