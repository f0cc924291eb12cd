"""Typed, frozen models of the acupuncture knowledge base.

Every record is validated when the packaged data is loaded (see `loader.py`); nothing here reads
files. Conventions:
- point codes are WHO 2008 codes (`BL23`) or WHO 1991 extra-point codes (`EX-B2`);
- depths are millimetres for an average adult, converted from textbook cun depths where the
  source gives cun (see the header of `data/points/*.yaml` for the conversion);
- every fact-bearing record names one or more keys into `data/bibliography.yaml`; `verified`
  says whether a person has checked the record against those sources.
"""

from __future__ import annotations

import re
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, model_validator

__all__ = [
    "ANGLES",
    "FLAG_KINDS",
    "POSITION_FLAG_KINDS",
    "REGIONS",
    "VERTEBRAE",
    "Alias",
    "Angle",
    "Category",
    "Condition",
    "ConfluentPair",
    "DepthRange",
    "FlagKind",
    "Meridian",
    "Method",
    "MethodContraindication",
    "Point",
    "PointCode",
    "PointRecord",
    "Region",
    "SafetyFlag",
    "Source",
    "SourceKey",
]

_POINT_CODE = re.compile(
    r"^(?:(?:LU|LI|ST|SP|HT|SI|BL|KI|PC|TE|GB|LR|GV|CV)[1-9]\d?|EX-(?:HN|CA|B|UE|LE)[1-9]\d?)$"
)
_SOURCE_KEY = re.compile(r"^[a-z][a-z0-9_]*$")


def _check_point_code(value: str) -> str:
    if not _POINT_CODE.match(value):
        raise ValueError(f"{value!r} is not a WHO point code such as BL23 or EX-B2")
    return value


def _check_source_key(value: str) -> str:
    if not _SOURCE_KEY.match(value):
        raise ValueError(f"{value!r} is not a bibliography key (lower_snake_case)")
    return value


PointCode = Annotated[str, AfterValidator(_check_point_code)]
SourceKey = Annotated[str, AfterValidator(_check_source_key)]
Sources = Annotated[tuple[SourceKey, ...], Field(min_length=1)]

Region = Literal[
    "head",
    "face",
    "neck",
    "shoulder",
    "chest",
    "lateral_trunk",
    "upper_abdomen",
    "lower_abdomen",
    "upper_back",
    "lower_back",
    "sacrum",
    "buttock",
    "upper_arm",
    "forearm",
    "hand",
    "thigh",
    "knee",
    "lower_leg",
    "foot",
]
REGIONS: tuple[str, ...] = Region.__args__  # type: ignore[attr-defined]

Angle = Literal["perpendicular", "oblique", "transverse"]
ANGLES: tuple[str, ...] = Angle.__args__  # type: ignore[attr-defined]

FlagKind = Literal[
    "pregnancy_forbidden",  # classically forbidden in pregnancy (LI4, SP6, BL60, BL67, BL31-BL34)
    "pregnancy_caution",  # commonly cautioned in pregnancy (GB21, LR3 ...)
    "lower_abdominal",  # WHO 1999: avoid in the first trimester
    "upper_abdominal",  # WHO 1999: avoid from the third month
    "lumbosacral",  # WHO 1999: avoid in pregnancy
    "thoracic_risk",  # pneumothorax risk: needs max_depth_mm and an oblique/transverse angle
    "sternal_foramen",
    "scapular_foramen",
    "major_vessel",
    "deep_structure",  # eye, medulla, trachea and the like: depth and direction critical
    "needling_forbidden",  # never needled (CV8 umbilicus, ST17 nipple): pressure or moxa only
]
FLAG_KINDS: tuple[str, ...] = FlagKind.__args__  # type: ignore[attr-defined]
# Flags that follow from where a point lies rather than from the point itself.
POSITION_FLAG_KINDS: frozenset[str] = frozenset(
    {"lower_abdominal", "upper_abdominal", "lumbosacral"}
)

Category = Literal[
    "back_shu",
    "front_mu",
    "yuan_source",
    "luo_connecting",
    "xi_cleft",
    "jing_well",
    "ying_spring",
    "shu_stream",
    "jing_river",
    "he_sea",
    "lower_he_sea",
    "confluent",
    "hui_meeting",
    "command",
    "window_of_heaven",
    "ghost",
    "entry",
    "exit",
]

VERTEBRAE: tuple[str, ...] = (
    *(f"C{i}" for i in range(1, 8)),
    *(f"T{i}" for i in range(1, 13)),
    *(f"L{i}" for i in range(1, 6)),
    *(f"S{i}" for i in range(1, 5)),
)


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Source(_Frozen):
    """One bibliography entry."""

    key: SourceKey
    citation: str = Field(min_length=5)
    kind: Literal[
        "standard",
        "guideline",
        "textbook",
        "trial",
        "review",
        "study",
        "web",
        "dataset",
        "payer_rule",
        "instrument",
    ]
    year: int | None = None
    url: str | None = None
    note: str | None = None
    verified: bool = True


class DepthRange(_Frozen):
    """Needling depth in mm: 0 < min <= max."""

    min: float = Field(gt=0)
    max: float = Field(gt=0)

    @model_validator(mode="after")
    def _ordered(self) -> DepthRange:
        if self.min > self.max:
            raise ValueError(f"min {self.min} is greater than max {self.max}")
        return self

    @model_validator(mode="before")
    @classmethod
    def _from_pair(cls, value: object) -> object:
        if isinstance(value, (list, tuple)) and len(value) == 2:
            return {"min": value[0], "max": value[1]}
        return value


DepthBasis = Literal[
    "textbook", "measured_minimum", "measured_lower_percentile", "measured_mean_minus_2sd"
]


class SafetyFlag(_Frozen):
    """A sourced warning attached to a point. Screening turns flags into constraints."""

    kind: FlagKind
    sources: Sources
    max_depth_mm: float | None = Field(default=None, gt=0)
    # where max_depth_mm comes from: the textbook depth, or the safe end of measured depths
    # (never a mean: half of the people measured are shallower than their mean)
    depth_basis: DepthBasis = "textbook"
    note: str | None = None
    verified: bool = True

    @model_validator(mode="after")
    def _thoracic_needs_depth(self) -> SafetyFlag:
        if self.kind == "thoracic_risk" and self.max_depth_mm is None:
            raise ValueError("a thoracic_risk flag needs max_depth_mm")
        return self


class PointRecord(_Frozen):
    """The clinical half of a point, as written in `data/points/*.yaml`."""

    code: PointCode
    region: Region
    location: str = Field(min_length=20)
    angle: Angle
    direction: str | None = None
    depth_mm: DepthRange
    cautions: tuple[str, ...] = ()
    categories: tuple[Category, ...] = ()
    levels: tuple[str, ...] = ()  # vertebral levels for grouped points such as EX-B2 Jiaji
    flags: tuple[SafetyFlag, ...] = ()
    sources: Sources
    verified: bool = False


class Point(PointRecord):
    """A whole point: the clinical record joined with its names from `data/point_names.csv`."""

    meridian: str
    number: int = Field(ge=1)
    pinyin: str
    pinyin_ascii: str
    hanzi: str
    english: str
    old_code: str | None = None
    name_note: str = ""

    @model_validator(mode="after")
    def _safe(self) -> Point:
        for flag in self.flags:
            if flag.kind == "thoracic_risk":
                if self.angle == "perpendicular":
                    raise ValueError("a thoracic_risk point must be needled oblique or transverse")
                if flag.max_depth_mm is not None and self.depth_mm.max > flag.max_depth_mm:
                    raise ValueError(
                        f"depth_mm max {self.depth_mm.max} exceeds the flag's max_depth_mm "
                        f"{flag.max_depth_mm}"
                    )
        for level in self.levels:
            if level not in VERTEBRAE:
                raise ValueError(f"level {level!r} is not a vertebra (C1-C7, T1-T12, L1-L5, S1-S4)")
        return self

    @property
    def max_safe_depth_mm(self) -> float | None:
        """The smallest maximum depth any flag sets, or None when no flag limits depth."""
        limits = [f.max_depth_mm for f in self.flags if f.max_depth_mm is not None]
        return min(limits) if limits else None

    def has_flag(self, kind: str) -> bool:
        return any(f.kind == kind for f in self.flags)

    @property
    def hanzi_forms(self) -> tuple[str, ...]:
        """Traditional and simplified forms (one form when they are identical)."""
        return tuple(part.strip() for part in self.hanzi.split("/"))


class ConfluentPair(_Frozen):
    """An opening (confluent) point of an extraordinary vessel and its coupled vessel."""

    opening_point: PointCode
    coupled_vessel: str
    coupled_point: PointCode


class Meridian(_Frozen):
    """One of the 20 pathways: 12 regular meridians and 8 extraordinary vessels."""

    code: str = Field(pattern=r"^[A-Za-z]{2,8}$")
    kind: Literal["regular", "extraordinary"]
    english: str
    pinyin: str
    hanzi: str
    abbreviations: tuple[str, ...] = ()  # other spellings of the code (UB, B, V for BL)
    # regular meridians
    limb: Literal["hand", "foot"] | None = None
    polarity: Literal["yin", "yang"] | None = None
    organ: str | None = None
    paired: str | None = None  # interior-exterior partner
    circulation_order: int | None = Field(default=None, ge=1, le=12)
    # extraordinary vessels
    has_own_points: bool = True
    point_count: int = Field(ge=0)
    shared_points: tuple[PointCode, ...] = ()
    confluent: ConfluentPair | None = None
    description: str = Field(min_length=10)
    sources: Sources
    verified: bool = True

    @model_validator(mode="after")
    def _shape(self) -> Meridian:
        if self.kind == "regular":
            missing = [
                name
                for name in ("limb", "polarity", "paired", "circulation_order")
                if getattr(self, name) is None
            ]
            if missing:
                raise ValueError(f"a regular meridian needs {', '.join(missing)}")
        elif self.confluent is None:
            raise ValueError("an extraordinary vessel needs its confluent (opening) point")
        return self


class Alias(_Frozen):
    """Another name a patient or text may use for one or more standard points."""

    text: str = Field(min_length=1)
    system: Literal["popular", "body_area", "old_numbering", "other_name", "alternative_code"]
    codes: tuple[PointCode, ...] = Field(min_length=1)
    note: str | None = None
    sources: Sources
    verified: bool = True


class Condition(_Frozen):
    """A back-pain condition with its ICD-10-CM codes."""

    code: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    name: str
    icd10cm: tuple[str, ...] = Field(min_length=1)
    regions: tuple[Literal["lower_back", "upper_back", "neck"], ...] = Field(min_length=1)
    needs_workup: bool  # a physician should assess before acupuncture
    workup_reason: str | None = None
    description: str = Field(min_length=10)
    sources: Sources
    verified: bool = True

    @model_validator(mode="after")
    def _reason(self) -> Condition:
        if self.needs_workup and not self.workup_reason:
            raise ValueError("needs_workup is true but workup_reason is empty")
        return self


class MethodContraindication(_Frozen):
    """A finding (intake finding code) or state that rules a method out or restricts it."""

    finding: str
    severity: Literal["avoid", "caution"]
    reason: str
    sources: Sources


class Method(_Frozen):
    """A treatment method: needling, electroacupuncture, moxibustion, tui na, acupressure."""

    code: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    name: str
    family: Literal["needling", "electrical", "heat", "manual"]
    description: str = Field(min_length=10)
    self_care: bool = False
    contraindications: tuple[MethodContraindication, ...] = ()
    sources: Sources
    verified: bool = True
