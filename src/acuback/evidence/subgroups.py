"""Subgroup analysis with the test for subgroup differences, and leave-one-out.

Subgroups are pooled separately, each with its own tau^2 (the RevMan convention; metafor gets
the same by fitting one `rma` per subgroup). The test for subgroup differences is the
Cochran-type Q_between = sum_g (mu_g - mu_bar)^2 / se_g^2, mu_bar = sum mu_g/se_g^2 / sum 1/se_g^2,
on G - 1 df (Borenstein et al. 2009, ch. 19). Leave-one-out refits the model k times without
one study each time (as metafor `leave1out`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from scipy import stats

from acuback.errors import InputError
from acuback.evidence.effect_sizes import EffectSizes
from acuback.evidence.pooling import PooledResult, pool_arrays
from acuback.evidence.tau2 import Method, inner

__all__ = ["LeaveOneOut", "SubgroupAnalysis", "leave_one_out", "subgroup_analysis"]


@dataclass(frozen=True)
class SubgroupAnalysis:
    """Per-subgroup results (in first-seen order), the overall fit and Q_between."""

    groups: tuple[str, ...]
    results: tuple[PooledResult, ...]
    overall: PooledResult
    Q_between: float
    Q_between_df: int
    Q_between_pval: float | None


@dataclass(frozen=True)
class LeaveOneOut:
    """The fit with each study left out in turn, in study order."""

    study: tuple[str, ...]
    results: tuple[PooledResult, ...]


def subgroup_analysis(
    es: EffectSizes,
    groups: Sequence[str],
    method: Method = "REML",
    hk: bool = False,
) -> SubgroupAnalysis:
    """Pool within each subgroup and test whether the subgroup estimates differ."""
    if len(groups) != es.k:
        raise InputError("groups", f"has {len(groups)} labels for {es.k} studies")
    yi, vi = es.arrays()
    labels = np.asarray([str(g) for g in groups])
    names = tuple(dict.fromkeys(labels.tolist()))
    results = tuple(
        pool_arrays(
            yi[labels == g],
            vi[labels == g],
            method,
            hk and int(np.sum(labels == g)) > 1,
            measure=es.measure,
        )
        for g in names
    )
    overall = pool_arrays(yi, vi, method, hk, measure=es.measure)
    mu = np.array([r.estimate for r in results])
    w = 1.0 / np.array([r.se for r in results]) ** 2
    mu_bar = inner(w, mu) / w.sum()
    q = float(inner(w, (mu - mu_bar) ** 2))
    df = len(names) - 1
    pval = float(stats.chi2.sf(q, df)) if df > 0 else None
    return SubgroupAnalysis(names, results, overall, q, df, pval)


def leave_one_out(es: EffectSizes, method: Method = "REML", hk: bool = False) -> LeaveOneOut:
    """Refit without each study in turn (needs k >= 2)."""
    if es.k < 2:
        raise InputError("yi", "leave-one-out needs at least 2 studies")
    yi, vi = es.arrays()
    keep = ~np.eye(es.k, dtype=bool)
    results = tuple(
        pool_arrays(yi[m], vi[m], method, hk and es.k > 2, measure=es.measure) for m in keep
    )
    return LeaveOneOut(es.study, results)
