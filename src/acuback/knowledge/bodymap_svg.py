"""The body map drawn as SVG: both views, chosen points highlighted and labelled, the rest faint.

`acuback.knowledge.bodymap` holds the figure and places the points; this module only draws what
it is given, in the same document coordinates (see that module's docstring). It writes no file:
the CLI does. The dependency runs one way: `bodymap` knows nothing of this module.
"""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

from acuback.knowledge.bodymap import (
    BOTTOM_MARGIN,
    LABEL_COLUMN,
    TOP_MARGIN,
    VIEWS,
    Marker,
    Node,
    View,
    beziers,
    check_codes,
    join_mirrored,
    load_figure,
    midline_x,
    mirrored,
    outline_nodes,
    page_width,
    place,
    placed_codes,
    resolve_spec,
    silhouette,
    specs_of,
    to_document,
)

__all__ = ["render_map"]

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


def _path_d(view: View, nodes: Sequence[Node], closed: bool) -> str:
    def pt(p: tuple[float, float]) -> str:
        x, y = to_document(view, *p)
        return f"{x:.1f},{y:.1f}"

    parts = [f"M{pt(nodes[0][:2])}"]
    parts += [f"C{pt(c1)} {pt(c2)} {pt(p1)}" for _, c1, c2, p1 in beziers(nodes, closed)]
    return " ".join(parts) + (" Z" if closed else "")


def _figure_svg(view: View) -> list[str]:
    fig = load_figure()
    out = [f'<path class="outline" d="{_path_d(view, outline_nodes(view), True)}"/>']
    for d in fig.views[view].details:
        if d.mirror and d.closed and d.path[0][0] == d.path[-1][0] == 0:
            halves = [join_mirrored(d.path)]  # a shape across the midline: one loop, no seam
        else:
            halves = [list(d.path), mirrored(d.path)] if d.mirror else [list(d.path)]
        cls = "hair" if d.filled else "detail"
        out += [f'<path class="{cls}" d="{_path_d(view, h, d.closed)}"/>' for h in halves]
    return out


def _back_guides() -> list[str]:
    """The 1.5 and 3 cun Bladder lines, spanning the points placed on them, and level ticks."""
    fig, out = load_figure(), []
    for cun in (1.5, 3.0):
        ys = [
            y
            for entry in fig.points.values()
            for spec in specs_of(entry)
            if spec.view == "back" and spec.level and spec.lateral_cun == cun
            for _, y in resolve_spec(fig, spec)
        ]
        for side in (1, -1):
            x0, y0 = to_document("back", side * cun * fig.b_cun, min(ys))
            y1 = TOP_MARGIN + max(ys)
            out.append(f'<path class="bl-line" d="M{x0:.1f},{y0:.1f} V{y1:.1f}"/>')
    for level, y in fig.spine.items():
        x, yy = to_document("back", 0, y)
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
    fig = load_figure()
    markers = {code: place(code) for code in codes}
    leaders: list[str] = []
    texts: dict[str, list[str]] = {code: [] for code in codes}
    for view in VIEWS if labels else ():
        shown = [(c, ms) for c, ms in markers.items() if any(m.view == view for m in ms)]
        anchors = sorted(((c, _anchor(ms, view)) for c, ms in shown), key=lambda a: a[1].y)
        ys = _label_rows(anchors, TOP_MARGIN + 8, TOP_MARGIN + fig.height)
        col = LABEL_COLUMN - 4 if view == "front" else page_width() - LABEL_COLUMN + 4
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
    fig = load_figure()
    width, height = page_width(), TOP_MARGIN + fig.height + BOTTOM_MARGIN
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
    return _compose(check_codes(codes), labels)
