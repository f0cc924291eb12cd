"""The analytics report: effectiveness factors, the adjusted model and a plain-words reading.

`build_report(tables, engine)` runs `analytics.queries` on the backend that holds `tables`
(two fetches: the factor table and the model's covariate patterns, over one cached course
table), then adds the intervals here: a Wilson score interval for each responder rate
(`acuback.evidence.wilson_ci`) and a t interval for each mean change (mean +/- t(0.975, n - 1)
SD / sqrt(n)). A level with fewer than `small_cell` assessed courses shows no figure, not even
its count, by the same rule as the research aggregates (with one complementary cell). Figures
are rounded to 4 decimals, so two engines agree digit for digit.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

import ibis.expr.datatypes as dt  # objects, not strings: Ibis parses a type string slowly
import ibis.expr.types as ir
import numpy as np
from pydantic import BaseModel, ConfigDict
from scipy import stats

from acuback.analytics.factors import AnalysisSpec, load_analysis_spec
from acuback.analytics.model import ModelFit, fit_model
from acuback.analytics.queries import course_facts, factor_table, model_patterns, report_columns
from acuback.errors import InputError
from acuback.evidence.clinic import wilson_ci
from acuback.interop.disclosure import is_small, suppress_counts
from acuback.knowledge import load_knowledge

__all__ = ["Level", "ModelReport", "Report", "build_report"]

_PLACES = 4
OVERALL = "all courses"  # the factor (and level) name of the whole cohort's row


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Level(_Frozen):
    level: str
    label: str  # plain words for a person (a condition's name; else the level itself)
    n: int | None  # None when suppressed
    responders: int | None
    rate: float | None
    rate_ci: tuple[float, float] | None
    mean_change: float | None
    mean_change_ci: tuple[float, float] | None
    suppressed: bool


class TermReport(_Frozen):
    term: str
    odds_ratio: float
    ci: tuple[float, float]
    log_odds: float
    se: float
    p: float


class ModelReport(_Frozen):
    fitted: bool
    courses: int = 0
    practitioners: int = 0
    terms: tuple[TermReport, ...] = ()
    note: str


class Report(_Frozen):
    engine: str
    instrument: str
    n_courses: int
    n_assessed: int
    n_sessions: int
    overall: Level
    factors: dict[str, tuple[Level, ...]]
    model: ModelReport
    small_cell: int
    summary: tuple[str, ...]


def _r(x: float) -> float:
    return round(float(x), _PLACES)


def _t975(rows: list[dict[str, Any]]) -> list[float]:
    """t(0.975, n - 1) for every row's n, in one call (scipy's ppf costs ~0.1 ms a call)."""
    df = np.array([max(int(r["n"]) - 1, 1) for r in rows], dtype=float)
    return [float(q) for q in stats.t.ppf(0.975, df)] if rows else []


def _level(row: Mapping[str, Any], label: str, hidden: bool, t975: float) -> Level:
    """One level's figures from its aggregate row (n, responders, mean and SD of the change),
    `t975` the t quantile for its n; a `hidden` level shows nothing, not even its count."""
    n, yes, mean, sd = (
        int(row["n"]),
        int(row["responders"] or 0),
        row["mean_change"],
        row["sd_change"],
    )
    if hidden:
        return Level(
            level=row["level"],
            label=label,
            n=None,
            responders=None,
            rate=None,
            rate_ci=None,
            mean_change=None,
            mean_change_ci=None,
            suppressed=True,
        )
    lo, hi = wilson_ci(yes, n)
    ci = None
    if mean is not None and sd is not None and n > 1 and not math.isnan(sd):
        half = t975 * sd / math.sqrt(n)
        ci = (_r(mean - half), _r(mean + half))
    return Level(
        level=row["level"],
        label=label,
        n=n,
        responders=yes,
        rate=_r(yes / n),
        rate_ci=(_r(lo), _r(hi)),
        mean_change=None if mean is None else _r(mean),
        mean_change_ci=ci,
        suppressed=False,
    )


def _label(factor: str, level: str) -> str:
    """Plain words for a level: a condition's name from the knowledge base, else the level."""
    if factor == "condition":
        conditions = load_knowledge().conditions
        return conditions[level].name if level in conditions else level
    return level


def _sort_key(spec: AnalysisSpec, factor: str, level: str) -> tuple[int, int, str]:
    f = spec.factor(factor)
    known = [label for label, _ in f.bands] or list(f.order)
    if level == spec.missing_label:
        return (2, 0, level)
    return (0, known.index(level), level) if level in known else (1, 0, level)


def _factors(rows: list[dict[str, Any]], spec: AnalysisSpec) -> dict[str, tuple[Level, ...]]:
    """Each factor's levels in order, small cells hidden by the clinic's one rule
    (`interop.disclosure.suppress_counts`: counts too, and one more cell where a single hidden
    one could be worked out from the total)."""
    out: dict[str, list[Level]] = {f.name: [] for f in spec.factors}
    ordered = sorted(rows, key=lambda r: (r["factor"], _sort_key(spec, r["factor"], r["level"])))
    shown: dict[str, dict[str, int | None]] = {
        f.name: suppress_counts(
            {r["level"]: int(r["n"]) for r in ordered if r["factor"] == f.name}, spec.small_cell
        )
        for f in spec.factors
    }
    for row, t975 in zip(ordered, _t975(ordered), strict=True):
        label = _label(row["factor"], row["level"])
        hidden = shown[row["factor"]][row["level"]] is None
        out[row["factor"]].append(_level(row, label, hidden, t975))
    return {name: tuple(levels) for name, levels in out.items()}


def _model(facts: ir.Table, spec: AnalysisSpec) -> ModelReport:
    patterns = model_patterns(facts, spec).to_pyarrow()
    try:
        fit: ModelFit = fit_model(patterns, spec)
    except InputError as exc:
        return ModelReport(fitted=False, note=exc.message)
    terms = tuple(
        TermReport(
            term=t.term,
            odds_ratio=_r(t.odds_ratio),
            ci=(_r(t.ci[0]), _r(t.ci[1])),
            log_odds=_r(t.log_odds),
            se=_r(t.se),
            p=_r(t.p),
        )
        for t in fit.terms[1:]  # the intercept is no odds ratio
    )
    note = (
        f"Logistic regression of responder status on {len(terms)} terms, {fit.courses} courses "
        f"with every covariate recorded, errors robust to clustering by {fit.clusters} "
        "practitioners."
    )
    return ModelReport(
        fitted=True, courses=fit.courses, practitioners=fit.clusters, terms=terms, note=note
    )


def _summary(
    report_n: tuple[int, int], overall: Level, model: ModelReport, spec: AnalysisSpec
) -> tuple[str, ...]:
    courses, assessed = report_n
    lines = [
        "These are observational data from routine care, with no control arm: the change from "
        "baseline also holds natural recovery, regression to the mean and placebo effects, so it "
        "cannot show how much acupuncture itself caused.",
        f"{assessed} of {courses} courses have a follow-up score. Courses without one (patients "
        "who stopped) are left out of the rates; if they did worse, the rates flatter the clinic.",
        "The adjusted model shows associations within these patients, not causes: who chooses, "
        "keeps to or is offered more frequent treatment can differ in ways no column records.",
        f"Levels with fewer than {spec.small_cell} courses show no figures, not even their "
        "count (nor does one more level where a single hidden one could be worked out).",
    ]
    if overall.rate is not None and overall.rate_ci is not None:
        lo, hi = overall.rate_ci
        lines.insert(
            0,
            f"{overall.responders} of {overall.n} assessed courses met the instrument's responder "
            f"rule ({overall.rate:.0%}, 95% CI {lo:.0%} to {hi:.0%}).",
        )
    for t in model.terms:
        lo, hi = t.ci
        if lo > 1 or hi < 1:
            direction = "more" if t.odds_ratio > 1 else "less"
            lines.append(
                f"{t.term}: responding {direction} likely (odds ratio "
                f"{t.odds_ratio:.2f}, 95% CI {lo:.2f} to {hi:.2f})."
            )
    return tuple(lines)


def build_report(
    tables: dict[str, ir.Table],
    engine: str,
    instrument: str = "nrs",
    spec: AnalysisSpec | None = None,
) -> Report:
    """The report over the export's `courses` and `sessions` tables on one backend."""
    spec = spec or load_analysis_spec()
    facts = report_columns(
        course_facts(tables["courses"], tables["sessions"], instrument), spec
    ).cache()
    try:
        totals = (
            facts.aggregate(
                courses=facts.count(),
                sessions=facts.sessions_attended.sum(),
                assessed=facts.assessed.cast(dt.int64).sum(),
            )
            .to_pyarrow()
            .to_pylist()[0]
        )
        rows = factor_table(facts, spec, overall=OVERALL).to_pyarrow().to_pylist()
        model = _model(facts, spec)
    finally:
        facts.release()  # drop the cached table while its connection is still open
    [overall_row] = [r for r in rows if r["factor"] == OVERALL]
    hidden = is_small(int(overall_row["n"]), spec.small_cell)
    overall = _level(overall_row, "all courses", hidden, *_t975([overall_row]))
    factors = _factors([r for r in rows if r["factor"] != OVERALL], spec)
    n_courses, n_assessed = int(totals["courses"]), int(totals["assessed"])
    return Report(
        engine=engine,
        instrument=instrument,
        n_courses=n_courses,
        n_assessed=n_assessed,
        n_sessions=int(totals["sessions"] or 0),
        overall=overall,
        factors=factors,
        model=model,
        small_cell=spec.small_cell,
        summary=_summary((n_courses, n_assessed), overall, model, spec),
    )
