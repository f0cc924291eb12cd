"""The clinic's settings (name, address, logo, paper size, identifiers, fee schedule): read and
changed by an administrator (`clinic.admin`), audited; documents read them to print."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from acuback.records import UnitOfWork
from acuback.records.documents import ClinicSettings
from acuback.records.models import validated
from acuback.services.access import Actor, audit, authorize

__all__ = ["get_clinic_settings", "update_clinic_settings"]


def get_clinic_settings(uow: UnitOfWork, actor: Actor) -> ClinicSettings:
    authorize(uow, actor, "clinic.admin", entity="clinic_settings", entity_id=1)
    return uow.clinic.get()


def update_clinic_settings(
    uow: UnitOfWork, actor: Actor, version: int, changes: Mapping[str, Any]
) -> ClinicSettings:
    """Apply `changes` to the settings read at `version` (409 when someone saved since)."""
    authorize(uow, actor, "clinic.admin", entity="clinic_settings", entity_id=1)
    current = uow.clinic.get().model_dump(exclude={"id", "version"})
    settings = validated(ClinicSettings, {**current, **changes, "version": version})
    saved = uow.clinic.save(settings)
    audit(uow, actor, "clinic.settings.update", "clinic_settings", 1, {"fields": sorted(changes)})
    return saved
