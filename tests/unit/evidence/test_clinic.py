"""Clinic outcomes: parsing, per-patient change, Wilson interval and the figure."""

from __future__ import annotations

import pytest

from acuback.errors import InputError
from acuback.evidence.clinic import (
    CAVEAT,
    clinic_figure,
    clinic_summary,
    parse_outcome_csv,
    trial_benchmarks,
    wilson_ci,
)
from acuback.services.research import clinic_scales

SCALES = clinic_scales()  # ranges and responder rules from clinical/data/instruments.yaml

CSV = """patient,date,instrument,score
a,2026-01-05,nrs,8
a,2026-02-01,nrs,6
a,2026-03-01,nrs,3
b,2026-01-07,nrs,6
b,2026-03-02,nrs,5
c,2026-01-09,nrs,7
c,2026-03-03,nrs,7
d,2026-01-09,nrs,4
e,2026-01-09,rmdq,12
e,2026-02-09,rmdq,6
"""


def test_wilson_interval_known_value() -> None:
    lo, hi = wilson_ci(18, 25)
    assert (round(lo, 4), round(hi, 4)) == (0.5242, 0.8572)
    assert wilson_ci(0, 10)[0] == 0.0


def test_change_from_first_to_last_score() -> None:
    s = clinic_summary(parse_outcome_csv(CSV, SCALES), "NRS", SCALES)
    assert s.n_patients == 3  # d has one score only
    assert sorted(s.improvements) == [0.0, 1.0, 5.0]
    assert s.mean_improvement == pytest.approx(2.0)
    assert s.responders == 1  # a: 5 points; b: 1 point and 17%; c: none
    assert s.ci is not None
    assert s.ci[0] < 2.0 < s.ci[1]


@pytest.mark.parametrize(
    ("text", "field"),
    [
        ("patient,date,score\na,2026-01-01,3\n", "columns"),
        ("patient,date,instrument,score\na,01/02/2026,nrs,3\n", "date"),
        ("patient,date,instrument,score\na,2026-01-01,vas,3\n", "instrument"),
        ("patient,date,instrument,score\na,2026-01-01,nrs,11\n", "score"),
        ("patient,date,instrument,score\na,2026-01-01,nrs,x\n", "score"),
        ("patient,date,instrument,score\n", "rows"),
    ],
)
def test_bad_rows_name_the_field(text: str, field: str) -> None:
    with pytest.raises(InputError) as err:
        parse_outcome_csv(text, SCALES)
    assert err.value.field == field


def test_instrument_without_repeat_scores_is_an_error() -> None:
    with pytest.raises(InputError, match="two or more"):
        clinic_summary(parse_outcome_csv(CSV, SCALES), "odi", SCALES)


def test_figure_carries_the_caveat_and_trial_arms() -> None:
    s = clinic_summary(parse_outcome_csv(CSV, SCALES), "nrs", SCALES)
    bench = trial_benchmarks("nrs")
    assert any(b.label.startswith("ART acupuncture") and b.ci is not None for b in bench)
    fig = clinic_figure(s, bench)
    texts = " ".join(t.get_text() for t in fig.texts)  # type: ignore[attr-defined]
    assert CAVEAT in texts
    labels = [t.get_text() for ax in fig.axes for t in ax.texts]  # type: ignore[attr-defined]
    assert "This clinic (n = 3)" in labels
    assert len(trial_benchmarks("rmdq")) == 4


def test_the_scales_are_the_instruments_responder_rules() -> None:
    """The thresholds are read from instruments.yaml, the only place they are written."""
    from acuback.clinical.instruments import load_instruments

    assert tuple(SCALES) == ("nrs", "peg", "rmdq", "odi")
    for key, scale in SCALES.items():
        spec = load_instruments().get(key)
        assert spec.responder is not None
        assert (scale.low, scale.high) == (spec.score.min, spec.score.max)
        assert scale.points == spec.responder.absolute
        percent = spec.responder.percent
        assert scale.fraction == (None if percent is None else percent / 100)
    summary = clinic_summary(parse_outcome_csv(CSV, SCALES), "rmdq", SCALES)
    assert summary.responder_rule == "improvement >= 5 points or >= 30%"
