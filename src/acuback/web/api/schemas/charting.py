"""Request and response bodies for session charts, amendments and adverse events.

Value ranges (depth, retention, frequency) are checked once, by the records models, and come
back as 422 naming the field; these schemas fix the shape and the closed vocabularies.
"""

from __future__ import annotations

from typing import Any

from pydantic import AwareDatetime, Field

from acuback.records.bounds import BoundedDate, BoundedInstant
from acuback.records.vocabulary import AdverseEventType, Angle, NeedleSide, Severity, Stimulation
from acuback.web.api.schemas.common import Id, In, Out, Text, Version

__all__ = [
    "AdverseEventIn",
    "AdverseEventOut",
    "AmendIn",
    "AmendmentOut",
    "NeedleCheckOut",
    "NeedleIn",
    "SessionIn",
    "SessionOut",
    "SessionUpdate",
    "SignIn",
]


class NeedleIn(In):
    point: Text
    side: NeedleSide
    depth_mm: float
    angle: Angle
    response_sought: Text = "de_qi"
    stimulation: Stimulation = "manual"
    frequency_hz: float | None = None
    intensity: Text | None = None
    pairing: Text | None = None
    retention_minutes: int | None = None
    override_reason: Text | None = None


class _ChartFields(In):
    practitioner_id: Id | None = None
    appointment_id: Id | None = None
    plan_id: Id | None = None
    session_date: BoundedDate
    needle_gauge_mm: float | None = None
    needle_length_mm: float | None = None
    needle_make: Text | None = None
    needles_in: int | None = Field(default=None, ge=0, le=1000)
    needles_out: int | None = Field(default=None, ge=0, le=1000)
    retention_minutes: int | None = None
    face_to_face_minutes: int | None = None
    electro_increments: list[int] = Field(default_factory=list)
    reinsertion_increments: list[int] = Field(default_factory=list)
    moxibustion: dict[str, Any] | None = None
    tui_na: dict[str, Any] | None = None
    other_components: list[Any] = Field(default_factory=list)
    pain_before: int | None = None
    pain_after: int | None = None
    notes: Text = ""
    needles: list[NeedleIn] = Field(default_factory=list)


class SessionIn(_ChartFields):
    patient_id: Id


class SessionUpdate(_ChartFields):
    version: Version


class SignIn(In):
    version: Version


class AmendIn(In):
    version: Version
    reason: Text = Field(min_length=1)
    changes: dict[str, Any]


class NeedleCheckOut(Out):
    index: int
    point: str
    problems: list[str]
    override_reason: str | None
    needs_override: bool
    resolved: bool


class AmendmentOut(Out):
    id: int
    amended_at: AwareDatetime
    amended_by: int
    reason: str
    changes: dict[str, Any]


class AdverseEventIn(In):
    occurred_at: BoundedInstant
    type: AdverseEventType
    severity: Severity
    action_taken: Text
    description: Text | None = None


class AdverseEventOut(Out):
    id: int
    session_id: int
    patient_id: int
    occurred_at: AwareDatetime
    type: str
    severity: str
    action_taken: str
    description: str | None


class SessionOut(Out):
    """The chart as it stands (amendments applied); `original` is the signed chart when
    amendments exist; `checks` lists each needle's safety problems and override."""

    id: int
    version: int
    status: str
    chart: dict[str, Any]
    original: dict[str, Any] | None
    amendments: list[AmendmentOut]
    adverse_events: list[AdverseEventOut]
    checks: list[NeedleCheckOut]
    needle_count_mismatch: bool
    ready_to_sign: bool
