"""Small-study effects: Egger's regression test, Begg's rank test and trim-and-fill.

All three follow R metafor (`regtest`, `ranktest`, `trimfill`) with their defaults:

* Egger (`regtest`): regress y on a precision predictor and test its coefficient.
  model="rma" (default) fits the mixed-effects meta-regression y = b0 + b1 x with the chosen
  tau^2 method and a z test; model="lm" is Egger's classical weighted regression
  (weights 1/v, multiplicative dispersion, t test on k-2 df). Predictors: "sei" (default,
  sqrt v), "vi", "ni", "ninv" (1/n), "sqrtninv" (1/sqrt n). The limit estimate is the intercept
  (the effect expected as the predictor tends to 0), not given for "ni".
* Rank test (`ranktest`): Kendall's tau between (y - mu_FE)/sqrt(v - se_FE^2) and v, with the
  exact p-value when k < 50 and there are no ties.
* Trim-and-fill (`trimfill`, Duval and Tweedie 2000): the side is "right" when the Egger
  slope on sqrt v is negative, else "left"; iterate trimming the k0 most extreme studies on
  that side, re-estimating mu and k0 by L0 (default) or R0, k0 rounded half-to-even and >= 0;
  then mirror those studies about the trimmed mu and refit with the same method.
  L0 standard error: 4 sqrt(var S_r)/(2k - 1); R0: sqrt(2 max(0, k0) + 2) with p = 0.5^(k0+1).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np
from numpy.typing import NDArray
from scipy import stats
from scipy.stats import rankdata

from acuback.errors import InputError
from acuback.evidence.pooling import PooledResult, pool_arrays
from acuback.evidence.regression import meta_regression
from acuback.evidence.tau2 import Method

__all__ = ["EggerTest", "RankTest", "TrimFill", "egger_test", "rank_test", "trim_and_fill"]

Array = NDArray[np.float64]
Predictor = Literal["sei", "vi", "ni", "ninv", "sqrtninv"]


@dataclass(frozen=True)
class EggerTest:
    """Test of the predictor's slope; `limit` is the intercept with its CI (None for ni)."""

    model: Literal["rma", "lm"]
    predictor: Predictor
    slope: float
    stat: float
    df: int | None
    pval: float
    limit: float | None
    limit_ci: tuple[float, float] | None


@dataclass(frozen=True)
class RankTest:
    """Kendall's tau between standardized effects and their variances."""

    tau: float
    pval: float


@dataclass(frozen=True)
class TrimFill:
    """Estimated missing studies and the pooled result with them filled in."""

    k0: int
    k0_se: float
    side: Literal["left", "right"]
    estimator: Literal["L0", "R0"]
    p_k0: float | None
    filled_yi: tuple[float, ...]
    filled_vi: tuple[float, ...]
    result: PooledResult


def _predictor(vi: Array, ni: Array | None, predictor: Predictor) -> Array:
    if predictor in ("sei", "vi"):
        return np.sqrt(vi) if predictor == "sei" else vi
    if ni is None:
        raise InputError("predictor", f"{predictor!r} needs sample sizes", ("sei", "vi"))
    n = np.asarray(ni, dtype=float)
    out: Array = {"ni": n, "ninv": 1 / n, "sqrtninv": 1 / np.sqrt(n)}[predictor]
    return out


def egger_test(
    yi: Array | list[float],
    vi: Array | list[float],
    ni: Array | list[float] | None = None,
    model: Literal["rma", "lm"] = "rma",
    predictor: Predictor = "sei",
    method: Method = "REML",
) -> EggerTest:
    """Egger-type regression test for funnel-plot asymmetry (see module docstring)."""
    y, v = np.asarray(yi, dtype=float), np.asarray(vi, dtype=float)
    if y.size < 3:
        raise InputError("yi", "the regression test needs at least 3 studies")
    x = _predictor(v, None if ni is None else np.asarray(ni, dtype=float), predictor)
    if model == "lm":
        fit = meta_regression(y, v, x, method="FE", hk=True)
    elif model == "rma":
        fit = meta_regression(y, v, x, method=method)
    else:
        raise InputError("model", f"unknown model {model!r}", ("rma", "lm"))
    limit = None if predictor == "ni" else fit.coef[0]
    limit_ci = None if predictor == "ni" else (fit.ci_lb[0], fit.ci_ub[0])
    return EggerTest(
        model, predictor, fit.coef[1], fit.stat[1], fit.df, fit.pval[1], limit, limit_ci
    )


def rank_test(yi: Array | list[float], vi: Array | list[float]) -> RankTest:
    """Begg and Mazumdar's rank correlation test."""
    y, v = np.asarray(yi, dtype=float), np.asarray(vi, dtype=float)
    fe = pool_arrays(y, v, method="FE", with_tau2_ci=False)
    ys = (y - fe.estimate) / np.sqrt(v - fe.se**2)
    ties = len(set(ys.tolist())) < y.size or len(set(v.tolist())) < y.size
    exact = "exact" if y.size < 50 and not ties else "asymptotic"
    res = stats.kendalltau(ys, v, method=exact)
    return RankTest(float(res.statistic), float(res.pvalue))


def _k0_step(yc: Array, estimator: str) -> tuple[float, float]:
    k = yc.size
    signed = np.sign(yc) * rankdata(np.abs(yc), method="ordinal")
    if estimator == "R0":
        neg = -signed[signed < 0]
        r0 = float(k - (neg.max() if neg.size else 0) - 1)
        return r0, float(np.sqrt(2 * max(0.0, r0) + 2))
    sr = float(signed[signed > 0].sum())
    k0 = (4 * sr - k * (k + 1)) / (2 * k - 1)
    var = (
        k * (k + 1) * (2 * k + 1)
        + 10 * k0**3
        + 27 * k0**2
        + 17 * k0
        - 18 * k * k0**2
        - 18 * k * k0
        + 6 * k**2 * k0
    ) / 24
    return k0, float(4 * np.sqrt(max(var, 0.0)) / (2 * k - 1))


def trim_and_fill(
    yi: Array | list[float],
    vi: Array | list[float],
    method: Method = "REML",
    side: Literal["left", "right"] | None = None,
    estimator: Literal["L0", "R0"] = "L0",
    maxiter: int = 100,
) -> TrimFill:
    """Duval and Tweedie's trim-and-fill (see module docstring)."""
    y0, v0 = np.asarray(yi, dtype=float), np.asarray(vi, dtype=float)
    if y0.size < 3:
        raise InputError("yi", "trim-and-fill needs at least 3 studies")
    if side is None:
        slope = meta_regression(y0, v0, np.sqrt(v0), method=method).coef[1]
        side = "right" if slope < 0 else "left"
    sign = -1.0 if side == "right" else 1.0
    order = np.argsort(sign * y0, kind="stable")
    y, v = sign * y0[order], v0[order]
    k = y.size
    k0, k0_prev, it, se_k0, beta = 0, -1, 0, 0.0, 0.0
    while k0 != k0_prev:
        k0_prev, it = k0, it + 1
        if it > maxiter:
            raise InputError("trimfill", "the trim-and-fill iterations did not converge")
        beta = pool_arrays(y[: k - k0], v[: k - k0], method=method, with_tau2_ci=False).estimate
        raw, se_k0 = _k0_step(y - beta, estimator)
        k0, se_k0 = max(0, round(raw)), max(0.0, se_k0)
    fill_y = sign * (2 * beta - y[k - k0 :]) if k0 else np.empty(0)
    fill_v = v[k - k0 :] if k0 else np.empty(0)
    all_y, all_v = np.concatenate([y0, fill_y]), np.concatenate([v0, fill_v])
    result = pool_arrays(all_y, all_v, method=method)
    p_k0 = 0.5 ** (k0 + 1) if estimator == "R0" else None
    return TrimFill(
        k0, se_k0, side, estimator, p_k0, tuple(fill_y.tolist()), tuple(fill_v.tolist()), result
    )
