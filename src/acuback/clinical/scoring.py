"""Scoring the outcome instruments' forms (definitions in `instruments.py`).

Scoring functions take the answers as parsed from JSON and validate them: a bad answer raises
`InputError` whose field is the JSON path (`responses[3]`, counted from 0) and whose message
names the item (counted from 1, as on the paper form) and the allowed values. All five scores
run "higher = worse".
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence

from pydantic import BaseModel, ConfigDict, Field

from acuback.clinical.instruments import Instrument, InstrumentId, instrument
from acuback.errors import InputError

__all__ = [
    "Score",
    "score",
    "score_nrs",
    "score_odi",
    "score_peg",
    "score_rmdq",
    "score_startback",
]


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Score(_Frozen):
    """A scored form. `value` is the total (ODI in percent); higher is worse for all five.

    `items_missing` lists 1-based item numbers left blank; `subscores` holds the STarT Back
    distress subscale or the ODI raw sum; `category` is the STarT Back risk group or ODI band.
    """

    instrument: InstrumentId
    value: int | float
    rounded: int | None = None
    minimum: float
    maximum: float
    unit: str
    items_answered: int
    items_missing: tuple[int, ...] = ()
    subscores: dict[str, int | float] = Field(default_factory=dict)
    category: str | None = None
    loinc: str | None = None
    notes: tuple[str, ...] = ()
    sources: tuple[str, ...] = ()


# ----- answer validation --------------------------------------------------------------------


def _count(n: int, noun: str) -> str:
    """'1 item', '24 items'."""
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"


def _as_list(responses: object, spec: Instrument) -> list[object]:
    if not isinstance(responses, list | tuple):
        expected = f"expected a list of {_count(spec.items, 'answer')}"
        raise InputError("responses", expected, spec.answers)
    if len(responses) != spec.items:
        got = _count(len(responses), "answer")
        problem = f"{spec.short_name} has {_count(spec.items, 'item')}; got {got}"
        raise InputError("responses", problem, spec.answers)
    return list(responses)


def _int_in(value: object, low: int, high: int, index: int) -> int:
    # bool is an int subclass in Python; a JSON true is not a rating
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise InputError(
            f"responses[{index}]", f"item {index + 1} is {value!r}", f"an integer {low}..{high}"
        )
    return value


def _bool(value: object, index: int, allow_null: bool = False) -> bool | None:
    if isinstance(value, bool) or (allow_null and value is None):
        return value
    allowed = "true, false, null (unmarked)" if allow_null else "true, false"
    raise InputError(f"responses[{index}]", f"item {index + 1} is {value!r}", allowed)


def _result(spec: Instrument, value: float, answered: int, **extra: object) -> Score:
    return Score.model_validate(
        {
            "instrument": spec.id,
            "value": value,
            "minimum": spec.score.min,
            "maximum": spec.score.max,
            "unit": spec.score.unit,
            "items_answered": answered,
            "loinc": spec.loinc.score,
            "sources": spec.sources,
            **extra,
        }
    )


# ----- scoring --------------------------------------------------------------------------------


def score_nrs(responses: object) -> Score:
    """Pain NRS: one integer 0..10 (a bare integer or a one-item list)."""
    spec = instrument("nrs")
    answers = _as_list([responses] if isinstance(responses, int) else responses, spec)
    return _result(spec, _int_in(answers[0], 0, 10, 0), 1)


def score_peg(responses: object) -> Score:
    """PEG: mean of three 0..10 items; `rounded` is the whole number LOINC 91147-9 reports."""
    spec = instrument("peg")
    items = [_int_in(v, 0, 10, i) for i, v in enumerate(_as_list(responses, spec))]
    mean = sum(items) / 3
    return _result(spec, round(mean, 2), 3, rounded=round(mean))


def score_rmdq(responses: object) -> Score:
    """RMDQ-24: count of statements that apply; unmarked (null) items count as no."""
    spec = instrument("rmdq")
    answers = [_bool(v, i, allow_null=True) for i, v in enumerate(_as_list(responses, spec))]
    missing = tuple(i + 1 for i, a in enumerate(answers) if a is None)
    notes: tuple[str, ...] = ()
    if missing:
        notes = (f"{len(missing)} unmarked item(s) counted as no: {_numbers(missing)}",)
    return _result(
        spec,
        sum(a is True for a in answers),
        spec.items - len(missing),
        items_missing=missing,
        notes=notes,
    )


def score_startback(responses: object) -> Score:
    """STarT Back: total 0..9, distress subscale (items 5-9) 0..5 and risk group.

    High if distress >= 4; otherwise medium if total >= 4; otherwise low (total <= 3).
    """
    spec = instrument("startback")
    rule = spec.startback
    assert rule is not None  # guaranteed by the packaged data (tested)
    answers = _as_list(responses, spec)
    points = [int(bool(_bool(v, i))) for i, v in enumerate(answers[:8])]
    bother = answers[8]
    if not isinstance(bother, str) or bother not in rule.item9_options:
        raise InputError("responses[8]", f"item 9 is {bother!r}", rule.item9_options)
    points.append(int(bother in rule.item9_scoring_one))
    total = sum(points)
    distress = sum(points[i - 1] for i in rule.distress_items)
    if distress >= rule.high_min_distress:
        group = "high"
    elif total > rule.low_max_total:
        group = "medium"
    else:
        group = "low"
    return _result(
        spec,
        total,
        9,
        subscores={"distress": distress},
        category=group,
        notes=(f"LOINC risk level {spec.loinc.answers.get(group, '?')}",),
    )


def _odi_section(value: object, index: int) -> int | None:
    if value is None:
        return None
    if isinstance(value, list | tuple):  # several statements marked: the highest counts
        marks = [_int_in(v, 0, 5, index) for v in value]
        return max(marks) if marks else None
    return _int_in(value, 0, 5, index)


def score_odi(responses: object) -> Score:
    """ODI v2.1a in percent: sum / (5 x sections answered) x 100, at most 2 sections missing."""
    spec = instrument("odi")
    sections = [_odi_section(v, i) for i, v in enumerate(_as_list(responses, spec))]
    answered = [s for s in sections if s is not None]
    missing = tuple(i + 1 for i, s in enumerate(sections) if s is None)
    if len(missing) > spec.max_missing:
        raise InputError(
            "responses",
            f"{len(missing)} sections unanswered ({_numbers(missing)}); too few to score",
            f"at most {spec.max_missing} missing sections",
        )
    percent = sum(answered) / (5 * len(answered)) * 100
    whole = math.floor(percent + 0.5)  # half up: 12.5% reads as 13%, as on a paper form
    band = next(b for b in spec.bands if whole <= b.max)  # bands are in whole percent
    notes = [f"denominator 5 x {len(answered)} = {5 * len(answered)}"]
    if missing:
        notes.append(f"unanswered section(s) left out: {_numbers(missing)}")
    return _result(
        spec,
        round(percent, 2),
        len(answered),
        rounded=whole,
        items_missing=missing,
        subscores={"raw_sum": sum(answered)},
        category=band.id,
        notes=tuple(notes),
    )


def _numbers(items: Sequence[int]) -> str:
    return ", ".join(str(i) for i in items)


_SCORERS: Mapping[str, Callable[[object], Score]] = {
    "nrs": score_nrs,
    "peg": score_peg,
    "rmdq": score_rmdq,
    "startback": score_startback,
    "odi": score_odi,
}


def score(instrument_id: str, payload: object) -> Score:
    """Score a form for `instrument_id` from parsed JSON.

    `payload` is the list of answers, or an object whose only key is `responses`
    (NRS also takes a bare integer).
    """
    spec = instrument(instrument_id)
    if isinstance(payload, dict):
        extra = sorted(set(payload) - {"responses"})
        if extra:
            raise InputError(extra[0], "unknown key", ["responses"])
        if "responses" not in payload:
            raise InputError("responses", "missing", spec.answers)
        payload = payload["responses"]
    return _SCORERS[spec.id](payload)
