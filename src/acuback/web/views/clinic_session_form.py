"""The session chart form (STRICTA): rows of needles, the session fields, and their parsing.

A row is one charted point: `n{i}_include` ticks it in, `n{i}_point` names it (a hidden field
for rows pre-filled from the plan or the last session, a select of every point for the spare
rows), then side, depth, angle, response sought, stimulation (manual, or electro with
frequency, intensity and pairing), retention and the override reason. Numbers that are not
numbers are an `InputError` naming the row and the field; ranges and the electro rules are
checked by the records models in the service.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from starlette.datastructures import FormData

from acuback.errors import InputError
from acuback.web import forms

__all__ = [
    "MOXA_METHODS",
    "ROW_FIELDS",
    "SESSION_FIELDS",
    "SPARE_ROWS",
    "chart_data",
    "form_rows",
    "form_session",
    "rows_from_needles",
    "session_values",
]

SPARE_ROWS = 2
# The chart's moxibustion kinds and the method each is in the knowledge base (methods.yaml),
# whose name the page shows for it.
MOXA_METHODS = {
    "indirect": "moxibustion_indirect",
    "direct": "moxibustion_direct",
    "warm_needle": "warm_needle",
}
_LARGEST = 99_999  # far above any clinical value, far below any column's limit
ROW_FIELDS = (
    "point",
    "side",
    "depth",
    "angle",
    "response",
    "stim",
    "freq",
    "intensity",
    "pairing",
    "retention",
    "override",
)
SESSION_FIELDS = (
    "session_date",
    "needle_gauge_mm",
    "needle_length_mm",
    "needle_make",
    "needles_in",
    "needles_out",
    "retention_minutes",
    "pain_before",
    "pain_after",
    "notes",
    "moxa_kind",
    "moxa_points",
    "moxa_minutes",
    "tuina_areas",
    "tuina_minutes",
    "other",
    "plan_id",
    "face_to_face_minutes",
    "electro_increments",
    "reinsertion_increments",
)
_NEEDLE_KEYS = {
    "point": "point",
    "side": "side",
    "depth": "depth_mm",
    "angle": "angle",
    "response": "response_sought",
    "stim": "stimulation",
    "freq": "frequency_hz",
    "intensity": "intensity",
    "pairing": "pairing",
    "retention": "retention_minutes",
    "override": "override_reason",
}


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def rows_from_needles(
    needles: Sequence[Mapping[str, Any]], spare: int = SPARE_ROWS
) -> list[dict[str, Any]]:
    """Form rows for charted needles (ticked, point fixed) plus `spare` empty rows."""
    rows = [
        {"include": True, "fixed": True}
        | {key: _text(n.get(name)) for key, name in _NEEDLE_KEYS.items()}
        for n in needles
    ]
    blank = dict.fromkeys(ROW_FIELDS, "") | {"response": "de_qi", "stim": "manual"}
    rows += [{"include": False, "fixed": False, **blank} for _ in range(spare)]
    return rows


def form_rows(form: FormData) -> list[dict[str, Any]]:
    """The rows as posted (to re-render them, or to parse)."""
    try:
        count = min(int(str(form.get("rows", "0"))), 200)
    except ValueError:
        count = 0
    rows = []
    for i in range(count):
        row: dict[str, Any] = {key: str(form.get(f"n{i}_{key}", "")).strip() for key in ROW_FIELDS}
        row["include"] = form.get(f"n{i}_include") is not None
        row["fixed"] = form.get(f"n{i}_fixed") is not None
        rows.append(row)
    return rows


def session_values(chart: Mapping[str, Any]) -> dict[str, str]:
    """Form values for the session fields from a chart (a prefill draft or a stored chart)."""
    moxa = chart.get("moxibustion") or {}
    tuina = chart.get("tui_na") or {}
    values = {name: _text(chart.get(name)) for name in SESSION_FIELDS}
    values |= {
        "moxa_kind": _text(moxa.get("kind")),
        "moxa_points": _text(moxa.get("points")),
        "moxa_minutes": _text(moxa.get("minutes")),
        "tuina_areas": _text(tuina.get("areas")),
        "tuina_minutes": _text(tuina.get("minutes")),
        "other": "\n".join(str(item) for item in chart.get("other_components") or ()),
        "electro_increments": ", ".join(str(i) for i in chart.get("electro_increments") or ()),
        "reinsertion_increments": ", ".join(
            str(i) for i in chart.get("reinsertion_increments") or ()
        ),
    }
    return values


def form_session(form: FormData) -> dict[str, str]:
    return {name: str(form.get(name, "")).strip() for name in SESSION_FIELDS}


def _number(text: str, field: str, whole: bool) -> int | float | None:
    """A number typed in a field, named in errors by `field`; None when empty. Parsed by the
    form mapper (`forms.whole`, `forms.decimal`); values outside 0.._LARGEST are refused here,
    the records models check the clinical ranges."""
    typed = {field: text}
    if whole:
        return forms.whole(typed, field, 0, _LARGEST)
    return forms.decimal(typed, field, 0, _LARGEST)


def _increments(text: str, field: str) -> list[int]:
    """Increment numbers typed as "2, 3" (the 15-minute increments, counted from 1)."""
    numbers = [part.strip() for part in text.replace(";", ",").split(",") if part.strip()]
    found = [_number(part, field, whole=True) for part in numbers]
    return sorted({int(n) for n in found if n is not None})


def _needle(row: Mapping[str, Any], index: int) -> dict[str, Any]:
    where = f"needle {index + 1} ({row['point'] or 'no point'})"
    if not row["point"]:
        raise InputError(f"{where}: point", "choose a point")
    needle: dict[str, Any] = {
        "point": row["point"],
        "side": row["side"] or "bilateral",
        "angle": row["angle"],
        "response_sought": row["response"] or "de_qi",
        "stimulation": row["stim"] or "manual",
        "depth_mm": _number(row["depth"], f"{where}: depth", whole=False),
        "retention_minutes": _number(row["retention"], f"{where}: retention", whole=True),
    }
    if needle["depth_mm"] is None:
        raise InputError(f"{where}: depth", "give the depth in mm")
    if needle["stimulation"] == "electro":
        needle["frequency_hz"] = _number(row["freq"], f"{where}: frequency", whole=False)
        needle["intensity"] = row["intensity"] or None
        needle["pairing"] = row["pairing"] or None
    needle["override_reason"] = row["override"] or None
    return needle


def _components(values: Mapping[str, str]) -> dict[str, Any]:
    out: dict[str, Any] = {"moxibustion": None, "tui_na": None}
    if values["moxa_kind"]:
        out["moxibustion"] = {
            "kind": values["moxa_kind"],
            "points": values["moxa_points"],
            "minutes": _number(values["moxa_minutes"], "moxibustion minutes", whole=True),
        }
    if values["tuina_areas"] or values["tuina_minutes"]:
        out["tui_na"] = {
            "areas": values["tuina_areas"],
            "minutes": _number(values["tuina_minutes"], "tui na minutes", whole=True),
        }
    out["other_components"] = [
        line.strip() for line in values["other"].splitlines() if line.strip()
    ]
    return out


def chart_data(values: Mapping[str, str], rows: Sequence[Mapping[str, Any]]) -> dict[str, Any]:
    """The chart fields for `services.charting` from the parsed form."""
    data: dict[str, Any] = {"session_date": values["session_date"], "notes": values["notes"]}
    data["needle_make"] = values["needle_make"] or None
    for name, whole in (
        ("needle_gauge_mm", False),
        ("needle_length_mm", False),
        ("needles_in", True),
        ("needles_out", True),
        ("retention_minutes", True),
        ("pain_before", True),
        ("pain_after", True),
        ("face_to_face_minutes", True),
    ):
        data[name] = _number(values[name], name.replace("_", " "), whole)
    for name in ("electro_increments", "reinsertion_increments"):
        data[name] = _increments(values[name], name.replace("_", " "))
    if values["plan_id"]:
        data["plan_id"] = _number(values["plan_id"], "plan_id", whole=True)
    data |= _components(values)
    included = [row for row in rows if row["include"]]
    data["needles"] = [_needle(row, index) for index, row in enumerate(included)]
    return data
