"""Outcome instruments: their packaged definitions and the functions that score them.

Definitions (ranges, missing-item rules, LOINC codes, responder thresholds, licence notes) live
in `data/instruments.yaml` and load once through `load_instruments()`. Scoring functions take
the answers as parsed from JSON and validate them: a bad answer raises `InputError` whose field
is the JSON path (`responses[3]`, counted from 0) and whose message names the item (counted
from 1, as on the paper form) and the allowed values. All five scores run "higher = worse".
"""

from __future__ import annotations

import difflib
import math
from collections.abc import Callable, Mapping, Sequence
from functools import lru_cache
from importlib.resources import files
from typing import Literal, get_args

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from acuback.errors import InputError, KnowledgeError, NotFound

__all__ = [
    "INSTRUMENT_IDS",
    "Instrument",
    "InstrumentCatalog",
    "InstrumentId",
    "Score",
    "VisitRule",
    "instrument",
    "load_instruments",
    "score",
    "score_nrs",
    "score_odi",
    "score_peg",
    "score_rmdq",
    "score_startback",
]

InstrumentId = Literal["nrs", "peg", "rmdq", "startback", "odi"]
INSTRUMENT_IDS: tuple[str, ...] = get_args(InstrumentId)
_FILE = "instruments.yaml"


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class ScoreRange(_Frozen):
    """Range and unit of a total score."""

    min: float
    max: float
    unit: str
    higher_is_worse: bool


class Loinc(_Frozen):
    """LOINC codes the reference gives for an instrument (none where it found none)."""

    panel: str | None = None
    score: str | None = None
    subscores: dict[str, str] = Field(default_factory=dict)
    answers: dict[str, str] = Field(default_factory=dict)
    note: str | None = None


class Responder(_Frozen):
    """Improvement from baseline that counts as clinically important: either threshold met."""

    absolute: float | None = Field(default=None, gt=0)
    percent: float | None = Field(default=None, gt=0, le=100)
    note: str
    sources: tuple[str, ...] = Field(min_length=1)

    @model_validator(mode="after")
    def _some_threshold(self) -> Responder:
        if self.absolute is None and self.percent is None:
            raise ValueError("a responder rule needs an absolute or a percent threshold")
        return self


class Band(_Frozen):
    """An interpretation band: scores up to and including `max` (above the previous band)."""

    id: str
    label: str
    max: float


class StartBackRule(_Frozen):
    """The STarT Back stratification numbers (Hill 2008; Keele; LOINC 91350-9, 91352-5)."""

    distress_items: tuple[int, ...]
    item9_options: tuple[str, ...]
    item9_scoring_one: tuple[str, ...]
    low_max_total: int
    high_min_distress: int


class Instrument(_Frozen):
    """One questionnaire as packaged in `data/instruments.yaml` (see the file header)."""

    id: InstrumentId
    name: str
    short_name: str
    measures: str
    recall: str
    items: int = Field(ge=1)
    item_labels: tuple[str, ...] = ()
    answers: str
    score: ScoreRange
    scoring: str
    missing: str
    max_missing: int = Field(ge=0)
    loinc: Loinc
    responder: Responder | None
    bands: tuple[Band, ...] = ()
    startback: StartBackRule | None = None
    copyright: str | None
    licence: str
    item_text_shipped: Literal[False]  # acuback ships no official item wording (COMMON rule 7)
    patient_form: bool  # the portal can put every item to a patient in acuback's own words
    sources: tuple[str, ...] = Field(min_length=1)
    verified: bool

    @model_validator(mode="after")
    def _consistent(self) -> Instrument:
        if self.item_labels and len(self.item_labels) != self.items:
            raise ValueError(f"{len(self.item_labels)} item_labels for {self.items} items")
        if self.patient_form and self.items > 1 and len(self.item_labels) != self.items:
            raise ValueError("a patient form needs a label of our own for every item")
        if self.max_missing > self.items:
            raise ValueError("max_missing is larger than the number of items")
        if self.bands and self.bands[-1].max != self.score.max:
            raise ValueError("the last band must end at the score maximum")
        if any(a.max >= b.max for a, b in zip(self.bands, self.bands[1:], strict=False)):
            raise ValueError("bands must be in increasing order of max")
        return self


class VisitRule(_Frozen):
    """A payer's limit on visits (Medicare NCD 30.3.3); see `outcomes.check_visit_coverage`."""

    id: str
    name: str
    applies_to: str
    initial_visits: int = Field(gt=0)
    initial_window_days: int = Field(gt=0)
    additional_visits_if_improving: int = Field(ge=0)
    max_visits_per_year: int = Field(gt=0)
    year_window_days: int = Field(gt=0)
    note: str
    sources: tuple[str, ...] = Field(min_length=1)
    verified: bool


class InstrumentCatalog(_Frozen):
    """Everything in `data/instruments.yaml`."""

    rule_version: str
    instruments: tuple[Instrument, ...]
    visit_rules: tuple[VisitRule, ...]

    @model_validator(mode="after")
    def _complete(self) -> InstrumentCatalog:
        ids = [i.id for i in self.instruments]
        if sorted(ids) != sorted(INSTRUMENT_IDS):
            raise ValueError(f"instruments must be exactly {', '.join(INSTRUMENT_IDS)}; got {ids}")
        return self

    def get(self, instrument_id: str) -> Instrument:
        """The instrument with this id; NotFound with the nearest ids otherwise."""
        for item in self.instruments:
            if item.id == instrument_id:
                return item
        near = difflib.get_close_matches(instrument_id.lower(), INSTRUMENT_IDS, n=3, cutoff=0.4)
        raise NotFound("instrument", instrument_id, near or INSTRUMENT_IDS)

    def visit_rule(self, rule_id: str) -> VisitRule:
        """The payer visit rule with this id (`medicare`)."""
        for rule in self.visit_rules:
            if rule.id == rule_id:
                return rule
        raise NotFound("visit rule", rule_id, [r.id for r in self.visit_rules])


@lru_cache(maxsize=1)
def load_instruments() -> InstrumentCatalog:
    """Read and validate `data/instruments.yaml` once per process."""
    import yaml  # not at import: `acuback plan` imports this module only for STarT Back

    text = (files("acuback.clinical") / "data" / _FILE).read_text(encoding="utf-8")
    try:
        raw = yaml.safe_load(text)
        return InstrumentCatalog.model_validate(raw)
    except yaml.YAMLError as exc:
        raise KnowledgeError(_FILE, "-", "-", f"not valid YAML: {exc}") from exc
    except ValidationError as exc:
        first = exc.errors()[0]
        loc = first["loc"]
        record = f"{loc[0]}[{loc[1]}]" if len(loc) >= 2 else "-"
        field = ".".join(str(p) for p in loc) or "-"
        raise KnowledgeError(_FILE, record, field, first["msg"]) from None


def instrument(instrument_id: str) -> Instrument:
    """The packaged definition of one instrument (`nrs`, `peg`, `rmdq`, `startback`, `odi`)."""
    return load_instruments().get(instrument_id)


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
