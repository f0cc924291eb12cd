"""Forest and funnel plots: the rows a reader needs are there and both formats render."""

from __future__ import annotations

import numpy as np

from acuback.evidence import from_yi_vi, pool, subgroup_analysis, trim_and_fill
from acuback.evidence.plots import ForestLabels, figure_bytes, forest_plot, funnel_plot

ES = from_yi_vi([0.2, 0.5, -0.1, 0.4], [0.04, 0.09, 0.05, 0.02], ["A", "B", "C", "D"], "MD")


def _texts(fig: object) -> list[str]:
    return [t.get_text() for ax in fig.axes for t in ax.texts]  # type: ignore[attr-defined]


def test_forest_has_studies_weights_pooled_row_and_heterogeneity() -> None:
    r = pool(ES, "REML")
    texts = _texts(forest_plot(ES, r, ForestLabels("T", "MD", "Control", "Treatment")))
    assert {"A", "B", "C", "D"} <= set(texts)
    assert any(t.startswith("Overall (random effects, REML)") for t in texts)
    assert any("Heterogeneity" in t and "I\u00b2" in t for t in texts)
    assert any("prediction interval" in t for t in texts)
    assert f"{r.weights[0]:.1f}%" in texts


def test_forest_with_subgroups_shows_the_difference_test() -> None:
    groups = ["x", "x", "y", "y"]
    sg = subgroup_analysis(ES, groups)
    texts = _texts(forest_plot(ES, pool(ES), subgroups=sg, groups=groups))
    assert "x" in texts
    assert "y" in texts
    assert sum(t.startswith("Subtotal") for t in texts) == 2
    assert any("Test for subgroup differences" in t for t in texts)


def test_ratio_forest_is_back_transformed() -> None:
    es = from_yi_vi(np.log([0.5, 0.8]), [0.04, 0.09], ["A", "B"], "RR")
    texts = _texts(forest_plot(es, pool(es, "FE")))
    assert any(t.startswith("0.50 [") for t in texts)


def test_both_formats_render() -> None:
    tf = trim_and_fill(*ES.arrays(), method="FE")
    fig = funnel_plot(ES, tf.result, (tf.filled_yi, tf.filled_vi), "Funnel")
    assert figure_bytes(fig, "png").startswith(b"\x89PNG")
    assert b"<svg" in figure_bytes(forest_plot(ES, pool(ES)), "svg")[:2000]
