"""One bundled analysis as a report: the numbers, the figures and what could not be done.

The core builds figures but writes nothing; the caller saves `figures` (name -> Figure).
A funnel plot is drawn only with at least 3 trials, since with fewer it shows nothing about
small-study effects; the report says so instead of drawing an empty funnel.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, TypedDict

from acuback.evidence.pooling import PooledResult
from acuback.evidence.tau2 import Method
from acuback.evidence.trials import AnalysisResult, TrialArm, contrasts, run_analysis

__all__ = [
    "ArmJson",
    "ContextRow",
    "EvidenceReport",
    "ExcludedJson",
    "ReportData",
    "TrialRow",
    "build_report",
]

_COMPARATOR_TEXT = {
    "sham": "sham acupuncture",
    "none": "no acupuncture or waiting list",
    "usual": "usual care",
}


_FAVOURS = {"sham": "sham", "none": "no acupuncture", "usual": "usual care"}


class ExcludedJson(TypedDict):
    trial: str
    reason: str


class ReportData(TypedDict):
    """The report's JSON: the question, the pooled numbers (`PooledResult.as_dict`), the trials
    pooled and left out, and the published contrasts for context."""

    comparator: str
    outcome: str
    timepoint: str
    scale: str
    direction: str
    pooled: dict[str, Any] | None
    trials: list[TrialRow]
    excluded: list[ExcludedJson]
    published_context: list[ContextRow]
    message: str


@dataclass(frozen=True)
class EvidenceReport:
    """JSON-ready `data`, figures by file stem, and notes for the reader."""

    data: ReportData
    pooled: PooledResult | None = None
    figures: dict[str, object] = field(default_factory=dict)
    notes: tuple[str, ...] = ()


class ArmJson(TypedDict):
    """One trial arm as the report's JSON gives it."""

    arm: str
    n: int | None
    mean: float
    sd: float | None
    se: float | None
    stat: str
    source: str
    note: str


class TrialRow(TypedDict):
    """One pooled trial: its mean difference, standard error and both arms."""

    study: str
    md: float
    se: float
    acupuncture_arm: ArmJson
    control_arm: ArmJson


class ContextRow(TypedDict):
    """A published contrast shown beside the pooled estimate."""

    study: str
    comparison: str
    outcome: str
    effect_type: str
    estimate: str
    ci: list[float | None]
    source: str


def _arm_json(arm: TrialArm) -> ArmJson:
    return {
        "arm": arm.arm,
        "n": arm.n,
        "mean": arm.mean,
        "sd": arm.sd,
        "se": arm.se,
        "stat": arm.stat,
        "source": arm.source,
        "note": arm.note,
    }


def _trial_rows(res: AnalysisResult) -> list[TrialRow]:
    if res.effects is None:
        return []
    rows: list[TrialRow] = []
    for (acu, ctrl), yi, vi, label in zip(
        res.arms, res.effects.yi, res.effects.vi, res.effects.study, strict=True
    ):
        rows.append(
            {
                "study": label,
                "md": yi,
                "se": vi**0.5,
                "acupuncture_arm": _arm_json(acu),
                "control_arm": _arm_json(ctrl),
            }
        )
    return rows


def _context(comparator: str) -> list[ContextRow]:
    words = {
        "sham": ("sham", "minimal"),
        "none": ("no acupuncture", "waiting"),
        "usual": ("usual care", "conventional", "routine"),
    }[comparator]
    return [
        {
            "study": c.study,
            "comparison": c.comparison,
            "outcome": c.outcome,
            "effect_type": c.effect_type,
            "estimate": c.estimate,
            "ci": [c.ci_low, c.ci_high],
            "source": c.source,
        }
        for c in contrasts()
        if any(w in c.comparison.lower() for w in words)
    ]


def build_report(
    comparator: str,
    outcome: str,
    timepoint: str = "end_of_treatment",
    method: Method = "REML",
    hk: bool = False,
) -> EvidenceReport:
    """Run the bundled analysis and draw its forest (and, with k >= 3, funnel) plot."""
    from acuback.evidence.plots import ForestLabels, forest_plot, funnel_plot

    res = run_analysis(comparator, outcome, timepoint, method, hk)
    spec = res.spec
    notes = [res.message]
    notes += [f"Left out: {e.trial}: {e.reason}" for e in spec.excluded]
    notes += [  # numbers the source did not print, e.g. ART's waiting-list n
        f"{arm.trial} {arm.arm}: {arm.note}"
        for pair in res.arms
        for arm in pair
        if "derived" in arm.note.lower()
    ]
    data: ReportData = {
        "comparator": comparator,
        "outcome": outcome,
        "timepoint": timepoint,
        "scale": spec.scale,
        "direction": "mean difference; positive favours acupuncture",
        "pooled": None if res.pooled is None else res.pooled.as_dict(),
        "trials": _trial_rows(res),
        "excluded": [{"trial": e.trial, "reason": e.reason} for e in spec.excluded],
        "published_context": _context(comparator),
        "message": res.message,
    }
    figures: dict[str, object] = {}
    stem = f"{comparator}_{outcome}_{timepoint}"
    if res.pooled is not None and res.effects is not None:
        title = (
            f"Acupuncture versus {_COMPARATOR_TEXT[comparator]}: {outcome}, "
            f"{timepoint.replace('_', ' ')}"
        )
        labels = ForestLabels(
            title,
            "Mean difference (points on a 0-100 scale)",
            f"Favours {_FAVOURS[comparator]}",
            "Favours acupuncture",
            note=" ".join(n.rstrip(".") + "." for n in [f"Scale: {spec.scale}", *notes]),
        )
        figures[f"forest_{stem}"] = forest_plot(res.effects, res.pooled, labels)
        if res.effects.k >= 3:
            figures[f"funnel_{stem}"] = funnel_plot(res.effects, res.pooled, title=title)
        else:
            notes.append(
                f"Funnel plot not drawn: it needs at least 3 trials (have {res.effects.k})."
            )
    return EvidenceReport(data, res.pooled, figures, tuple(notes))
