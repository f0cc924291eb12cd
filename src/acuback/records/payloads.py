"""The JSON columns of the records and the core models they hold, versioned.

An intake row holds an Intake v1 and its `ScreeningResult`; a plan row holds a `Plan`. They
are written as the models' JSON (`TypeAdapter.dump_python(mode="json")`) together with
`PAYLOAD_VERSION`, and read back through the same adapters. A row's `payload_version` says
which shape it was written in:

- version 1: rows written before migration 0003, kept "as given" (an intake exactly as
  submitted, defaults left out) - the same contract the adapters read, so they read as is;
- version 2: the full model JSON, every field present.

A stored payload that no longer reads is an error naming the row and the field, never a
guess: the repositories call only `read_payload` and `write_payload`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, TypeVar

from pydantic import TypeAdapter, ValidationError

from acuback.clinical.intake import Intake as IntakeForm
from acuback.clinical.plan_model import Plan as PlanResult
from acuback.clinical.screening import ScreeningResult
from acuback.errors import Conflict

__all__ = [
    "INTAKE",
    "PAYLOAD_VERSION",
    "PLAN",
    "SCREENING",
    "IntakeForm",
    "PlanResult",
    "condition_group",
    "read_payload",
    "write_payload",
]

P = TypeVar("P")

PAYLOAD_VERSION = 2
"""The shape rows are written in now (see the module docstring for the earlier one)."""

INTAKE: TypeAdapter[IntakeForm] = TypeAdapter(IntakeForm)
SCREENING: TypeAdapter[ScreeningResult] = TypeAdapter(ScreeningResult)
PLAN: TypeAdapter[PlanResult] = TypeAdapter(PlanResult)

# How a stored payload of an earlier version becomes the current JSON shape. Version 1 is the
# submitted contract itself (only defaults may be absent), which the adapters accept as is.
_UPGRADES: Mapping[int, Callable[[Any], Any]] = {1: lambda data: data}


def write_payload(adapter: TypeAdapter[P], value: P) -> Any:
    """The JSON a column stores for `value` (written with `PAYLOAD_VERSION`)."""
    return adapter.dump_python(value, mode="json")


def read_payload(adapter: TypeAdapter[P], data: Any, version: int, where: str) -> P:
    """The model a stored column holds; `where` names the row ("intake 3 payload")."""
    if version != PAYLOAD_VERSION:
        upgrade = _UPGRADES.get(version)
        if upgrade is None:
            raise Conflict(f"{where}: unknown payload version {version}")
        data = upgrade(data)
    try:
        return adapter.validate_python(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        field = ".".join(str(part) for part in first["loc"]) or "payload"
        raise Conflict(f"{where} does not read as stored: {field}: {first['msg']}") from None


def condition_group(diagnoses: object) -> str:
    """The research figures' condition group of an intake payload's stored `diagnoses` (a list
    of codes in every version, absent meaning none): the codes sorted and joined by ",", or
    `unspecified` for none. The one way it is computed (repositories, migration 0010)."""
    codes = diagnoses if isinstance(diagnoses, list) else ()
    return ",".join(sorted(str(code) for code in codes)) or "unspecified"
