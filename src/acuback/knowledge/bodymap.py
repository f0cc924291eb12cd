"""The body map: a figure of a standing adult, front and back, with points placed anatomically.

Nothing here knows where a point is: `data/bodymap.yaml` holds the drawing (outline segments and
detail strokes), the landmark model (vertebral levels, bony and skin landmarks) and one landmark
spec per point; this module loads and checks it and resolves the specs to positions. Every
placed code must be a point of the knowledge base. `bodymap_svg` draws the SVG from this module.

Conventions. Each view has its own frame: x is the offset from the body's midline (the YAML gives
the right half, x >= 0, and bilateral things are mirrored), y grows downward from the vertex, in
figure units (the body is 800 units tall, eight heads of 100). `Marker` and `silhouette` return
document coordinates: the front view sits left, the back view right, each with its own midline
(`midline_x`). The figure is in the anatomical position, palms forward, seen at eye level.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from functools import lru_cache
from importlib.resources import files
from itertools import groupby
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from acuback.errors import InputError, KnowledgeError
from acuback.knowledge import load_knowledge

# Public too: the figure and page layout, which bodymap_svg draws from.
__all__ = [
    "BOTTOM_MARGIN",
    "LABEL_COLUMN",
    "TOP_MARGIN",
    "VIEWS",
    "Marker",
    "Node",
    "Spec",
    "View",
    "beziers",
    "check_codes",
    "join_mirrored",
    "load_figure",
    "midline_x",
    "mirrored",
    "outline_nodes",
    "page_width",
    "place",
    "placed_codes",
    "resolve_spec",
    "silhouette",
    "specs_of",
    "to_document",
]

View = Literal["front", "back"]
VIEWS: tuple[View, ...] = ("front", "back")
_FILE = "bodymap.yaml"
_DATA = files("acuback.knowledge") / "data"

# Page layout, in document units: a label column either side of the two views.
LABEL_COLUMN = 78.0
_GAP = 24.0
TOP_MARGIN = 62.0
BOTTOM_MARGIN = 40.0

Node = tuple[float, float] | tuple[float, float, Literal["corner"]]


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Spec(_Frozen):
    """Where one location of a point lies; see the header of `data/bodymap.yaml`."""

    view: View
    level: str | None = None
    levels: tuple[str, ...] | None = None
    landmark: str | None = None
    between: tuple[str, str] | None = None
    fraction: float | None = Field(default=None, ge=0.0, le=1.0)
    lateral_cun: float = Field(default=0.0, ge=0.0)
    offset_cun: tuple[float, float] = (0.0, 0.0)
    bilateral: bool = False

    @model_validator(mode="after")
    def _one_base(self) -> Spec:
        bases = [self.level, self.levels, self.landmark, self.between]
        if sum(b is not None for b in bases) != 1:
            raise ValueError("give exactly one of level, levels, landmark, between")
        if (self.between is None) != (self.fraction is None):
            raise ValueError("fraction goes with between, and between needs a fraction")
        return self


class Detail(_Frozen):
    """A stroke inside the outline (eyes, scapula, gluteal fold); mirrored unless told not to."""

    path: tuple[Node, ...] = Field(min_length=2)
    mirror: bool = True
    closed: bool = False
    filled: bool = False  # a closed shade without a stroke (hair)


class ViewFigure(_Frozen):
    outline: tuple[str, ...] = Field(min_length=1)
    details: tuple[Detail, ...] = ()
    landmarks: dict[str, tuple[float, float]]


class Figure(_Frozen):
    height: float = Field(gt=0)
    view_width: float = Field(gt=0)
    spine: dict[str, float]
    segments: dict[str, tuple[Node, ...]]
    views: dict[View, ViewFigure]
    points: dict[str, Spec | tuple[Spec, ...]]

    @property
    def b_cun(self) -> float:
        """The back's proportional cun: acromion to posterior midline is 8 B-cun (WHO 2008)."""
        return self.views["back"].landmarks["acromion"][0] / 8

    def landmarks(self, view: View) -> dict[str, tuple[float, float]]:
        """The named landmarks of a view; on the back the vertebral levels are landmarks too."""
        own = dict(self.views[view].landmarks)
        if view == "back":
            own.update({level: (0.0, y) for level, y in self.spine.items()})
        return own


@dataclass(frozen=True)
class Marker:
    """One drawn location of a point, in document coordinates."""

    code: str
    view: View
    x: float
    y: float


def specs_of(entry: Spec | tuple[Spec, ...]) -> tuple[Spec, ...]:
    return entry if isinstance(entry, tuple) else (entry,)


def resolve_spec(fig: Figure, spec: Spec) -> list[tuple[float, float]]:
    """Right-half (x >= 0) positions of a spec in its view's frame."""
    marks = fig.landmarks(spec.view)
    if spec.landmark is not None:
        base = [marks[spec.landmark]]
    elif spec.between is not None and spec.fraction is not None:
        (ax, ay), (bx, by) = marks[spec.between[0]], marks[spec.between[1]]
        base = [(ax + spec.fraction * (bx - ax), ay + spec.fraction * (by - ay))]
    else:  # level or levels: the model guarantees exactly one base
        names = (spec.level,) if spec.level is not None else spec.levels or ()
        base = [(0.0, fig.spine[name]) for name in names]
    dx = (spec.lateral_cun + spec.offset_cun[0]) * fig.b_cun
    dy = spec.offset_cun[1] * fig.b_cun
    return [(x + dx, y + dy) for x, y in base]


def _check(fig: Figure) -> None:
    """Cross-checks pydantic cannot do: names resolve, bilateral agrees with the position."""
    for view in VIEWS:
        if view not in fig.views:
            raise KnowledgeError(_FILE, "views", view, "the view is missing")
        if view == "back" and "acromion" not in fig.views[view].landmarks:
            raise KnowledgeError(_FILE, view, "landmarks", "acromion sets the B-cun: add it")
        for name in fig.views[view].outline:
            if name not in fig.segments:
                raise KnowledgeError(_FILE, view, "outline", f"unknown segment {name!r}")
    known = load_knowledge().points
    for code, entry in fig.points.items():
        if code not in known:
            raise KnowledgeError(_FILE, code, "code", "not a point in the knowledge base")
        for spec in specs_of(entry):
            marks = fig.landmarks(spec.view)
            levels = (spec.level,) if spec.level else spec.levels or ()
            for level in levels:
                if level not in fig.spine:
                    raise KnowledgeError(_FILE, code, "level", f"unknown level {level!r}")
            for name in (spec.landmark, *(spec.between or ())):
                if name is not None and name not in marks:
                    raise KnowledgeError(_FILE, code, "landmark", f"no {spec.view} {name!r}")
            for x, _ in resolve_spec(fig, spec):
                if spec.bilateral != (x > 0.5):
                    problem = "bilateral must be true exactly when the point is off the midline"
                    raise KnowledgeError(_FILE, code, "bilateral", problem)


@lru_cache(maxsize=1)
def load_figure() -> Figure:
    """Load and check `data/bodymap.yaml` once."""
    loader: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    raw: Any = yaml.load((_DATA / _FILE).read_text(encoding="utf-8"), Loader=loader)
    try:
        fig = Figure.model_validate(raw)
    except ValidationError as exc:
        first = exc.errors()[0]
        loc = [str(part) for part in first["loc"]]
        record = loc[1] if len(loc) > 1 else "-"
        raise KnowledgeError(_FILE, record, ".".join(loc) or "-", first["msg"]) from None
    _check(fig)
    return fig


def page_width() -> float:
    return 2 * LABEL_COLUMN + 2 * load_figure().view_width + _GAP


def midline_x(view: View) -> float:
    """The document x of a view's midline."""
    w = load_figure().view_width
    left = LABEL_COLUMN if view == "front" else LABEL_COLUMN + w + _GAP
    return left + w / 2


def to_document(view: View, x: float, y: float) -> tuple[float, float]:
    return midline_x(view) + x, TOP_MARGIN + y


def placed_codes() -> frozenset[str]:
    """Codes of every point the body map can draw."""
    return frozenset(load_figure().points)


def place(code: str) -> tuple[Marker, ...]:
    """Every drawn location of a placed point (both sides of a bilateral one), top to bottom."""
    fig = load_figure()
    out: list[Marker] = []
    for spec in specs_of(fig.points[code]):
        for x, y in resolve_spec(fig, spec):
            sides = (x, -x) if spec.bilateral else (x,)
            out.extend(Marker(code, spec.view, *to_document(spec.view, sx, y)) for sx in sides)
    return tuple(sorted(out, key=lambda m: (m.y, m.x)))


def mirrored(nodes: Sequence[Node]) -> list[Node]:
    return [(-n[0], n[1], *n[2:]) for n in nodes]


def join_mirrored(right: Sequence[Node]) -> list[Node]:
    """A right half that starts and ends on the midline, joined with its mirror into one loop."""
    if right[0][0] != 0 or right[-1][0] != 0:
        return list(right)
    return [*right, *mirrored(right[1:-1])[::-1]]


def outline_nodes(view: View) -> list[Node]:
    """The closed outline: right half top to bottom, then the mirrored half back up."""
    fig = load_figure()
    return join_mirrored([node for name in fig.views[view].outline for node in fig.segments[name]])


def _tangents(nodes: Sequence[Node], closed: bool) -> list[tuple[float, float]]:
    """Cardinal-spline tangents (tension 0.5); zero at a corner so the curve turns sharply."""
    n, out = len(nodes), []
    for i, node in enumerate(nodes):
        if len(node) == 3:
            out.append((0.0, 0.0))
            continue
        prev = nodes[(i - 1) % n] if closed or i > 0 else node
        nxt = nodes[(i + 1) % n] if closed or i < n - 1 else node
        out.append(((nxt[0] - prev[0]) / 2, (nxt[1] - prev[1]) / 2))
    return out


def beziers(nodes: Sequence[Node], closed: bool) -> Iterator[tuple[tuple[float, float], ...]]:
    """Cubic Bezier segments (p0, c1, c2, p1) through the nodes."""
    tans = _tangents(nodes, closed)
    count = len(nodes) if closed else len(nodes) - 1
    for i in range(count):
        j = (i + 1) % len(nodes)
        (x0, y0), (x1, y1) = nodes[i][:2], nodes[j][:2]
        c1 = (x0 + tans[i][0] / 3, y0 + tans[i][1] / 3)
        c2 = (x1 - tans[j][0] / 3, y1 - tans[j][1] / 3)
        yield (x0, y0), c1, c2, (x1, y1)


def silhouette(view: View, steps: int = 8) -> tuple[tuple[float, float], ...]:
    """The drawn outline of a view as a polygon in document coordinates (curves sampled)."""
    out: list[tuple[float, float]] = []
    for p0, c1, c2, p1 in beziers(outline_nodes(view), closed=True):
        for k in range(steps):
            t, u = k / steps, 1 - k / steps
            x = u**3 * p0[0] + 3 * u * u * t * c1[0] + 3 * u * t * t * c2[0] + t**3 * p1[0]
            y = u**3 * p0[1] + 3 * u * u * t * c1[1] + 3 * u * t * t * c2[1] + t**3 * p1[1]
            out.append(to_document(view, x, y))
    return tuple(out)


def _ranges(codes: frozenset[str]) -> str:
    """'BL1, BL2, BL10 to BL67, GV26 ...': the codes, runs of three or more numbers joined."""
    split = sorted((m[1], int(m[2])) for m in (re.match(r"^(.*?)(\d+)$", c) for c in codes) if m)
    out: list[str] = []
    for (prefix, _), run in groupby(enumerate(split), key=lambda p: (p[1][0], p[1][1] - p[0])):
        nums = [n for _, (_, n) in run]
        if len(nums) >= 3:
            out.append(f"{prefix}{nums[0]} to {prefix}{nums[-1]}")
        else:
            out += [f"{prefix}{n}" for n in nums]
    return ", ".join(out)


def check_codes(codes: Sequence[str]) -> list[str]:
    """The canonical codes, each once, in the order first given.

    Raises `NotFound` (from the knowledge base, with suggestions) for a code that is no point,
    and `InputError` for a real point the map does not place.
    """
    kb, placed = load_knowledge(), placed_codes()
    out: list[str] = []
    for given in codes:
        code = kb.point(given).code
        if code not in placed:
            problem = f"{code} is a real point but has no place on the body map yet"
            raise InputError("codes", problem, _ranges(placed))
        if code not in out:
            out.append(code)
    return out
