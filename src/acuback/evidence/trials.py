"""The bundled acupuncture-for-low-back-pain trial data and its ready analyses.

Data: `data/trial_arms.csv` (per-arm summaries with a source address on every row),
`data/contrasts.csv` (published contrasts and review estimates) and `data/analyses.yaml`
(which arm pairs answer which question; see that file's header). Loaded lazily, once.

Effects are mean differences (MD) oriented so that a positive value favours acupuncture:
acupuncture minus control for higher-is-better scales and for change scores reported as
improvement; control minus acupuncture for lower-is-better final values. Variances come from
the reported SDs (sd^2/n per arm) or, where a trial reports standard errors, from se^2 per arm.
Nothing is imputed: a pair without an SD or SE is refused, and the analyses list the trials
they leave out and why.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field

from acuback.errors import InputError, KnowledgeError, NotFound
from acuback.evidence.effect_sizes import EffectSizes, from_yi_vi
from acuback.evidence.pooling import PooledResult, pool
from acuback.evidence.tau2 import Method

__all__ = [
    "AnalysisResult",
    "AnalysisSpec",
    "Contrast",
    "TrialArm",
    "analysis_specs",
    "contrasts",
    "run_analysis",
    "trial_arms",
]

Comparator = Literal["sham", "none", "usual"]
Outcome = Literal["pain", "function"]
Timepoint = Literal["end_of_treatment", "3_months", "6_months"]


class TrialArm(BaseModel):
    """One arm of one trial at one time point, with the address it was read from."""

    model_config = ConfigDict(frozen=True, extra="forbid")
    trial: str
    publication: str
    arm: str
    arm_role: str
    outcome: str
    scale_range: str
    better_direction: Literal["higher", "lower"]
    timepoint: str
    stat: str
    n: int | None
    mean: float
    sd: float | None
    se: float | None
    source: str
    note: str


class Contrast(BaseModel):
    """A published between-arm contrast or review estimate (shown for context, not pooled)."""

    model_config = ConfigDict(frozen=True, extra="forbid")
    study: str
    comparison: str
    outcome: str
    scale: str
    timepoint: str
    effect_type: str
    estimate: str
    ci_low: float | None
    ci_high: float | None
    n_or_k: str
    source: str
    note: str


class Pair(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")
    trial: str
    outcome: str
    timepoint: str
    acupuncture: str
    control: str


class Exclusion(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")
    trial: str
    reason: str


class AnalysisSpec(BaseModel):
    """Which arm pairs one ready analysis pools, and which trials it leaves out."""

    model_config = ConfigDict(frozen=True, extra="forbid")
    comparator: Comparator
    outcome: Outcome
    timepoint: Timepoint
    scale: str
    pairs: tuple[Pair, ...] = Field(default=())
    excluded: tuple[Exclusion, ...] = Field(default=())


@dataclass(frozen=True)
class AnalysisResult:
    """A ready analysis: the per-trial effects, the pooled result (None if no trial fits)."""

    spec: AnalysisSpec
    effects: EffectSizes | None
    arms: tuple[tuple[TrialArm, TrialArm], ...]
    pooled: PooledResult | None
    message: str


def _read(name: str) -> str:
    return resources.files("acuback.evidence").joinpath("data", name).read_text("utf-8")


def _num(raw: str) -> float | None:
    return float(raw) if raw.strip() else None


@cache
def trial_arms() -> tuple[TrialArm, ...]:
    """All arm rows; a `source` of "same" is resolved to the trial's previous address."""
    last: dict[str, str] = {}
    out = []
    for i, row in enumerate(csv.DictReader(io.StringIO(_read("trial_arms.csv"))), start=2):
        source = last[row["trial"]] if row["source"] == "same" else row["source"]
        last[row["trial"]] = source
        try:
            n = _num(row["n"])
            out.append(
                TrialArm(
                    **{
                        **row,
                        "source": source,
                        "n": None if n is None else int(n),
                        "mean": float(row["mean"]),
                        "sd": _num(row["sd"]),
                        "se": _num(row["se"]),
                    }
                )
            )
        except (ValueError, TypeError) as exc:
            raise KnowledgeError("trial_arms.csv", f"line {i}", "row", str(exc)) from exc
    return tuple(out)


@cache
def contrasts() -> tuple[Contrast, ...]:
    """Published contrasts and pooled review estimates, in file order ("same" resolved)."""
    out, last = [], ""
    for r in csv.DictReader(io.StringIO(_read("contrasts.csv"))):
        last = last if r["source"] == "same" else r["source"]  # "same": the row above
        out.append(
            Contrast(
                **{**r, "source": last, "ci_low": _num(r["ci_low"]), "ci_high": _num(r["ci_high"])}
            )
        )
    return tuple(out)


@cache
def analysis_specs() -> tuple[AnalysisSpec, ...]:
    """The ready analyses from analyses.yaml."""
    return tuple(AnalysisSpec(**rec) for rec in yaml.safe_load(_read("analyses.yaml")))


def _arm(pair: Pair, name: str) -> TrialArm:
    for a in trial_arms():
        if (a.trial, a.outcome, a.timepoint, a.arm) == (
            pair.trial,
            pair.outcome,
            pair.timepoint,
            name,
        ):
            return a
    raise KnowledgeError(
        "analyses.yaml", pair.trial, "pairs", f"no arm {name!r} at {pair.timepoint}"
    )


def arm_variance(arm: TrialArm) -> float:
    """sd^2/n, or se^2 where the trial reports a standard error; refuses anything else."""
    if arm.sd is not None and arm.n:
        return arm.sd**2 / arm.n
    if arm.se is not None:
        return arm.se**2
    raise InputError(f"{arm.trial}.{arm.arm}", "has neither an SD with n nor an SE; not imputed")


def pair_effect(acu: TrialArm, ctrl: TrialArm) -> tuple[float, float]:
    """The MD (positive favours acupuncture) and its variance for one arm pair."""
    change = acu.stat.startswith("change")
    higher_is_benefit = change or acu.better_direction == "higher"
    md = acu.mean - ctrl.mean if higher_is_benefit else ctrl.mean - acu.mean
    return md, arm_variance(acu) + arm_variance(ctrl)


def find_spec(comparator: str, outcome: str, timepoint: str = "end_of_treatment") -> AnalysisSpec:
    for spec in analysis_specs():
        if (spec.comparator, spec.outcome, spec.timepoint) == (comparator, outcome, timepoint):
            return spec
    keys = sorted({f"{s.comparator}/{s.outcome}/{s.timepoint}" for s in analysis_specs()})
    raise NotFound("analysis", f"{comparator}/{outcome}/{timepoint}", keys)


def run_analysis(
    comparator: str,
    outcome: str,
    timepoint: str = "end_of_treatment",
    method: Method = "REML",
    hk: bool = False,
) -> AnalysisResult:
    """Pool the bundled trials for one question, or say why that cannot be done."""
    spec = find_spec(comparator, outcome, timepoint)
    if not spec.pairs:
        reasons = "; ".join(f"{e.trial}: {e.reason}" for e in spec.excluded) or "no trial"
        msg = f"The bundled data cannot support this analysis ({reasons})."
        return AnalysisResult(spec=spec, effects=None, arms=(), pooled=None, message=msg)
    arms = tuple((_arm(p, p.acupuncture), _arm(p, p.control)) for p in spec.pairs)
    effects = [pair_effect(a, c) for a, c in arms]
    es = from_yi_vi(
        [e[0] for e in effects],
        [e[1] for e in effects],
        [f"{p.trial} ({p.timepoint})" for p in spec.pairs],
        "MD",
    )
    res = pool(es, method="FE" if es.k == 1 else method, hk=hk and es.k > 1)
    msg = (
        f"Only one trial ({spec.pairs[0].trial}) has usable data: its own estimate is shown, "
        "not a pooled one."
        if es.k == 1
        else f"{es.k} trials pooled."
    )
    return AnalysisResult(spec=spec, effects=es, arms=arms, pooled=res, message=msg)
