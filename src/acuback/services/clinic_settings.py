"""The clinic's settings, one store (records/documents.py `ClinicSettings`): what documents
print (name, address, logo, paper size, identifiers, fee schedule), changed together at a
version (`update_clinic_settings`), and the calendar's settings (time zone, cancellation
notice, payer-limit policy), changed one at a time (`set_clinic_setting`). Both are for an
administrator (`clinic.admin`) and audited; documents and the calendar read them."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from acuback.clinical.scheduling import clinic_zone
from acuback.errors import InputError
from acuback.records import UnitOfWork
from acuback.records.documents import ClinicSettings
from acuback.records.models import validated
from acuback.services.access import Actor, audit, authorize

__all__ = ["SETTINGS", "get_clinic_settings", "set_clinic_setting", "update_clinic_settings"]

SETTINGS: dict[str, tuple[str, ...] | str] = {
    "timezone": "an IANA time zone such as Europe/London",
    "cancel_notice_hours": "a whole number of hours, 0 to 336",
    "payer_limit_policy": ("refuse", "reason"),
}
"""The calendar's settings, set one at a time (the API's /clinic/settings/{key})."""


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


def set_clinic_setting(uow: UnitOfWork, actor: Actor, key: str, value: str | None) -> None:
    """An administrator's choice for the clinic's calendar (None: back to the default)."""
    authorize(uow, actor, "clinic.admin", entity="clinic_setting")
    if key not in SETTINGS:
        raise InputError("key", f"{key!r} is not a clinic setting", tuple(SETTINGS))
    stored = None if value is None else _checked_setting(key, value)
    current = uow.clinic.get()
    uow.clinic.save(current.model_copy(update={key: stored}))
    audit(uow, actor, "clinic.setting", "clinic_setting", None, {"key": key, "value": value})


def _checked_setting(key: str, value: str) -> str | int:
    if key == "timezone":
        clinic_zone(value, "value")
    elif key == "cancel_notice_hours":
        if not (value.isdigit() and int(value) <= 336):
            raise InputError("value", f"{value!r}", str(SETTINGS[key]))
        return int(value)
    elif key == "payer_limit_policy" and value not in ("refuse", "reason"):
        raise InputError("value", f"{value!r}", ("refuse", "reason"))
    return value
