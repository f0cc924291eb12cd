"""A synthetic cohort in the research export's format, with known planted effects.

`write_cohort(out, sessions=N, seed=S)` writes the export's six tables as Parquet, its
`dictionary.json`, and `truth.json` (the planted effects of data/synthetic_cohort.yaml). It
streams: courses are drawn in chunks and each chunk is appended to the Parquet files, so memory
stays bounded by the chunk, not by N (10 million sessions fit). The same seed gives the same
files. See the YAML's header for the model; its numbers are test values, not clinical facts.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from functools import lru_cache
from importlib.resources import files
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
import yaml
from pydantic import BaseModel, ConfigDict, Field

from acuback.analytics.factors import load_analysis_spec
from acuback.interop.progress import SILENT, Progress
from acuback.interop.research_files import arrow_schema, write_dictionary

__all__ = ["CohortSpec", "SynthSummary", "load_cohort_spec", "write_cohort"]

_CHUNK_COURSES = 20_000
_AE_TYPES = ("bruising", "bleeding", "pain_at_site", "fatigue", "dizziness")
_EPOCH = np.datetime64("2022-01-03")  # a Monday; every date is then shifted, as exported


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


@dataclass(frozen=True)
class SynthSummary:
    courses: int
    sessions: int
    practitioners: int
    out: Path


@lru_cache(maxsize=1)
def load_cohort_spec() -> CohortSpec:
    text = files("acuback.analytics").joinpath("data", "synthetic_cohort.yaml").read_text("utf-8")
    return CohortSpec.model_validate(yaml.safe_load(text))


def _keys(prefix: str, ids: np.ndarray) -> pa.Array:
    return pc.binary_join_element_wise(prefix, pa.array(ids).cast(pa.string()), "")


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
class _Practitioners:
    years: np.ndarray
    effect: np.ndarray


def _typed(values: object, kind: pa.DataType) -> pa.Array:
    if isinstance(values, pa.Array):
        return values.cast(kind)
    return pa.array(values, type=kind)


class _Writers:
    """One Parquet writer per export table, opened lazily in `out`."""

    def __init__(self, out: Path) -> None:
        self.out = out
        self.open: dict[str, pq.ParquetWriter] = {}

    def write(self, table: str, columns: dict[str, object]) -> None:
        schema = arrow_schema(table)
        batch = pa.Table.from_arrays(
            [_typed(columns[f.name], f.type) for f in schema], schema=schema
        )
        if table not in self.open:
            self.open[table] = pq.ParquetWriter(self.out / f"{table}.parquet", schema)
        self.open[table].write_table(batch)

    def close(self) -> None:
        for writer in self.open.values():
            writer.close()


def _expected_sessions_per_course(spec: CohortSpec) -> float:
    freq = sum(int(k) * v for k, v in spec.sessions_per_week.items()) / sum(
        spec.sessions_per_week.values()
    )
    weeks = (spec.weeks.min + spec.weeks.max) / 2
    return max(1.0, freq * weeks * (1 - spec.missed_session_rate) * (1 - spec.dropout_rate / 2))


@dataclass(frozen=True)
class _Draw:
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


def _draw(
    spec: CohortSpec, rng: np.random.Generator, first: int, m: int, who: _Practitioners
) -> _Draw:
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
    return _Draw(
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


def _masked(values: np.ndarray, kind: type) -> pa.Array:
    """NaN as a null, the rest cast to `kind`."""
    missing = np.isnan(values)
    return pa.array(np.nan_to_num(values).astype(kind), mask=missing)


def _const(value: object, n: int) -> pa.Array:
    return pa.array([value] * n) if n < 1 else pa.repeat(pa.scalar(value), n)


def _onset(rng: np.random.Generator, chronicity: np.ndarray) -> np.ndarray:
    """Weeks of pain consistent with the chronicity drawn (SPEC: < 6, 6 to < 12, >= 12)."""
    low = np.select([chronicity == "acute", chronicity == "subacute"], [0.5, 6.0], 12.0)
    high = np.select([chronicity == "acute", chronicity == "subacute"], [5.9, 11.9], 150.0)
    return np.round(rng.uniform(low, high), 1)


def _rows(d: _Draw, who: _Practitioners, rng: np.random.Generator) -> dict[str, dict[str, object]]:
    """The chunk's rows in every export table, every column of the dictionary filled."""
    m, n = len(d.ids), len(d.s_course)
    course, patient, practitioner = _keys("c", d.ids), _keys("p", d.ids), _keys("r", d.pract)
    at = pa.array(d.s_course)
    nth = np.arange(n) - np.searchsorted(d.s_course, d.s_course)  # 0, 1, ... within a course
    session = pc.binary_join_element_wise(
        _keys("s", d.ids[d.s_course]), pa.array(nth).cast(pa.string()), "-"
    )
    start = _EPOCH + rng.integers(0, 1000, size=m).astype("timedelta64[D]")
    session_on = start[d.s_course] + d.s_day.astype("timedelta64[D]")
    last_on = start + d.last_day.astype("timedelta64[D]")
    age = np.minimum(rng.integers(18, 96, size=m), 90)
    sex = np.array(["female", "male", "other"])[rng.choice(3, size=m, p=[0.55, 0.44, 0.01])]
    prior = _masked(d.prior, bool)
    expectation = _masked(d.expectation, int)
    followed = ~d.dropout
    needles = rng.integers(6, 15, size=n)
    pain_before = rng.integers(2, 9, size=n)
    ae = rng.random(n) < 0.01
    k = int(ae.sum())
    return {
        "patients": {
            "patient_key": patient,
            "sex": sex,
            "age": age,
            "prior_acupuncture": prior,
            "intakes": np.ones(m, dtype=np.int64),
            "sessions_signed": d.attended,
        },
        "intakes": {
            "intake_key": _keys("i", d.ids),
            "patient_key": patient,
            "practitioner_key": practitioner,
            "submitted_on": start,
            "age": age,
            "sex": sex,
            "regions": _const("lower_back", m),
            "side": _const("central", m),
            "onset_weeks": _onset(rng, d.chronicity),
            "chronicity": d.chronicity,
            "nrs": d.baseline,
            "radiates_below_knee": np.zeros(m, dtype=bool),
            "leg_numbness": np.zeros(m, dtype=bool),
            "leg_weakness": np.zeros(m, dtype=bool),
            "diagnoses": d.condition,
            "findings": _const("", m),
            "pregnant": np.zeros(m, dtype=bool),
            "drug_classes": _const("", m),
            "expectation": expectation,
            "prior_acupuncture": prior,
            "disposition": _const("proceed", m),
        },
        "courses": {
            "course_key": course,
            "patient_key": patient,
            "practitioner_key": practitioner,
            "plan_status": _const("accepted", m),
            "started_on": start,
            "diagnoses": d.condition,
            "chronicity": d.chronicity,
            "expectation": expectation,
            "prior_acupuncture": prior,
            "condition": d.condition,
            "startback": d.startback,
            "practitioner_years": who.years[d.pract],
            "instrument": _const("nrs", m),
            "scores": np.where(followed, 2, 1),
            "baseline": d.baseline.astype(float),
            "final": np.where(followed, d.final, d.baseline.astype(float)),
            "change": _masked(d.baseline - d.final, float),
            "responder": pa.array(d.responder, mask=d.dropout),
            "sessions_attended": d.attended,
        },
        "sessions": {
            "session_key": session,
            "patient_key": patient.take(at),
            "practitioner_key": practitioner.take(at),
            "course_key": course.take(at),
            "session_on": session_on,
            "points": _const("BL23;BL25;BL40;GB30;EX-B2", n),
            "needles": needles,
            "electro": rng.random(n) < 0.2,
            "needles_in": needles,
            "needles_out": needles,
            "retention_minutes": rng.integers(15, 31, size=n),
            "needle_gauge_mm": _const(0.25, n),
            "needle_length_mm": _const(40.0, n),
            "moxibustion": rng.random(n) < 0.1,
            "tui_na": np.zeros(n, dtype=bool),
            "pain_before": pain_before,
            "pain_after": np.maximum(pain_before - rng.integers(0, 3, size=n), 0),
        },
        "outcomes": {
            "outcome_key": pc.binary_join_element_wise(
                _keys("o", np.concatenate([d.ids, d.ids[followed]])),
                pa.array(
                    np.r_[np.zeros(m, dtype=np.int64), np.ones(int(followed.sum()), dtype=np.int64)]
                ).cast(pa.string()),
                "-",
            ),
            "patient_key": pa.concat_arrays([patient, patient.filter(pa.array(followed))]),
            "session_key": pa.nulls(m + int(followed.sum()), pa.string()),
            "instrument": _const("nrs", m + int(followed.sum())),
            "measured_on": np.concatenate([start, last_on[followed]]),
            "score": np.concatenate([d.baseline.astype(float), d.final[followed]]),
        },
        "adverse_events": {
            "event_key": pc.binary_join_element_wise(session.filter(pa.array(ae)), "ae", "-"),
            "patient_key": patient.take(pa.array(d.s_course[ae])),
            "session_key": session.filter(pa.array(ae)),
            "occurred_on": session_on[ae],
            "type": np.array(_AE_TYPES)[rng.integers(0, len(_AE_TYPES), size=k)],
            "severity": _const("mild", k),
        },
    }


def write_cohort(out: Path, sessions: int, seed: int, progress: Progress = SILENT) -> SynthSummary:
    """Write a cohort of about `sessions` signed sessions (at least that many) into `out`."""
    spec = load_cohort_spec()
    rng = np.random.default_rng(seed)
    courses_needed = sessions / _expected_sessions_per_course(spec)
    count = max(5, round(courses_needed / spec.courses_per_practitioner))
    who = _Practitioners(
        years=rng.integers(spec.practitioner_years.min, spec.practitioner_years.max + 1, count),
        effect=rng.normal(0.0, spec.practitioner_sd, count),
    )
    out.mkdir(parents=True, exist_ok=True)
    writers = _Writers(out)
    progress.start(math.ceil(courses_needed / _CHUNK_COURSES) + 1, "writing sessions")
    written = first = 0
    try:
        while written < sessions:
            m = max(1, min(_CHUNK_COURSES, math.ceil((sessions - written) / 8)))
            draw = _draw(spec, rng, first, m, who)
            for table, columns in _rows(draw, who, rng).items():
                writers.write(table, columns)
            first, written = first + m, written + len(draw.s_course)
            progress.advance(f"{written:,} sessions written")
    finally:
        writers.close()
    write_dictionary(out)
    truth = {
        "effects": spec.effects.model_dump(),
        "practitioner_sd": spec.practitioner_sd,
        "attenuation": 1 / math.sqrt(1 + 0.346 * spec.practitioner_sd**2),
        "seed": seed,
        "courses": first,
        "sessions": written,
        "practitioners": count,
    }
    (out / "truth.json").write_text(json.dumps(truth, indent=2) + "\n", "utf-8")
    return SynthSummary(first, written, count, out)
