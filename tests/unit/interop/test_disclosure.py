"""The one small-cell rule: counts of 1 to MIN_CELL - 1 are never published."""

from __future__ import annotations

from acuback.interop.disclosure import MIN_CELL, is_small, suppress_counts


def test_small_counts_are_suppressed_and_zero_is_not() -> None:
    assert MIN_CELL == 3
    assert [is_small(n) for n in range(5)] == [False, True, True, False, False]


def test_one_hidden_cell_brings_a_complementary_one() -> None:
    # With the total 16 published, hiding only "refer" would leave it as 16 - 10 - 5 = 1.
    assert suppress_counts({"proceed": 10, "caution": 5, "refer": 1}) == {
        "proceed": 10,
        "caution": None,
        "refer": None,
    }
    assert suppress_counts({"a": 1, "b": 2, "c": 7}) == {"a": None, "b": None, "c": 7}
    assert suppress_counts({"a": 4, "b": 3}) == {"a": 4, "b": 3}
    assert suppress_counts({"a": 1}) == {"a": None}


def test_the_analytics_report_and_the_research_aggregates_share_the_threshold() -> None:
    from acuback.analytics.factors import load_analysis_spec
    from acuback.services import research

    assert load_analysis_spec().small_cell == MIN_CELL
    assert research.MIN_CELL == MIN_CELL
