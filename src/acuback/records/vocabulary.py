"""The closed vocabularies of the records: roles, statuses, needle sides, adverse events.

What the core already names (dispositions, sexes, angles, needle sides) is the core's own
Literal, imported here, never redefined.

Adverse-event types and severities follow the charting design in
`shared/reference/clinical-standards.md` section 6.6 (CNT Manual 7th ed.; White 2001 BMJ;
severity mild / moderate / serious in the sense of ICH E2A). Each Literal has a tuple twin for
database CHECK constraints and error messages.
"""

from __future__ import annotations

from typing import Literal, get_args

from acuback.clinical.intake import Sex
from acuback.clinical.screening_rules import Disposition
from acuback.clinical.sides import NeedleSide
from acuback.knowledge.models import Angle

__all__ = [
    "ADVERSE_EVENT_TYPES",
    "ANGLES",
    "APPOINTMENT_STATUSES",
    "DISPOSITIONS",
    "IMPORTED_KINDS",
    "NEEDLE_SIDES",
    "PLAN_STATUSES",
    "ROLES",
    "SESSION_STATUSES",
    "SEVERITIES",
    "SEXES",
    "STIMULATIONS",
    "AdverseEventType",
    "Angle",
    "AppointmentStatus",
    "Disposition",
    "ImportedKind",
    "NeedleSide",
    "PlanStatus",
    "Role",
    "SessionStatus",
    "Severity",
    "Sex",
    "Stimulation",
]

Role = Literal["admin", "practitioner", "reception", "patient", "researcher"]
PlanStatus = Literal["proposed", "accepted", "superseded"]
AppointmentStatus = Literal["booked", "arrived", "attended", "cancelled", "no_show"]
SessionStatus = Literal["draft", "signed"]
ImportedKind = Literal["condition", "medication"]
Stimulation = Literal["manual", "electro"]
AdverseEventType = Literal[
    "bleeding_haematoma",
    "needle_pain",
    "fainting",
    "symptom_worsening",
    "drowsiness",
    "burn",
    "infection",
    "pneumothorax",
    "stuck_or_broken_needle",
    "forgotten_needle",
    "other",
]
Severity = Literal["mild", "moderate", "serious"]

DISPOSITIONS: tuple[str, ...] = get_args(Disposition)
ROLES: tuple[str, ...] = get_args(Role)
SEXES: tuple[str, ...] = get_args(Sex)
PLAN_STATUSES: tuple[str, ...] = get_args(PlanStatus)
APPOINTMENT_STATUSES: tuple[str, ...] = get_args(AppointmentStatus)
SESSION_STATUSES: tuple[str, ...] = get_args(SessionStatus)
IMPORTED_KINDS: tuple[str, ...] = get_args(ImportedKind)
NEEDLE_SIDES: tuple[str, ...] = get_args(NeedleSide)
ANGLES: tuple[str, ...] = get_args(Angle)
STIMULATIONS: tuple[str, ...] = get_args(Stimulation)
ADVERSE_EVENT_TYPES: tuple[str, ...] = get_args(AdverseEventType)
SEVERITIES: tuple[str, ...] = get_args(Severity)
