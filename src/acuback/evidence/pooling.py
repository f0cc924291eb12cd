"""Inverse-variance pooling: fixed effect and random effects, with optional Hartung-Knapp.

Conventions (R metafor `rma.uni` defaults, test="z" unless `hk=True`):

* weights w_i = 1/(v_i + tau^2) (tau^2 = 0 for FE); mu = sum w y / sum w; se = sqrt(1/sum w).
* Wald test and CI: z = mu/se, mu +- z_{1-alpha/2} se.
* Hartung-Knapp (metafor test="knha"): se^2 is multiplied by
  s^2_w = sum w (y - mu)^2 / (k-1) (not truncated at 1), t test and CI on k-1 df.
* Prediction interval: mu +- crit sqrt(se^2 + tau^2), crit = z quantile, or the t(k-1)
  quantile with Hartung-Knapp (the se^2 is then the adjusted one). For FE it equals the CI.
* I^2, H^2 and the Q-profile tau^2 interval: see `acuback.evidence.heterogeneity`
  (no tau^2 interval for FE, which assumes tau^2 = 0).
* k = 1 returns the study itself: tau^2 = 0, Q = 0, I^2 and H^2 undefined (None).
RR and OR are pooled on the log scale; `back_transform` gives ratios for display.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, NamedTuple

import numpy as np
from numpy.typing import NDArray
from scipy import special

from acuback.errors import InputError
from acuback.evidence.effect_sizes import EffectSizes, Measure
from acuback.evidence.heterogeneity import heterogeneity, q_profile_ci
from acuback.evidence.tau2 import METHODS, Method, estimate_tau2, inner

__all__ = ["PooledResult", "back_transform", "pool", "pool_arrays"]

Array = NDArray[np.float64]
LOG_MEASURES = ("RR", "OR")


@dataclass(frozen=True)
class PooledResult:
    """A pooled estimate with its heterogeneity, on the analysis scale (log for RR/OR)."""

    measure: Measure
    method: Method
    hk: bool
    level: float
    k: int
    estimate: float
    se: float
    ci_lb: float
    ci_ub: float
    stat: float
    df: int | None
    pval: float
    tau2: float
    tau2_se: float | None
    tau2_ci: tuple[float, float] | None
    I2: float | None
    H2: float | None
    Q: float
    Q_df: int
    Q_pval: float | None
    pi_lb: float
    pi_ub: float
    weights: Array = field(compare=False)  # percent, read-only
    converged: bool = True

    @property
    def tau(self) -> float:
        return float(np.sqrt(self.tau2))

    def as_dict(self) -> dict[str, Any]:
        """The CLI's JSON fields: `tval` under Hartung-Knapp, else `zval`."""
        return {
            "k": self.k,
            "estimate": self.estimate,
            "se": self.se,
            "ci_lb": self.ci_lb,
            "ci_ub": self.ci_ub,
            ("tval" if self.hk else "zval"): self.stat,
            "pval": self.pval,
            "tau2": self.tau2,
            "tau2_ci": list(self.tau2_ci) if self.tau2_ci is not None else None,
            "I2": self.I2,
            "H2": self.H2,
            "Q": self.Q,
            "Q_pval": self.Q_pval,
            "pi_lb": self.pi_lb,
            "pi_ub": self.pi_ub,
            "measure": self.measure,
            "method": self.method,
        }


def _read_only(a: Array) -> Array:
    a.flags.writeable = False
    return a


def back_transform(measure: str, value: float) -> float:
    """exp() for the log-scale measures (RR, OR), identity otherwise."""
    return float(np.exp(value)) if measure in LOG_MEASURES else value


def _validate(yi: Array, vi: Array) -> None:
    if yi.ndim != 1 or yi.size == 0:
        raise InputError("yi", "needs at least one study")
    if vi.shape != yi.shape:
        raise InputError("vi", f"has {vi.size} values for {yi.size} effect sizes")
    for name, arr in (("yi", yi), ("vi", vi)):
        bad = np.flatnonzero(~np.isfinite(arr))
        if bad.size:
            raise InputError(name, f"row {bad[0] + 1} is not a finite number")
    bad = np.flatnonzero(vi <= 0)
    if bad.size:
        raise InputError("vi", f"row {bad[0] + 1} is {vi[bad[0]]:g}; variances must be > 0")


def _check_arguments(y: Array, v: Array, method: str, level: float, hk: bool) -> None:
    _validate(y, v)
    if method not in METHODS:
        raise InputError("method", f"unknown method {method!r}", METHODS)
    if not 0 < level < 100:
        raise InputError("level", f"{level} is not a percentage between 0 and 100")
    if hk and y.size < 2:
        raise InputError("hk", "Hartung-Knapp needs at least 2 studies")


class _Test(NamedTuple):
    """The test of the pooled estimate: its variance, df (t test) and critical value (a
    NamedTuple: pool_arrays is hot, and a frozen dataclass costs a microsecond to build)."""

    var: float
    df: int | None
    crit: float


def _test(y: Array, w: Array, mu: float, sw: float, hk: bool, level: float) -> _Test:
    """Wald (z) or, with `hk`, Hartung-Knapp (t on k-1 df, se^2 scaled by s^2_w)."""
    var = 1.0 / sw
    alpha = 1 - level / 100
    # scipy.special ufuncs rather than scipy.stats: same values, a fraction of the overhead
    if hk:
        k = y.size
        var *= float(inner(w, (y - mu) ** 2)) / (k - 1)
        return _Test(var, k - 1, float(special.stdtrit(k - 1, 1 - alpha / 2)))
    return _Test(var, None, float(special.ndtri(1 - alpha / 2)))


def _stat_pval(mu: float, se: float, df: int | None) -> tuple[float, float]:
    # se is 0 only under Hartung-Knapp with identical studies (s^2_w = 0)
    stat = mu / se if se > 0 else (float(np.copysign(np.inf, mu)) if mu else 0.0)
    pval = float(2 * (special.stdtr(df, -abs(stat)) if df else special.ndtr(-abs(stat))))
    return stat, pval


def pool_arrays(
    yi: Array | list[float],
    vi: Array | list[float],
    method: Method = "REML",
    hk: bool = False,
    level: float = 95.0,
    measure: Measure = "GEN",
    with_tau2_ci: bool = True,
) -> PooledResult:
    """Pool effect sizes `yi` with sampling variances `vi` (see the module docstring)."""
    y, v = np.asarray(yi, dtype=float), np.asarray(vi, dtype=float)
    _check_arguments(y, v, method, level, hk)
    est = estimate_tau2(y, v, method)
    w = 1.0 / (v + est.tau2)
    sw = w.sum()
    mu = float(inner(w, y) / sw)
    test = _test(y, w, mu, sw, hk, level)
    se = float(np.sqrt(test.var))
    stat, pval = _stat_pval(mu, se, test.df)
    het = heterogeneity(y, v, None if method == "FE" else est.tau2)
    pi_half = test.crit * float(np.sqrt(test.var + est.tau2))
    tau2_ci = q_profile_ci(y, v, level, est.tau2) if with_tau2_ci and method != "FE" else None
    return PooledResult(
        measure=measure,
        method=method,
        hk=hk,
        level=level,
        k=y.size,
        estimate=mu,
        se=se,
        ci_lb=mu - test.crit * se,
        ci_ub=mu + test.crit * se,
        stat=stat,
        df=test.df,
        pval=pval,
        tau2=est.tau2,
        tau2_se=est.se,
        tau2_ci=tau2_ci,
        I2=het.I2,
        H2=het.H2,
        Q=het.Q,
        Q_df=het.Q_df,
        Q_pval=het.Q_pval,
        pi_lb=mu - pi_half,
        pi_ub=mu + pi_half,
        weights=_read_only(100 * w / sw),
        converged=est.converged,
    )


def pool(
    es: EffectSizes, method: Method = "REML", hk: bool = False, level: float = 95.0
) -> PooledResult:
    """Pool an `EffectSizes` set; the result keeps its measure."""
    yi, vi = es.arrays()
    return pool_arrays(yi, vi, method=method, hk=hk, level=level, measure=es.measure)
