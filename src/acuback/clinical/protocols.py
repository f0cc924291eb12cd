"""Planning data as typed models: protocols, self-care, methods, courses, payer rules, guidelines.

Loaded lazily from `data/protocols.yaml`, `data/course.yaml` and `data/guidelines.yaml` (each
file's header says what a record holds and where its facts come from). A malformed record
raises `KnowledgeError` naming the file, the record and the field.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any, Literal, TypeVar

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from acuback.clinical.data_snapshot import read_yaml
from acuback.clinical.intake import DURATIONS, PAIN_REGIONS, Duration, PainRegion
from acuback.errors import KnowledgeError
from acuback.knowledge.models import PointCode, Region

__all__ = [
    "Course",
    "CourseBook",
    "GuidelineStatement",
    "MethodOffer",
    "MethodSite",
    "NeedleLimits",
    "PayerRule",
    "Protocol",
    "ProtocolBook",
    "ProtocolPoint",
    "Role",
    "SelfCarePoint",
    "load_courses",
    "load_guidelines",
    "load_protocols",
]

Role = Literal["local", "adjacent", "distal"]
M = TypeVar("M", bound=BaseModel)


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


Sources = tuple[str, ...]


class ProtocolPoint(_Frozen):
    code: PointCode
    role: Role
    priority: int = Field(ge=1, le=3)
    reason: str = Field(min_length=10)
    sources: Sources = ()


class Protocol(_Frozen):
    id: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    region: PainRegion
    durations: tuple[Duration, ...] = Field(min_length=1)
    sciatica: bool | None = None
    label: str
    points: tuple[ProtocolPoint, ...] = Field(min_length=1)
    sources: Sources = Field(min_length=1)
    verified: bool = False

    def applies(self, region: str, duration: str, sciatica: bool) -> bool:
        return (
            self.region == region
            and duration in self.durations
            and (self.sciatica is None or self.sciatica == sciatica)
        )


class SelfCarePoint(_Frozen):
    code: PointCode
    name: str
    how: str = Field(min_length=10)
    sources: Sources = Field(min_length=1)


class MethodSite(_Frozen):
    """Where a method is applied (see the `methods` header of protocols.yaml)."""

    points: Literal["planned", "local", "self_care", "none"]
    regions: tuple[Region, ...] = ()  # only points in these body regions; () means any
    area: bool = False  # applied over the treatment area of the pain (tui na)
    min_points: int = Field(default=1, ge=1)
    at_most: int | None = Field(default=None, ge=1)


class MethodOffer(_Frozen):
    code: str
    site: MethodSite
    durations: tuple[Duration, ...] = Field(min_length=1)
    also_with_sciatica: bool = False
    regions: tuple[PainRegion, ...] = PAIN_REGIONS  # type: ignore[assignment]
    when: str
    details: str
    parameters: dict[str, str] = Field(default_factory=dict)
    sources: Sources = Field(min_length=1)
    verified: bool = False

    def applies(self, regions: tuple[str, ...], duration: str, sciatica: bool) -> bool:
        timely = duration in self.durations or (self.also_with_sciatica and sciatica)
        return timely and any(r in self.regions for r in regions)


class ProtocolBook(_Frozen):
    protocols: tuple[Protocol, ...]
    midline_points: tuple[PointCode, ...] = ()
    self_care: dict[PainRegion, tuple[SelfCarePoint, ...]]
    methods: tuple[MethodOffer, ...]

    @model_validator(mode="after")
    def _unique(self) -> ProtocolBook:
        ids = [p.id for p in self.protocols]
        if len(ids) != len(set(ids)):
            raise ValueError("protocol ids must be unique")
        for protocol in self.protocols:
            codes = [p.code for p in protocol.points]
            if len(codes) != len(set(codes)):
                raise ValueError(f"protocol {protocol.id} lists a point twice")
        return self


class Course(_Frozen):
    duration: Duration
    sessions_per_week: int = Field(ge=1, le=7)
    weeks: int = Field(ge=1)
    total_sessions: int = Field(ge=1)
    reassess_after_sessions: int = Field(ge=1)
    retention_minutes: int = Field(ge=1, le=60)
    extension: str
    basis: str
    sources: Sources = Field(min_length=1)
    verified: bool = False

    @model_validator(mode="after")
    def _consistent(self) -> Course:
        if self.total_sessions > self.sessions_per_week * self.weeks:
            raise ValueError("total_sessions exceeds sessions_per_week x weeks")
        if self.reassess_after_sessions > self.total_sessions:
            raise ValueError("reassess_after_sessions exceeds total_sessions")
        return self


class NeedleLimits(_Frozen):
    default_max: int = Field(ge=1)
    default_max_points: int = Field(ge=1)
    sources: Sources = Field(min_length=1)
    verified: bool = False


class PayerRule(_Frozen):
    id: str
    payer: str
    rule: str
    regions: tuple[PainRegion, ...]
    durations: tuple[Duration, ...]
    initial_visits: int = Field(ge=1)
    initial_days: int = Field(ge=1)
    additional_visits_if_improving: int = Field(ge=0)
    max_visits_per_year: int = Field(ge=1)
    conditions: str
    sources: Sources = Field(min_length=1)


class CourseBook(_Frozen):
    courses: tuple[Course, ...]
    needles: NeedleLimits
    payer_rules: tuple[PayerRule, ...] = ()

    @model_validator(mode="after")
    def _one_per_duration(self) -> CourseBook:
        if tuple(c.duration for c in self.courses) != DURATIONS:
            raise ValueError(f"courses must be given for {DURATIONS} in that order")
        return self

    def course(self, duration: str) -> Course:
        return self.courses[DURATIONS.index(duration)]


class GuidelineStatement(_Frozen):
    guideline: str
    regions: tuple[PainRegion, ...] = Field(min_length=1)
    durations: tuple[Duration, ...] = Field(min_length=1)
    stance: Literal["option", "may_use", "against", "insufficient", "historical"]
    statement: str = Field(min_length=20)
    verified: bool = True


def _read(name: str) -> Any:
    return read_yaml(name)


def _validate(model: type[M], raw: Any, name: str) -> M:
    try:
        return model.model_validate(raw)
    except ValidationError as exc:
        first = exc.errors()[0]
        loc = tuple(first["loc"])
        record: Any = raw
        for part in loc[:2]:  # the record: e.g. protocols[3]
            try:
                record = record[part]
            except (KeyError, IndexError, TypeError):
                break
        label = record.get("id", record.get("code", "-")) if isinstance(record, dict) else "-"
        field = ".".join(str(p) for p in loc) or "-"
        raise KnowledgeError(f"clinical/data/{name}", str(label), field, first["msg"]) from None


@lru_cache(maxsize=1)
def load_protocols() -> ProtocolBook:
    return _validate(ProtocolBook, _read("protocols.yaml"), "protocols.yaml")


@lru_cache(maxsize=1)
def load_courses() -> CourseBook:
    return _validate(CourseBook, _read("course.yaml"), "course.yaml")


class _Guidelines(_Frozen):
    statements: tuple[GuidelineStatement, ...]


@lru_cache(maxsize=1)
def load_guidelines() -> tuple[GuidelineStatement, ...]:
    raw = _read("guidelines.yaml")
    return _validate(_Guidelines, {"statements": raw}, "guidelines.yaml").statements
