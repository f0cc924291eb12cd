"""Pooling: properties that hold for any data (hypothesis) and agreement of the two code paths."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from acuback.errors import InputError
from acuback.evidence import estimate_tau2, meta_regression, pool_arrays

METHODS = ["FE", "DL", "HE", "PM", "ML", "REML"]
effects = st.floats(-5, 5, allow_nan=False, allow_infinity=False)
variances = st.floats(0.01, 4, allow_nan=False, allow_infinity=False)
studies = st.lists(st.tuples(effects, variances), min_size=2, max_size=25)


@settings(max_examples=60, deadline=None)
@given(studies, st.sampled_from(METHODS), st.randoms(use_true_random=False), st.booleans())
def test_invariant_to_study_order(
    data: list[tuple[float, float]], method: str, rnd: object, hk: bool
) -> None:
    y, v = (np.array(x) for x in zip(*data, strict=True))
    order = np.arange(y.size)
    rnd.shuffle(order)  # type: ignore[attr-defined]
    a = pool_arrays(y, v, method, hk=hk)  # type: ignore[arg-type]
    b = pool_arrays(y[order], v[order], method, hk=hk)  # type: ignore[arg-type]
    for field in ("estimate", "se", "tau2", "Q", "pi_lb", "pi_ub"):
        assert getattr(a, field) == pytest.approx(getattr(b, field), rel=1e-6, abs=1e-7)


@settings(max_examples=60, deadline=None)
@given(studies, st.sampled_from(METHODS))
def test_tau2_is_never_negative(data: list[tuple[float, float]], method: str) -> None:
    y, v = (np.array(x) for x in zip(*data, strict=True))
    assert pool_arrays(y, v, method).tau2 >= 0  # type: ignore[arg-type]


@given(effects, variances, st.sampled_from(METHODS))
def test_one_study_returns_the_study(y: float, v: float, method: str) -> None:
    r = pool_arrays([y], [v], method)  # type: ignore[arg-type]
    assert r.estimate == pytest.approx(y)
    assert r.se == pytest.approx(np.sqrt(v))
    assert r.tau2 == 0
    assert (r.I2, r.H2, r.Q_pval) == (None, None, None)


@given(effects, variances, st.integers(2, 30), st.sampled_from(METHODS))
def test_identical_studies_give_zero_tau2(y: float, v: float, k: int, method: str) -> None:
    r = pool_arrays([y] * k, [v] * k, method)  # type: ignore[arg-type]
    assert r.tau2 == 0
    assert r.estimate == pytest.approx(y)
    assert pytest.approx(0, abs=1e-9) == r.Q


@settings(max_examples=40, deadline=None)
@given(
    st.lists(st.tuples(effects, variances), min_size=3, max_size=15),
    st.sampled_from(["DL", "HE", "PM", "ML", "REML"]),
)
def test_fast_path_matches_matrix_path(data: list[tuple[float, float]], method: str) -> None:
    """The O(k) intercept-only estimators equal the general P-matrix code with X = 1."""
    from acuback.evidence.regression import _tau2

    y, v = (np.array(x) for x in zip(*data, strict=True))
    fast = estimate_tau2(y, v, method)  # type: ignore[arg-type]
    slow, slow_se = _tau2(y, v, np.ones((y.size, 1)), method)  # type: ignore[arg-type]
    assert fast.tau2 == pytest.approx(slow, rel=1e-6, abs=1e-9)
    if method != "HE" and slow_se is not None and fast.se is not None:
        assert fast.se == pytest.approx(slow_se, rel=1e-6, abs=1e-9)


def test_meta_regression_slope_recovers_a_linear_trend() -> None:
    x = np.arange(8, dtype=float)
    y = 0.5 + 0.2 * x
    reg = meta_regression(y, np.full(8, 0.05), x, method="REML")
    assert reg.coef == pytest.approx((0.5, 0.2))
    assert reg.tau2 == 0


def test_hartung_knapp_uses_t_and_scaled_variance() -> None:
    y, v = np.array([0.1, 0.5, -0.2, 0.9]), np.array([0.04, 0.09, 0.05, 0.2])
    z, t = pool_arrays(y, v, "REML"), pool_arrays(y, v, "REML", hk=True)
    w = 1 / (v + z.tau2)
    s2w = np.sum(w * (y - z.estimate) ** 2) / 3
    assert t.se == pytest.approx(z.se * np.sqrt(s2w))
    assert t.df == 3
    assert "tval" in t.as_dict()
    assert "zval" in z.as_dict()


def test_bad_input_is_refused() -> None:
    with pytest.raises(InputError, match="vi"):
        pool_arrays([0.1, 0.2], [0.1, -1.0])
    with pytest.raises(InputError, match="method"):
        pool_arrays([0.1, 0.2], [0.1, 0.1], "XX")  # type: ignore[arg-type]
    with pytest.raises(InputError, match="hk"):
        pool_arrays([0.1], [0.1], "REML", hk=True)
    with pytest.raises(InputError, match="yi"):
        pool_arrays([], [])
