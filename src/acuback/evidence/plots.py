"""Forest and funnel plots drawn with matplotlib's object API (Agg canvas, no pyplot state).

Functions return a `Figure`; `figure_bytes` renders it as SVG or PNG bytes, so the core never
writes files (the CLI does). Ratios (RR, OR) are drawn on a log axis and labelled as ratios.
Forest plot rows: one per study (square sized by its weight, 95% CI whiskers, weight and
estimate columns), optional subgroup blocks each with its own diamond and heterogeneity line,
the overall diamond, the prediction interval as a bar under it, and a heterogeneity line.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Literal, TypedDict

import numpy as np

from acuback.evidence.effect_sizes import EffectSizes
from acuback.evidence.forest_rows import ForestRow, forest_rows
from acuback.evidence.pooling import PooledResult
from acuback.evidence.subgroups import SubgroupAnalysis

__all__ = ["ForestLabels", "figure_bytes", "forest_plot", "funnel_plot", "measure_label"]

_MEASURE_LABELS = {
    "MD": "Mean difference",
    "SMD": "Standardized mean difference (Hedges' g)",
    "RR": "Risk ratio (log scale)",
    "OR": "Odds ratio (log scale)",
    "RD": "Risk difference",
    "GEN": "Effect size",
}
_INK, _ACCENT, _MUTED = "#1b1b1b", "#1f4e79", "#6b6b6b"


@dataclass(frozen=True)
class ForestLabels:
    """Texts of a forest plot: title, x-axis label and the two 'favours' captions."""

    title: str = ""
    xlabel: str = ""
    favours_left: str = ""
    favours_right: str = ""
    note: str = ""


def measure_label(measure: str) -> str:
    return _MEASURE_LABELS.get(measure, measure)


def figure_bytes(fig: object, fmt: Literal["svg", "png"] = "svg", dpi: int = 150) -> bytes:
    """Render a figure to SVG or PNG bytes."""
    import io

    from matplotlib.figure import Figure

    assert isinstance(fig, Figure)
    buf = io.BytesIO()
    fig.savefig(buf, format=fmt, dpi=dpi, bbox_inches="tight")
    return buf.getvalue()


def _ratio_ticks(ax: Any, lo: float, hi: float) -> None:
    """Readable ratio ticks (0.1, 0.2, 0.5, 1, 2, 5, ...) on a log axis."""
    from matplotlib.ticker import FixedLocator, FormatStrFormatter, NullFormatter

    ticks = [
        t for t in (0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1, 2, 5, 10, 20, 50, 100) if lo <= t <= hi
    ]
    ax.set_xscale("log")
    ax.set_xlim(lo, hi)
    ax.xaxis.set_major_locator(FixedLocator(ticks))
    ax.xaxis.set_major_formatter(FormatStrFormatter("%g"))
    ax.xaxis.set_minor_formatter(NullFormatter())


@dataclass(frozen=True)
class _ForestAxes:
    """The figure and its three columns: study labels, the plot, weights and estimates."""

    fig: Any
    left: Any
    plot: Any
    right: Any
    height: float
    note_in: float


def _forest_axes(n: int, labels: ForestLabels) -> _ForestAxes:
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    note_in = 0.17 * (1 + len(labels.note) // 170) + 0.1 if labels.note else 0.0
    height = 1.5 + 0.3 * n + note_in
    fig = Figure(figsize=(11.5, height))
    FigureCanvasAgg(fig)
    top = 1 - (0.55 if labels.title else 0.2) / height
    gs = fig.add_gridspec(
        1,
        3,
        width_ratios=[4.4, 4.0, 3.0],
        wspace=0.02,
        top=top,
        bottom=(1.0 + note_in) / height,
        left=0.02,
        right=0.98,
    )
    ax_l, ax, ax_r = (fig.add_subplot(gs[0, i]) for i in range(3))
    for a in (ax_l, ax_r):
        a.set_xlim(0, 1)
        a.axis("off")
    for a in (ax_l, ax, ax_r):
        a.set_ylim(n - 0.4, -1.6)
        a.patch.set_visible(False)  # let long text rows run across the plot column
    ax_l.text(0, -1, "Study", fontweight="bold", va="center", color=_INK)
    ax_r.text(0.0, -1, "Weight", fontweight="bold", va="center", color=_INK)
    ax_r.text(0.98, -1, "Estimate [95% CI]", fontweight="bold", va="center", ha="right")
    return _ForestAxes(fig, ax_l, ax, ax_r, height, note_in)


class _TextStyle(TypedDict):
    fontsize: float
    fontweight: str
    color: str


def _text_style(r: ForestRow) -> _TextStyle:
    return {
        "fontsize": 9.5 if r.kind != "text" else 8.5,
        "fontweight": "bold" if r.bold else "normal",
        "color": _MUTED if r.kind == "text" else _INK,
    }


def _draw_marks(ax: Any, y: int, r: ForestRow, tf: Callable[[Any], Any], max_w: float) -> None:
    """A study's square and whiskers, or a pooled diamond with its prediction interval bar."""
    from matplotlib.patches import Polygon

    if r.kind == "study":
        ax.plot([tf(r.lb), tf(r.ub)], [y, y], color=_INK, lw=1.1, solid_capstyle="butt")
        size = 4 + 10 * np.sqrt((r.weight or 0) / max_w)
        ax.plot([tf(r.est)], [y], marker="s", ms=size, color=_ACCENT, mec=_INK, mew=0.5)
    elif r.kind == "pooled":
        if r.pi is not None:
            ax.plot(
                [tf(r.pi[0]), tf(r.pi[1])],
                [y + 0.32] * 2,
                color=_ACCENT,
                lw=2.2,
                solid_capstyle="butt",
            )
            for xx in r.pi:
                ax.plot([tf(xx)] * 2, [y + 0.2, y + 0.44], color=_ACCENT, lw=1.2)
        pts = [(tf(r.lb), y), (tf(r.est), y - 0.3), (tf(r.ub), y), (tf(r.est), y + 0.3)]
        ax.add_patch(Polygon(pts, closed=True, facecolor=_INK, edgecolor=_INK))


def _draw_rows(
    axes: _ForestAxes, rows: Sequence[ForestRow], pooled: float, tf: Callable[[Any], Any]
) -> None:
    """Each row's label, the no-effect and pooled reference lines, its marks and columns."""
    null = 0.0
    max_w = max((r.weight or 0) for r in rows if r.kind == "study") or 1.0
    for y, r in enumerate(rows):
        axes.left.text(0, y, r.label, va="center", clip_on=False, zorder=5, **_text_style(r))
        if r.kind in ("study", "pooled", "header"):
            for x, style in ((null, "-"), (pooled, (0, (3, 3)))):
                axes.plot.plot(
                    [tf(x)] * 2,
                    [y - 0.5, y + 0.5],
                    color=_MUTED if x == null else _ACCENT,
                    lw=0.8,
                    ls=style,
                    zorder=0,
                )
        _draw_marks(axes.plot, y, r, tf, max_w)
        if r.weight is not None and r.kind == "study":
            axes.right.text(0.0, y, f"{r.weight:.1f}%", va="center", fontsize=9.5)
        if r.right:
            axes.right.text(0.98, y, r.right, va="center", ha="right", **_text_style(r))


def _x_range(rows: Sequence[ForestRow]) -> tuple[float, float]:
    """The x-axis limits (log scale for ratios): every interval and the no-effect line, with
    6% of the span as margin."""
    marked = [r for r in rows if r.kind in ("study", "pooled")]
    lo = min(min(r.lb, r.pi[0] if r.pi else r.lb) for r in marked)
    hi = max(max(r.ub, r.pi[1] if r.pi else r.ub) for r in marked)
    null = 0.0
    span = max(hi, null) - min(lo, null) or 1.0
    return min(lo, null) - 0.06 * span, max(hi, null) + 0.06 * span


def _x_axis(ax: Any, labels: ForestLabels, measure: str, x_range: tuple[float, float]) -> None:
    """The plot column's x axis and the two 'favours' captions under it."""
    if measure in ("RR", "OR"):
        _ratio_ticks(ax, np.exp(x_range[0]), np.exp(x_range[1]))
    else:
        ax.set_xlim(*x_range)
    for side in ("left", "right", "top"):
        ax.spines[side].set_visible(False)
    ax.set_yticks([])
    ax.set_xlabel(labels.xlabel or measure_label(measure), fontsize=9.5)
    ax.tick_params(axis="x", labelsize=9)
    if labels.favours_left or labels.favours_right:
        for x, text, ha in (
            (0.0, f"\u2190 {labels.favours_left}", "left"),
            (1.0, f"{labels.favours_right} \u2192", "right"),
        ):
            ax.annotate(
                text,
                xy=(x, 0),
                xycoords="axes fraction",
                xytext=(0, -36),
                textcoords="offset points",
                ha=ha,
                va="top",
                fontsize=8.5,
                color=_MUTED,
                annotation_clip=False,
            )


def _figure_texts(axes: _ForestAxes, labels: ForestLabels) -> None:
    """The note under the plot and the title above it."""
    if labels.note:
        axes.fig.text(
            0.02,
            (axes.note_in - 0.05) / axes.height,
            labels.note,
            ha="left",
            va="top",
            fontsize=8,
            color=_MUTED,
            wrap=True,
        )
    if labels.title:
        axes.fig.text(
            0.02,
            1 - 0.2 / axes.height,
            labels.title,
            ha="left",
            va="top",
            fontsize=12,
            fontweight="bold",
        )


def forest_plot(
    es: EffectSizes,
    result: PooledResult,
    labels: ForestLabels | None = None,
    subgroups: SubgroupAnalysis | None = None,
    groups: Sequence[str] | None = None,
) -> object:
    """A forest plot of `es` with the pooled `result` (and subgroup blocks if given)."""
    labels = labels or ForestLabels(xlabel=measure_label(es.measure))
    tf: Callable[[Any], Any] = np.exp if es.measure in ("RR", "OR") else (lambda x: x)
    rows = forest_rows(es, result, subgroups, groups)
    axes = _forest_axes(len(rows), labels)
    _draw_rows(axes, rows, result.estimate, tf)
    _x_axis(axes.plot, labels, es.measure, _x_range(rows))
    _figure_texts(axes, labels)
    return axes.fig


def funnel_plot(
    es: EffectSizes,
    result: PooledResult,
    filled: tuple[Sequence[float], Sequence[float]] | None = None,
    title: str = "",
    note: str = "",
) -> object:
    """Funnel plot: effect against standard error (0 at the top), 95% pseudo-confidence region
    around the pooled estimate; studies filled in by trim-and-fill drawn as open circles."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    ratio = es.measure in ("RR", "OR")
    tf = np.exp if ratio else (lambda x: x)
    yi = np.asarray(es.yi)
    se = np.sqrt(np.asarray(es.vi))
    fy = np.asarray(filled[0] if filled else [], dtype=float)
    fse = np.sqrt(np.asarray(filled[1] if filled else [], dtype=float))
    top = 1.08 * float(max(se.max(), fse.max() if fse.size else 0.0))
    fig = Figure(figsize=(7, 5.2))
    FigureCanvasAgg(fig)
    ax = fig.add_subplot(1, 1, 1)
    mu = result.estimate
    s = np.linspace(0, top, 50)
    ax.fill_betweenx(s, tf(mu - 1.96 * s), tf(mu + 1.96 * s), color="#e8eef5", zorder=0)
    ax.plot(tf(mu - 1.96 * s), s, color=_MUTED, lw=0.8, ls="--")
    ax.plot(tf(mu + 1.96 * s), s, color=_MUTED, lw=0.8, ls="--")
    ax.axvline(tf(mu), color=_ACCENT, lw=1.0)
    ax.scatter(tf(yi), se, s=36, color=_ACCENT, edgecolor=_INK, lw=0.5, zorder=3, label="Studies")
    if fy.size:
        ax.scatter(
            tf(fy),
            fse,
            s=36,
            facecolor="white",
            edgecolor=_INK,
            lw=0.9,
            zorder=3,
            label="Filled in by trim-and-fill",
        )
        ax.legend(loc="lower right", bbox_to_anchor=(1.0, 1.0), ncol=2, fontsize=8.5, frameon=False)
    if ratio:
        ax.set_xscale("log")
        _ratio_ticks(ax, *ax.get_xlim())
    ax.set_ylim(top, 0)
    ax.set_xlabel(measure_label(es.measure), fontsize=9.5)
    ax.set_ylabel("Standard error", fontsize=9.5)
    for side in ("right", "top"):
        ax.spines[side].set_visible(False)
    if title:
        ax.set_title(title, loc="left", fontsize=11, fontweight="bold")
    if note:
        fig.text(0.01, -0.02, note, fontsize=8, color=_MUTED, ha="left", va="top", wrap=True)
    return fig
