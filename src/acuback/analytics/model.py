"""The adjusted model: logistic regression of responder status with cluster-robust errors.

Fitted on covariate patterns (one row per pattern and practitioner with its courses and
responders) as a binomial GLM, which has the same likelihood, and so the same coefficients, as a
logistic regression on one row per course; the sandwich sums scores within practitioners, so the
cluster-robust covariance is the per-course one up to statsmodels' small-sample factor
G/(G-1) * (N-1)/(N-K), here with N the number of patterns (a test checks the agreement).
Odds ratios come with Wald 95% intervals from the cluster-robust errors.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pyarrow as pa
import statsmodels.api as sm
from scipy import stats

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
    glm = sm.GLM(np.column_stack([yes, n - yes]), x, family=sm.families.Binomial())
    fit = glm.fit(cov_type="cluster", cov_kwds={"groups": clusters})
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
        for name, b, se, p in zip(names, fit.params, fit.bse, fit.pvalues, strict=True)
    )
    return ModelFit(int(n.sum()), int(clusters.max() + 1), terms, bool(fit.converged))
