"""The report's figures as SVG text: odds ratios of the adjusted model, and the clinic (or
network) beside the bundled trial arms (`acuback.evidence.clinic.clinic_figure`)."""

from __future__ import annotations

import math

from acuback.analytics.report import Report
from acuback.evidence.clinic import ClinicSummary, clinic_figure, trial_benchmarks
from acuback.evidence.plots import figure_bytes

__all__ = ["beside_trials_svg", "odds_ratio_svg"]


def odds_ratio_svg(report: Report) -> str | None:
    """A forest-style plot of the model's odds ratios on a log axis (None when not fitted)."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    terms = report.model.terms
    if not terms:
        return None
    height = 1.6 + 0.34 * len(terms)
    fig = Figure(figsize=(9.0, height))
    FigureCanvasAgg(fig)
    ax = fig.add_axes((0.42, 0.9 / height, 0.54, (height - 1.4) / height))
    for y, t in enumerate(terms):
        ax.plot(t.ci, [y, y], color="#1f4e79", lw=1.4)
        ax.plot([t.odds_ratio], [y], marker="s", color="#1f4e79", ms=6)
        ax.text(
            -0.02,
            y,
            t.term,
            transform=ax.get_yaxis_transform(),
            ha="right",
            va="center",
            fontsize=8.5,
        )
    ax.set_xscale("log")
    ax.axvline(1, color="#6b6b6b", lw=0.8)
    ax.set_ylim(len(terms) - 0.4, -0.6)
    ax.set_yticks([])
    lo = min(t.ci[0] for t in terms)
    hi = max(t.ci[1] for t in terms)
    ax.set_xlim(10 ** (math.log10(lo) - 0.05), 10 ** (math.log10(hi) + 0.05))
    ax.set_xlabel(
        "Odds ratio of responding (log scale); lines = 95% CI, cluster-robust", fontsize=9
    )
    fig.text(
        0.02,
        1 - 0.3 / height,
        "Adjusted model: associations, not causes",
        fontsize=11,
        fontweight="bold",
        va="top",
    )
    return figure_bytes(fig, "svg").decode("utf-8")


def beside_trials_svg(report: Report) -> str | None:
    """The report's overall change and responder rate beside the trial arms on one scale."""
    o = report.overall
    if o.n is None or o.mean_change is None or o.rate is None or o.rate_ci is None:
        return None
    summary = ClinicSummary(
        instrument=report.instrument,
        n_patients=o.n,
        improvements=(),
        mean_improvement=o.mean_change,
        ci=o.mean_change_ci,
        responders=o.responders or 0,
        responder_rate=o.rate,
        responder_ci=o.rate_ci,
        responder_rule="the instrument's responder rule",
    )
    fig = clinic_figure(summary, trial_benchmarks(report.instrument))
    return figure_bytes(fig, "svg").decode("utf-8")
