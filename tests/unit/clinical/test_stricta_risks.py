"""The STRICTA assembly from charts, and the risks data (every source in the bibliography)."""

from __future__ import annotations

from datetime import date
from typing import Any

from acuback.clinical.billing import load_billing_rules
from acuback.clinical.risks import load_risks
from acuback.clinical.stricta import NOT_RECORDED, point_frequency, stricta_items
from acuback.knowledge import load_knowledge


def _chart(day: int, needles: list[dict[str, Any]], **extra: Any) -> dict[str, Any]:
    return {
        "session_date": date(2026, 3, day),
        "needles": needles,
        "needles_in": 2 * len(needles),
        "retention_minutes": 20,
        "needle_gauge_mm": 0.25,
        "needle_length_mm": 40.0,
        "needle_make": "Acme",
        **extra,
    }


def _needle(point: str, depth: float, **extra: Any) -> dict[str, Any]:
    return {
        "point": point,
        "side": "bilateral",
        "depth_mm": depth,
        "response_sought": "de_qi",
        "stimulation": "manual",
        **extra,
    }


CHARTS = [
    _chart(2, [_needle("BL23", 15), _needle("BL40", 10)]),
    _chart(
        5,
        [_needle("BL23", 20), _needle("GB30", 40, stimulation="electro", frequency_hz=2.0)],
        retention_minutes=30,
        moxibustion={"kind": "stick"},
    ),
]


def test_items_are_filled_from_the_charts() -> None:
    items = {
        i["item"]: i["value"]
        for i in stricta_items(
            plan_points=[{"code": "BL23", "sources": ["cheng1987"]}, {"code": "BL40"}],
            course={"sessions_per_week": 2, "weeks": 5, "total_sessions": 10},
            self_care=[{"code": "KI3"}],
            charts=CHARTS,
            practitioner={"name": "Mei Lin", "qualification": "MSc", "years_in_practice": 9},
        )
    }
    assert len(items) == 17
    assert items["1c"] == "Individualised: planned 2 points; 1 points needled outside the plan."
    assert items["2a"] == "mean 4.0 needles (range 4), over 2 sessions"
    assert items["2c"] == "10 to 40 mm"
    assert items["2e"] == "electro: 1 insertions; manual: 3 insertions; electro frequencies 2 Hz"
    assert items["2f"] == "mean 25.0 minutes (range 20 to 30), over 2 sessions"
    assert items["2g"] == "0.25 mm diameter 40 mm long Acme"
    assert items["3a"] == "2 signed sessions of 10 planned"
    assert "moxibustion in 1 sessions" in items["4a"]
    assert "home acupressure: KI3" in items["4a"]
    assert items["5"] == "Mei Lin, MSc; 9 years in practice"


def test_nothing_charted_says_not_recorded() -> None:
    items = {
        i["item"]: i["value"]
        for i in stricta_items(
            plan_points=[], course={}, self_care=[], charts=[], practitioner=None
        )
    }
    assert items["2a"] == items["2b"] == items["2f"] == items["5"] == NOT_RECORDED


def test_point_frequency_counts_sessions() -> None:
    assert point_frequency(CHARTS)[0] == {
        "point": "BL23",
        "sessions": 2,
        "sides": ["bilateral"],
        "depth_mm": [15.0, 20.0],
    }


def test_every_risk_and_billing_source_is_in_the_bibliography() -> None:
    sources = load_knowledge().sources
    risks = load_risks()
    keys = {k for r in (*risks.effects, *risks.overall) for k in r.sources}
    keys |= set(load_billing_rules().sources)
    assert keys <= set(sources), keys - set(sources)
    assert risks.serious
    assert risks.minor
