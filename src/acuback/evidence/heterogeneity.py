"""Heterogeneity statistics: Cochran's Q, I^2, H^2 and the Q-profile interval for tau^2.

Conventions (as R metafor `rma.uni` prints them):

* Q = sum w_i (y_i - mu_FE)^2 with w_i = 1/v_i, on k - 1 degrees of freedom.
* Random-effects models use the tau^2 estimate: I^2 = 100 tau^2 / (tau^2 + s^2) and
  H^2 = (tau^2 + s^2) / s^2, with the 'typical' within-study variance
  s^2 = (k-1) sum w / ((sum w)^2 - sum w^2) (Higgins and Thompson 2002). For DL these equal
  the Q-based values while tau^2 > 0.
* Fixed-effect models use Q: I^2 = 100 max(0, (Q - (k-1)) / Q) and H^2 = Q / (k-1).
* The Q-profile interval (Viechtbauer 2007) inverts the generalized Q statistic:
  the lower bound solves Q(tau^2) = chi2_{k-1, 1-alpha/2}, the upper bound
  Q(tau^2) = chi2_{k-1, alpha/2}; a bound is 0 when Q(0) is already below its target.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray
from scipy import special

from acuback.evidence.tau2 import inner, q_root

__all__ = ["Heterogeneity", "heterogeneity", "q_profile_ci", "typical_variance"]

Array = NDArray[np.float64]


@dataclass(frozen=True)
class Heterogeneity:
    """Q with its df and p-value, and I^2 (percent) and H^2; None where k = 1."""

    Q: float
    Q_df: int
    Q_pval: float | None
    I2: float | None
    H2: float | None


def typical_variance(vi: Array) -> float:
    """s^2 = (k-1) sum w / ((sum w)^2 - sum w^2), w = 1/v (metafor's `vt`)."""
    w = 1.0 / vi
    sw = w.sum()
    return float((vi.size - 1) * sw / (sw**2 - inner(w, w)))


def heterogeneity(yi: Array, vi: Array, tau2: float | None) -> Heterogeneity:
    """Q, I^2 and H^2; pass tau2=None for the fixed-effect (Q-based) definitions."""
    df = yi.size - 1
    w = 1.0 / vi
    sw = float(w.sum())
    q = float(inner(w, (yi - float(inner(w, yi)) / sw) ** 2))
    if df == 0:
        return Heterogeneity(q, 0, None, None, None)
    pval = float(special.chdtrc(df, q))
    if tau2 is None:
        i2 = 100 * max(0.0, (q - df) / q) if q > 0 else 0.0
        return Heterogeneity(q, df, pval, i2, q / df)
    s2 = df * sw / (sw**2 - float(inner(w, w)))  # typical_variance(vi), w computed once
    return Heterogeneity(q, df, pval, 100 * tau2 / (tau2 + s2), tau2 / s2 + 1)


def q_profile_ci(
    yi: Array, vi: Array, level: float = 95.0, near: float = 0.0
) -> tuple[float, float] | None:
    """Q-profile confidence interval for tau^2 (None when k < 2).

    Each bound is a Newton root of Q(tau^2) = target (`q_root`) started from `near` (the
    fit's tau^2 estimate, which usually lies between them) or, for the upper bound, from the
    lower one if that is larger, so the interval costs a few O(k) passes.
    """
    df = yi.size - 1
    if df < 1:
        return None
    alpha = 1 - level / 100
    lower = q_root(yi, vi, float(special.chdtri(df, alpha / 2)), near)
    upper = q_root(yi, vi, float(special.chdtri(df, 1 - alpha / 2)), max(near, lower))
    return lower, upper
