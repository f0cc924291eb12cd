"""Heterogeneity definitions, the Q-profile interval, subgroups, leave-one-out and bias tests."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import stats

from acuback.errors import InputError
from acuback.evidence import (
    egger_test,
    from_yi_vi,
    heterogeneity,
    leave_one_out,
    pool_arrays,
    q_profile_ci,
    subgroup_analysis,
    trim_and_fill,
)
from acuback.evidence.tau2 import generalized_q

Y = np.array([-0.89, -1.59, -1.35, -1.44, -0.22, -0.79, -1.62, 0.01, -0.47, -1.37])
V = np.array([0.33, 0.19, 0.42, 0.02, 0.05, 0.007, 0.22, 0.004, 0.056, 0.073])


def test_dl_i2_equals_q_based_i2() -> None:
    r = pool_arrays(Y, V, "DL")
    assert pytest.approx(100 * (r.Q - r.Q_df) / r.Q) == r.I2
    assert pytest.approx(r.I2) == heterogeneity(Y, V, None).I2


def test_fe_h2_is_q_over_df() -> None:
    h = heterogeneity(Y, V, None)
    assert pytest.approx(h.Q / h.Q_df) == h.H2


def test_q_profile_bounds_solve_the_chi2_equations() -> None:
    lo, hi = q_profile_ci(Y, V) or (0.0, 0.0)
    df = Y.size - 1
    assert generalized_q(Y, V, lo) == pytest.approx(stats.chi2.ppf(0.975, df), rel=1e-8)
    assert generalized_q(Y, V, hi) == pytest.approx(stats.chi2.ppf(0.025, df), rel=1e-8)
    assert lo < pool_arrays(Y, V, "REML").tau2 < hi


def test_q_profile_lower_bound_is_zero_for_homogeneous_data() -> None:
    y = np.array([0.10, 0.12, 0.09, 0.11])
    assert q_profile_ci(y, np.full(4, 0.05)) == (0.0, 0.0)


def test_subgroup_difference_test() -> None:
    es = from_yi_vi(Y, V)
    groups = ["a"] * 5 + ["b"] * 5
    sg = subgroup_analysis(es, groups, method="DL")
    ra, rb = sg.results
    w = np.array([1 / ra.se**2, 1 / rb.se**2])
    mu = np.array([ra.estimate, rb.estimate])
    expect = float(np.sum(w * (mu - np.sum(w * mu) / w.sum()) ** 2))
    assert sg.Q_between == pytest.approx(expect)
    assert sg.Q_between_df == 1
    assert sg.groups == ("a", "b")
    one = subgroup_analysis(es, ["x"] * 10)
    assert one.Q_between == pytest.approx(0.0)
    assert one.Q_between_pval is None


def test_leave_one_out_drops_each_study() -> None:
    loo = leave_one_out(from_yi_vi(Y, V), method="FE")
    assert len(loo.results) == Y.size
    third = pool_arrays(np.delete(Y, 2), np.delete(V, 2), "FE")
    assert loo.results[2].estimate == pytest.approx(third.estimate)
    with pytest.raises(InputError):
        leave_one_out(from_yi_vi([0.1], [0.1]))


def test_trim_and_fill_finds_nothing_in_a_symmetric_funnel() -> None:
    se = np.array([0.1, 0.2, 0.2, 0.3, 0.3, 0.4, 0.4])
    # nearly mirror-image pairs (exact mirrors would tie the ranks L0 is built on)
    y = np.array([0.01, 0.16, -0.15, 0.29, -0.31, 0.46, -0.44])
    tf = trim_and_fill(y, se**2, method="FE")
    assert tf.k0 == 0
    assert tf.filled_yi == ()
    assert tf.result.estimate == pytest.approx(pool_arrays(y, se**2, "FE").estimate)


def test_trim_and_fill_mirrors_missing_studies() -> None:
    se = np.array([0.1, 0.15, 0.2, 0.25, 0.3, 0.35, 0.4, 0.45])
    y = 0.1 + 2.2 * se  # small studies show larger effects: missing on the left
    tf = trim_and_fill(y, se**2, method="FE")
    assert tf.side == "left"
    assert tf.k0 > 0
    assert tf.result.estimate < pool_arrays(y, se**2, "FE").estimate


def test_egger_detects_asymmetry_and_needs_three_studies() -> None:
    se = np.array([0.1, 0.15, 0.2, 0.25, 0.3, 0.35, 0.4, 0.45])
    noise = np.array([0.01, -0.02, 0.015, -0.01, 0.02, -0.015, 0.01, -0.005])
    e = egger_test(0.1 + 2.0 * se + noise, se**2, model="lm")
    assert e.pval < 0.001
    assert e.limit == pytest.approx(0.1, abs=0.05)
    with pytest.raises(InputError):
        egger_test([0.1, 0.2], [0.1, 0.1])
    with pytest.raises(InputError, match="predictor"):
        egger_test(Y, V, predictor="ni")


@pytest.mark.parametrize("near", [0.0, 1e-3, 0.05, 0.5, 10.0, 1e4])
def test_q_profile_bounds_do_not_depend_on_where_the_search_starts(near: float) -> None:
    """The fit's tau^2 is only a starting point: left, right or between the roots."""
    assert q_profile_ci(Y, V, near=near) == pytest.approx(q_profile_ci(Y, V), rel=1e-10)
