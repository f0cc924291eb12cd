"""The body map: an SVG figure of a standing adult, front and back, with points placed anatomically.

Nothing here knows where a point is: `data/bodymap.yaml` holds the drawing (outline segments and
detail strokes), the landmark model (vertebral levels, bony and skin landmarks) and one landmark
spec per point; this module resolves the specs to positions and writes SVG text. It writes no
file: the CLI does.

Conventions. Each view has its own frame: x is the offset from the body's midline (the YAML gives
the right half, x >= 0, and bilateral things are mirrored), y grows downward from the vertex, in
figure units (the body is 800 units tall, eight heads of 100). `Marker` and `silhouette` return
document coordinates: the front view sits left, the back view right, each with its own midline
(`midline_x`). The figure is in the anatomical position, palms forward, seen at eye level.
"""

from __future__ import annotations

import csv
import difflib
import io
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from functools import lru_cache
from html import escape
from importlib.resources import files
from itertools import groupby
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from acuback.errors import InputError, KnowledgeError, NotFound

__all__ = [
    "VIEWS",
    "Marker",
    "Spec",
    "View",
    "midline_x",
    "place",
    "placed_codes",
    "render_map",
    "silhouette",
]

View = Literal["front", "back"]
VIEWS: tuple[View, ...] = ("front", "back")
_FILE = "bodymap.yaml"
_DATA = files("acuback.knowledge") / "data"

# Page layout, in document units: a label column either side of the two views.
_LABEL_COL = 78.0
_GAP = 24.0
_TOP = 62.0
_BOTTOM = 40.0

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


def _specs(entry: Spec | tuple[Spec, ...]) -> tuple[Spec, ...]:
    return entry if isinstance(entry, tuple) else (entry,)


def _resolve(fig: Figure, spec: Spec) -> list[tuple[float, float]]:
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
    for code, entry in fig.points.items():
        for spec in _specs(entry):
            marks = fig.landmarks(spec.view)
            levels = (spec.level,) if spec.level else spec.levels or ()
            for level in levels:
                if level not in fig.spine:
                    raise KnowledgeError(_FILE, code, "level", f"unknown level {level!r}")
            for name in (spec.landmark, *(spec.between or ())):
                if name is not None and name not in marks:
                    raise KnowledgeError(_FILE, code, "landmark", f"no {spec.view} {name!r}")
            for x, _ in _resolve(fig, spec):
                if spec.bilateral != (x > 0.5):
                    problem = "bilateral must be true exactly when the point is off the midline"
                    raise KnowledgeError(_FILE, code, "bilateral", problem)


@lru_cache(maxsize=1)
def _figure() -> Figure:
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


@lru_cache(maxsize=1)
def _known_codes() -> frozenset[str]:
    """Every standard and extra point code, from the packaged name tables."""
    codes: set[str] = set()
    for name in ("point_names.csv", "extra_point_names.csv"):
        text = (_DATA / name).read_text(encoding="utf-8")
        codes.update(row["code"] for row in csv.DictReader(io.StringIO(text)))
    return frozenset(codes)


def _width() -> float:
    return 2 * _LABEL_COL + 2 * _figure().view_width + _GAP


def midline_x(view: View) -> float:
    """The document x of a view's midline."""
    w = _figure().view_width
    left = _LABEL_COL if view == "front" else _LABEL_COL + w + _GAP
    return left + w / 2


def _doc(view: View, x: float, y: float) -> tuple[float, float]:
    return midline_x(view) + x, _TOP + y


def placed_codes() -> frozenset[str]:
    """Codes of every point the body map can draw."""
    return frozenset(_figure().points)


def place(code: str) -> tuple[Marker, ...]:
    """Every drawn location of a placed point (both sides of a bilateral one), top to bottom."""
    fig = _figure()
    out: list[Marker] = []
    for spec in _specs(fig.points[code]):
        for x, y in _resolve(fig, spec):
            sides = (x, -x) if spec.bilateral else (x,)
            out.extend(Marker(code, spec.view, *_doc(spec.view, sx, y)) for sx in sides)
    return tuple(sorted(out, key=lambda m: (m.y, m.x)))


def _mirror(nodes: Sequence[Node]) -> list[Node]:
    return [(-n[0], n[1], *n[2:]) for n in nodes]


def _join(right: Sequence[Node]) -> list[Node]:
    """A right half that starts and ends on the midline, joined with its mirror into one loop."""
    if right[0][0] != 0 or right[-1][0] != 0:
        return list(right)
    return [*right, *_mirror(right[1:-1])[::-1]]


def _outline_nodes(view: View) -> list[Node]:
    """The closed outline: right half top to bottom, then the mirrored half back up."""
    fig = _figure()
    return _join([node for name in fig.views[view].outline for node in fig.segments[name]])


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


def _beziers(nodes: Sequence[Node], closed: bool) -> Iterator[tuple[tuple[float, float], ...]]:
    """Cubic Bezier segments (p0, c1, c2, p1) through the nodes."""
    tans = _tangents(nodes, closed)
    count = len(nodes) if closed else len(nodes) - 1
    for i in range(count):
        j = (i + 1) % len(nodes)
        (x0, y0), (x1, y1) = nodes[i][:2], nodes[j][:2]
        c1 = (x0 + tans[i][0] / 3, y0 + tans[i][1] / 3)
        c2 = (x1 - tans[j][0] / 3, y1 - tans[j][1] / 3)
        yield (x0, y0), c1, c2, (x1, y1)


def _path_d(view: View, nodes: Sequence[Node], closed: bool) -> str:
    def pt(p: tuple[float, float]) -> str:
        x, y = _doc(view, *p)
        return f"{x:.1f},{y:.1f}"

    parts = [f"M{pt(nodes[0][:2])}"]
    parts += [f"C{pt(c1)} {pt(c2)} {pt(p1)}" for _, c1, c2, p1 in _beziers(nodes, closed)]
    return " ".join(parts) + (" Z" if closed else "")


def silhouette(view: View, steps: int = 8) -> tuple[tuple[float, float], ...]:
    """The drawn outline of a view as a polygon in document coordinates (curves sampled)."""
    out: list[tuple[float, float]] = []
    for p0, c1, c2, p1 in _beziers(_outline_nodes(view), closed=True):
        for k in range(steps):
            t, u = k / steps, 1 - k / steps
            x = u**3 * p0[0] + 3 * u * u * t * c1[0] + 3 * u * t * t * c2[0] + t**3 * p1[0]
            y = u**3 * p0[1] + 3 * u * u * t * c1[1] + 3 * u * t * t * c2[1] + t**3 * p1[1]
            out.append(_doc(view, x, y))
    return tuple(out)


_CODE = re.compile(r"^(?:(EX)-?(HN|CA|B|UE|LE)|([A-Z]{2}))-?0*(\d+)$")


def _normalise(code: str) -> str:
    """`bl 23`, `BL-23` and `bl23` give `BL23`; `ex b2` gives `EX-B2`."""
    squeezed = re.sub(r"[\s.]+", "", code.upper())
    m = _CODE.match(squeezed)
    if m is None:
        return squeezed
    return f"EX-{m[2]}{m[4]}" if m[1] else f"{m[3]}{m[4]}"


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


def _check_codes(codes: Sequence[str]) -> list[str]:
    known, placed = _known_codes(), placed_codes()
    out: list[str] = []
    for given in codes:
        code = _normalise(given)
        if code not in known:
            raise NotFound("point", given, difflib.get_close_matches(code, sorted(known), n=3))
        if code not in placed:
            problem = f"{code} is a real point but has no place on the body map yet"
            raise InputError("codes", problem, _ranges(placed))
        if code not in out:
            out.append(code)
    return out


_STYLE = (
    ".outline{fill:#f7efe5;stroke:#5b4a3a;stroke-width:1.3;stroke-linejoin:round}"
    ".detail{fill:none;stroke:#9a8670;stroke-width:.8;stroke-linecap:round}"
    ".bl-line{fill:none;stroke:#3f74b3;stroke-width:.7;stroke-dasharray:3 2.5;opacity:.5}"
    ".spine{stroke:#7a6652;stroke-width:1.2;opacity:.6}.faint{fill:#6f8299;opacity:.45}"
    ".guide{stroke:#7a6652;stroke-width:.5;stroke-dasharray:1 2;opacity:.6}"
    ".hl{fill:#d0281f;stroke:#fff;stroke-width:.9}.hair{fill:#d8c7b0;stroke:none}"
    ".leader{fill:none;stroke:#d0281f;stroke-width:.6;opacity:.75}"
    "text{font-family:Helvetica,Arial,sans-serif}.side{font-size:10px;fill:#888}"
    ".label{font-size:10px;font-weight:bold;fill:#a81d16}.level{font-size:7.5px;fill:#5b4a3a}"
    ".caption{font-size:12px;font-weight:bold;fill:#333;letter-spacing:2px}"
    ".title{font-size:15px;font-weight:bold;fill:#222}.note{font-size:8.5px;fill:#666}"
)
_TICKS = ("C7", "T12", "L5")


def _text(cls: str, x: float, y: float, text: str, anchor: str = "middle") -> str:
    return (
        f'<text class="{cls}" x="{x:.1f}" y="{y:.1f}" text-anchor="{anchor}">{escape(text)}</text>'
    )


def _figure_svg(view: View) -> list[str]:
    fig = _figure()
    out = [f'<path class="outline" d="{_path_d(view, _outline_nodes(view), True)}"/>']
    for d in fig.views[view].details:
        if d.mirror and d.closed and d.path[0][0] == d.path[-1][0] == 0:
            halves = [_join(d.path)]  # a shape across the midline: one loop, no seam
        else:
            halves = [list(d.path), _mirror(d.path)] if d.mirror else [list(d.path)]
        cls = "hair" if d.filled else "detail"
        out += [f'<path class="{cls}" d="{_path_d(view, h, d.closed)}"/>' for h in halves]
    return out


def _back_guides() -> list[str]:
    """The 1.5 and 3 cun Bladder lines, spanning the points placed on them, and level ticks."""
    fig, out = _figure(), []
    for cun in (1.5, 3.0):
        ys = [
            y
            for entry in fig.points.values()
            for spec in _specs(entry)
            if spec.view == "back" and spec.level and spec.lateral_cun == cun
            for _, y in _resolve(fig, spec)
        ]
        for side in (1, -1):
            x0, y0 = _doc("back", side * cun * fig.b_cun, min(ys))
            y1 = _TOP + max(ys)
            out.append(f'<path class="bl-line" d="M{x0:.1f},{y0:.1f} V{y1:.1f}"/>')
    for level, y in fig.spine.items():
        x, yy = _doc("back", 0, y)
        half = 4.5 if level in _TICKS else 2.0
        out.append(f'<path class="spine" d="M{x - half:.1f},{yy:.1f} H{x + half:.1f}"/>')
        if level in _TICKS:  # labelled just outside the trunk, a faint guide back to the tick
            edge = _near_edge("back", yy)
            out += [
                f'<path class="guide" d="M{edge:.1f},{yy:.1f} H{x - half:.1f}"/>',
                _text("level", edge - 2, yy - 1, level, "end"),
            ]
    return out


def _near_edge(view: View, y: float) -> float:
    """Document x where the outline, left of the midline, is nearest to it at height y."""
    poly, mid = silhouette(view), midline_x(view)
    xs = [
        x0 + (y - y0) * (x1 - x0) / (y1 - y0)
        for (x0, y0), (x1, y1) in zip(poly, poly[1:] + poly[:1], strict=True)
        if (y0 <= y < y1 or y1 <= y < y0) and min(x0, x1) < mid
    ]
    return max(x for x in xs if x < mid)


def _label_rows(anchors: list[tuple[str, Marker]], top: float, bottom: float) -> list[float]:
    """Label baselines near their anchors, at least 12 units apart, inside [top, bottom]."""
    ys: list[float] = []
    for _, m in anchors:
        ys.append(max(m.y + 3.5, top, ys[-1] + 12 if ys else top))
    for i in range(len(ys) - 1, -1, -1):
        ys[i] = min(ys[i], bottom if i == len(ys) - 1 else ys[i + 1] - 12)
    return ys


def _anchor(markers: Sequence[Marker], view: View) -> Marker:
    """The marker a label points at: on the label's side, the middle one of a column."""
    side = [m for m in markers if m.view == view]
    best = max(m.x for m in side) if view == "back" else min(m.x for m in side)
    near = [m for m in side if abs(m.x - best) < 0.5]
    return near[len(near) // 2]


def _highlights(codes: Sequence[str], labels: bool) -> list[str]:
    """Leader lines first (so markers sit on top of them), then one group per code."""
    fig = _figure()
    markers = {code: place(code) for code in codes}
    leaders: list[str] = []
    texts: dict[str, list[str]] = {code: [] for code in codes}
    for view in VIEWS if labels else ():
        shown = [(c, ms) for c, ms in markers.items() if any(m.view == view for m in ms)]
        anchors = sorted(((c, _anchor(ms, view)) for c, ms in shown), key=lambda a: a[1].y)
        ys = _label_rows(anchors, _TOP + 8, _TOP + fig.height)
        col = _LABEL_COL - 4 if view == "front" else _width() - _LABEL_COL + 4
        side, end = ("end", col + 2) if view == "front" else ("start", col - 2)
        for (code, m), y in zip(anchors, ys, strict=True):
            leaders.append(
                f'<path class="leader" d="M{m.x:.1f},{m.y:.1f} L{end:.1f},{y - 3.5:.1f}"/>'
            )
            texts[code].append(_text("label", col, y, code, side))
    out = ['<g class="leaders">', *leaders, "</g>"]
    for code, ms in markers.items():
        dots = [f'<circle class="hl" cx="{m.x:.1f}" cy="{m.y:.1f}" r="3.4"/>' for m in ms]
        out.append(
            f'<g class="point" id="point-{code}" data-code="{code}">'
            f"<title>{code}</title>{''.join(dots + texts[code])}</g>"
        )
    return out


def _compose(codes: Sequence[str], labels: bool) -> str:
    fig = _figure()
    width, height = _width(), _TOP + fig.height + _BOTTOM
    shown = ", ".join(codes[:10]) + (f" and {len(codes) - 10} more" if len(codes) > 10 else "")
    title = f"Acupuncture points: {shown}" if codes else "Acupuncture body map"
    body: list[str] = [f'<rect width="{width:.0f}" height="{height:.0f}" fill="#fff"/>']
    body.append(_text("title", width / 2, 22, title))
    for view in VIEWS:
        mid, half = midline_x(view), fig.view_width / 2 - 10
        sides = ("R", "L") if view == "front" else ("L", "R")
        body.append(_text("caption", mid, 44, view.upper()))
        body += [_text("side", mid + s * half, 44, t) for s, t in zip((-1, 1), sides, strict=True)]
        body += _figure_svg(view)
    body += _back_guides()
    body.append('<g class="faint-points">')
    for code in sorted(placed_codes() - set(codes)):
        body += [
            f'<circle class="faint" cx="{m.x:.1f}" cy="{m.y:.1f}" r="1.5">'
            f"<title>{code}</title></circle>"
            for m in place(code)
        ]
    body.append("</g>")
    body += _highlights(codes, labels)
    notes = (
        "Schematic figure drawn for acuback: points placed from WHO 2008 location landmarks "
        "(vertebral levels, B-cun lines, limb landmarks).",
        "R and L are the patient's sides. Dashed lines: the 1.5 and 3 cun Bladder lines.",
    )
    body += [_text("note", width / 2, height - 24 + 11 * i, n) for i, n in enumerate(notes)]
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width:.0f}" height="{height:.0f}" '
        f'viewBox="0 0 {width:.0f} {height:.0f}" role="img">'
        f"<title>{escape(title)}</title><style>{_STYLE}</style>" + "".join(body) + "</svg>\n"
    )


def render_map(codes: Sequence[str], labels: bool = True) -> str:
    """A standalone SVG document: both views, `codes` highlighted (and labelled), others faint.

    Raises `NotFound` for a code that is no point at all and `InputError` for a real point that
    the map does not place. Codes may be given in any common spelling (`bl23`, `BL-23`).
    """
    return _compose(_check_codes(codes), labels)
