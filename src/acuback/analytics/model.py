"""The adjusted model: logistic regression of responder status with cluster-robust errors.

Fitted on covariate patterns (one row per pattern and practitioner with its n courses and y
responders): the binomial likelihood of the patterns is the logistic likelihood of the courses,
so the coefficients are those of a logistic regression with one row per course. Newton-Raphson
on the normal equations: with p = expit(X b), the score is X'(y - n p) and the information
X' diag(n p (1 - p)) X; it stops when no coefficient moves by 1e-10. The cluster-robust
covariance is the sandwich H^-1 (sum over practitioners g of S_g S_g') H^-1, S_g the summed
score of g's patterns, times G/(G-1) * (N-1)/(N-K) with N courses and K terms: exactly what
statsmodels reports for `Logit(...).fit(cov_type="cluster")` on the per-course rows, which the
tests check. (statsmodels' own grouped GLM gives the same numbers, but its IRLS solves a least
squares problem by SVD at every step, 10 to 20 times slower on the hundreds of thousands of
patterns a network's data holds.) Odds ratios have Wald 95% intervals, p-values are two-sided
normal ones, from the cluster-robust errors.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pyarrow as pa
from scipy import stats
from scipy.special import expit

from acuback.analytics.factors import AnalysisSpec
from acuback.errors import InputError

__all__ = ["ModelFit", "Term", "fit_model"]


@dataclass(frozen=True)
class Term:
    term: str
    log_odds: float
    se: float
    odds_ratio: float
    ci: tuple[float, float]
    p: float


@dataclass(frozen=True)
class ModelFit:
    courses: int
    clusters: int
    terms: tuple[Term, ...]
    converged: bool


def _levels(spec: AnalysisSpec, name: str, values: np.ndarray) -> list[str]:
    """The levels present besides the reference, in the factor's own order."""
    factor = spec.factor(name)
    known = [label for label, _ in factor.bands] or list(factor.order)
    present = set(values) - {spec.model.categorical[name]}
    return [v for v in known if v in present] + sorted(present - set(known))


def _design(patterns: pa.Table, spec: AnalysisSpec) -> tuple[np.ndarray, list[str]]:
    m = spec.model
    columns, names = [np.ones(patterns.num_rows)], ["intercept"]
    for name, reference in m.categorical.items():
        values = np.asarray(patterns.column(name).to_pylist(), dtype=object)
        for lvl in _levels(spec, name, values):
            columns.append((values == lvl).astype(float))
            names.append(f"{spec.label_of(name)}: {lvl} (vs {reference})")
    for name, cov in m.numeric.items():
        columns.append(patterns.column(name).to_numpy(zero_copy_only=False) - cov.centre)
        names.append(f"{spec.label_of(name)}, per {cov.per} above {cov.centre:g}")
    for name in m.binary:
        columns.append(patterns.column(name).to_numpy(zero_copy_only=False).astype(float))
        names.append(f"{spec.label_of(name)}: yes (vs no)")
    return np.column_stack(columns), names


def fit_model(patterns: pa.Table, spec: AnalysisSpec) -> ModelFit:
    """Fit the model of data/factors.yaml to `model_patterns`' rows (see the module doc)."""
    n = patterns.column("n").to_numpy(zero_copy_only=False).astype(float)
    yes = patterns.column("responders").to_numpy(zero_copy_only=False).astype(float)
    clusters = np.unique(np.asarray(patterns.column("cluster").to_pylist()), return_inverse=True)[1]
    x, names = _design(patterns, spec)
    if n.sum() <= x.shape[1] or len(set(clusters)) < 2:
        raise InputError(
            "courses",
            "too few assessed courses or practitioners to fit the model",
            "at least two practitioners and more courses than model terms",
        )
    beta, converged = _newton(x, yes, n)
    se = _cluster_se(x, yes, n, beta, clusters)
    p_values = 2 * stats.norm.sf(np.abs(beta / se))
    z = float(stats.norm.ppf(0.975))
    terms = tuple(
        Term(
            name,
            float(b),
            float(se),
            float(np.exp(b)),
            (float(np.exp(b - z * se)), float(np.exp(b + z * se))),
            float(p),
        )
        for name, b, se, p in zip(names, beta, se, p_values, strict=True)
    )
    return ModelFit(int(n.sum()), int(clusters.max() + 1), terms, converged)


def _newton(x: np.ndarray, yes: np.ndarray, n: np.ndarray) -> tuple[np.ndarray, bool]:
    beta = np.zeros(x.shape[1])
    for _ in range(100):
        p = expit(x @ beta)
        info = (x * (n * p * (1 - p))[:, None]).T @ x
        step = np.linalg.solve(info, x.T @ (yes - n * p))
        beta += step
        if np.max(np.abs(step)) < 1e-10:
            return beta, True
    return beta, False


def _cluster_se(
    x: np.ndarray, yes: np.ndarray, n: np.ndarray, beta: np.ndarray, clusters: np.ndarray
) -> np.ndarray:
    p = expit(x @ beta)
    bread = np.linalg.inv((x * (n * p * (1 - p))[:, None]).T @ x)
    groups = int(clusters.max()) + 1
    scores = np.zeros((groups, x.shape[1]))
    np.add.at(scores, clusters, x * (yes - n * p)[:, None])
    courses, terms = n.sum(), x.shape[1]
    factor = groups / (groups - 1) * (courses - 1) / (courses - terms)
    cov = factor * bread @ (scores.T @ scores) @ bread
    return np.sqrt(np.diag(cov))
