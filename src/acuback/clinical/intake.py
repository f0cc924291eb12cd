"""The intake (SPEC section 3, "Intake v1").

`parse_intake` is the one way in: it validates a decoded JSON object and raises `InputError`
naming the field (`pain.side`, `findings[0]`) and what is allowed. Types are strict: a string
is not a number and 1 is not `true`. Medications are free text, read by
`acuback.clinical.medications`.
"""

from __future__ import annotations

import difflib
from collections.abc import Collection, Mapping
from typing import Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StrictBool,
    StrictFloat,
    StrictInt,
    StrictStr,
    ValidationError,
    field_validator,
)

from acuback.clinical.sides import PAIN_SIDES, PainSide
from acuback.errors import InputError

__all__ = [
    "DURATIONS",
    "FINDINGS",
    "PAIN_REGIONS",
    "SEXES",
    "SIDES",
    "STARTBACK_ITEM9",
    "Duration",
    "Intake",
    "Pain",
    "duration_of",
    "parse_intake",
]

Finding = Literal[
    "urinary_retention",
    "urinary_incontinence_new",
    "faecal_incontinence",
    "saddle_anaesthesia",
    "bilateral_leg_symptoms",
    "progressive_leg_weakness",
    "gait_disturbance",
    "sexual_dysfunction_new",
    "pulsatile_abdominal_mass",
    "chest_pain_or_breathlessness",
    "major_trauma",
    "minor_trauma",
    "osteoporosis",
    "long_term_corticosteroids",
    "cancer_history",
    "unexplained_weight_loss",
    "night_pain",
    "fever",
    "iv_drug_use",
    "immunosuppression",
    "morning_stiffness_over_30_min",
    "structural_deformity",
    "pacemaker_or_icd",
    "neurostimulator_or_active_implant",
    "metal_implant_in_treatment_area",
    "bleeding_disorder",
    "anticoagulant_therapy",
    "antiplatelet_therapy",
    "recent_radiotherapy",
    "ischaemic_heart_disease",
    "ecg_abnormality",
    "severe_renal_insufficiency",
    "severe_hepatic_insufficiency",
    "seizure_disorder",
    "exhausted_today",
    "intoxicated_today",
    "needle_phobia",
    "fainting_history",
    "skin_infection_in_treatment_area",
    "diabetes",
    "peripheral_neuropathy",
    "lymphoedema",
    "unable_to_consent",
]
FINDINGS: tuple[str, ...] = Finding.__args__  # type: ignore[attr-defined]

PainRegion = Literal["lower_back", "upper_back", "neck"]
PAIN_REGIONS: tuple[str, ...] = PainRegion.__args__  # type: ignore[attr-defined]
Side = PainSide
SIDES: tuple[str, ...] = PAIN_SIDES
Sex = Literal["female", "male", "other"]
SEXES: tuple[str, ...] = Sex.__args__  # type: ignore[attr-defined]
Item9 = Literal["not_at_all", "slightly", "moderately", "very_much", "extremely"]
STARTBACK_ITEM9: tuple[str, ...] = Item9.__args__  # type: ignore[attr-defined]
Duration = Literal["acute", "subacute", "chronic"]
DURATIONS: tuple[str, ...] = Duration.__args__  # type: ignore[attr-defined]

StartBack = tuple[
    StrictBool,
    StrictBool,
    StrictBool,
    StrictBool,
    StrictBool,
    StrictBool,
    StrictBool,
    StrictBool,
    Item9,
]


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", allow_inf_nan=False)


class Pain(_Frozen):
    """The pain the patient reports: where, which side, since when, how strong, leg signs."""

    regions: tuple[PainRegion, ...] = Field(min_length=1)
    side: Side = "central"
    onset_weeks: StrictFloat = Field(ge=0)
    nrs: StrictInt = Field(ge=0, le=10)
    radiates_below_knee: StrictBool = False
    leg_numbness: StrictBool = False
    leg_weakness: StrictBool = False


class Intake(_Frozen):
    """Intake v1. Build it with `parse_intake`, which also checks `diagnoses` against the
    knowledge base; the model alone checks shape, types and ranges."""

    age: StrictInt = Field(ge=16, le=120)
    sex: Sex
    pain: Pain
    diagnoses: tuple[StrictStr, ...] = ()
    findings: tuple[Finding, ...] = ()
    pregnancy_weeks: StrictInt | None = Field(default=None, ge=0, le=45)
    medications: tuple[StrictStr, ...] = ()
    expectation: StrictInt | None = Field(default=None, ge=0, le=10)
    prior_acupuncture: StrictBool | None = None
    startback: StartBack | None = None

    @field_validator("startback", mode="before")
    @classmethod
    def _nine_answers(cls, value: object) -> object:
        if isinstance(value, list | tuple) and len(value) != 9:
            raise ValueError(f"needs exactly 9 answers, got {len(value)}")
        return value

    @property
    def duration(self) -> Duration:
        return duration_of(self.pain.onset_weeks)

    @property
    def pregnant(self) -> bool:
        return self.pregnancy_weeks is not None

    @property
    def first_treatment(self) -> bool:
        """True unless the patient says they have had acupuncture before (unknown counts)."""
        return self.prior_acupuncture is not True


def duration_of(onset_weeks: float) -> Duration:
    """SPEC: acute < 6 weeks, subacute 6 to < 12, chronic >= 12."""
    if onset_weeks < 6:
        return "acute"
    return "subacute" if onset_weeks < 12 else "chronic"


# ----- errors ---------------------------------------------------------------------------------

_ALLOWED: dict[str, tuple[str, ...] | str] = {
    "age": "an integer 16..120",
    "sex": SEXES,
    "pain": "an object with regions, side, onset_weeks, nrs and the leg signs",
    "pain.regions": "a list of at least one of " + ", ".join(PAIN_REGIONS),
    "pain.regions[]": PAIN_REGIONS,
    "pain.side": SIDES,
    "pain.onset_weeks": "a number >= 0 (weeks since the pain began)",
    "pain.nrs": "an integer 0..10",
    "pain.radiates_below_knee": "true, false",
    "pain.leg_numbness": "true, false",
    "pain.leg_weakness": "true, false",
    "diagnoses": "a list of condition codes",
    "diagnoses[]": "a condition code string",
    "findings": "a list of finding codes",
    "findings[]": FINDINGS,
    "pregnancy_weeks": "an integer 0..45, or null when not pregnant",
    "medications": "a list of strings",
    "medications[]": "a string",
    "expectation": "an integer 0..10, or null",
    "prior_acupuncture": "true, false, null",
    "startback": "null, or a list of 9 answers: items 1-8 true/false, item 9 one of "
    + ", ".join(STARTBACK_ITEM9),
    "startback[]": "true, false",
    "startback[8]": STARTBACK_ITEM9,
}
_FIELDS = {
    "": tuple(Intake.model_fields),
    "pain": tuple(Pain.model_fields),
}


def _path(loc: tuple[int | str, ...]) -> str:
    text = ""
    for part in loc:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text


def _allowed_for(loc: tuple[int | str, ...]) -> tuple[str, ...] | str | None:
    exact = _ALLOWED.get(_path(loc))
    if exact is None and loc and isinstance(loc[-1], int):
        return _ALLOWED.get(_path(loc[:-1]) + "[]")
    return exact


def _problem(error: Mapping[str, Any]) -> str:
    kind = str(error["type"])
    value = error.get("input")
    if kind == "missing":
        return "is required"
    if kind == "extra_forbidden":
        return "is not an intake field"
    if kind in ("tuple_type", "list_type"):
        return f"should be a list, not {value!r}"
    if kind == "value_error":
        return str(error["msg"]).removeprefix("Value error, ")
    if kind == "too_short":
        return "needs at least one entry"
    if kind != "literal_error":
        return f"{value!r}: {error['msg']}"
    allowed = _allowed_for(tuple(error["loc"]))
    near = (
        difflib.get_close_matches(value, allowed, n=1)
        if isinstance(value, str) and isinstance(allowed, tuple)
        else []
    )
    return f"{value!r} is not allowed" + (f"; did you mean {near[0]!r}?" if near else "")


def _input_error(exc: ValidationError) -> InputError:
    first = exc.errors()[0]
    loc = tuple(first["loc"])
    if first["type"] == "extra_forbidden":
        parent = _path(loc[:-1])
        return InputError(_path(loc), _problem(first), _FIELDS.get(parent))
    return InputError(_path(loc) or "intake", _problem(first), _allowed_for(loc))


def parse_intake(data: object, conditions: Collection[str] | None = None) -> Intake:
    """Validate a decoded intake (a JSON object) or raise `InputError` naming the field.

    `conditions` are the allowed diagnosis codes; by default the knowledge base's conditions.
    """
    if not isinstance(data, Mapping):
        raise InputError("intake", f"must be a JSON object, not {type(data).__name__}")
    try:
        intake = Intake.model_validate(data)
    except ValidationError as exc:
        raise _input_error(exc) from None
    if intake.diagnoses:
        if conditions is None:
            from acuback.knowledge import load_knowledge

            conditions = load_knowledge().conditions
        for index, code in enumerate(intake.diagnoses):
            if code not in conditions:
                raise InputError(
                    f"diagnoses[{index}]", f"unknown condition {code!r}", sorted(conditions)
                )
    return intake
