"""Interop (SHELL, beside records): data in and out of the clinic.

iCalendar feeds (`calendar`), backups that restore exactly (`backup`), the de-identified
research export (`research_export`), FHIR R4 export and import (`fhir`, the only place that
imports `fhir.resources`), and printed documents (`documents`: referral letters, handouts,
superbills, STRICTA course reports, consent forms). Long jobs report through `progress.Progress`.
"""

from __future__ import annotations

from acuback.interop.backup import backup, read_manifest, restore
from acuback.interop.calendar import CalendarEvent, calendar_ics
from acuback.interop.manifest import DatabaseFacts, Manifest
from acuback.interop.progress import SILENT, Progress

__all__ = [
    "SILENT",
    "CalendarEvent",
    "DatabaseFacts",
    "Manifest",
    "Progress",
    "backup",
    "calendar_ics",
    "read_manifest",
    "restore",
]
