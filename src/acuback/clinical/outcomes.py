"""Is the treatment working? Responder classification, trajectory verdict, payer visit limits.

Conventions: every instrument here runs "higher = worse", so `improvement` is
baseline - follow-up (positive = better) and `improvement_percent` is that as a percent of the
baseline (None when the baseline is 0). A change counts as clinically important when it meets
EITHER threshold of the instrument's responder rule (SPEC section 2 "Outcomes"; the thresholds
and their sources live only in `data/instruments.yaml`). STarT Back is a stratification tool
and has no responder rule.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from typing import Literal

from pydantic import BaseModel, ConfigDict, ValidationError

from acuback.clinical.instruments import Instrument, Responder, instrument, load_instruments
from acuback.errors import InputError

__all__ = [
    "CoverageDecision",
    "Measurement",
    "ResponderResult",
    "Trajectory",
    "Verdict",
    "assess_trajectory",
    "check_visit_coverage",
    "classify_response",
    "threshold_words",
]

Verdict = Literal["improving", "not_yet", "not_improving_reconsider"]
# Scores carry at most 2 decimals; rounding the arithmetic to 9 keeps 6.67 - 4.67 from
# landing just under a threshold of 2 through binary floating point.
_DIGITS = 9


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class ResponderResult(_Frozen):
    """Baseline against follow-up for one instrument, with the numbers behind the verdict."""

    instrument: str
    baseline: float
    follow_up: float
    improvement: float
    improvement_percent: float | None
    threshold_points: float | None
    threshold_percent: float | None
    met_points: bool
    met_percent: bool
    responder: bool
    rule: str
    rule_version: str
    sources: tuple[str, ...]


class Measurement(_Frozen):
    """One dated score of an instrument."""

    date: dt.date
    value: float


class Trajectory(_Frozen):
    """The reassessment verdict from dated scores; see `assess_trajectory` for the rule."""

    instrument: str
    verdict: Verdict
    direction: Literal["better", "unchanged", "worse"]
    baseline: Measurement
    latest: Measurement
    measurements: tuple[Measurement, ...]
    response: ResponderResult
    reassessment: str
    reassessment_reached: bool
    explanation: str


class CoverageDecision(_Frozen):
    """Whether a payer covers one more visit on `visit_date`, and why."""

    covered: bool
    visit_date: dt.date
    phase: Literal["initial", "additional", "none"]
    visits_in_year: int
    initial_visits_used: int
    additional_visits_used: int
    course_start: dt.date
    initial_window_end: dt.date
    reason: str
    rule: str
    applies_to: str
    sources: tuple[str, ...]


# ----- responder --------------------------------------------------------------------------


def _responder_rule(spec: Instrument) -> Responder:
    if spec.responder is None:
        allowed = [i.id for i in load_instruments().instruments if i.responder is not None]
        raise InputError(
            "instrument", f"{spec.short_name} has no responder rule (it stratifies risk)", allowed
        )
    return spec.responder


def _check_value(spec: Instrument, value: float, field: str) -> float:
    low, high = spec.score.min, spec.score.max
    if isinstance(value, bool) or not isinstance(value, int | float) or not low <= value <= high:
        raise InputError(field, f"{value!r} is not a {spec.short_name} score", f"{low:g}..{high:g}")
    return float(value)


def _describe(rule: Responder) -> str:
    return "an improvement of at least " + threshold_words(rule, percent_of="baseline")


def threshold_words(rule: Responder, percent_of: str = "") -> str:
    """The responder rule in words, from `instruments.yaml`: "5 points or 30%" (with
    `percent_of="baseline"`: "5 points or 30% of baseline")."""
    parts = []
    if rule.absolute is not None:
        parts.append(f"{rule.absolute:g} points")
    if rule.percent is not None:
        parts.append(f"{rule.percent:g}%" + (f" of {percent_of}" if percent_of else ""))
    return " or ".join(parts)


def classify_response(instrument_id: str, baseline: float, follow_up: float) -> ResponderResult:
    """Is the change from `baseline` to `follow_up` clinically important (either threshold)?"""
    spec = instrument(instrument_id)
    rule = _responder_rule(spec)
    before = _check_value(spec, baseline, "baseline")
    after = _check_value(spec, follow_up, "follow_up")
    improvement = round(before - after, _DIGITS)
    percent = round(improvement / before * 100, _DIGITS) if before > 0 else None
    met_points = rule.absolute is not None and improvement >= rule.absolute
    met_percent = rule.percent is not None and percent is not None and percent >= rule.percent
    return ResponderResult(
        instrument=spec.id,
        baseline=before,
        follow_up=after,
        improvement=round(improvement, 2),
        improvement_percent=None if percent is None else round(percent, 2),
        threshold_points=rule.absolute,
        threshold_percent=rule.percent,
        met_points=met_points,
        met_percent=met_percent,
        responder=met_points or met_percent,
        rule=_describe(rule),
        rule_version=load_instruments().rule_version,
        sources=rule.sources,
    )


# ----- trajectory -------------------------------------------------------------------------


def _measurements(spec: Instrument, scores: Iterable[object]) -> list[Measurement]:
    out: list[Measurement] = []
    for i, raw in enumerate(scores):
        if isinstance(raw, Measurement):
            item = raw
        else:
            pair = isinstance(raw, list | tuple) and len(raw) == 2
            data = {"date": raw[0], "value": raw[1]} if pair else raw  # type: ignore[index]
            try:
                item = Measurement.model_validate(data)
            except ValidationError as exc:
                first = exc.errors()[0]
                where = ".".join(str(p) for p in first["loc"])
                field = f"scores[{i}].{where}" if where else f"scores[{i}]"
                raise InputError(field, first["msg"], "{date: YYYY-MM-DD, value: number}") from None
        _check_value(spec, item.value, f"scores[{i}].value")
        out.append(item)
    if len(out) < 2:
        raise InputError(
            "scores", f"{len(out)} score(s); need a baseline and a later score", "2 or more"
        )
    dates = [m.date for m in out]
    if len(set(dates)) != len(dates):
        raise InputError("scores", "two scores share a date", "one score per date")
    return sorted(out, key=lambda m: m.date)


def _reassessment(
    reassess_on: dt.date | None,
    reassess_after_sessions: int | None,
    sessions_completed: int | None,
    latest: dt.date,
) -> tuple[str, bool]:
    if (reassess_on is None) == (reassess_after_sessions is None):
        raise InputError(
            "reassessment",
            "give exactly one reassessment point",
            "reassess_on (a date) or reassess_after_sessions (with sessions_completed)",
        )
    if reassess_on is not None:
        if not isinstance(reassess_on, dt.date):
            raise InputError("reassess_on", f"{reassess_on!r}", "a date")
        return f"on {reassess_on.isoformat()}", latest >= reassess_on
    assert reassess_after_sessions is not None
    if reassess_after_sessions < 1:
        raise InputError("reassess_after_sessions", f"{reassess_after_sessions}", "1 or more")
    if sessions_completed is None or sessions_completed < 0:
        raise InputError("sessions_completed", f"{sessions_completed!r}", "an integer 0 or more")
    text = f"after {reassess_after_sessions} sessions ({sessions_completed} done)"
    return text, sessions_completed >= reassess_after_sessions


def assess_trajectory(
    instrument_id: str,
    scores: Iterable[object],
    *,
    reassess_on: dt.date | None = None,
    reassess_after_sessions: int | None = None,
    sessions_completed: int | None = None,
) -> Trajectory:
    """Judge a course from dated scores of one instrument at a reassessment point.

    `scores` holds `Measurement`s, `(date, value)` tuples or `{"date", "value"}` mappings, at
    least two, one per date. The reassessment point is a date (reached when the latest score
    is on or after it) or a number of sessions (reached when `sessions_completed` is at least
    `reassess_after_sessions`). The rule, comparing the earliest score (baseline) with the most
    recent one:
    - `improving`: the change meets the responder rule (either threshold), at any time;
    - `not_yet`: it does not, and the reassessment point is not reached: carry on, reassess;
    - `not_improving_reconsider`: it does not, at or after the reassessment point, whether
      the score is worse, unchanged or better by less than the threshold. Medicare NCD 30.3.3
      asks for treatment to stop when a patient is not improving or is regressing.
    """
    spec = instrument(instrument_id)
    _responder_rule(spec)
    series = _measurements(spec, scores)
    baseline, latest = series[0], series[-1]
    where, reached = _reassessment(
        reassess_on, reassess_after_sessions, sessions_completed, latest.date
    )
    response = classify_response(spec.id, baseline.value, latest.value)
    direction: Literal["better", "unchanged", "worse"] = "unchanged"
    if response.improvement != 0:
        direction = "better" if response.improvement > 0 else "worse"
    if response.responder:
        verdict: Verdict = "improving"
    else:
        verdict = "not_improving_reconsider" if reached else "not_yet"
    return Trajectory(
        instrument=spec.id,
        verdict=verdict,
        direction=direction,
        baseline=baseline,
        latest=latest,
        measurements=tuple(series),
        response=response,
        reassessment=where,
        reassessment_reached=reached,
        explanation=_explain(spec, verdict, response, baseline, latest, where),
    )


def _explain(
    spec: Instrument,
    verdict: Verdict,
    response: ResponderResult,
    baseline: Measurement,
    latest: Measurement,
    where: str,
) -> str:
    change = abs(response.improvement)
    word = "better" if response.improvement > 0 else "worse"
    pct = (
        "" if response.improvement_percent is None else f" ({abs(response.improvement_percent):g}%)"
    )
    unit = "point" if change == 1 else "points"  # ODI changes are percentage points
    moved = f"{change:g} {unit} {word}{pct}" if change else "no change"
    head = (
        f"{spec.short_name} went from {baseline.value:g} on {baseline.date.isoformat()} to "
        f"{latest.value:g} on {latest.date.isoformat()}: {moved}. "
        f"The threshold is {response.rule}."
    )
    if verdict == "improving":
        return head + " This is a clinically important improvement."
    if verdict == "not_yet":
        return head + f" Not reached yet; the reassessment point ({where}) is still ahead."
    return head + (
        f" At the reassessment point ({where}) the threshold is not met: reconsider the plan"
        " (change the approach, refer, or stop)."
    )


# ----- payer visit limits -----------------------------------------------------------------


def check_visit_coverage(
    prior_visits: Sequence[dt.date],
    visit_date: dt.date,
    *,
    improving: bool | None,
    rule_id: str = "medicare",
) -> CoverageDecision:
    """Would the payer cover a visit on `visit_date`, given the visits already made?

    Medicare NCD 30.3.3 (numbers in `data/instruments.yaml`): up to 12 visits in 90 days, 8
    more only if the patient is improving, at most 20 a year. acuback's reading: the year is
    the 365 days ending on `visit_date`; the 90 days run from the first visit in that year
    (day 1) and take its first 12 visits; any later visit is one of the 8 "additional" visits
    and needs `improving=True` (pass `assess_trajectory(...).verdict == "improving"`;
    None means not yet assessed). Only visits for chronic low back pain count.
    """
    rule = load_instruments().visit_rule(rule_id)
    for i, day in enumerate(prior_visits):
        if not isinstance(day, dt.date) or day > visit_date:
            raise InputError(f"visits[{i}]", f"{day!r}", f"a date on or before {visit_date}")
    year_start = visit_date - dt.timedelta(days=rule.year_window_days - 1)
    in_year = sorted(d for d in prior_visits if d >= year_start)
    start = in_year[0] if in_year else visit_date
    window_end = start + dt.timedelta(days=rule.initial_window_days - 1)
    initial_used = min(rule.initial_visits, sum(d <= window_end for d in in_year))
    additional_used = len(in_year) - initial_used

    def decide(
        covered: bool, phase: Literal["initial", "additional", "none"], why: str
    ) -> CoverageDecision:
        return CoverageDecision(
            covered=covered,
            visit_date=visit_date,
            phase=phase,
            visits_in_year=len(in_year),
            initial_visits_used=initial_used,
            additional_visits_used=additional_used,
            course_start=start,
            initial_window_end=window_end,
            reason=why,
            rule=rule.id,
            applies_to=rule.applies_to,
            sources=rule.sources,
        )

    if len(in_year) >= rule.max_visits_per_year:
        return decide(
            False,
            "none",
            f"{len(in_year)} visits in the last year already; "
            f"the limit is {rule.max_visits_per_year} a year",
        )
    if initial_used < rule.initial_visits and visit_date <= window_end:
        return decide(
            True,
            "initial",
            f"visit {initial_used + 1} of the first "
            f"{rule.initial_visits}, within the {rule.initial_window_days} days from "
            f"{start.isoformat()} to {window_end.isoformat()}",
        )
    if additional_used >= rule.additional_visits_if_improving:
        return decide(
            False,
            "none",
            f"all {rule.additional_visits_if_improving} additional visits have been used",
        )
    past = (
        f"the first {rule.initial_visits} visits are used"
        if initial_used >= rule.initial_visits
        else f"the {rule.initial_window_days} days ended on {window_end.isoformat()}"
    )
    if improving is None:
        return decide(
            False, "none", f"{past}; a further visit needs documented improvement: reassess first"
        )
    if not improving:
        return decide(
            False,
            "none",
            f"{past}; the patient is not improving, and the rule says treatment stops",
        )
    return decide(
        True,
        "additional",
        f"{past}; additional visit {additional_used + 1} of "
        f"{rule.additional_visits_if_improving}, allowed because the patient is "
        "improving",
    )
