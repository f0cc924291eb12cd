"""Who is acting, what they may do, and the audit entry every patient-data access leaves.

The permission table is data (`data/permissions.yaml`): roles x actions, each cell `all`, `own`
(only the records of the patient the user is linked to) or absent (denied). `authorize` is the
one place that reads it; every use case calls it before touching a record. A denial is written
to the audit log through `UnitOfWork.refused`, which keeps it although the request then fails
(records/uow.py), so refused attempts are kept.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from importlib.resources import files
from typing import Any, Literal, NoReturn, Protocol, Self, TypeVar

import yaml
from pydantic import BaseModel, ConfigDict, ValidationError, model_validator

from acuback.errors import Forbidden, KnowledgeError
from acuback.records import UnitOfWork, User
from acuback.records.vocabulary import ROLES, Role

__all__ = [
    "Actor",
    "PermissionTable",
    "Scope",
    "audit",
    "authorize",
    "authorized_record",
    "can",
    "list_for_patient",
    "load_permissions",
    "read_clinical_record",
    "refuse",
]

Scope = Literal["all", "own"]
T = TypeVar("T")
P = TypeVar("P", bound="OfPatient")
_FILE = "permissions.yaml"


@dataclass(frozen=True)
class Actor:
    """The user behind a request: id, name, role and the patient or practitioner it stands for."""

    user_id: int | None
    username: str
    role: Role
    patient_id: int | None = None
    practitioner_id: int | None = None

    @classmethod
    def of(cls, user: User) -> Self:
        return cls(user.id, user.username, user.role, user.patient_id, user.practitioner_id)


class PermissionTable(BaseModel):
    """The table as loaded: action descriptions and, per role, the granted actions' scopes."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    actions: dict[str, str]
    grants: dict[Role, dict[str, Scope]]

    @model_validator(mode="after")
    def _consistent(self) -> Self:
        missing = set(ROLES) - set(self.grants)
        if missing:
            raise ValueError(f"roles without a grants entry: {sorted(missing)}")
        for role, granted in self.grants.items():
            unknown = set(granted) - set(self.actions)
            if unknown:
                raise ValueError(f"role {role} is granted unknown actions {sorted(unknown)}")
        return self

    def scope(self, role: str, action: str) -> Scope | None:
        """The scope `role` holds for `action`, or None when it is denied."""
        granted: dict[str, Scope] = self.grants.get(role, {})  # type: ignore[call-overload]
        return granted.get(action)


@lru_cache(maxsize=1)
def load_permissions() -> PermissionTable:
    """The packaged permission table (read once, on first use)."""
    text = (files("acuback.services") / "data" / _FILE).read_text(encoding="utf-8")
    try:
        return PermissionTable.model_validate(yaml.safe_load(text))
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(part) for part in first["loc"])
        raise KnowledgeError(_FILE, where or "table", where or "-", first["msg"]) from None


def can(actor: Actor, action: str, patient_id: int | None = None) -> bool:
    """Whether `actor` may do `action` (on the records of `patient_id`, when given)."""
    table = load_permissions()
    if action not in table.actions:
        raise KeyError(f"unknown action {action!r}: add it to {_FILE}")
    scope = table.scope(actor.role, action)
    if scope == "all":
        return True
    return scope == "own" and patient_id is not None and patient_id == actor.patient_id


def audit(
    uow: UnitOfWork,
    actor: Actor,
    action: str,
    entity: str,
    entity_id: int | str | None = None,
    detail: dict[str, Any] | None = None,
) -> None:
    """Append a success entry for `actor` (it commits with the unit of work)."""
    uow.audit.record(actor.username, action, entity, entity_id, "success", _detail(actor, detail))


def authorize(
    uow: UnitOfWork,
    actor: Actor,
    action: str,
    *,
    entity: str,
    entity_id: int | str | None = None,
    patient_id: int | None = None,
) -> None:
    """Return if `actor` may do `action`; else audit the denial (kept) and raise `Forbidden`."""
    if can(actor, action, patient_id):
        return
    refuse(uow, actor, action, entity=entity, entity_id=entity_id, patient_id=patient_id)


class OfPatient(Protocol):
    """A clinical record: it belongs to one patient."""

    @property
    def patient_id(self) -> int: ...


def authorized_record(
    uow: UnitOfWork,
    actor: Actor,
    action: str,
    entity: str,
    record_id: int,
    get: Callable[[int], P],
) -> P:
    """The record `get(record_id)`, once `actor` may do `action` on it and its patient."""
    record = get(record_id)
    patient_id = record.patient_id
    authorize(uow, actor, action, entity=entity, entity_id=record_id, patient_id=patient_id)
    return record


def read_clinical_record(
    uow: UnitOfWork, actor: Actor, entity: str, record_id: int, get: Callable[[int], P]
) -> P:
    """One of a patient's clinical records, read with `get(record_id)`, once `actor` may read
    it; the read is audited (the entry commits with the unit of work, with what was read)."""
    record = authorized_record(uow, actor, "clinical.read", entity, record_id, get)
    audit(uow, actor, f"{entity}.read", entity, record_id, {"patient_id": record.patient_id})
    return record


def list_for_patient(
    uow: UnitOfWork,
    actor: Actor,
    action: str,
    entity: str,
    patient_id: int,
    read: Callable[[int], Sequence[T]],
) -> list[T]:
    """Authorize `action` on one patient's `entity` records, check the patient exists, read
    them with `read(patient_id)` and audit the listing (`{entity}.list`, with the count)."""
    authorize(uow, actor, action, entity=entity, patient_id=patient_id)
    uow.patients.get(patient_id)
    found = list(read(patient_id))
    audit(uow, actor, f"{entity}.list", "patient", patient_id, {"count": len(found)})
    return found


def refuse(
    uow: UnitOfWork,
    actor: Actor,
    action: str,
    *,
    entity: str,
    entity_id: int | str | None = None,
    patient_id: int | None = None,
    message: str | None = None,
    detail: dict[str, Any] | None = None,
) -> NoReturn:
    """Audit a refused attempt (outcome `denied`, kept by the unit of work although the
    request fails, while what the attempt wrote is rolled back) and raise `Forbidden`.

    `authorize` calls it for a permission the table denies; a page that admits only some
    roles calls it too, so every refusal lands in the audit log the same way.
    """
    extra = {"permission": action, "patient_id": patient_id, **(detail or {})}
    uow.refused(actor.username, action, entity, entity_id, "denied", _detail(actor, extra))
    raise Forbidden(message or f"{actor.role} {actor.username!r} may not {_verb(action)}")


def _detail(actor: Actor, extra: dict[str, Any] | None) -> dict[str, Any]:
    detail: dict[str, Any] = {"role": actor.role}
    detail.update({key: value for key, value in (extra or {}).items() if value is not None})
    return detail


def _verb(action: str) -> str:
    description = load_permissions().actions.get(action)
    return f"{action} ({description})" if description else action
