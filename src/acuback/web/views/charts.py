"""The progress chart: dated pain and function scores against the clinically important change.

`progress_chart(scores)` is a pure function that returns an inline SVG document (text). One
panel per instrument that has scores, in the order NRS, PEG (pain), RMDQ, ODI (function).
Each panel draws the scores over time, the baseline (the first score) and the level a
clinically important improvement reaches: baseline minus the smaller of the instrument's
responder thresholds (either threshold counts). The thresholds come from `instruments.yaml`
through `acuback.clinical.instruments.load_instruments()`.
All five instruments run "higher = worse", so improvement is downwards.

Pain before treatment, as charted in each signed session (`session_pain`), is drawn as a panel
of its own under the questionnaires, on the 0-10 scale and without a responder band: the
questionnaires stay the primary measure, and a patient whose only data are session charts
still sees their pain over time.

Every text in the SVG is escaped; each score is a `<circle>` with `data-instrument`,
`data-date` and `data-score`, and a `<title>` tooltip, so the figure is testable and readable
by assistive technology. The patient portal uses the same function.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import date
from html import escape
from typing import Protocol

from acuback.clinical.instruments import Instrument, load_instruments

__all__ = [
    "CHART_INSTRUMENTS",
    "SESSION_PAIN",
    "ChartedSession",
    "ScoredMeasurement",
    "progress_chart",
    "scores_by_instrument",
    "session_pain",
]

# Pain first, then function; STarT Back stratifies risk and has no responder rule.
CHART_INSTRUMENTS: tuple[str, ...] = ("nrs", "peg", "rmdq", "odi")
SESSION_PAIN = "session_pain"  # the panel (and data-instrument) of pain charted in sessions
_COLOURS = {
    "nrs": "#b3261e",
    "peg": "#8a4300",
    "rmdq": "#1f4e79",
    "odi": "#2e7d32",
    SESSION_PAIN: "#6a3d9a",
}
_PANEL_H = 170
_TOP, _BOTTOM, _LEFT, _RIGHT = 34, 42, 58, 175


class ScoredMeasurement(Protocol):
    """Anything with an instrument id, a date and a score (an `OutcomeMeasurement`)."""

    @property
    def instrument(self) -> str: ...
    @property
    def measured_on(self) -> date: ...
    @property
    def score(self) -> float | None: ...


class ChartedSession(Protocol):
    """Anything with a status, a date and the pain before treatment (a `TreatmentSession`)."""

    @property
    def status(self) -> str: ...
    @property
    def session_date(self) -> date: ...
    @property
    def pain_before(self) -> int | None: ...


def session_pain(sessions: Iterable[ChartedSession]) -> list[tuple[date, float]]:
    """Pain before treatment from the signed sessions, oldest first (the day's last wins)."""
    by_day = {
        chart.session_date: float(chart.pain_before)
        for chart in sessions
        if chart.status == "signed" and chart.pain_before is not None
    }
    return sorted(by_day.items())


def scores_by_instrument(
    measurements: Iterable[ScoredMeasurement],
) -> dict[str, list[tuple[date, float]]]:
    """Group scored measurements by instrument, oldest first; the latest score of a day wins."""
    by_day: dict[str, dict[date, float]] = {}
    for item in measurements:
        if item.score is not None:
            by_day.setdefault(item.instrument, {})[item.measured_on] = float(item.score)
    return {key: sorted(days.items()) for key, days in by_day.items()}


def important_level(spec: Instrument, baseline: float) -> float | None:
    """The score a clinically important improvement from `baseline` reaches (None: no rule)."""
    rule = spec.responder
    if rule is None:
        return None
    steps = [rule.absolute] if rule.absolute is not None else []
    if rule.percent is not None and baseline > 0:
        steps.append(baseline * rule.percent / 100)
    return max(spec.score.min, baseline - min(steps)) if steps else None


def _rule_words(spec: Instrument) -> str:
    rule = spec.responder
    if rule is None:
        return ""
    parts = [f"{rule.absolute:g} points"] if rule.absolute is not None else []
    if rule.percent is not None:
        parts.append(f"{rule.percent:g}%")
    return " or ".join(parts)


def _text(x: float, y: float, text: str, cls: str = "", anchor: str = "start") -> str:
    klass = f" {_look(cls)}" if cls else ""
    return f'<text x="{x:.1f}" y="{y:.1f}" text-anchor="{anchor}"{klass}>{escape(text)}</text>'


class _Frame:
    """Maps dates and scores of one panel to SVG coordinates."""

    def __init__(self, top: float, width: int, first: date, last: date, spec: Instrument) -> None:
        self.top, self.width, self.first, self.spec = top, width, first, spec
        self.days = max((last - first).days, 1)
        self.plot_w = width - _LEFT - _RIGHT
        self.plot_h = _PANEL_H - _TOP - _BOTTOM

    def x(self, day: date) -> float:
        return _LEFT + (day - self.first).days / self.days * self.plot_w

    def y(self, value: float) -> float:
        low, high = self.spec.score.min, self.spec.score.max
        return self.top + _TOP + (high - value) / (high - low) * self.plot_h


def _axes(frame: _Frame, first: date, last: date) -> list[str]:
    spec, top = frame.spec, frame.top
    bottom = top + _TOP + frame.plot_h
    out = [
        f'<rect {_look("plot")} x="{_LEFT}" y="{top + _TOP}" width="{frame.plot_w}" '
        f'height="{frame.plot_h}"/>'
    ]
    low, high = spec.score.min, spec.score.max
    for i in range(5):
        value = low + (high - low) * i / 4
        y = frame.y(value)
        out.append(
            f'<line {_look("grid")} x1="{_LEFT}" y1="{y:.1f}" x2="{_LEFT + frame.plot_w}" '
            f'y2="{y:.1f}"/>'
        )
        out.append(_text(_LEFT - 6, y + 4, f"{value:g}", "tick", "end"))
    out.append(_text(_LEFT, bottom + 16, first.isoformat(), "tick"))
    if last != first:
        out.append(_text(_LEFT + frame.plot_w, bottom + 16, last.isoformat(), "tick", "end"))
    out.append(_text(_LEFT + frame.plot_w / 2, bottom + 32, "Date", "axis", "middle"))
    unit = "%" if spec.score.unit == "%" else ""
    label = f"{spec.short_name} {low:g}-{high:g}{unit} (higher = worse)"
    out.append(_text(_LEFT, top + 16, label, "panel"))
    x, y = 14, top + _TOP + frame.plot_h / 2
    out.append(
        f'<text {_look("axis")} x="{x}" y="{y:.1f}" text-anchor="middle" '
        f'transform="rotate(-90 {x} {y:.1f})">Score</text>'
    )
    return out


def _panel(
    key: str, series: Sequence[tuple[date, float]], frame: _Frame, last: date, label: str
) -> list[str]:
    spec, colour = frame.spec, _COLOURS[key]
    out = _axes(frame, frame.first, last)
    baseline = series[0][1]
    left, right = _LEFT, _LEFT + frame.plot_w
    target = important_level(spec, baseline)
    if target is not None:
        top, bottom = frame.y(baseline), frame.y(target)
        out.append(
            f'<rect {_look("band")} x="{left}" y="{top:.1f}" width="{frame.plot_w}" '
            f'height="{max(bottom - top, 0.5):.1f}"/>'
        )
        out.append(
            f'<line {_look("target")} x1="{left}" y1="{bottom:.1f}" x2="{right}" '
            f'y2="{bottom:.1f}" data-level="{target:g}"/>'
        )
    y0 = frame.y(baseline)
    out.append(f'<line {_look("baseline")} x1="{left}" y1="{y0:.1f}" x2="{right}" y2="{y0:.1f}"/>')
    points = " ".join(f"{frame.x(d):.1f},{frame.y(v):.1f}" for d, v in series)
    out.append(f'<polyline {_look("series")} stroke="{colour}" points="{points}"/>')
    for day, value in series:
        tip = f"{spec.short_name} {value:g} on {day.isoformat()}"
        out.append(
            f'<circle {_look("score")} cx="{frame.x(day):.1f}" cy="{frame.y(value):.1f}" r="3.5" '
            f'fill="{colour}" data-instrument="{escape(key)}" data-date="{day.isoformat()}" '
            f'data-score="{value:g}"><title>{escape(tip)}</title></circle>'
        )
    out += _legend(key, label, baseline, target, frame)
    return out


def _legend(
    key: str, label: str, baseline: float, target: float | None, frame: _Frame
) -> list[str]:
    spec = frame.spec
    x, y = frame.width - _RIGHT + 12, frame.top + _TOP + 4
    out = [
        f'<line x1="{x}" y1="{y}" x2="{x + 18}" y2="{y}" stroke="{_COLOURS[key]}" '
        'stroke-width="2"/>',
        _text(x + 24, y + 4, label, "legend"),
        f'<line {_look("baseline")} x1="{x}" y1="{y + 18}" x2="{x + 18}" y2="{y + 18}"/>',
        _text(x + 24, y + 22, f"baseline {baseline:g}", "legend"),
    ]
    if target is not None:
        out += [
            f'<line {_look("target")} x1="{x}" y1="{y + 36}" x2="{x + 18}" y2="{y + 36}"/>',
            _text(x + 24, y + 40, f"important change at {target:.3g}", "legend"),
            _text(x + 24, y + 53, f"({_rule_words(spec)})", "legend-note"),
            f'<rect {_look("band")} x="{x}" y="{y + 62}" width="18" height="10"/>',
            _text(x + 24, y + 71, "change too small", "legend"),
        ]
    return out


# Presentation attributes, not a <style> element: the pages' Content-Security-Policy
# (style-src 'self') blocks inline style elements, and attributes also survive embedding.
_FONT = 'font-family="system-ui, Helvetica, Arial, sans-serif"'
_LOOK = {
    "tick": f'{_FONT} font-size="10" fill="#5a6673"',
    "axis": f'{_FONT} font-size="11" fill="#5a6673"',
    "panel": f'{_FONT} font-size="12" font-weight="600" fill="#1d2733"',
    "legend": f'{_FONT} font-size="10.5" fill="#1d2733"',
    "legend-note": f'{_FONT} font-size="9.5" fill="#1d2733"',
    "title": f'{_FONT} font-size="14" font-weight="700" fill="#1d2733"',
    "empty": f'{_FONT} font-size="12" fill="#5a6673"',
    "plot": 'fill="#ffffff" stroke="#b8c0c8"',
    "grid": 'stroke="#eef1f4"',
    "band": 'fill="#f2c14e" fill-opacity="0.25"',
    "target": 'stroke="#2e7d32" stroke-width="1.5" stroke-dasharray="5 3"',
    "baseline": 'stroke="#5a6673" stroke-width="1" stroke-dasharray="2 2"',
    "series": 'fill="none" stroke-width="2"',
    "score": 'stroke="#ffffff" stroke-width="1"',
}


def _look(cls: str) -> str:
    """`class="..."` plus the presentation attributes of that class."""
    return f'class="{cls}" {_LOOK[cls]}' if cls in _LOOK else f'class="{cls}"'


def _session_spec(catalog_nrs: Instrument) -> Instrument:
    """Pain before treatment is an NRS charted in the session: same scale, no responder band
    (the questionnaires carry the verdict)."""
    return catalog_nrs.model_copy(
        update={"short_name": "Session pain before treatment", "responder": None}
    )


def progress_chart(
    scores: Mapping[str, Sequence[tuple[date, float]]],
    *,
    sessions: Sequence[tuple[date, float]] = (),
    title: str = "Progress",
    width: int = 680,
) -> str:
    """An SVG document charting `scores` ({instrument id: [(date, score), ...]}) and, in a
    last panel of its own, `sessions` (pain before treatment from signed charts, see
    `session_pain`).

    Instruments other than nrs, peg, rmdq and odi are ignored; series are sorted by date. All
    panels share one date axis (first to last point of any series). With nothing to draw the
    figure says so. The result is safe to embed as markup: every text is escaped.
    """
    catalog = load_instruments()
    shown = {key: sorted(scores[key]) for key in CHART_INSTRUMENTS if scores.get(key)}
    specs = {key: catalog.get(key) for key in shown}
    labels = {key: f"{specs[key].short_name} score" for key in shown}
    if sessions:
        shown[SESSION_PAIN] = sorted(sessions)
        specs[SESSION_PAIN] = _session_spec(catalog.get("nrs"))
        labels[SESSION_PAIN] = "pain before treatment"
    height = _TOP + max(len(shown), 1) * _PANEL_H
    label = escape(title)
    body = [f"<title>{label}</title>", _text(8, 20, title, "title")]
    if not shown:
        body.append(_text(8, 60, "No pain or function scores recorded yet.", "empty"))
        height = 90
    else:
        days = [day for series in shown.values() for day, _ in series]
        first, last = min(days), max(days)
        for index, (key, series) in enumerate(shown.items()):
            frame = _Frame(_TOP + index * _PANEL_H, width, first, last, specs[key])
            panel = _panel(key, series, frame, last, labels[key])
            body.append(f'<g class="panel" data-instrument="{escape(key)}">{"".join(panel)}</g>')
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" role="img" aria-label="{label}">'
        + "".join(body)
        + "</svg>"
    )
