"""The progress chart: one panel per instrument, thresholds from the instruments data."""

from __future__ import annotations

from datetime import date
from types import SimpleNamespace
from xml.etree import ElementTree

import pytest

from acuback.clinical.instruments import load_instruments
from acuback.web.views.charts import (
    important_level,
    progress_chart,
    scores_by_instrument,
    session_pain,
)

NS = {"svg": "http://www.w3.org/2000/svg"}
D1, D2, D3 = date(2026, 1, 5), date(2026, 1, 19), date(2026, 2, 2)


def parse(svg: str) -> ElementTree.Element:
    return ElementTree.fromstring(svg)  # well-formed XML, or this raises


def test_each_instrument_gets_a_panel_with_its_scores() -> None:
    root = parse(
        progress_chart(
            {"nrs": [(D2, 5), (D1, 7)], "odi": [(D1, 40), (D3, 22)], "startback": [(D1, 5)]}
        )
    )
    panels = [g.get("data-instrument") for g in root.iterfind("svg:g", NS)]
    assert panels == ["nrs", "odi"]  # STarT Back has no responder rule and is not charted
    circles = root.findall(".//svg:circle", NS)
    shown = [(c.get("data-instrument"), c.get("data-date"), c.get("data-score")) for c in circles]
    assert shown == [
        ("nrs", "2026-01-05", "7"),
        ("nrs", "2026-01-19", "5"),
        ("odi", "2026-01-05", "40"),
        ("odi", "2026-02-02", "22"),
    ]
    texts = " ".join(t.text or "" for t in root.iter(f"{{{NS['svg']}}}text"))
    assert "Date" in texts
    assert "Score" in texts
    assert "baseline 7" in texts
    assert "2026-01-05" in texts
    assert "2026-02-02" in texts


@pytest.mark.parametrize("instrument", ["nrs", "peg", "rmdq", "odi"])
def test_important_level_follows_the_packaged_responder_rule(instrument: str) -> None:
    spec = load_instruments().get(instrument)
    rule = spec.responder
    assert rule is not None
    baseline = spec.score.max * 0.6
    steps = [s for s in (rule.absolute, baseline * (rule.percent or 0) / 100) if s]
    assert important_level(spec, baseline) == pytest.approx(baseline - min(steps))
    root = parse(progress_chart({instrument: [(D1, baseline), (D2, baseline)]}))
    target = root.find(".//svg:line[@class='target']", NS)
    assert target is not None
    assert float(target.get("data-level", "nan")) == pytest.approx(baseline - min(steps), abs=0.01)


def test_known_levels() -> None:  # SPEC: NRS 2 points or 30%; RMDQ 5 or 30%; ODI 10 points
    catalog = load_instruments()
    assert important_level(catalog.get("nrs"), 7) == 5  # 2 points < 2.1 (30%)
    assert important_level(catalog.get("nrs"), 5) == pytest.approx(3.5)  # 30% = 1.5 < 2
    assert important_level(catalog.get("rmdq"), 14) == pytest.approx(9.8)  # 30% = 4.2 < 5
    assert important_level(catalog.get("odi"), 40) == 30
    assert important_level(catalog.get("odi"), 5) == 0  # never below the scale
    assert important_level(catalog.get("startback"), 5) is None


def test_no_scores_says_so() -> None:
    root = parse(progress_chart({}))
    assert root.findall(".//svg:circle", NS) == []
    assert any(
        "No pain or function scores" in (t.text or "") for t in root.iter(f"{{{NS['svg']}}}text")
    )


def test_title_is_escaped() -> None:
    svg = progress_chart({"nrs": [(D1, 3)]}, title="<script>alert(1)</script>")
    assert "<script>" not in svg
    assert parse(svg).find("svg:title", NS).text == "<script>alert(1)</script>"  # type: ignore[union-attr]


def test_scores_by_instrument_groups_sorts_and_keeps_the_days_last() -> None:
    rows = [
        SimpleNamespace(instrument="nrs", measured_on=D2, score=5.0),
        SimpleNamespace(instrument="nrs", measured_on=D1, score=7.0),
        SimpleNamespace(instrument="nrs", measured_on=D2, score=4.0),
        SimpleNamespace(instrument="rmdq", measured_on=D1, score=None),
    ]
    assert scores_by_instrument(rows) == {"nrs": [(D1, 7.0), (D2, 4.0)]}


def test_session_pain_is_a_last_panel_of_its_own_without_a_responder_band() -> None:
    root = parse(progress_chart({"rmdq": [(D1, 12)]}, sessions=[(D2, 3), (D1, 6)]))
    panels = [g.get("data-instrument") for g in root.iterfind("svg:g", NS)]
    assert panels == ["rmdq", "session_pain"]  # the questionnaires stay first
    session = root.find("svg:g[@data-instrument='session_pain']", NS)
    assert session is not None
    shown = [
        (c.get("data-date"), c.get("data-score")) for c in session.iter(f"{{{NS['svg']}}}circle")
    ]
    assert shown == [("2026-01-05", "6"), ("2026-01-19", "3")]
    assert session.find(".//svg:line[@class='target']", NS) is None


def test_session_pain_alone_is_not_reported_as_no_scores() -> None:
    root = parse(progress_chart({}, sessions=[(D1, 6), (D3, 3)]))
    texts = " ".join(t.text or "" for t in root.iter(f"{{{NS['svg']}}}text"))
    assert "No pain or function scores" not in texts
    assert "pain before treatment" in texts


def test_session_pain_takes_signed_charts_only() -> None:
    charts = [
        SimpleNamespace(status="signed", session_date=D1, pain_before=6),
        SimpleNamespace(status="draft", session_date=D2, pain_before=9),
        SimpleNamespace(status="signed", session_date=D3, pain_before=None),
    ]
    assert session_pain(charts) == [(D1, 6.0)]
