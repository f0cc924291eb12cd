"""The closed vocabularies of the records: roles, statuses, needle sides, adverse events.

Adverse-event types and severities follow the charting design in
`shared/reference/clinical-standards.md` section 6.6 (CNT Manual 7th ed.; White 2001 BMJ;
severity mild / moderate / serious in the sense of ICH E2A). Each Literal has a tuple twin for
database CHECK constraints and error messages.
"""

from __future__ import annotations

from typing import Literal, get_args

__all__ = [
    "ADVERSE_EVENT_TYPES",
    "ANGLES",
    "APPOINTMENT_STATUSES",
    "DISPOSITIONS",
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
    "NeedleSide",
    "PlanStatus",
    "Role",
    "SessionStatus",
    "Severity",
    "Sex",
    "Stimulation",
]

# The screening dispositions of SPEC section 3, most severe first.
Disposition = Literal["emergency", "refer", "clearance", "defer", "caution", "proceed"]
Role = Literal["admin", "practitioner", "reception", "patient", "researcher"]
Sex = Literal["female", "male", "other"]  # as in the intake v1 contract
PlanStatus = Literal["proposed", "accepted", "superseded"]
AppointmentStatus = Literal["booked", "arrived", "attended", "cancelled", "no_show"]
SessionStatus = Literal["draft", "signed"]
# One charted row is one point: on one side, on the midline, or both sides (two needles).
NeedleSide = Literal["left", "right", "bilateral", "midline"]
Angle = Literal["perpendicular", "oblique", "transverse"]  # as in the knowledge base
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
NEEDLE_SIDES: tuple[str, ...] = get_args(NeedleSide)
ANGLES: tuple[str, ...] = get_args(Angle)
STIMULATIONS: tuple[str, ...] = get_args(Stimulation)
ADVERSE_EVENT_TYPES: tuple[str, ...] = get_args(AdverseEventType)
SEVERITIES: tuple[str, ...] = get_args(Severity)
