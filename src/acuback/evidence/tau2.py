"""Between-study variance (tau^2) estimators for the intercept-only random-effects model.

Every estimator works in O(k) with the closed forms of the projection matrix
P = W - w w' / sum(w) (W = diag(w), w_i = 1/(v_i + tau^2)), so a fit with 100,000 studies
takes milliseconds. All follow R metafor's `rma.uni` (version 4.x) and its defaults:

* DL  (DerSimonian-Laird): tau^2 = (Q - (k-1)) / (sum w - sum w^2 / sum w), w = 1/v.
* HE  (Hedges / Cochran ANOVA): tau^2 = (sum (y - ybar)^2 - (k-1)/k sum v) / (k-1).
* PM  (Paule-Mandel): the root of Q(tau^2) = k - 1, where Q uses w = 1/(v + tau^2);
  0 when Q(0) < k - 1. Solved to 1e-12 (metafor's `uniroot` uses tol = eps^0.25).
* ML, REML: Fisher scoring from the HE estimate (truncated at 0), step halving to stay >= 0,
  stop when |change| < threshold = 1e-5 or after maxiter = 100 iterations (metafor defaults);
  REML step = (y'PPy - tr P) / tr(PP), ML step = (y'PPy - sum w) / sum w^2. If the likelihood
  at tau^2 = 0 is higher than at the estimate, 0 is returned (metafor's `ll0check`).
* A general method-of-moments estimator with weights a_i (DerSimonian-Kacker 2007) gives
  DL (a = 1/v), HE (a = 1) and two-step estimators.

Every estimate is truncated at 0: tau^2 is never negative. Inner products are plain ufunc
reductions (`inner`): on 1-D arrays `np.dot` goes through threaded BLAS, which was up to
100x slower on a busy two-core machine (bench/bench_reml.py). Standard errors use metafor's
formulas (the inverse Fisher information for ML and REML).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Literal, get_args

import numpy as np
from numpy.typing import NDArray
from scipy.optimize import brentq

from acuback.errors import InputError

__all__ = [
    "FISHER_MAXITER",
    "FISHER_THRESHOLD",
    "Method",
    "Tau2Estimate",
    "estimate_tau2",
    "generalized_q",
    "inner",
    "q_root",
    "tau2_moment",
]

Method = Literal["FE", "DL", "HE", "PM", "ML", "REML"]
METHODS: tuple[str, ...] = get_args(Method)
Array = NDArray[np.float64]
FISHER_THRESHOLD = 1e-5
FISHER_MAXITER = 100


@dataclass(frozen=True)
class Tau2Estimate:
    """An estimate of tau^2 with its standard error and how the solver ended."""

    tau2: float
    se: float | None
    iterations: int = 0
    converged: bool = True


def inner(a: Array, b: Array) -> float:
    """sum(a * b) as a ufunc reduction (no BLAS; see the module docstring)."""
    return float(np.multiply(a, b).sum())


def generalized_q(yi: Array, vi: Array, tau2: float) -> float:
    """Q(tau^2) = sum w_i (y_i - mu_w)^2 with w_i = 1/(v_i + tau^2); Q(0) is Cochran's Q."""
    w = 1.0 / (vi + tau2)
    mu = float(inner(w, yi) / w.sum())
    return float(inner(w, (yi - mu) ** 2))


def tau2_moment(yi: Array, vi: Array, a: Array) -> float:
    """Method-of-moments tau^2 with weights a (untruncated; DerSimonian and Kacker 2007).

    tau^2 = (sum a (y - ybar_a)^2 - (sum a v - sum a^2 v / sum a)) / (sum a - sum a^2 / sum a).
    """
    sa = a.sum()
    ybar = inner(a, yi) / sa
    num = inner(a, (yi - ybar) ** 2) - (inner(a, vi) - inner(a**2, vi) / sa)
    return float(num / (sa - inner(a, a) / sa))


@dataclass(frozen=True)
class _Moments:
    """Sums over w = 1/(v + tau^2) that every intercept-only formula needs (one pass each)."""

    sw: float
    sw2: float
    sw3: float
    q: float  # sum w (y - mu)^2
    ypppy: float  # y'PPy = sum w^2 (y - mu)^2

    @classmethod
    def at(cls, yi: Array, vi: Array, tau2: float) -> _Moments:
        w = 1.0 / (vi + tau2)
        sw = float(w.sum())
        wr = w * (yi - float(inner(w, yi)) / sw)
        w2 = w * w
        return cls(
            sw, float(w2.sum()), float(inner(w2, w)), float(inner(wr, yi)), float(inner(wr, wr))
        )

    def tr_pp(self) -> float:
        return self.sw2 - 2 * self.sw3 / self.sw + self.sw2**2 / self.sw**2


def _dl(yi: Array, vi: Array) -> Tau2Estimate:
    k = yi.size
    w = 1.0 / vi
    sw, sw2 = w.sum(), inner(w, w)
    trp = sw - sw2 / sw
    tau2 = max(0.0, (generalized_q(yi, vi, 0.0) - (k - 1)) / trp)
    trpp = sw2 - 2 * np.sum(w**3) / sw + sw2**2 / sw**2
    se = np.sqrt((2 * (k - 1) + 4 * tau2 * trp + 2 * tau2**2 * trpp) / trp**2)
    return Tau2Estimate(tau2, float(se))


def _he_raw(yi: Array, vi: Array) -> float:
    k = yi.size
    return float((np.sum((yi - yi.mean()) ** 2) - vi.sum() * (k - 1) / k) / (k - 1))


def _he(yi: Array, vi: Array) -> Tau2Estimate:
    k = yi.size
    tau2 = max(0.0, _he_raw(yi, vi))
    # P V with P = I - J/k: tr(PV) = (k-1)/k sum v and
    # sum(PV * (PV)') = sum v^2 (1 - 2/k) + (sum v)^2 / k^2
    trpv = vi.sum() * (k - 1) / k
    pvpv = inner(vi, vi) * (1 - 2 / k) + vi.sum() ** 2 / k**2
    se = np.sqrt((2 * pvpv + 4 * tau2 * trpv + 2 * tau2**2 * (k - 1)) / (k - 1) ** 2)
    return Tau2Estimate(tau2, float(se))


def q_root(yi: Array, vi: Array, target: float, guess: float = 0.0) -> float:
    """The tau^2 >= 0 where Q(tau^2) = target (Q is decreasing), or 0 when Q(0) <= target.

    Q is decreasing and convex in tau^2, so Newton steps (dQ/dtau^2 = -y'PPy) taken left of
    the root climb monotonically to it, to 1e-12; from a `guess` right of the root (say a tau^2
    estimate) the first step lands left of it, or at 0. brentq is the fallback should that
    ever stall.
    """
    scorer = _Scorer(yi, vi)
    tau2 = max(0.0, guess)
    _, _, _, q, ypppy = scorer.at(tau2)
    if q <= target and tau2 > 0:  # right of the root: one step back, then from the left
        tau2 = max(0.0, tau2 + (q - target) / ypppy)
        _, _, _, q, ypppy = scorer.at(tau2)
    if q <= target:
        return 0.0
    for _ in range(100):
        step = (q - target) / ypppy
        tau2 += step
        if step <= 1e-12 * max(1.0, tau2):
            return tau2
        _, _, _, q, ypppy = scorer.at(tau2)

    def excess(t: float) -> float:
        return generalized_q(yi, vi, t) - target

    upper = max(100.0, 10 * float(np.var(yi)), 2 * tau2)
    while excess(upper) > 0:
        upper *= 10
    return float(brentq(excess, 0.0, upper, xtol=1e-12, rtol=1e-14))


def _pm(yi: Array, vi: Array) -> Tau2Estimate:
    k = yi.size
    tau2 = q_root(yi, vi, k - 1.0)
    w = 1.0 / (vi + tau2)
    se = np.sqrt(2 * k**2 / (k - 1) / w.sum() ** 2)
    return Tau2Estimate(tau2, float(se))


class _Scorer:
    """The sums Fisher scoring needs at one tau^2, computed in three preallocated buffers.

    Each ufunc writes into a buffer (`out=`) instead of a new array: at k = 100,000 a fresh
    800 kB temporary costs more than the arithmetic (the allocator hands back zeroed pages),
    so one fit allocates three arrays however many iterations it takes.
    """

    def __init__(self, yi: Array, vi: Array) -> None:
        self.y, self.v = yi, vi
        self.w, self.r, self.t = np.empty_like(yi), np.empty_like(yi), np.empty_like(yi)

    def at(self, tau2: float) -> tuple[float, float, float, float, float]:
        """(sum w, sum w^2, sum w^3, Q, y'PPy) at tau2; leaves w in `self.w`."""
        w, r, t = self.w, self.r, self.t
        np.add(self.v, tau2, out=w)
        np.reciprocal(w, out=w)
        sw = float(w.sum())
        np.multiply(w, self.y, out=t)
        np.subtract(self.y, float(t.sum()) / sw, out=r)  # r = y - mu
        np.multiply(r, w, out=r)  # r = w (y - mu)
        q = float(np.multiply(r, self.y, out=t).sum())  # sum w (y - mu)^2, as sum w r = 0
        ypppy = float(np.multiply(r, r, out=t).sum())
        np.multiply(w, w, out=t)
        sw2 = float(t.sum())
        sw3 = float(np.multiply(t, w, out=t).sum())
        return sw, sw2, sw3, q, ypppy

    def log_gain_at_zero(self, tau2: float, sw: float, q: float, reml: bool) -> float:
        """(Restricted) log-likelihood at tau^2 = 0 minus that at tau2 (sw, q at tau2)."""
        sw0, _, _, q0, _ = self.at(0.0)
        np.multiply(self.w, tau2, out=self.t)  # w = 1/v now: log1p(tau2 / v)
        gain = 0.5 * float(np.log1p(self.t, out=self.t).sum()) - 0.5 * (q0 - q)
        return gain - 0.5 * (math.log(sw0) - math.log(sw)) if reml else gain


def _tr_pp(sw: float, sw2: float, sw3: float) -> float:
    return sw2 - 2 * sw3 / sw + sw2 * sw2 / (sw * sw)


def _fisher(yi: Array, vi: Array, reml: bool, threshold: float, maxiter: int) -> Tau2Estimate:
    scorer = _Scorer(yi, vi)
    tau2 = max(0.0, _he_raw(yi, vi))
    change, it = threshold + 1, 0
    while change > threshold:
        it += 1
        sw, sw2, sw3, _, ypppy = scorer.at(tau2)
        adj = (ypppy - (sw - sw2 / sw)) / _tr_pp(sw, sw2, sw3) if reml else (ypppy - sw) / sw2
        while tau2 + adj < 0:
            adj /= 2
        old, tau2 = tau2, tau2 + adj
        change = abs(tau2 - old)
        if it > maxiter:
            return Tau2Estimate(tau2, None, it, converged=False)
    sw, sw2, sw3, q, _ = scorer.at(tau2)
    if tau2 > threshold and scorer.log_gain_at_zero(tau2, sw, q, reml) > 1.220703e-4:
        tau2 = 0.0  # metafor's ll0check: the scoring stopped at a local maximum
        sw, sw2, sw3, q, _ = scorer.at(tau2)
    info = _tr_pp(sw, sw2, sw3) if reml else sw2
    return Tau2Estimate(tau2, math.sqrt(2 / info), it)


def estimate_tau2(
    yi: Array,
    vi: Array,
    method: Method,
    threshold: float = FISHER_THRESHOLD,
    maxiter: int = FISHER_MAXITER,
) -> Tau2Estimate:
    """tau^2 for the intercept-only model by `method` (FE gives 0 with no standard error)."""
    if method not in METHODS:
        raise InputError("method", f"unknown method {method!r}", METHODS)
    if method == "FE" or yi.size == 1:
        return Tau2Estimate(0.0, None)
    if method == "DL":
        return _dl(yi, vi)
    if method == "HE":
        return _he(yi, vi)
    if method == "PM":
        return _pm(yi, vi)
    return _fisher(yi, vi, method == "REML", threshold, maxiter)
