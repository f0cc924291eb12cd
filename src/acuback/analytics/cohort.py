"""The synthetic cohort's model: what is drawn for each course (data/synthetic_cohort.yaml).

`draw_courses` draws a chunk of courses, their signed sessions (days from the course's start)
and their outcome from the planted logistic model; `acuback.analytics.synth` turns a draw into
the research export's rows. The YAML's header states the model; its numbers are test values,
not clinical facts.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from importlib.resources import files

import numpy as np
import yaml
from pydantic import BaseModel, ConfigDict, Field

from acuback.analytics.factors import load_analysis_spec

__all__ = [
    "CohortSpec",
    "Draw",
    "Practitioners",
    "draw_courses",
    "expected_sessions_per_course",
    "load_cohort_spec",
]


class _Range(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")
    min: int
    max: int


class _Effects(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")
    intercept: float
    chronicity: dict[str, float]
    startback: dict[str, float]
    sessions_per_week: dict[str, float]
    expectation_per_point: float
    prior_acupuncture: float
    years_per_year: float


class CohortSpec(BaseModel):
    """data/synthetic_cohort.yaml: distributions and planted effects (see its header)."""

    model_config = ConfigDict(frozen=True, extra="forbid")
    courses_per_practitioner: int = Field(gt=0)
    practitioner_years: _Range
    practitioner_sd: float = Field(ge=0)
    conditions: dict[str, float]
    chronicity: dict[str, float]
    startback: dict[str, float]
    sessions_per_week: dict[str, float]
    weeks: _Range
    missed_session_rate: float = Field(ge=0, lt=1)
    dropout_rate: float = Field(ge=0, lt=1)
    expectation_missing: float = Field(ge=0, lt=1)
    prior_acupuncture_rate: float = Field(ge=0, le=1)
    prior_missing: float = Field(ge=0, lt=1)
    baseline_nrs: _Range
    effects: _Effects


@lru_cache(maxsize=1)
def load_cohort_spec() -> CohortSpec:
    text = files("acuback.analytics").joinpath("data", "synthetic_cohort.yaml").read_text("utf-8")
    return CohortSpec.model_validate(yaml.safe_load(text))


def _choice(rng: np.random.Generator, weights: dict[str, float], n: int) -> np.ndarray:
    levels = np.array(list(weights))
    p = np.array(list(weights.values()), dtype=float)
    return levels[rng.choice(len(levels), size=n, p=p / p.sum())]


def _frequency_band(rate: np.ndarray) -> np.ndarray:
    """Attended sessions per week in the report's own bands (data/factors.yaml)."""
    bands = load_analysis_spec().factor("sessions_per_week").bands
    below = [limit for _, limit in bands[:-1]]
    return np.select([rate < b for b in below], [label for label, _ in bands[:-1]], bands[-1][0])


@dataclass
class Practitioners:
    years: np.ndarray
    effect: np.ndarray


def expected_sessions_per_course(spec: CohortSpec) -> float:
    freq = sum(int(k) * v for k, v in spec.sessions_per_week.items()) / sum(
        spec.sessions_per_week.values()
    )
    weeks = (spec.weeks.min + spec.weeks.max) / 2
    return max(1.0, freq * weeks * (1 - spec.missed_session_rate) * (1 - spec.dropout_rate / 2))


@dataclass(frozen=True)
class Draw:
    """One chunk of courses as drawn: per-course arrays, and per-session `s_course`, `s_day`."""

    ids: np.ndarray
    pract: np.ndarray
    condition: np.ndarray
    chronicity: np.ndarray
    expectation: np.ndarray  # float, NaN = not asked
    prior: np.ndarray  # float 0/1, NaN = not asked
    startback: np.ndarray
    baseline: np.ndarray
    final: np.ndarray  # float, NaN = dropped out
    responder: np.ndarray
    dropout: np.ndarray
    attended: np.ndarray
    planned: np.ndarray
    last_day: np.ndarray
    s_course: np.ndarray
    s_day: np.ndarray


def _sessions(
    spec: CohortSpec,
    rng: np.random.Generator,
    freq: np.ndarray,
    planned: np.ndarray,
    dropout: np.ndarray,
) -> tuple[np.ndarray, np.ndarray]:
    """Days from the course's start of each kept session: slot j falls in week j // freq, on
    days spread through the week (1 a week: day 0; 2: days 0 and 3; 3: days 0, 2 and 4). A
    completed course misses slots at random (never the first); a dropped-out course stops after a
    random number of slots."""
    course_of_slot = np.repeat(np.arange(len(planned)), planned)
    slot = np.arange(len(course_of_slot)) - np.repeat(np.cumsum(planned) - planned, planned)
    stop = np.where(dropout, rng.integers(1, np.maximum(planned, 2)), planned)
    keep = np.where(
        dropout[course_of_slot],
        slot < stop[course_of_slot],
        (slot == 0) | (rng.random(len(slot)) >= spec.missed_session_rate),
    )
    f = freq[course_of_slot]
    day = (slot // f) * 7 + (slot % f) * (7 // f)
    return course_of_slot[keep], day[keep]


def draw_courses(
    spec: CohortSpec, rng: np.random.Generator, first: int, m: int, who: Practitioners
) -> Draw:
    """Draw `m` courses (ids first..first+m-1), their sessions and their outcome."""
    pract = rng.integers(0, len(who.years), size=m)
    chronicity = _choice(rng, spec.chronicity, m)
    startback = _choice(rng, spec.startback, m)
    condition = _choice(rng, spec.conditions, m)
    freq = _choice(rng, spec.sessions_per_week, m).astype(int)
    planned = freq * rng.integers(spec.weeks.min, spec.weeks.max + 1, size=m)
    expectation = rng.binomial(10, 0.6, size=m).astype(float)
    expectation[rng.random(m) < spec.expectation_missing] = np.nan
    prior = (rng.random(m) < spec.prior_acupuncture_rate).astype(float)
    prior[rng.random(m) < spec.prior_missing] = np.nan
    dropout = rng.random(m) < spec.dropout_rate
    s_course, s_day = _sessions(spec, rng, freq, planned, dropout)
    attended = np.bincount(s_course, minlength=m)
    last_day = np.zeros(m, dtype=np.int64)
    np.maximum.at(last_day, s_course, s_day)
    band = _frequency_band(attended / (last_day // 7 + 1))

    e = spec.effects
    eta = (
        e.intercept
        + np.vectorize(e.chronicity.__getitem__)(chronicity)
        + np.vectorize(e.startback.__getitem__)(startback)
        + np.vectorize(e.sessions_per_week.__getitem__)(band)
        + e.expectation_per_point * (np.nan_to_num(expectation, nan=5.0) - 5)
        + e.prior_acupuncture * np.nan_to_num(prior, nan=0.0)
        + e.years_per_year * (who.years[pract] - 10)
        + who.effect[pract]
    )
    responder = rng.random(m) < 1 / (1 + np.exp(-eta))
    baseline = rng.integers(spec.baseline_nrs.min, spec.baseline_nrs.max + 1, size=m)
    # The NRS rule (2 points or 30%) on baselines of 4 or more is met exactly when the
    # improvement is 2 points or more, so the drawn status is the rule's own answer.
    gain = np.where(
        responder,
        rng.integers(2, baseline + 1),
        rng.integers(np.where(baseline >= 10, 0, -1), 2),
    )
    final = np.where(dropout, np.nan, (baseline - gain).astype(float))
    return Draw(
        np.arange(first, first + m),
        pract,
        condition,
        chronicity,
        expectation,
        prior,
        startback,
        baseline,
        final,
        responder,
        dropout,
        attended,
        planned,
        last_day,
        s_course,
        s_day,
    )
