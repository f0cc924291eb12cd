"""Outcome instruments: their packaged definitions.

Definitions (ranges, missing-item rules, LOINC codes, responder thresholds, licence notes) live
in `data/instruments.yaml` and load once through `load_instruments()`; `scoring.py` scores the
forms against them.
"""

from __future__ import annotations

import difflib
from functools import lru_cache
from typing import Literal, get_args

from pydantic import BaseModel, ConfigDict, Field, model_validator

from acuback.clinical.data_files import load_data_file
from acuback.errors import NotFound

__all__ = [
    "INSTRUMENT_IDS",
    "Instrument",
    "InstrumentCatalog",
    "InstrumentId",
    "VisitRule",
    "instrument",
    "load_instruments",
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
    """A payer's limit on visits (Medicare NCD 30.3.3); see `coverage.check_visit_coverage`."""

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
    return load_data_file(_FILE, InstrumentCatalog, records="instruments", id_key="id")


def instrument(instrument_id: str) -> Instrument:
    """The packaged definition of one instrument (`nrs`, `peg`, `rmdq`, `startback`, `odi`)."""
    return load_instruments().get(instrument_id)
