"""A clinic's own outcomes set beside the trial arms (from a CSV until the records layer exists).

Input: CSV text with columns patient, date (YYYY-MM-DD), instrument, score. Per patient, the
change is taken from the first to the last measurement of the instrument; improvement is
baseline minus last (all four instruments are lower-is-better), so positive means better.
Mean improvement has a t-based 95% CI; the responder rate has a Wilson score interval.
The score ranges and responder rules (SPEC section 2) come from `clinical/data/instruments.yaml`,
passed in as `ClinicScale`s.

Trial arms are drawn on the same 0-100 pain scale (NRS and PEG multiplied by 10) or on the RMDQ
scale (Cherkin 2009 used the 23-item RMDQ; the clinic scores the 24-item one). An uncontrolled
cohort is not a trial: its change also holds natural recovery, regression to the mean and
non-specific effects, so the figure says so and shows arms, not between-arm effects.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import math
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import numpy as np
from scipy import stats

from acuback.errors import InputError
from acuback.evidence.trials import trial_arms

__all__ = [
    "CAVEAT",
    "ArmBenchmark",
    "ClinicScale",
    "ClinicSummary",
    "OutcomeRecord",
    "clinic_figure",
    "clinic_summary",
    "parse_outcome_csv",
    "trial_benchmarks",
    "wilson_ci",
]

CAVEAT = (
    "An uncontrolled clinic cohort is not a trial: its change also includes natural recovery, "
    "regression to the mean and placebo effects. Trial arms are shown for orientation only; "
    "do not read the gap as an effect of treatment."
)
_PAIN_SCALE = {"nrs": 10.0, "peg": 10.0}  # factor to the trials' 0-100 pain scales


@dataclass(frozen=True)
class ClinicScale:
    """What the clinic summary needs of an instrument: its score range and its responder
    thresholds (points, and a fraction of the baseline or None). They live only in
    `clinical/data/instruments.yaml`; the caller passes them in (see
    `acuback.services.research.clinic_scales`), as the evidence core does not import the
    clinical core."""

    low: float
    high: float
    points: float | None
    fraction: float | None


Scales = Mapping[str, ClinicScale]


@dataclass(frozen=True)
class OutcomeRecord:
    patient: str
    date: dt.date
    instrument: str
    score: float


@dataclass(frozen=True)
class ClinicSummary:
    """Per-patient improvement (baseline - last) and the clinic-level summaries."""

    instrument: str
    n_patients: int
    improvements: tuple[float, ...]
    mean_improvement: float
    ci: tuple[float, float] | None
    responders: int
    responder_rate: float
    responder_ci: tuple[float, float]
    responder_rule: str


@dataclass(frozen=True)
class ArmBenchmark:
    """Improvement in one trial arm (on the plotted scale), with a CI where an SD exists."""

    label: str
    improvement: float
    ci: tuple[float, float] | None
    source: str


def parse_outcome_csv(text: str, scales: Scales) -> tuple[OutcomeRecord, ...]:
    """Parse and check patient,date,instrument,score rows (instruments and ranges: `scales`)."""
    reader = csv.DictReader(io.StringIO(text))
    need = ("patient", "date", "instrument", "score")
    missing = [c for c in need if c not in (reader.fieldnames or [])]
    if missing:
        raise InputError("columns", f"missing {', '.join(missing)}", ",".join(need))
    out = []
    for i, row in enumerate(reader, start=2):
        inst = (row["instrument"] or "").strip().lower()
        if inst not in scales:
            raise InputError("instrument", f"line {i}: unknown {inst!r}", tuple(scales))
        try:
            day = dt.date.fromisoformat((row["date"] or "").strip())
        except ValueError:
            raise InputError("date", f"line {i}: {row['date']!r} is not YYYY-MM-DD") from None
        try:
            score = float(row["score"])
        except (TypeError, ValueError):
            raise InputError("score", f"line {i}: {row['score']!r} is not a number") from None
        lo, hi = scales[inst].low, scales[inst].high
        if not lo <= score <= hi:
            raise InputError("score", f"line {i}: {score:g} is outside {inst} {lo:g}-{hi:g}")
        if not (row["patient"] or "").strip():
            raise InputError("patient", f"line {i}: empty")
        out.append(OutcomeRecord(row["patient"].strip(), day, inst, score))
    if not out:
        raise InputError("rows", "the file has no outcome rows")
    return tuple(out)


@lru_cache(maxsize=8)
def _z(level: float) -> float:
    """The two-sided normal quantile of a confidence level in percent (cached: the analytics
    report asks for thousands of intervals at one level)."""
    return float(stats.norm.ppf(1 - (1 - level / 100) / 2))


def wilson_ci(successes: int, n: int, level: float = 95.0) -> tuple[float, float]:
    """Wilson score interval for a proportion (Wilson 1927)."""
    if n <= 0:
        raise InputError("n", "needs at least one patient")
    z = _z(level)
    p = successes / n
    centre = (p + z**2 / (2 * n)) / (1 + z**2 / n)
    half = z * math.sqrt(p * (1 - p) / n + z**2 / (4 * n**2)) / (1 + z**2 / n)
    return max(0.0, centre - half), min(1.0, centre + half)


def _responder(scale: ClinicScale, baseline: float, improvement: float) -> bool:
    points, frac = scale.points, scale.fraction
    return (points is not None and improvement >= points) or (
        frac is not None and baseline > 0 and improvement >= frac * baseline
    )


def _rule_text(scale: ClinicScale) -> str:
    parts = [] if scale.points is None else [f"{scale.points:g} points"]
    parts += [] if not scale.fraction else [f"{scale.fraction:.0%}"]
    return "improvement >= " + " or >= ".join(parts)


def clinic_summary(
    records: tuple[OutcomeRecord, ...], instrument: str, scales: Scales
) -> ClinicSummary:
    """Change from first to last score per patient with at least two scores."""
    inst = instrument.lower()
    if inst not in scales:
        raise InputError("instrument", f"unknown {instrument!r}", tuple(scales))
    scale = scales[inst]
    by_patient: dict[str, list[OutcomeRecord]] = defaultdict(list)
    for r in records:
        if r.instrument == inst:
            by_patient[r.patient].append(r)
    pairs = []
    for rs in by_patient.values():
        if len(rs) >= 2:
            rs.sort(key=lambda r: r.date)
            pairs.append((rs[0].score, rs[0].score - rs[-1].score))
    if not pairs:
        raise InputError("instrument", f"no patient has two or more {inst} scores")
    imp = np.array([p[1] for p in pairs])
    n = imp.size
    mean = float(imp.mean())
    ci = None
    if n >= 2:
        half = float(stats.t.ppf(0.975, n - 1)) * float(imp.std(ddof=1)) / math.sqrt(n)
        ci = (mean - half, mean + half)
    resp = sum(_responder(scale, b, i) for b, i in pairs)
    return ClinicSummary(
        inst,
        n,
        tuple(imp.tolist()),
        mean,
        ci,
        resp,
        resp / n,
        wilson_ci(resp, n),
        _rule_text(scale),
    )


def trial_benchmarks(instrument: str) -> tuple[ArmBenchmark, ...]:
    """Trial-arm improvements on the scale the clinic instrument is drawn on."""
    inst = instrument.lower()
    arms = trial_arms()
    out: list[ArmBenchmark] = []
    if inst in _PAIN_SCALE:
        base = {
            a.arm: a.mean
            for a in arms
            if a.trial == "GERAC" and a.timepoint == "baseline" and a.outcome.startswith("pain")
        }
        for a in arms:
            if a.trial == "GERAC" and a.outcome.startswith("pain") and a.timepoint == "6 weeks":
                out.append(
                    ArmBenchmark(f"GERAC {a.arm} (6 wk)", base[a.arm] - a.mean, None, a.source)
                )
        for a in arms:
            if a.trial == "ART" and a.sd is not None and a.n:
                half = 1.96 * a.sd / math.sqrt(a.n)
                out.append(
                    ArmBenchmark(
                        f"ART {a.arm} (8 wk)", a.mean, (a.mean - half, a.mean + half), a.source
                    )
                )
    elif inst == "rmdq":
        for a in arms:
            if a.trial == "Cherkin2009" and a.outcome == "RMDQ" and a.stat.startswith("change"):
                out.append(ArmBenchmark(f"Cherkin 2009 {a.arm} (8 wk)", a.mean, None, a.source))
    return tuple(out)


_Dot = tuple[str, float, tuple[float, float] | None, bool]  # label, estimate, CI, the clinic


def _dots(
    summary: ClinicSummary, benchmarks: tuple[ArmBenchmark, ...], factor: float
) -> list[_Dot]:
    """The trial arms, then the clinic on the arms' scale (NRS/PEG x `factor`)."""
    rows: list[_Dot] = [(b.label, b.improvement, b.ci, False) for b in benchmarks]
    clinic_ci = None if summary.ci is None else (summary.ci[0] * factor, summary.ci[1] * factor)
    rows.append(
        (
            f"This clinic (n = {summary.n_patients})",
            summary.mean_improvement * factor,
            clinic_ci,
            True,
        )
    )
    return rows


def _draw_dots(ax: Any, rows: list[_Dot]) -> None:
    for y, (label, est, ci, mine) in enumerate(rows):
        colour = "#b5470b" if mine else "#1f4e79"
        if ci is not None:
            ax.plot(ci, [y, y], color=colour, lw=1.4)
        ax.plot([est], [y], marker="D" if mine else "o", ms=8 if mine else 6, color=colour)
        ax.text(
            -0.02,
            y,
            label,
            transform=ax.get_yaxis_transform(),
            ha="right",
            va="center",
            fontsize=9,
            fontweight="bold" if mine else "normal",
        )


def _clinic_axis(ax: Any, n: int, instrument: str, factor: float) -> None:
    ax.set_ylim(n - 0.4, -0.6)
    ax.set_yticks([])
    ax.axvline(0, color="#6b6b6b", lw=0.8)
    for side in ("left", "right", "top"):
        ax.spines[side].set_visible(False)
    scale = (
        "improvement on a 0-100 pain scale (clinic NRS/PEG x 10)"
        if factor != 1
        else f"improvement in {instrument.upper()} points"
    )
    ax.set_xlabel(f"Mean {scale}; higher = better; lines = 95% CI", fontsize=9)


def _clinic_texts(
    fig: Any, summary: ClinicSummary, benchmarks: tuple[ArmBenchmark, ...], height: float
) -> None:
    """The title, the clinic's responder rate and the notes ending with the caveat."""
    lo, hi = summary.responder_ci
    inch = 1 / height
    fig.text(
        0.02,
        1 - 0.15 * inch,
        f"Clinic outcomes beside trial arms ({summary.instrument.upper()})",
        fontsize=12,
        fontweight="bold",
        va="top",
    )
    fig.text(
        0.02,
        1 - 0.5 * inch,
        f"Clinic responders: {summary.responders}/{summary.n_patients} "
        f"({summary.responder_rate:.0%}, 95% CI {lo:.0%} to {hi:.0%}; {summary.responder_rule})",
        fontsize=9,
        va="top",
    )
    notes = [] if benchmarks else ["No bundled trial arm reports this instrument."]
    if any(b.ci is None for b in benchmarks):
        notes.append("Arms without a line: the trial reports no SD of the change, so no CI.")
    notes.append(CAVEAT)
    fig.text(
        0.02, 0.85 * inch, "\n".join(notes), fontsize=8.5, color="#7a1f1f", va="top", wrap=True
    )


def clinic_figure(summary: ClinicSummary, benchmarks: tuple[ArmBenchmark, ...]) -> object:
    """Dot-and-whisker figure: trial arms and the clinic on one improvement axis, with caveat."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    factor = _PAIN_SCALE.get(summary.instrument, 1.0)
    rows = _dots(summary, benchmarks, factor)
    n = len(rows)
    height = 2.5 + 0.36 * n  # inches: 1.0 above the axes, 1.5 below for axis label and notes
    fig = Figure(figsize=(9.5, height))
    FigureCanvasAgg(fig)
    ax = fig.add_axes((0.34, 1.5 / height, 0.62, (height - 2.5) / height))
    _draw_dots(ax, rows)
    _clinic_axis(ax, n, summary.instrument, factor)
    _clinic_texts(fig, summary, benchmarks, height)
    return fig
