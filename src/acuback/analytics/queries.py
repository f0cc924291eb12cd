"""The report's queries, written once as Ibis expressions and run on DuckDB or Spark.

`course_facts` turns the export's `courses` and `sessions` into one row per course of one
instrument with everything the report groups by: the signed sessions and sessions per calendar
week (from the sessions table), the change from baseline (baseline minus final, so positive means
better: every instrument acuback follows is lower-is-better) and responder status by the
instrument's own rule in clinical/data/instruments.yaml (either threshold met, rounded as
`acuback.clinical.outcomes.classify_response` rounds). `report_columns` keeps only what the
report reads (the table the report caches once: narrow, so that materialising it costs little
beside the scan that builds it); `factor_table` and `model_patterns` are the two aggregates the
report fetches from it.
"""

from __future__ import annotations

import ibis
import ibis.expr.datatypes as dt  # objects, not strings: Ibis parses a type string slowly
import ibis.expr.types as ir
from ibis import _

from acuback.analytics.factors import AnalysisSpec, Factor
from acuback.clinical.instruments import load_instruments

__all__ = [
    "course_facts",
    "factor_table",
    "level",
    "model_patterns",
    "report_columns",
    "responder",
]

_DIGITS = 9  # as acuback.clinical.outcomes rounds improvement and percent


def responder(t: ir.Table) -> ir.BooleanValue:
    """The instrument's responder rule from baseline to final (null with fewer than 2 scores)."""
    improvement = (t.baseline - t.final).round(_DIGITS)
    percent = ibis.ifelse(t.baseline > 0, (improvement / t.baseline * 100).round(_DIGITS), None)
    branches = []
    for spec in load_instruments().instruments:
        rule = spec.responder
        if rule is None:
            continue
        met: ir.BooleanValue = ibis.literal(False)
        if rule.absolute is not None:
            met = met | (improvement >= rule.absolute)
        if rule.percent is not None:
            met = met | (percent >= rule.percent).fill_null(False)
        branches.append((t.instrument == spec.id, met))
    rule_met = ibis.cases(*branches, else_=ibis.null(dt.boolean))
    return ibis.ifelse(t.final.isnull() | (t.scores < 2), ibis.null(dt.boolean), rule_met)


def level(t: ir.Table, factor: Factor, missing: str) -> ir.StringValue:
    """The factor's level of each row: its band, its value, or `missing`."""
    value = t[factor.column]
    shown: ir.StringValue
    if factor.bands:
        branches = [(value < below, label) for label, below in factor.bands[:-1]]
        shown = ibis.cases(*branches, else_=factor.bands[-1][0])
    elif value.type().is_boolean():
        shown = value.ifelse("yes", "no")
    else:
        shown = value.cast(dt.string)
    return ibis.ifelse(value.isnull(), missing, shown)


def course_facts(courses: ir.Table, sessions: ir.Table, instrument: str) -> ir.Table:
    """One row per course of `instrument`, with sessions, change and responder status.

    Sessions per week are the signed sessions over the calendar weeks from the first to the
    last (whole weeks of 7 days: a course inside one week has one). A course is assessed when it
    has two scores or more (baseline and a follow-up).
    """
    per = sessions.group_by("course_key").aggregate(
        signed=sessions.count(),
        first_on=sessions.session_on.min(),
        last_on=sessions.session_on.max(),
    )
    own = courses.filter(courses.instrument == instrument).drop("sessions_attended", "responder")
    joined = own.left_join(per, "course_key").drop("course_key_right")
    weeks = joined.last_on.delta(joined.first_on, unit="day") // 7 + 1
    return joined.mutate(
        sessions_attended=joined.signed.fill_null(0),
        sessions_per_week=joined.signed / weeks,
        change=joined.baseline - joined.final,
        responder=responder(joined),
        assessed=joined.scores >= 2,
    )


def report_columns(facts: ir.Table, spec: AnalysisSpec) -> ir.Table:
    """`facts` narrowed to the columns the factors, the model and the totals read."""
    m = spec.model
    wanted = {f.column for f in spec.factors} | {*m.numeric, *m.binary, m.cluster}
    wanted |= {"change", "responder", "assessed", "sessions_attended"}
    return facts.select(*[c for c in facts.columns if c in wanted])


def factor_table(facts: ir.Table, spec: AnalysisSpec, overall: str | None = None) -> ir.Table:
    """n, responders, mean and SD of the change per level of every factor, as one table; with
    `overall`, also one row for every assessed course (factor and level both `overall`)."""
    assessed = facts.filter(facts.assessed)
    parts = []
    if overall is not None:
        everyone = assessed.mutate(factor=ibis.literal(overall), level=ibis.literal(overall))
        parts.append(_figures(everyone))
    for factor in spec.factors:
        rows = assessed.mutate(
            factor=ibis.literal(factor.name), level=level(assessed, factor, spec.missing_label)
        )
        parts.append(_figures(rows))
    return ibis.union(*parts)


def _figures(rows: ir.Table) -> ir.Table:
    return rows.group_by(["factor", "level"]).aggregate(
        n=_.count(),
        responders=_.responder.cast(dt.int64).sum(),
        mean_change=_.change.mean(),
        sd_change=_.change.std(how="sample"),
    )


def model_patterns(facts: ir.Table, spec: AnalysisSpec) -> ir.Table:
    """Courses with every model covariate recorded, counted per covariate pattern and cluster."""
    m = spec.model
    assessed = facts.filter(facts.assessed)
    covariates = [*m.categorical, *m.numeric, *m.binary]
    columns = {spec.factor(n).column if n in m.categorical else n for n in covariates}
    columns.add(m.cluster)
    complete = assessed.filter([assessed[c].notnull() for c in sorted(columns)])
    keys = {
        **{n: level(complete, spec.factor(n), spec.missing_label) for n in m.categorical},
        **{n: complete[n].cast(dt.float64) for n in m.numeric},
        **{n: complete[n].cast(dt.int64) for n in m.binary},
        "cluster": complete[m.cluster],
    }
    grouped = complete.mutate(**keys).group_by(list(keys))
    return grouped.aggregate(n=_.count(), responders=_.responder.cast(dt.int64).sum())
