"""The shape of a treatment plan (SPEC "Plan result"): what `planning.plan` returns and the
records layer stores. Building a plan is `planning.py`'s work.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict

from acuback.clinical.protocols import PayerRule, Role
from acuback.clinical.screening import ScreeningResult
from acuback.clinical.sides import PointSide

__all__ = [
    "CoursePlan",
    "Excluded",
    "GuidelineNote",
    "Plan",
    "PlannedMethod",
    "PlannedPoint",
    "SelfCare",
]


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class PlannedPoint(_Frozen):
    code: str
    name: str
    side: PointSide
    role: Role
    angle: str
    direction: str | None
    depth_mm: tuple[float, float]
    reason: str
    sources: tuple[str, ...]
    cautions: tuple[str, ...] = ()


class PlannedMethod(_Frozen):
    """A method and where it is applied: `points` (codes) and the body `regions` they lie in,
    or the regions of an area method such as tui na."""

    code: str
    name: str
    when: str
    details: str
    parameters: dict[str, str]
    sources: tuple[str, ...]
    points: tuple[str, ...] = ()
    regions: tuple[str, ...] = ()


class CoursePlan(_Frozen):
    sessions_per_week: int
    weeks: int
    total_sessions: int
    reassess_after_sessions: int
    retention_minutes: int
    extension: str
    basis: str
    sources: tuple[str, ...]
    payer_rules: tuple[PayerRule, ...] = ()


class Excluded(_Frozen):
    code: str
    kind: Literal["point", "method", "self_care"]
    reason: str


class SelfCare(_Frozen):
    code: str
    name: str
    how: str
    sources: tuple[str, ...]


class GuidelineNote(_Frozen):
    guideline: str
    stance: str
    statement: str
    verified: bool


class Plan(_Frozen):
    """SPEC "Plan result"; `instead` says what to do when no treatment is planned."""

    screening: ScreeningResult
    points: tuple[PlannedPoint, ...]
    methods: tuple[PlannedMethod, ...]
    course: CoursePlan | None
    excluded: tuple[Excluded, ...]
    self_care: tuple[SelfCare, ...]
    guidelines: tuple[GuidelineNote, ...]
    instead: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()
