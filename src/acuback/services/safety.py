"""Safety checks of what a practitioner charts or edits, against the patient's screening.

A charted needle needs an override reason when the screening forbids its point (avoided point
or region), forbids its method (electroacupuncture), or forbids treatment altogether (a
disposition other than caution or proceed, or no screening at all), and when it goes deeper
than the point's limit: the smallest of the point's usual maximum depth, its safe depth
(thoracic-risk flags) and the screening's `max_depth_mm`. A plan edit may not break any of
these: there an error names the field, because no plan may hold what the screening forbids.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from acuback.clinical.planning import TREATING
from acuback.clinical.screening import Constraints, ScreeningResult
from acuback.clinical.sides import needles_at
from acuback.errors import AmbiguousCode, InputError, NotFound
from acuback.knowledge import KnowledgeBase, Point
from acuback.records import NeedleInsertion

__all__ = [
    "TREATING",
    "NeedleCheck",
    "check_needles",
    "check_plan_methods",
    "check_plan_points",
    "depth_limit",
    "known_point",
]

_ELECTRO = "electroacupuncture"


@dataclass(frozen=True)
class NeedleCheck:
    """What is wrong with one charted needle (by its position in the chart)."""

    index: int
    point: str
    problems: tuple[str, ...]
    override_reason: str | None

    @property
    def needs_override(self) -> bool:
        return bool(self.problems)

    @property
    def resolved(self) -> bool:
        """True when nothing is wrong or an override reason says why it was done anyway."""
        return not self.problems or bool(self.override_reason)


def known_point(kb: KnowledgeBase, code: str, field: str) -> Point:
    """The point for `code`; an unknown code is an `InputError` on `field` with suggestions."""
    try:
        return kb.point(code)
    except AmbiguousCode as exc:
        raise AmbiguousCode(field, exc.code, exc.readings) from None
    except NotFound as exc:
        raise InputError(field, f"unknown point {code!r}", exc.suggestions or None) from None


def depth_limit(point: Point, constraints: Constraints | None) -> float:
    """The deepest a point may be needled without an override, in mm."""
    limits = [point.depth_mm.max]
    if point.max_safe_depth_mm is not None:
        limits.append(point.max_safe_depth_mm)
    if constraints is not None and (limit := constraints.depth_limit(point.code)) is not None:
        limits.append(limit)
    return min(limits)


def _forbidden(point: Point, constraints: Constraints) -> str | None:
    reason = constraints.point_reason(point.code)
    if reason:
        return f"{point.code} is avoided: {reason}"
    if point.region in constraints.avoid_regions:
        return f"{point.code} lies in the {point.region.replace('_', ' ')} region, which is avoided"
    return None


def _problems(
    needle: NeedleInsertion, point: Point, screening: ScreeningResult | None
) -> list[str]:
    if screening is None:
        return ["the patient has no screened intake: screen before needling"]
    problems: list[str] = []
    if screening.disposition not in TREATING:
        problems.append(f"the screening says {screening.disposition}: {screening.next_step}")
    constraints = screening.constraints
    if (why := _forbidden(point, constraints)) is not None:
        problems.append(why)
    if needle.stimulation == "electro" and _ELECTRO in constraints.avoid_methods:
        problems.append("electroacupuncture is avoided for this patient")
    limit = depth_limit(point, constraints)
    if needle.depth_mm > limit:
        problems.append(f"{needle.depth_mm:g} mm is deeper than the {limit:g} mm limit")
    return problems


def check_needles(
    needles: Sequence[NeedleInsertion],
    screening: ScreeningResult | None,
    kb: KnowledgeBase,
    field: str = "needles",
) -> list[NeedleCheck]:
    """Check every charted needle; unknown point codes are an `InputError`."""
    checks = []
    for index, needle in enumerate(needles):
        point = known_point(kb, needle.point, f"{field}[{index}].point")
        problems = _problems(needle, point, screening)
        checks.append(NeedleCheck(index, point.code, tuple(problems), needle.override_reason))
    return checks


def check_plan_points(
    points: Sequence[Mapping[str, Any]], screening: ScreeningResult, kb: KnowledgeBase
) -> list[Point]:
    """Refuse an edited plan point list that the screening forbids (naming `points[i]...`)."""
    constraints = screening.constraints
    found: list[Point] = []
    needles = 0
    for index, item in enumerate(points):
        point = known_point(kb, str(item.get("code", "")), f"points[{index}].code")
        if (why := _forbidden(point, constraints)) is not None:
            raise InputError(f"points[{index}].code", why)
        deepest = max(item.get("depth_mm") or (point.depth_mm.max,))
        limit = depth_limit(point, constraints)
        if deepest > limit:
            raise InputError(f"points[{index}].depth_mm", f"deeper than {limit:g} mm")
        needles += needles_at(str(item.get("side", "")))
        found.append(point)
    if constraints.max_needles is not None and needles > constraints.max_needles:
        raise InputError(
            "points", f"{needles} needles; the screening allows {constraints.max_needles}"
        )
    return found


def check_plan_methods(
    methods: Sequence[str], screening: ScreeningResult, kb: KnowledgeBase
) -> None:
    for index, code in enumerate(methods):
        if code not in kb.methods:
            raise InputError(f"methods[{index}]", f"unknown method {code!r}", sorted(kb.methods))
        if code in screening.constraints.avoid_methods:
            raise InputError(f"methods[{index}]", f"{code} is avoided for this patient")
