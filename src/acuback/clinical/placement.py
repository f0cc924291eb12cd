"""Where the screening allows a point, and where each planned method is applied.

A point is forbidden when the screening names it or when any body region it lies in is avoided
(`why_not`). A method is placed on the plan's own points, or on the unavoided regions of the
pain, as its `site` in `data/protocols.yaml` says (`place_methods`); because it only uses points
the plan already holds and regions the screening leaves open, every constraint that removes a
point (avoided regions, pregnancy, skin infection in the treatment area, implants) removes or
moves the method too, and a method with nowhere left to go is excluded with the reason.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache

from acuback.clinical.intake import Intake
from acuback.clinical.protocols import MethodOffer, MethodSite, load_protocols
from acuback.clinical.screening import Constraints
from acuback.clinical.screening_rules import load_rule_table
from acuback.knowledge import KnowledgeBase, Point

__all__ = ["Placed", "Site", "place_methods", "point_regions", "why_not"]

_LEVEL_REGIONS = {"C": "neck", "T": "upper_back", "L": "lower_back", "S": "sacrum"}


def point_regions(point: Point) -> tuple[str, ...]:
    """The point's body region, plus every region its vertebral levels reach (EX-B2 Jiaji runs
    from T1 to L5, so it lies in the upper back as well as the lower back)."""
    return _regions(point.region, point.levels)


@lru_cache(maxsize=512)
def _regions(region: str, levels: tuple[str, ...]) -> tuple[str, ...]:
    extra = (_LEVEL_REGIONS[level[0]] for level in levels)
    return tuple(dict.fromkeys((region, *extra)))


def why_not(point: Point, constraints: Constraints) -> str | None:
    """Why the screening forbids a point, or None when it may be used."""
    reason = constraints.point_reason(point.code)
    if reason:
        return reason
    for region in point_regions(point):
        if region in constraints.avoid_regions:
            why = constraints.region_reasons.get(region, "avoided by the screening")
            return f"{region.replace('_', ' ')} region {why}"
    return None


@dataclass(frozen=True)
class Placed:
    """The point codes a plan holds: all of them, the local ones, the self-care ones."""

    points: tuple[str, ...]
    local: tuple[str, ...]
    self_care: tuple[str, ...]


@dataclass(frozen=True)
class Site:
    points: tuple[str, ...]
    regions: tuple[str, ...]


def _nowhere(site: MethodSite) -> str:
    kind = {"local": "local point", "self_care": "self-care point"}.get(site.points, "point")
    where = ""
    if site.regions:
        where = " in the " + " or ".join(r.replace("_", " ") for r in site.regions)
    if site.min_points > 1:
        return f"fewer than {site.min_points} {kind}s{where} are left in the plan for it"
    return f"no {kind}{where} is left in the plan for it"


def _site(
    site: MethodSite, intake: Intake, kb: KnowledgeBase, constraints: Constraints, placed: Placed
) -> Site | str:
    """Where the method goes, or why it has nowhere to go."""
    if site.area:
        areas = load_rule_table().treatment_areas
        wanted: dict[str, None] = dict.fromkeys(r for p in intake.pain.regions for r in areas[p])
        regions = tuple(r for r in wanted if r not in constraints.avoid_regions)
        return Site((), regions) if regions else "every region of the pain is avoided"
    if site.points == "none":
        return Site((), ())
    pool = {"planned": placed.points, "local": placed.local, "self_care": placed.self_care}
    avoided = {a.code for a in constraints.avoid_points}
    regions_off = set(constraints.avoid_regions)
    codes = [  # the plan's points are already safe; checked again, cheaply, as a second guard
        c
        for c in pool[site.points]
        if c not in avoided and regions_off.isdisjoint(point_regions(kb.points[c]))
    ]
    if site.regions:
        codes = [c for c in codes if set(point_regions(kb.points[c])) & set(site.regions)]
    codes = codes[: site.at_most]
    if len(codes) < site.min_points:
        return _nowhere(site)
    regions = tuple(dict.fromkeys(r for c in codes for r in point_regions(kb.points[c])))
    return Site(tuple(codes), regions)


def place_methods(
    intake: Intake, kb: KnowledgeBase, constraints: Constraints, placed: Placed
) -> Iterator[tuple[MethodOffer, Site | str]]:
    """Each method offered for the intake with its site, or the reason it is left out."""
    for offer in load_protocols().methods:
        if not offer.applies(intake.pain.regions, intake.duration, intake.pain.radiates_below_knee):
            continue
        reason = constraints.method_reasons.get(offer.code)
        if reason is None and offer.code in constraints.avoid_methods:
            reason = "avoided by the screening"
        yield offer, reason or _site(offer.site, intake, kb, constraints, placed)
