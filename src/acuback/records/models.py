"""The domain records the repositories accept and return (never the ORM rows).

Frozen pydantic models: a record with `id=None` is new; `version` is the optimistic-lock
counter the record was read at (0 for a new record), and an update succeeds only when the
stored row is still at that version. Datetimes must carry a timezone; they come back in UTC.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Annotated, Any, Literal, Self, TypeVar

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    model_validator,
)

from acuback.clinical.intake import Intake as IntakeForm
from acuback.clinical.plan_model import Plan as PlanResult
from acuback.clinical.screening import ScreeningResult
from acuback.errors import InputError
from acuback.records.bounds import (
    LONGEST_APPOINTMENT,
    MAX_REASON,
    BoundedDate,
    BoundedInstant,
    Note,
    Reason,
)
from acuback.records.vocabulary import (
    AdverseEventType,
    Angle,
    AppointmentStatus,
    Disposition,
    ImportedKind,
    NeedleSide,
    PlanStatus,
    Role,
    SessionStatus,
    Severity,
    Sex,
    Stimulation,
)

__all__ = [
    "AdverseEvent",
    "Appointment",
    "ImportedItem",
    "Intake",
    "NeedleInsertion",
    "OutcomeMeasurement",
    "Patient",
    "Plan",
    "Practitioner",
    "SessionAmendment",
    "TreatmentSession",
    "User",
    "UtcDatetime",
    "validated",
]

M = TypeVar("M", bound=BaseModel)

INCREMENT_MINUTES = 15  # CPT acupuncture increments (clinical/data/billing_rules.yaml)
Increment = Annotated[int, Field(ge=1, le=32)]

UtcDatetime = BoundedInstant
"""A timezone-aware datetime from 2000 to 2100, normalised to UTC (a naive one is refused)."""


def validated(model: type[M], data: Mapping[str, Any]) -> M:
    """Build `model` from `data`; a validation failure becomes `InputError` naming the field."""
    try:
        return model.model_validate(dict(data))
    except ValidationError as exc:
        first = exc.errors()[0]
        field = ".".join(str(part) for part in first["loc"]) or model.__name__
        raise InputError(field, first["msg"]) from None


class Record(BaseModel):
    """Base of the records: frozen, no unknown fields, readable from ORM rows."""

    model_config = ConfigDict(frozen=True, extra="forbid", from_attributes=True)

    id: int | None = None


class VersionedRecord(Record):
    """A record of a mutable table: `version` is the optimistic-lock counter it was read at."""

    version: int = Field(default=0, ge=0)


class User(VersionedRecord):
    """A login. `password_hash` is an argon2id hash made by the security layer, never a password."""

    username: str = Field(min_length=3, max_length=64, pattern=r"^[A-Za-z0-9._@-]+$")
    password_hash: str = Field(min_length=1)
    role: Role
    active: bool = True
    patient_id: int | None = None
    practitioner_id: int | None = None
    created_at: UtcDatetime | None = None

    @model_validator(mode="after")
    def _links_fit_role(self) -> Self:
        if self.role == "patient" and self.patient_id is None:
            raise ValueError("a patient user needs patient_id")
        if self.role != "patient" and self.patient_id is not None:
            raise ValueError("only a patient user links to a patient")
        return self


class Practitioner(VersionedRecord):
    """A practitioner with the credentials STRICTA item 5 asks for."""

    name: str = Field(min_length=1, max_length=200)
    qualification: str = Field(min_length=1, max_length=200)
    licence_number: str | None = Field(default=None, max_length=100)
    licence_body: str | None = Field(default=None, max_length=200)
    licence_expiry: BoundedDate | None = None
    years_in_practice: int | None = Field(default=None, ge=0, le=80)
    specialties: tuple[str, ...] = ()
    npi: str | None = Field(default=None, pattern=r"^\d{10}$")  # US National Provider Identifier


class Patient(VersionedRecord):
    """A patient. `public_id` is assigned on first save and is what leaves the clinic."""

    public_id: str | None = None
    given_name: str = Field(min_length=1, max_length=200)
    family_name: str = Field(min_length=1, max_length=200)
    birth_date: BoundedDate | None = None
    sex: Sex
    phone: str | None = Field(default=None, max_length=50)
    email: str | None = Field(default=None, max_length=320)
    # The patient's own physician (name, practice and address), to whom referrals are written.
    physician: str | None = Field(default=None, max_length=500)
    created_at: UtcDatetime | None = None


class Intake(VersionedRecord):
    """An Intake v1 (the core's model) and the screening result computed for it.

    `disposition` is the screening's own; it is filled from `screening.disposition`.
    """

    patient_id: int
    practitioner_id: int | None = None
    submitted_at: UtcDatetime | None = None
    payload: IntakeForm
    screening: ScreeningResult
    disposition: Disposition | Literal[""] = ""

    @model_validator(mode="after")
    def _disposition_from_screening(self) -> Self:
        given = self.screening.disposition
        if self.disposition and self.disposition != given:
            raise ValueError(f"disposition {self.disposition!r} differs from screening {given!r}")
        object.__setattr__(self, "disposition", given)
        return self


class Plan(VersionedRecord):
    """A plan result for one intake; accepted by a user, or superseded by a later plan."""

    patient_id: int
    intake_id: int
    created_at: UtcDatetime | None = None
    payload: PlanResult
    status: PlanStatus = "proposed"
    accepted_by: int | None = None
    accepted_at: UtcDatetime | None = None


class Appointment(VersionedRecord):
    patient_id: int
    practitioner_id: int
    starts_at: UtcDatetime
    ends_at: UtcDatetime
    status: AppointmentStatus = "booked"
    kind: str = Field(default="treatment", min_length=1, max_length=50)
    room_id: int | None = None
    plan_id: int | None = None
    cancel_reason: str | None = Field(default=None, max_length=500)
    limit_reason: str | None = Field(default=None, max_length=500)
    patient_request: str | None = Field(default=None, max_length=500)

    @model_validator(mode="after")
    def _ends_after_start(self) -> Self:
        if self.ends_at <= self.starts_at:
            raise ValueError("ends_at must be after starts_at")
        if self.ends_at - self.starts_at > LONGEST_APPOINTMENT:
            raise ValueError("an appointment lasts at most 12 hours")
        return self


class NeedleInsertion(VersionedRecord):
    """One charted point (STRICTA 2b-2f). `override_reason` records why a practitioner needled
    a point the screening forbade or went deeper than the point's limit."""

    point: str = Field(min_length=1, max_length=20)
    side: NeedleSide
    depth_mm: float = Field(gt=0, le=150)
    angle: Angle
    response_sought: str = Field(default="de_qi", min_length=1, max_length=100)
    stimulation: Stimulation = "manual"
    frequency_hz: float | None = Field(default=None, gt=0, le=200)
    intensity: str | None = Field(default=None, max_length=100)
    pairing: str | None = Field(default=None, max_length=20)
    retention_minutes: int | None = Field(default=None, ge=0, le=240)
    override_reason: str | None = Field(default=None, max_length=MAX_REASON)

    @model_validator(mode="after")
    def _electro_has_frequency(self) -> Self:
        if self.stimulation == "electro" and self.frequency_hz is None:
            raise ValueError("electro stimulation needs frequency_hz")
        if self.stimulation == "manual" and (self.frequency_hz or self.pairing):
            raise ValueError("frequency_hz and pairing belong to electro stimulation")
        if self.override_reason is not None and not self.override_reason.strip():
            raise ValueError("override_reason, when given, must say why")
        return self


class TreatmentSession(VersionedRecord):
    """A session chart (STRICTA 2a-2g, 4a). Needles in and out are counted separately so that
    a mismatch can block signing; a signed chart is frozen and changed only by amendments."""

    patient_id: int
    practitioner_id: int
    appointment_id: int | None = None
    plan_id: int | None = None
    session_date: BoundedDate
    needle_gauge_mm: float | None = Field(default=None, gt=0, le=1)
    needle_length_mm: float | None = Field(default=None, gt=0, le=200)
    needle_make: str | None = Field(default=None, max_length=200)
    needles_in: int | None = Field(default=None, ge=0)
    needles_out: int | None = Field(default=None, ge=0)
    retention_minutes: int | None = Field(default=None, ge=0, le=240)
    # Billing (clinical-standards 2.5): one-on-one contact time, not retention; the 15-minute
    # increments (numbered from 1) in which e-stim was used or needles were re-inserted.
    face_to_face_minutes: int | None = Field(default=None, ge=0, le=480)
    electro_increments: tuple[Increment, ...] = ()
    reinsertion_increments: tuple[Increment, ...] = ()
    moxibustion: dict[str, Any] | None = None
    tui_na: dict[str, Any] | None = None
    other_components: tuple[Any, ...] = ()
    pain_before: int | None = Field(default=None, ge=0, le=10)
    pain_after: int | None = Field(default=None, ge=0, le=10)
    notes: Note = ""
    status: SessionStatus = "draft"
    signed_at: UtcDatetime | None = None
    signed_by: int | None = None
    needles: tuple[NeedleInsertion, ...] = ()

    @model_validator(mode="after")
    def _signature_fits_status(self) -> Self:
        marks = (self.signed_at is not None, self.signed_by is not None)
        if marks != ((True, True) if self.status == "signed" else (False, False)):
            raise ValueError("a signed session has signed_at and signed_by; a draft has neither")
        return self

    @model_validator(mode="after")
    def _increments_within_contact(self) -> Self:
        if self.face_to_face_minutes is None:
            return self
        last = -(-self.face_to_face_minutes // INCREMENT_MINUTES)  # a part increment counts
        for name in ("electro_increments", "reinsertion_increments"):
            beyond = [i for i in getattr(self, name) if i > last]
            if beyond:
                raise ValueError(
                    f"{name}: increment {beyond[0]} is beyond the "
                    f"{self.face_to_face_minutes} face-to-face minutes charted (1 to {last})"
                )
        return self

    @property
    def needle_count_mismatch(self) -> bool:
        """True when needles in and out are both counted and differ (a needle may be left in)."""
        return (
            self.needles_in is not None
            and self.needles_out is not None
            and self.needles_in != self.needles_out
        )


class SessionAmendment(Record):
    """A change to a signed session: `changes` maps field names to their new values."""

    session_id: int
    amended_at: UtcDatetime
    amended_by: int
    reason: Reason
    changes: dict[str, Any]


class OutcomeMeasurement(VersionedRecord):
    patient_id: int
    session_id: int | None = None
    instrument: str = Field(min_length=1, max_length=30)
    measured_on: BoundedDate
    responses: Any
    score: float | None = None
    subscores: dict[str, float] = Field(default_factory=dict)
    # what scoring said beside the numbers, kept so that no page scores the answers again
    category: str | None = Field(default=None, max_length=40)
    notes: tuple[str, ...] = ()


class AdverseEvent(VersionedRecord):
    """An adverse event (clinical-standards 6.6): type, severity, action taken."""

    session_id: int
    patient_id: int
    occurred_at: UtcDatetime
    type: AdverseEventType
    severity: Severity
    action_taken: Reason
    description: Note | None = None

    @model_validator(mode="after")
    def _other_is_described(self) -> Self:
        if self.type == "other" and not (self.description or "").strip():
            raise ValueError("an adverse event of type 'other' needs a description")
        return self


class ImportedItem(VersionedRecord):
    """A diagnosis or a medicine another system sent in a FHIR Bundle (a Condition or a
    MedicationStatement), kept as it came until an intake takes it in (`intake_id`).

    `code` is the knowledge-base condition the Condition was read as (None: none matched);
    `text` is what it names, as a person reads it; `status` is the FHIR status word
    (clinicalStatus, or the MedicationStatement's status) and `verification` the Condition's
    verificationStatus ("" when absent); `concept` is the CodeableConcept as received and
    `recorded` the FHIR dateTime (recordedDate, dateAsserted) verbatim, so the export gives
    back what came in; `source` names the resource in the sending Bundle.
    """

    patient_id: int
    kind: ImportedKind
    code: str | None = Field(default=None, max_length=100)
    text: str = Field(min_length=1, max_length=500)
    status: str = Field(default="", max_length=40)
    verification: str = Field(default="", max_length=40)
    concept: dict[str, Any]
    recorded: str | None = Field(default=None, max_length=40)
    source: str = Field(min_length=1, max_length=200)
    imported_at: UtcDatetime | None = None
    imported_by: int | None = None
    intake_id: int | None = None
