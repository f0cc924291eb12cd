"""Meta-regression (mixed-effects model y = X b + u + e), as R metafor `rma.uni(mods=...)`.

Used for Egger-type tests and moderator analyses; k is small, so the k x k projection matrix
P = W - W X (X'WX)^-1 X'W is formed explicitly. tau^2 estimators follow metafor:
DL = (y'P0 y - (k-p)) / tr P0 with P0 at w = 1/v; HE = (y'(I-H)y - tr((I-H)V)) / (k-p);
PM solves y'Py = k-p; ML and REML use Fisher scoring from the HE start (threshold 1e-5,
maxiter 100), REML step (y'PPy - tr P)/tr(PP), ML step (y'PPy - sum w)/sum w^2.
QE = y'P0y on k-p df tests residual heterogeneity; QM is the Wald test of all coefficients
but the intercept. I^2 = 100 tau^2/(tau^2 + s^2), s^2 = (k-p)/tr P0; H^2 = 1 + tau^2/s^2.
R^2 = 100 max(0, (tau^2_0 - tau^2)/tau^2_0), tau^2_0 from the intercept-only model.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray
from scipy import stats
from scipy.optimize import brentq

from acuback.errors import InputError
from acuback.evidence.tau2 import FISHER_MAXITER, FISHER_THRESHOLD, METHODS, Method, estimate_tau2

__all__ = ["MetaRegression", "meta_regression"]

Array = NDArray[np.float64]


@dataclass(frozen=True)
class MetaRegression:
    """Coefficients (intercept first) with their tests, and residual heterogeneity."""

    names: tuple[str, ...]
    coef: tuple[float, ...]
    se: tuple[float, ...]
    stat: tuple[float, ...]
    pval: tuple[float, ...]
    ci_lb: tuple[float, ...]
    ci_ub: tuple[float, ...]
    df: int | None
    method: Method
    tau2: float
    tau2_se: float | None
    I2: float | None
    H2: float | None
    R2: float | None
    QE: float
    QE_df: int
    QE_pval: float
    QM: float
    QM_df: int
    QM_pval: float
    s2w: float


def _projection(x: Array, w: Array) -> Array:
    wx = x * w[:, None]
    return np.diag(w) - wx @ np.linalg.solve(x.T @ wx, wx.T)


def _fisher(y: Array, v: Array, x: Array, reml: bool, start: float) -> tuple[float, float]:
    tau2, change, it = start, FISHER_THRESHOLD + 1, 0
    while change > FISHER_THRESHOLD:
        it += 1
        w = 1.0 / (v + tau2)
        p = _projection(x, w)
        py = p @ y
        if reml:
            adj = (py @ py - np.trace(p)) / np.sum(p * p)
        else:
            adj = (py @ py - w.sum()) / np.dot(w, w)
        while tau2 + adj < 0:
            adj /= 2
        old, tau2 = tau2, float(tau2 + adj)
        change = abs(tau2 - old)
        if it > FISHER_MAXITER:
            raise InputError("method", "Fisher scoring did not converge; try DL or PM")
    gap = _loglik(y, v, x, 0.0, reml) - _loglik(y, v, x, tau2, reml)
    if gap > 1.220703e-4 and tau2 > FISHER_THRESHOLD:
        tau2 = 0.0  # metafor's ll0check, as in the intercept-only code
    w = 1.0 / (v + tau2)
    info = np.sum(_projection(x, w) ** 2) if reml else np.dot(w, w)
    return tau2, float(np.sqrt(2 / info))


def _loglik(y: Array, v: Array, x: Array, tau2: float, reml: bool) -> float:
    """(Restricted) log-likelihood up to a constant."""
    w = 1.0 / (v + tau2)
    xtwx = x.T @ (x * w[:, None])
    b = np.linalg.solve(xtwx, x.T @ (w * y))
    ll = -0.5 * np.sum(np.log(v + tau2)) - 0.5 * float(np.dot(w, (y - x @ b) ** 2))
    return float(ll - 0.5 * np.linalg.slogdet(xtwx)[1]) if reml else float(ll)


def _tau2(y: Array, v: Array, x: Array, method: Method) -> tuple[float, float | None]:
    k, p = x.shape
    if method == "FE":
        return 0.0, None
    h = np.eye(k) - x @ np.linalg.solve(x.T @ x, x.T)
    he = float((y @ h @ y - np.sum(np.diag(h) * v)) / (k - p))
    if method == "HE":
        return max(0.0, he), None
    if method == "DL":
        p0 = _projection(x, 1.0 / v)
        trp = float(np.trace(p0))
        t = max(0.0, (float(y @ p0 @ y) - (k - p)) / trp)
        se = np.sqrt((2 * (k - p) + 4 * t * trp + 2 * t**2 * np.sum(p0 * p0)) / trp**2)
        return t, float(se)
    if method == "PM":

        def excess(t: float) -> float:
            return float(y @ _projection(x, 1.0 / (v + t)) @ y) - float(k - p)

        if excess(0.0) <= 0:
            t = 0.0
        else:
            upper = 100.0
            while excess(upper) > 0:
                upper *= 10
            t = float(brentq(excess, 0.0, upper, xtol=1e-12))
        sw = np.sum(1.0 / (v + t))
        return t, float(np.sqrt(2 * k**2 / (k - p) / sw**2))
    return _fisher(y, v, x, method == "REML", max(0.0, he))


def _design(y: Array, v: Array, mods: Array | list[list[float]], method: str) -> Array:
    """The k x p design matrix: an intercept column, then the moderators."""
    m = np.asarray(mods, dtype=float)
    m = m[:, None] if m.ndim == 1 else m
    if method not in METHODS:
        raise InputError("method", f"unknown method {method!r}", METHODS)
    if m.shape[0] != y.size or v.size != y.size:
        raise InputError("mods", f"has {m.shape[0]} rows for {y.size} studies")
    if np.any(v <= 0):
        raise InputError("vi", "variances must be > 0")
    x = np.column_stack([np.ones(y.size), m])
    k, p = x.shape
    if k <= p:
        raise InputError("mods", f"{k} studies cannot fit {p} coefficients")
    return x


@dataclass(frozen=True)
class _Residual:
    """Residual heterogeneity: QE, and I^2, H^2, R^2 (None under FE)."""

    qe: float
    i2: float | None
    h2: float | None
    r2: float | None


def _residual(y: Array, v: Array, x: Array, tau2: float, method: Method) -> _Residual:
    k, p = x.shape
    p0 = _projection(x, 1.0 / v)
    qe = float(y @ p0 @ y)
    if method == "FE":
        return _Residual(qe, None, None, None)
    s2 = (k - p) / float(np.trace(p0))
    tau2_0 = estimate_tau2(y, v, method).tau2
    r2 = 100 * max(0.0, (tau2_0 - tau2) / tau2_0) if tau2_0 > 0 else 0.0
    return _Residual(qe, 100 * tau2 / (tau2 + s2), tau2 / s2 + 1, r2)


def _p_and_crit(stat: Array, df: int | None, level: float) -> tuple[Array, float]:
    """Two-sided p-values and the CI's critical value: t on `df` degrees, or z without."""
    alpha = 1 - level / 100
    if df:
        return 2 * stats.t.sf(np.abs(stat), df), float(stats.t.ppf(1 - alpha / 2, df))
    return 2 * stats.norm.sf(np.abs(stat)), float(stats.norm.ppf(1 - alpha / 2))


def meta_regression(
    yi: Array | list[float],
    vi: Array | list[float],
    mods: Array | list[list[float]],
    names: tuple[str, ...] | None = None,
    method: Method = "REML",
    hk: bool = False,
    level: float = 95.0,
) -> MetaRegression:
    """Fit y = b0 + mods b + u + e; `mods` is k x m (the intercept is added).

    With `hk=True` the covariance of b is scaled by s^2_w = y'Py/(k-p) and t(k-p) is used
    (metafor test="knha"); otherwise z tests. The ordinary weighted least squares fit with
    multiplicative dispersion (R `lm(y ~ x, weights=1/v)`) is method="FE" with hk=True.
    """
    y, v = np.asarray(yi, dtype=float), np.asarray(vi, dtype=float)
    x = _design(y, v, mods, method)
    k, p = x.shape
    names = names or tuple(["intrcpt"] + [f"x{i + 1}" for i in range(p - 1)])
    tau2, tau2_se = _tau2(y, v, x, method)
    w = 1.0 / (v + tau2)
    xtwx_inv = np.linalg.inv(x.T @ (x * w[:, None]))
    b = xtwx_inv @ (x.T @ (w * y))
    s2w = float(y @ _projection(x, w) @ y) / (k - p)
    vb = xtwx_inv * (s2w if hk else 1.0)
    se = np.sqrt(np.diag(vb))
    stat = b / se
    df = k - p if hk else None
    pval, crit = _p_and_crit(stat, df, level)
    qm = float(b[1:] @ np.linalg.solve(vb[1:, 1:], b[1:]))
    qm_df = p - 1
    qm_p = float(stats.f.sf(qm / qm_df, qm_df, df) if df else stats.chi2.sf(qm, qm_df))
    res = _residual(y, v, x, tau2, method)
    return MetaRegression(
        names=names,
        coef=tuple(b.tolist()),
        se=tuple(se.tolist()),
        stat=tuple(stat.tolist()),
        pval=tuple(np.asarray(pval).tolist()),
        ci_lb=tuple((b - crit * se).tolist()),
        ci_ub=tuple((b + crit * se).tolist()),
        df=df,
        method=method,
        tau2=tau2,
        tau2_se=tau2_se,
        I2=res.i2,
        H2=res.h2,
        R2=res.r2,
        QE=res.qe,
        QE_df=k - p,
        QE_pval=float(stats.chi2.sf(res.qe, k - p)),
        QM=qm if not df else qm / qm_df,
        QM_df=qm_df,
        QM_pval=qm_p,
        s2w=s2w,
    )
