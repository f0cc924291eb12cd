"""A course reported to STRICTA 2010 (MacPherson 2010, `stricta2010`; clinical-standards 1):
every item filled from the plan and the signed charts, or said to be not recorded.

Pure: the caller passes the plan's parts, the charts (as mappings of the chart fields) and the
practitioner; nothing is guessed, and an item the records do not hold says so.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from statistics import mean
from typing import Any, TypedDict

__all__ = ["NOT_RECORDED", "PointUse", "point_frequency", "stricta_items"]

NOT_RECORDED = "Not recorded in the plan or the charts."


def _spread(values: Sequence[float], unit: str) -> str:
    if not values:
        return NOT_RECORDED
    low, high = min(values), max(values)
    span = f"{low:g}" if low == high else f"{low:g} to {high:g}"
    return f"mean {mean(values):.1f} {unit} (range {span}), over {len(values)} sessions"


def _needles(charts: Sequence[Mapping[str, Any]]) -> list[Mapping[str, Any]]:
    return [n for c in charts for n in c.get("needles") or ()]


class PointUse(TypedDict):
    """A point across the signed sessions: its sides, sessions and depth range."""

    point: str
    sessions: int
    sides: list[str]
    depth_mm: list[float]


def point_frequency(charts: Sequence[Mapping[str, Any]]) -> list[PointUse]:
    """Each point used, with its sides and the number of sessions it was needled in."""
    sessions: Counter[str] = Counter()
    sides: dict[str, set[str]] = {}
    depths: dict[str, list[float]] = {}
    for chart in charts:
        for code in {n["point"] for n in chart.get("needles") or ()}:
            sessions[code] += 1
        for n in chart.get("needles") or ():
            sides.setdefault(n["point"], set()).add(str(n["side"]))
            depths.setdefault(n["point"], []).append(float(n["depth_mm"]))
    return [
        {
            "point": code,
            "sessions": count,
            "sides": sorted(sides[code]),
            "depth_mm": [min(depths[code]), max(depths[code])],
        }
        for code, count in sorted(sessions.items(), key=lambda item: (-item[1], item[0]))
    ]


def _stimulation(charts: Sequence[Mapping[str, Any]]) -> str:
    needles = _needles(charts)
    if not needles:
        return NOT_RECORDED
    kinds = Counter(str(n.get("stimulation", "manual")) for n in needles)
    words = [f"{kind}: {count} insertions" for kind, count in sorted(kinds.items())]
    hertz = sorted({float(n["frequency_hz"]) for n in needles if n.get("frequency_hz")})
    if hertz:
        words.append("electro frequencies " + ", ".join(f"{h:g} Hz" for h in hertz))
    return "; ".join(words)


def _needle_type(charts: Sequence[Mapping[str, Any]]) -> str:
    kinds = sorted(
        {
            " ".join(
                part
                for part in (
                    f"{c['needle_gauge_mm']:g} mm diameter" if c.get("needle_gauge_mm") else "",
                    f"{c['needle_length_mm']:g} mm long" if c.get("needle_length_mm") else "",
                    str(c.get("needle_make") or ""),
                )
                if part
            )
            for c in charts
        }
        - {""}
    )
    return "; ".join(kinds) or NOT_RECORDED


def _regimen(charts: Sequence[Mapping[str, Any]], course: Mapping[str, Any]) -> str:
    planned = (
        f"Planned {course.get('sessions_per_week')} per week for {course.get('weeks')} weeks."
        if course
        else "No course in the plan."
    )
    dates = sorted(c["session_date"] for c in charts)
    if len(dates) < 2:
        return f"{planned} Given: {len(dates)} session(s)."
    weeks = max((dates[-1] - dates[0]).days / 7, 1 / 7)
    return (
        f"{planned} Given: {len(dates)} sessions from {dates[0].isoformat()} to "
        f"{dates[-1].isoformat()}, {len(dates) / weeks:.1f} per week."
    )


def _other(charts: Sequence[Mapping[str, Any]], self_care: Sequence[Mapping[str, Any]]) -> str:
    parts = []
    moxa = sum(1 for c in charts if c.get("moxibustion"))
    tuina = sum(1 for c in charts if c.get("tui_na"))
    if moxa:
        parts.append(f"moxibustion in {moxa} sessions")
    if tuina:
        parts.append(f"tui na in {tuina} sessions")
    others = sorted({str(item) for c in charts for item in c.get("other_components") or ()})
    parts += others
    if self_care:
        parts.append("home acupressure: " + ", ".join(str(p["code"]) for p in self_care))
    return "; ".join(parts) or "None recorded."


def _background(who: Mapping[str, Any]) -> str:
    if not who:
        return NOT_RECORDED
    years = who.get("years_in_practice")
    practice = f"{years} years in practice" if years is not None else "years in practice unrecorded"
    return f"{who.get('name')}, {who.get('qualification')}; {practice}"


_Item = tuple[str, str, str]  # (item, title, value)
_Rows = Sequence[Mapping[str, Any]]


def _rationale_items(plan_points: _Rows, charts: _Rows) -> list[_Item]:
    """STRICTA 1: acupuncture rationale."""
    planned = {str(p["code"]) for p in plan_points}
    used = {str(n["point"]) for n in _needles(charts)}
    reasons = sorted({s for p in plan_points for s in p.get("sources") or ()})
    return [
        ("1a", "Style of acupuncture", "Not recorded: the plan does not name a style."),
        (
            "1b",
            "Reasoning for treatment",
            "Points chosen from the acuback protocols for the patient's region and pain duration; "
            f"sources: {', '.join(reasons)}."
            if reasons
            else NOT_RECORDED,
        ),
        (
            "1c",
            "Extent to which treatment was varied",
            f"Individualised: planned {len(planned)} points; {len(used - planned)} points needled "
            "outside the plan."
            if charts
            else NOT_RECORDED,
        ),
    ]


def _needling_items(charts: _Rows) -> list[_Item]:
    """STRICTA 2: details of needling."""
    counts = [float(c["needles_in"]) for c in charts if c.get("needles_in") is not None]
    retention = [float(c["retention_minutes"]) for c in charts if c.get("retention_minutes")]
    depth = sorted({float(n["depth_mm"]) for n in _needles(charts)})
    responses = sorted({str(n.get("response_sought")) for n in _needles(charts)})
    points = point_frequency(charts)
    return [
        ("2a", "Needle insertions per session", _spread(counts, "needles")),
        (
            "2b",
            "Points used",
            "; ".join(
                f"{p['point']} ({'/'.join(p['sides'])}, {p['sessions']} sessions)" for p in points
            )
            or NOT_RECORDED,
        ),
        (
            "2c",
            "Depth of insertion",
            f"{depth[0]:g} to {depth[-1]:g} mm" if depth else NOT_RECORDED,
        ),
        (
            "2d",
            "Response sought",
            ", ".join(r.replace("_", " ") for r in responses) or NOT_RECORDED,
        ),
        ("2e", "Needle stimulation", _stimulation(charts)),
        ("2f", "Needle retention time", _spread(retention, "minutes")),
        ("2g", "Needle type", _needle_type(charts)),
    ]


def _context_items(
    charts: _Rows, course: Mapping[str, Any], self_care: _Rows, who: Mapping[str, Any]
) -> list[_Item]:
    """STRICTA 3 to 6: treatment regimen, other components, practitioner, control."""
    return [
        (
            "3a",
            "Number of treatment sessions",
            f"{len(charts)} signed sessions"
            + (f" of {course['total_sessions']} planned" if course.get("total_sessions") else ""),
        ),
        ("3b", "Frequency and duration of sessions", _regimen(charts, course)),
        ("4a", "Other components of treatment", _other(charts, self_care)),
        (
            "4b",
            "Setting and context",
            "Routine care in the clinic. Instructions to practitioners and the explanations "
            "given to the patient are not recorded in the charts.",
        ),
        ("5", "Practitioner background", _background(who)),
        ("6a", "Rationale for the control", "Not applicable: routine care, no control group."),
        ("6b", "Description of the control", "Not applicable: routine care, no control group."),
    ]


def stricta_items(
    *,
    plan_points: _Rows,
    course: Mapping[str, Any],
    self_care: _Rows,
    charts: _Rows,
    practitioner: Mapping[str, Any] | None,
) -> list[dict[str, str]]:
    """The 17 STRICTA sub-items as {item, title, value}, in checklist order."""
    items = [
        *_rationale_items(plan_points, charts),
        *_needling_items(charts),
        *_context_items(charts, course, self_care, practitioner or {}),
    ]
    return [{"item": item, "title": title, "value": value} for item, title, value in items]
