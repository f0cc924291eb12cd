"""Treatment planning: from an intake (and its screening) to a sourced, safe plan.

`plan(intake)` screens the intake, then, when the disposition allows treatment (caution or
proceed), draws points from the protocols that match each pain region, the pain's duration
(acute < 6 weeks, subacute 6 to < 12, chronic >= 12) and the sciatica pattern (pain radiating
below the knee). Safety is enforced here, not advised:

- a point the screening avoids, or one in an avoided body region, is never planned; it is
  listed in `excluded` with the reason;
- angle and depth come from the knowledge base; depth is clipped to the smallest of the point's
  own safe depth (thoracic-risk flags) and the screening's `max_depth_mm` for the point or `"*"`;
  thoracic-risk points are always oblique or transverse;
- a method the screening avoids is dropped and listed in `excluded`; every other method is
  placed (`points`, `regions`) on the plan's own points or the unavoided regions of the pain,
  as its `site` in protocols.yaml says, and is dropped when nowhere is left;
- the number of needles keeps within the course default and the screening's `max_needles`,
  taking points in priority order (1 core, 2 usual, 3 optional).

Laterality follows `pain.side`: left or right pain is needled on that side, `both` and
`central` on both sides; GV, CV and other midline points once. The same intake, knowledge base
and policy always give the same plan.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from acuback.clinical.intake import Intake
from acuback.clinical.placement import Placed, place_methods, why_not
from acuback.clinical.plan_model import (
    CoursePlan,
    Excluded,
    GuidelineNote,
    Plan,
    PlannedMethod,
    PlannedPoint,
    SelfCare,
)
from acuback.clinical.protocols import (
    ProtocolPoint,
    load_courses,
    load_guidelines,
    load_protocols,
)
from acuback.clinical.screening import Constraints, ScreeningResult, screen
from acuback.clinical.screening_rules import POSITION_WORDS, Policy
from acuback.clinical.sides import PointSide, needles_at, point_side
from acuback.knowledge import KnowledgeBase, Point, load_knowledge
from acuback.knowledge.models import POSITION_FLAG_KINDS

__all__ = ["TREATING", "plan"]

TREATING = ("caution", "proceed")  # the dispositions under which points are planned


# ----- safety checks --------------------------------------------------------------------------


def _depth(point: Point, constraints: Constraints) -> tuple[float, float]:
    limits = [
        limit
        for limit in (point.max_safe_depth_mm, constraints.depth_limit(point.code))
        if limit is not None
    ]
    high = min([point.depth_mm.max, *limits])
    return (min(point.depth_mm.min, high), high)


def _angle(point: Point) -> str:
    if point.has_flag("thoracic_risk") and point.angle == "perpendicular":
        return "oblique"  # the model refuses this combination; kept as a second guard
    return point.angle


# ----- points ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Candidate:
    entry: ProtocolPoint
    sources: tuple[str, ...]


def _candidates(intake: Intake) -> tuple[_Candidate, ...]:
    """Protocol points for the intake, best first (priority, then region and protocol order)."""
    regions = tuple(dict.fromkeys(intake.pain.regions))
    return _ranked(regions, intake.duration, intake.pain.radiates_below_knee)


@lru_cache(maxsize=256)  # a few dozen presentations cover every intake
def _ranked(regions: tuple[str, ...], duration: str, sciatica: bool) -> tuple[_Candidate, ...]:
    book = load_protocols()
    ranked: dict[str, tuple[tuple[int, int, int, int], _Candidate]] = {}
    for r_index, region in enumerate(regions):
        for p_index, protocol in enumerate(book.protocols):
            if not protocol.applies(region, duration, sciatica):
                continue
            for e_index, entry in enumerate(protocol.points):
                key = (entry.priority, r_index, p_index, e_index)
                if entry.code not in ranked or key < ranked[entry.code][0]:
                    sources = entry.sources or protocol.sources
                    ranked[entry.code] = (key, _Candidate(entry, sources))
    return tuple(candidate for _, candidate in sorted(ranked.values(), key=lambda item: item[0]))


def _side(point: Point, intake: Intake) -> PointSide:
    midline = point.meridian in ("GV", "CV") or point.code in load_protocols().midline_points
    return point_side(intake.pain.side, midline=midline)


def _named_avoidances(constraints: Constraints, listed: set[str]) -> list[Excluded]:
    """Points the screening rules out one by one (not region-wide), so the practitioner sees
    them even when no protocol proposed them: LI4, SP6, BL60, BL67, GB21 in pregnancy."""
    return [
        Excluded(code=avoid.code, kind="point", reason=avoid.reason)
        for avoid in constraints.avoid_points
        if avoid.code not in listed
        and avoid.flag not in POSITION_FLAG_KINDS
        and avoid.flag != "needling_forbidden"  # never needled by anyone: not news
    ]


def _choose_points(
    intake: Intake, kb: KnowledgeBase, constraints: Constraints
) -> tuple[list[PlannedPoint], list[Excluded], list[str]]:
    limits = load_courses().needles
    cap = limits.default_max
    if constraints.max_needles is not None:
        cap = min(cap, constraints.max_needles)
    chosen: list[PlannedPoint] = []
    excluded: list[Excluded] = []
    spare: list[str] = []
    needles = 0
    for candidate in _candidates(intake):
        point = kb.points.get(candidate.entry.code)
        if point is None:
            excluded.append(
                Excluded(
                    code=candidate.entry.code, kind="point", reason="not in the knowledge base"
                )
            )
            continue
        why = why_not(point, constraints)
        if why:
            excluded.append(Excluded(code=point.code, kind="point", reason=why))
            continue
        side = _side(point, intake)
        count = needles_at(side)
        if spare or needles + count > cap or len(chosen) >= limits.default_max_points:
            spare.append(point.code)  # keep priority order: nothing lower jumps the queue
            continue
        needles += count
        chosen.append(
            PlannedPoint(
                code=point.code,
                name=f"{point.pinyin_ascii} ({point.english})",
                side=side,
                role=candidate.entry.role,
                angle=_angle(point),
                direction=point.direction,
                depth_mm=_depth(point, constraints),
                reason=candidate.entry.reason,
                sources=candidate.sources,
                cautions=point.cautions,
            )
        )
    excluded += _named_avoidances(constraints, {e.code for e in excluded})
    notes = []
    if spare:
        notes.append(
            f"Kept to {cap} needles and {limits.default_max_points} points; also suitable if "
            f"more are wanted: {', '.join(spare)}."
        )
    return chosen, excluded, notes


# ----- methods, course, self-care, guidelines -------------------------------------------------


def _methods(
    intake: Intake, kb: KnowledgeBase, constraints: Constraints, placed: Placed
) -> tuple[list[PlannedMethod], list[Excluded]]:
    chosen: list[PlannedMethod] = []
    excluded: list[Excluded] = []
    for offer, site in place_methods(intake, kb, constraints, placed):
        if isinstance(site, str):
            excluded.append(Excluded(code=offer.code, kind="method", reason=site))
            continue
        method = kb.methods.get(offer.code)
        chosen.append(
            PlannedMethod(
                code=offer.code,
                name=method.name if method else offer.code,
                when=offer.when,
                details=" ".join(offer.details.split()),
                parameters=offer.parameters,
                sources=offer.sources,
                points=site.points,
                regions=site.regions,
            )
        )
    return chosen, excluded


def _course(intake: Intake) -> CoursePlan:
    book = load_courses()
    course = book.course(intake.duration)
    payer = tuple(
        rule
        for rule in book.payer_rules
        if intake.duration in rule.durations and any(r in rule.regions for r in intake.pain.regions)
    )
    return CoursePlan(
        sessions_per_week=course.sessions_per_week,
        weeks=course.weeks,
        total_sessions=course.total_sessions,
        reassess_after_sessions=course.reassess_after_sessions,
        retention_minutes=course.retention_minutes,
        extension=" ".join(course.extension.split()),
        basis=course.basis,
        sources=course.sources,
        payer_rules=payer,
    )


def _self_care(
    intake: Intake, kb: KnowledgeBase, constraints: Constraints
) -> tuple[list[SelfCare], list[Excluded]]:
    book = load_protocols()
    chosen: dict[str, SelfCare] = {}
    excluded: dict[str, Excluded] = {}
    blocked = constraints.method_reasons.get("acupressure")
    if blocked is None and "acupressure" in constraints.avoid_methods:
        blocked = "avoided by the screening"
    for region in dict.fromkeys(intake.pain.regions):
        for entry in book.self_care.get(region, ()):
            point = kb.points.get(entry.code)
            why = blocked or (why_not(point, constraints) if point else "not in the knowledge base")
            if why:
                excluded.setdefault(
                    entry.code, Excluded(code=entry.code, kind="self_care", reason=why)
                )
            elif entry.code not in chosen:
                chosen[entry.code] = SelfCare(
                    code=entry.code, name=entry.name, how=entry.how, sources=entry.sources
                )
    return list(chosen.values())[:4], list(excluded.values())


def _guidelines(intake: Intake) -> tuple[tuple[GuidelineNote, ...], list[str]]:
    notes = tuple(
        GuidelineNote(
            guideline=s.guideline,
            stance=s.stance,
            statement=" ".join(s.statement.split()),
            verified=s.verified,
        )
        for s in load_guidelines()
        if intake.duration in s.durations and any(r in s.regions for r in intake.pain.regions)
    )
    extra = []
    if any(r != "lower_back" for r in intake.pain.regions):
        extra.append(
            "The guideline statements acuback holds are for low back pain; it holds none for "
            "neck or upper back pain."
        )
    return notes, extra


# ----- the plan -------------------------------------------------------------------------------


def plan(
    intake: Intake,
    kb: KnowledgeBase | None = None,
    policy: Policy | None = None,
    screening: ScreeningResult | None = None,
) -> Plan:
    """A treatment plan for the intake; no points unless the disposition is caution or proceed."""
    kb = kb if kb is not None else load_knowledge()
    result = screening if screening is not None else screen(intake, kb, policy)
    guidelines, guideline_notes = _guidelines(intake)
    if result.disposition not in TREATING:
        top = [r.message for r in result.reasons if r.disposition == result.disposition]
        return Plan(
            screening=result,
            points=(),
            methods=(),
            course=None,
            excluded=(),
            self_care=(),
            guidelines=guidelines,
            instead=(result.next_step, *top),
            notes=tuple(guideline_notes),
        )
    constraints = result.constraints
    points, point_excluded, point_notes = _choose_points(intake, kb, constraints)
    self_care, care_excluded = _self_care(intake, kb, constraints)
    placed = Placed(
        points=tuple(p.code for p in points),
        local=tuple(p.code for p in points if p.role == "local"),
        self_care=tuple(c.code for c in self_care),
    )
    methods, method_excluded = _methods(intake, kb, constraints, placed)
    instead: tuple[str, ...] = ()
    if not points:
        instead = (
            "No acupuncture point in the protocols for this presentation is safe under the "
            "screening constraints; consider the remaining methods or refer.",
        )
    notes = [*constraints.notes, *point_notes, *guideline_notes]
    if constraints.position:
        notes.insert(0, f"Treat the patient {POSITION_WORDS[constraints.position]}.")
    return Plan(
        screening=result,
        points=tuple(points),
        methods=tuple(methods),
        course=_course(intake),
        excluded=(*point_excluded, *method_excluded, *care_excluded),
        self_care=tuple(self_care),
        guidelines=guidelines,
        instead=instead,
        notes=tuple(notes),
    )
