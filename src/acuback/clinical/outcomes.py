"""Is the treatment working? Responder classification and the trajectory verdict.

Payer visit limits are in `coverage.py`.

Conventions: every instrument here runs "higher = worse", so `improvement` is
baseline - follow-up (positive = better) and `improvement_percent` is that as a percent of the
baseline (None when the baseline is 0). A change counts as clinically important when it meets
EITHER threshold of the instrument's responder rule (SPEC section 2 "Outcomes"; the thresholds
and their sources live only in `data/instruments.yaml`). STarT Back is a stratification tool
and has no responder rule.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Literal

from pydantic import BaseModel, ConfigDict, ValidationError

from acuback.clinical.instruments import (
    Instrument,
    Responder,
    instrument,
    load_instruments,
)
from acuback.errors import InputError

__all__ = [
    "Measurement",
    "ResponderResult",
    "Trajectory",
    "Verdict",
    "assess_trajectory",
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
