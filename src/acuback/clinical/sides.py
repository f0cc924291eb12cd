"""The sides of the body, in the three places they are named, and the one mapping between them.

- `PainSide`: where the patient feels the pain (Intake v1 `pain.side`, SPEC section 3);
- `PointSide`: where a planned point is needled (the plan result): one side, both, or midline;
- `NeedleSide`: what a chart records per row (`bilateral` is two needles, one per side).

They differ because they answer different questions; `point_side` and `needle_side` are the
only places one is turned into another, and `needles_at` the only count of needles per side.
"""

from __future__ import annotations

from typing import Literal, get_args

__all__ = [
    "NEEDLE_SIDES",
    "PAIN_SIDES",
    "POINT_SIDES",
    "NeedleSide",
    "PainSide",
    "PointSide",
    "needle_side",
    "needles_at",
    "point_side",
]

PainSide = Literal["left", "right", "both", "central"]
PointSide = Literal["left", "right", "both", "midline"]
NeedleSide = Literal["left", "right", "bilateral", "midline"]

PAIN_SIDES: tuple[str, ...] = get_args(PainSide)
POINT_SIDES: tuple[str, ...] = get_args(PointSide)
NEEDLE_SIDES: tuple[str, ...] = get_args(NeedleSide)

_NEEDLE_SIDE: dict[PointSide, NeedleSide] = {
    "left": "left",
    "right": "right",
    "both": "bilateral",
    "midline": "midline",
}


def point_side(pain: PainSide, *, midline: bool) -> PointSide:
    """Where to needle a point for pain on `pain`: a midline point on the midline; a paired
    point on the painful side, or on both sides when the pain is on both or central."""
    if midline:
        return "midline"
    return pain if pain in ("left", "right") else "both"


def needle_side(side: PointSide) -> NeedleSide:
    """The chart's side for a planned point's side (`both` is charted as `bilateral`)."""
    return _NEEDLE_SIDE[side]


def needles_at(side: str) -> int:
    """How many needles one point takes on `side` (a point or a chart side): 2 on both."""
    return 2 if side in ("both", "bilateral") else 1
