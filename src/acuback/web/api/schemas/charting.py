"""Request and response bodies for session charts, amendments and adverse events.

Value ranges (depth, retention, frequency) are checked once, by the records models, and come
back as 422 naming the field; these schemas fix the shape and the closed vocabularies.
"""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import AwareDatetime, Field

from acuback.records.bounds import MAX_REASON, BoundedDate, BoundedInstant
from acuback.records.models import Increment
from acuback.records.vocabulary import AdverseEventType, Angle, NeedleSide, Severity, Stimulation
from acuback.web.api.schemas.common import Id, In, Out, Text, Version, bounded

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


Reason = Annotated[Text, bounded(MAX_REASON, min_length=1)]
Retention = Annotated[int, Field(ge=0, le=240)]


class NeedleIn(In):
    point: Annotated[Text, bounded(20, min_length=1)]
    side: NeedleSide
    depth_mm: float = Field(gt=0, le=150)
    angle: Angle
    response_sought: Annotated[Text, bounded(100, min_length=1)] = "de_qi"
    stimulation: Stimulation = "manual"
    frequency_hz: float | None = Field(default=None, gt=0, le=200)
    intensity: Annotated[Text, bounded(100)] | None = None
    pairing: Annotated[Text, bounded(20)] | None = None
    retention_minutes: Retention | None = None
    override_reason: Annotated[Text, bounded(MAX_REASON)] | None = None


class _ChartFields(In):
    practitioner_id: Id | None = None
    appointment_id: Id | None = None
    plan_id: Id | None = None
    session_date: BoundedDate
    needle_gauge_mm: float | None = Field(default=None, gt=0, le=1)
    needle_length_mm: float | None = Field(default=None, gt=0, le=200)
    needle_make: Annotated[Text, bounded(200)] | None = None
    needles_in: int | None = Field(default=None, ge=0, le=1000)
    needles_out: int | None = Field(default=None, ge=0, le=1000)
    retention_minutes: Retention | None = None
    face_to_face_minutes: int | None = Field(default=None, ge=0, le=480)
    electro_increments: list[Increment] = Field(default_factory=list)
    reinsertion_increments: list[Increment] = Field(default_factory=list)
    moxibustion: dict[str, Any] | None = None
    tui_na: dict[str, Any] | None = None
    other_components: list[Any] = Field(default_factory=list)
    pain_before: int | None = Field(default=None, ge=0, le=10)
    pain_after: int | None = Field(default=None, ge=0, le=10)
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
    reason: Reason
    changes: dict[str, Any] = Field(min_length=1, description="chart fields and their new values")


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
    action_taken: Reason
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
