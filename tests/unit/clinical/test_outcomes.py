"""Responder classification, trajectory verdicts and the Medicare visit rule.

Thresholds from SPEC section 2 "Outcomes" (NRS/PEG 2 points or 30%, RMDQ 5 points or 30%,
ODI 10 points); Medicare NCD 30.3.3 from clinical-standards.md section 2.5.
"""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from acuback.clinical.coverage import check_visit_coverage
from acuback.clinical.instruments import load_instruments
from acuback.clinical.outcomes import Measurement, assess_trajectory, classify_response
from acuback.errors import InputError

DAY0 = dt.date(2026, 1, 5)


def day(n: int) -> dt.date:
    return DAY0 + dt.timedelta(days=n)


# ----- responder ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("instrument", "before", "after", "points", "percent", "responder"),
    [
        ("nrs", 7, 5, 2, 28.57, True),  # 2 points (2/7 = 28.57%): by points
        ("nrs", 3, 2, 1, 33.33, True),  # 1 point but 1/3 = 33.33%: by percent
        ("nrs", 7, 6, 1, 14.29, False),  # 1 point, 14.29%: neither
        ("nrs", 4, 6, -2, -50.0, False),  # worse
        ("peg", 6.67, 4.67, 2, 29.99, True),  # 2.00 points despite binary floating point
        ("rmdq", 14, 9, 5, 35.71, True),  # 5 points
        ("rmdq", 12, 9, 3, 25.0, False),  # 3 points, 25%
        ("rmdq", 10, 7, 3, 30.0, True),  # 3 points, exactly 30%
        ("odi", 44, 34, 10, 22.73, True),  # 10 points
        ("odi", 20, 12, 8, 40.0, False),  # 40% but the ODI rule is points only
    ],
)
def test_classify_response(
    instrument: str, before: float, after: float, points: float, percent: float, responder: bool
) -> None:
    result = classify_response(instrument, before, after)
    assert result.improvement == points
    assert result.improvement_percent == percent
    assert result.responder is responder


def test_response_reports_its_rule() -> None:
    result = classify_response("rmdq", 10, 7)
    assert (result.threshold_points, result.threshold_percent) == (5, 30)
    assert (result.met_points, result.met_percent) == (False, True)
    assert "5 points or 30% of baseline" in result.rule
    assert result.rule_version == load_instruments().rule_version
    assert "ostelo2008" in result.sources


def test_zero_baseline_has_no_percent() -> None:
    result = classify_response("nrs", 0, 0)
    assert result.improvement_percent is None
    assert result.responder is False


def test_startback_has_no_responder_rule() -> None:
    with pytest.raises(InputError) as err:
        classify_response("startback", 6, 2)
    assert err.value.field == "instrument"
    assert err.value.allowed == ("nrs", "peg", "rmdq", "odi")


@pytest.mark.parametrize(
    ("before", "after", "field"), [(11, 5, "baseline"), (5, -1, "follow_up"), (True, 0, "baseline")]
)
def test_out_of_range_scores_are_refused(before: object, after: object, field: str) -> None:
    with pytest.raises(InputError) as err:
        classify_response("nrs", before, after)  # type: ignore[arg-type]
    assert err.value.field == field
    assert err.value.allowed == "0..10"


# ----- trajectory -----------------------------------------------------------------------------


def test_improving_when_the_threshold_is_met_even_early() -> None:
    scores = [(day(0), 7), (day(7), 6), (day(14), 4)]  # 7 -> 4: 3 points, 3/7 = 42.86%
    result = assess_trajectory("nrs", scores, reassess_after_sessions=6, sessions_completed=3)
    assert result.verdict == "improving"
    assert result.direction == "better"
    assert (result.baseline.value, result.latest.value) == (7, 4)
    assert result.response.improvement == 3
    assert result.reassessment_reached is False
    assert "3 points better (42.86%)" in result.explanation


def test_not_yet_before_the_reassessment_point() -> None:
    scores = [(day(0), 7), (day(7), 6)]  # 1 point, 14.29%: below both thresholds
    result = assess_trajectory("nrs", scores, reassess_after_sessions=6, sessions_completed=2)
    assert result.verdict == "not_yet"
    assert "after 6 sessions (2 done)" in result.explanation


def test_reconsider_at_the_reassessment_point_when_below_threshold() -> None:
    scores = [(day(0), 7), (day(21), 6)]
    result = assess_trajectory("nrs", scores, reassess_after_sessions=6, sessions_completed=6)
    assert result.verdict == "not_improving_reconsider"
    assert result.reassessment_reached is True
    assert "reconsider" in result.explanation


def test_worse_is_not_yet_before_and_reconsider_at_reassessment() -> None:
    scores = [(day(0), 12), (day(14), 15)]  # RMDQ 12 -> 15: 3 points worse
    early = assess_trajectory("rmdq", scores, reassess_on=day(28))
    late = assess_trajectory("rmdq", scores, reassess_on=day(14))  # latest is on the date
    assert (early.verdict, early.direction) == ("not_yet", "worse")
    assert (late.verdict, late.direction) == ("not_improving_reconsider", "worse")
    assert "3 points worse" in late.explanation


def test_unordered_dict_scores_are_sorted_by_date() -> None:
    scores = [
        {"date": "2026-02-02", "value": 30},
        {"date": "2026-01-05", "value": 44},  # baseline
        {"date": "2026-01-19", "value": 40},
    ]
    result = assess_trajectory("odi", scores, reassess_on=dt.date(2026, 2, 1))
    assert result.baseline == Measurement(date=dt.date(2026, 1, 5), value=44)
    assert result.latest.value == 30
    assert result.verdict == "improving"  # 44 -> 30: 14 points >= 10


@pytest.mark.parametrize(
    ("scores", "kwargs", "field"),
    [
        ([(DAY0, 5)], {"reassess_on": DAY0}, "scores"),
        ([(DAY0, 5), (DAY0, 4)], {"reassess_on": DAY0}, "scores"),
        ([(DAY0, 5), (day(1), 11)], {"reassess_on": DAY0}, "scores[1].value"),
        ([(DAY0, 5), {"date": "5 Jan", "value": 4}], {"reassess_on": DAY0}, "scores[1].date"),
        ([(DAY0, 5), (day(1), 4)], {}, "reassessment"),
        (
            [(DAY0, 5), (day(1), 4)],
            {"reassess_on": DAY0, "reassess_after_sessions": 4},
            "reassessment",
        ),
        ([(DAY0, 5), (day(1), 4)], {"reassess_after_sessions": 4}, "sessions_completed"),
        (
            [(DAY0, 5), (day(1), 4)],
            {"reassess_after_sessions": 0, "sessions_completed": 1},
            "reassess_after_sessions",
        ),
    ],
)
def test_trajectory_input_errors(
    scores: list[object], kwargs: dict[str, object], field: str
) -> None:
    with pytest.raises(InputError) as err:
        assess_trajectory("nrs", scores, **kwargs)  # type: ignore[arg-type]
    assert err.value.field == field


@given(
    st.lists(st.integers(0, 10), min_size=2, max_size=8),
    st.integers(1, 12),
    st.integers(0, 12),
)
def test_verdict_follows_the_rule(values: list[int], after: int, done: int) -> None:
    scores = [(day(7 * i), v) for i, v in enumerate(values)]
    result = assess_trajectory(
        "nrs", scores, reassess_after_sessions=after, sessions_completed=done
    )
    responder = classify_response("nrs", values[0], values[-1]).responder
    if responder:
        assert result.verdict == "improving"
    elif done >= after:
        assert result.verdict == "not_improving_reconsider"
    else:
        assert result.verdict == "not_yet"


# ----- Medicare visit rule --------------------------------------------------------------------

RULE = load_instruments().visit_rule("medicare")


def test_first_twelve_visits_in_ninety_days_are_covered() -> None:
    prior = [day(7 * i) for i in range(RULE.initial_visits - 1)]  # 11 weekly visits, day 0-70
    decision = check_visit_coverage(prior, day(77), improving=None)
    assert decision.covered
    assert decision.phase == "initial"
    assert "visit 12 of the first 12" in decision.reason
    assert decision.initial_window_end == day(89)  # day 1 to day 90


def test_visit_thirteen_needs_improvement() -> None:
    prior = [day(5 * i) for i in range(12)]  # 12 visits by day 55
    for improving, covered in [(None, False), (False, False), (True, True)]:
        decision = check_visit_coverage(prior, day(60), improving=improving)
        assert decision.covered is covered
    assert "reassess" in check_visit_coverage(prior, day(60), improving=None).reason
    assert "stops" in check_visit_coverage(prior, day(60), improving=False).reason
    assert check_visit_coverage(prior, day(60), improving=True).phase == "additional"


def test_after_ninety_days_unused_visits_lapse_and_improvement_is_needed() -> None:
    prior = [day(0), day(10), day(20), day(30), day(40)]
    decision = check_visit_coverage(prior, day(95), improving=None)
    assert decision.covered is False
    assert "90 days ended" in decision.reason
    assert check_visit_coverage(prior, day(95), improving=True).covered


def test_twenty_a_year_is_the_ceiling() -> None:
    prior = [day(4 * i) for i in range(20)]  # 12 initial + 8 additional by day 76
    decision = check_visit_coverage(prior, day(100), improving=True)
    assert decision.covered is False
    assert decision.visits_in_year == 20
    assert "20 a year" in decision.reason


def test_a_new_year_window_starts_a_new_course() -> None:
    prior = [day(4 * i) for i in range(20)]
    decision = check_visit_coverage(prior, day(76 + 365), improving=None)
    assert decision.covered
    assert decision.phase == "initial"
    assert decision.visits_in_year == 0


def test_visits_after_the_checked_date_are_refused() -> None:
    with pytest.raises(InputError) as err:
        check_visit_coverage([day(0), day(30)], day(20), improving=True)
    assert err.value.field == "visits[1]"
