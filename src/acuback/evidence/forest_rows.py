"""What a forest plot says, row by row: studies, subgroup blocks, pooled diamonds and their
heterogeneity lines, with the estimates formatted on the measure's own scale. `plots.py` draws
these rows.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np

from acuback.evidence.effect_sizes import EffectSizes
from acuback.evidence.pooling import PooledResult, back_transform
from acuback.evidence.subgroups import SubgroupAnalysis

__all__ = ["ForestRow", "forest_rows"]


def _fmt_ci(measure: str, est: float, lb: float, ub: float) -> str:
    e, lo, hi = (back_transform(measure, x) for x in (est, lb, ub))
    digits = 4 if measure == "RD" else 2
    return f"{e:.{digits}f} [{lo:.{digits}f}, {hi:.{digits}f}]"


def _fmt_range(measure: str, lb: float, ub: float) -> str:
    lo, hi = (back_transform(measure, x) for x in (lb, ub))
    digits = 4 if measure == "RD" else 2
    return f"[{lo:.{digits}f}, {hi:.{digits}f}]"


def _het_text(r: PooledResult) -> str:
    if r.k < 2:
        return "Heterogeneity: not estimable with one study"
    p = "p < 0.001" if (r.Q_pval or 0) < 0.001 else f"p = {r.Q_pval:.3f}"
    i2 = f"{r.I2:.0f}%" if r.I2 is not None else "n/a"
    tau = "" if r.method == "FE" else f"\u03c4\u00b2 = {r.tau2:.3g}; "
    return f"Heterogeneity: {tau}I\u00b2 = {i2}; Q = {r.Q:.2f} (df = {r.Q_df}), {p}"


def _model_text(r: PooledResult) -> str:
    model = "fixed effect" if r.method == "FE" else f"random effects, {r.method}"
    return model + (", Hartung-Knapp" if r.hk else "")


@dataclass
class ForestRow:
    """One line of a forest plot: a subgroup header, a study, a pooled diamond or a text."""

    kind: Literal["header", "study", "pooled", "text"]
    label: str
    est: float = 0.0
    lb: float = 0.0
    ub: float = 0.0
    weight: float | None = None
    right: str = ""
    pi: tuple[float, float] | None = None
    bold: bool = False


def _pooled_rows(r: PooledResult, label: str, measure: str) -> list[ForestRow]:
    pi = (r.pi_lb, r.pi_ub) if r.method != "FE" and r.k > 1 else None
    rows = [
        ForestRow(
            "pooled",
            label,
            r.estimate,
            r.ci_lb,
            r.ci_ub,
            100.0,
            _fmt_ci(measure, r.estimate, r.ci_lb, r.ci_ub),
            pi,
            bold=True,
        )
    ]
    if pi is not None:
        rows.append(
            ForestRow(
                "text",
                "    95% prediction interval (bar under the diamond)",
                right=_fmt_range(measure, *pi),
            )
        )
    rows.append(ForestRow("text", "    " + _het_text(r)))
    return rows


def forest_rows(
    es: EffectSizes,
    result: PooledResult,
    subgroups: SubgroupAnalysis | None,
    groups: Sequence[str] | None,
) -> list[ForestRow]:
    m = es.measure
    se = np.sqrt(es.vi)
    z = 1.959963984540054
    blocks: list[tuple[str, list[int], PooledResult | None]]
    if subgroups is None or groups is None:
        blocks = [("", list(range(es.k)), None)]
    else:
        blocks = [
            (g, [i for i, x in enumerate(groups) if x == g], r)
            for g, r in zip(subgroups.groups, subgroups.results, strict=True)
        ]
    rows: list[ForestRow] = []
    for name, idx, sub in blocks:
        if name:
            rows.append(ForestRow("header", name, bold=True))
        for i in idx:
            y = es.yi[i]
            w = result.weights[i] if sub is None else sub.weights[idx.index(i)]
            rows.append(
                ForestRow(
                    "study",
                    es.study[i],
                    y,
                    y - z * se[i],
                    y + z * se[i],
                    w,
                    _fmt_ci(m, y, y - z * se[i], y + z * se[i]),
                )
            )
        if sub is not None:
            rows.extend(_pooled_rows(sub, f"Subtotal ({_model_text(sub)})", m))
            rows.append(ForestRow("text", ""))
    overall = f"Overall ({_model_text(result)})" if result.k > 1 else "One study: nothing pooled"
    rows.extend(_pooled_rows(result, overall, m))
    if subgroups is not None:
        p = subgroups.Q_between_pval
        ptxt = "n/a" if p is None else ("p < 0.001" if p < 0.001 else f"p = {p:.3f}")
        rows.append(
            ForestRow(
                "text",
                f"    Test for subgroup differences: Q = {subgroups.Q_between:.2f} "
                f"(df = {subgroups.Q_between_df}), {ptxt}",
            )
        )
    return rows
