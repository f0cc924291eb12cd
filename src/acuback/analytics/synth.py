"""A synthetic cohort in the research export's format, with known planted effects.

`write_cohort(out, sessions=N, seed=S)` writes the export's six tables as Parquet, its
`dictionary.json`, and `truth.json` (the planted effects of data/synthetic_cohort.yaml). It
streams: courses are drawn in chunks and each chunk is appended to the Parquet files, so memory
stays bounded by the chunk, not by N (10 million sessions fit). The same seed gives the same
files. The drawing itself is `acuback.analytics.cohort`.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from acuback.analytics.cohort import (
    Draw,
    Practitioners,
    draw_courses,
    expected_sessions_per_course,
    load_cohort_spec,
)
from acuback.interop.progress import SILENT, Progress
from acuback.interop.research_files import arrow_schema, write_dictionary

__all__ = ["SynthSummary", "write_cohort"]

_CHUNK_COURSES = 20_000
_AE_TYPES = ("bruising", "bleeding", "pain_at_site", "fatigue", "dizziness")
_EPOCH = np.datetime64("2022-01-03")  # a Monday; every date is then shifted, as exported


@dataclass(frozen=True)
class SynthSummary:
    courses: int
    sessions: int
    practitioners: int
    out: Path


def _keys(prefix: str, ids: np.ndarray) -> pa.Array:
    return pc.binary_join_element_wise(prefix, pa.array(ids).cast(pa.string()), "")


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


@dataclass(frozen=True)
class _Chunk:
    """What several tables of one chunk share: keys, dates and the draws made before them."""

    d: Draw
    course: pa.Array
    patient: pa.Array
    practitioner: pa.Array
    at: pa.Array  # each session's course, as an index
    session: pa.Array
    start: np.ndarray
    session_on: np.ndarray
    last_on: np.ndarray
    age: np.ndarray
    sex: np.ndarray
    prior: pa.Array
    expectation: pa.Array
    followed: np.ndarray
    needles: np.ndarray
    pain_before: np.ndarray
    ae: np.ndarray


def _chunk(d: Draw, rng: np.random.Generator) -> _Chunk:
    """The shared columns, drawn in a fixed order (a seed gives the same cohort)."""
    m, n = len(d.ids), len(d.s_course)
    nth = np.arange(n) - np.searchsorted(d.s_course, d.s_course)  # 0, 1, ... within a course
    start = _EPOCH + rng.integers(0, 1000, size=m).astype("timedelta64[D]")
    return _Chunk(
        d=d,
        course=_keys("c", d.ids),
        patient=_keys("p", d.ids),
        practitioner=_keys("r", d.pract),
        at=pa.array(d.s_course),
        session=pc.binary_join_element_wise(
            _keys("s", d.ids[d.s_course]), pa.array(nth).cast(pa.string()), "-"
        ),
        start=start,
        session_on=start[d.s_course] + d.s_day.astype("timedelta64[D]"),
        last_on=start + d.last_day.astype("timedelta64[D]"),
        age=np.minimum(rng.integers(18, 96, size=m), 90),
        sex=np.array(["female", "male", "other"])[rng.choice(3, size=m, p=[0.55, 0.44, 0.01])],
        prior=_masked(d.prior, bool),
        expectation=_masked(d.expectation, int),
        followed=~d.dropout,
        needles=rng.integers(6, 15, size=n),
        pain_before=rng.integers(2, 9, size=n),
        ae=rng.random(n) < 0.01,
    )


def _people(c: _Chunk, rng: np.random.Generator) -> dict[str, dict[str, object]]:
    d, m = c.d, len(c.d.ids)
    patients: dict[str, object] = {
        "patient_key": c.patient,
        "sex": c.sex,
        "age": c.age,
        "prior_acupuncture": c.prior,
        "intakes": np.ones(m, dtype=np.int64),
        "sessions_signed": d.attended,
    }
    intakes: dict[str, object] = {
        "intake_key": _keys("i", d.ids),
        "patient_key": c.patient,
        "practitioner_key": c.practitioner,
        "submitted_on": c.start,
        "age": c.age,
        "sex": c.sex,
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
        "expectation": c.expectation,
        "prior_acupuncture": c.prior,
        "disposition": _const("proceed", m),
    }
    return {"patients": patients, "intakes": intakes}


def _courses(c: _Chunk, who: Practitioners) -> dict[str, object]:
    d, m = c.d, len(c.d.ids)
    return {
        "course_key": c.course,
        "patient_key": c.patient,
        "practitioner_key": c.practitioner,
        "plan_status": _const("accepted", m),
        "started_on": c.start,
        "diagnoses": d.condition,
        "chronicity": d.chronicity,
        "expectation": c.expectation,
        "prior_acupuncture": c.prior,
        "condition": d.condition,
        "startback": d.startback,
        "practitioner_years": who.years[d.pract],
        "instrument": _const("nrs", m),
        "scores": np.where(c.followed, 2, 1),
        "baseline": d.baseline.astype(float),
        "final": np.where(c.followed, d.final, d.baseline.astype(float)),
        "change": _masked(d.baseline - d.final, float),
        "responder": pa.array(d.responder, mask=d.dropout),
        "sessions_attended": d.attended,
    }


def _sessions(c: _Chunk, rng: np.random.Generator) -> dict[str, object]:
    n = len(c.d.s_course)
    return {
        "session_key": c.session,
        "patient_key": c.patient.take(c.at),
        "practitioner_key": c.practitioner.take(c.at),
        "course_key": c.course.take(c.at),
        "session_on": c.session_on,
        "points": _const("BL23;BL25;BL40;GB30;EX-B2", n),
        "needles": c.needles,
        "electro": rng.random(n) < 0.2,
        "needles_in": c.needles,
        "needles_out": c.needles,
        "retention_minutes": rng.integers(15, 31, size=n),
        "needle_gauge_mm": _const(0.25, n),
        "needle_length_mm": _const(40.0, n),
        "moxibustion": rng.random(n) < 0.1,
        "tui_na": np.zeros(n, dtype=bool),
        "pain_before": c.pain_before,
        "pain_after": np.maximum(c.pain_before - rng.integers(0, 3, size=n), 0),
    }


def _outcomes(c: _Chunk) -> dict[str, object]:
    d, m, later = c.d, len(c.d.ids), int(c.followed.sum())
    return {
        "outcome_key": pc.binary_join_element_wise(
            _keys("o", np.concatenate([d.ids, d.ids[c.followed]])),
            pa.array(np.r_[np.zeros(m, dtype=np.int64), np.ones(later, dtype=np.int64)]).cast(
                pa.string()
            ),
            "-",
        ),
        "patient_key": pa.concat_arrays([c.patient, c.patient.filter(pa.array(c.followed))]),
        "session_key": pa.nulls(m + later, pa.string()),
        "instrument": _const("nrs", m + later),
        "measured_on": np.concatenate([c.start, c.last_on[c.followed]]),
        "score": np.concatenate([d.baseline.astype(float), d.final[c.followed]]),
    }


def _adverse_events(c: _Chunk, rng: np.random.Generator) -> dict[str, object]:
    k = int(c.ae.sum())
    return {
        "event_key": pc.binary_join_element_wise(c.session.filter(pa.array(c.ae)), "ae", "-"),
        "patient_key": c.patient.take(pa.array(c.d.s_course[c.ae])),
        "session_key": c.session.filter(pa.array(c.ae)),
        "occurred_on": c.session_on[c.ae],
        "type": np.array(_AE_TYPES)[rng.integers(0, len(_AE_TYPES), size=k)],
        "severity": _const("mild", k),
    }


def _rows(d: Draw, who: Practitioners, rng: np.random.Generator) -> dict[str, dict[str, object]]:
    """The chunk's rows in every export table, every column of the dictionary filled (the
    tables are built in a fixed order: each draws from `rng` in turn)."""
    c = _chunk(d, rng)
    return {
        **_people(c, rng),
        "courses": _courses(c, who),
        "sessions": _sessions(c, rng),
        "outcomes": _outcomes(c),
        "adverse_events": _adverse_events(c, rng),
    }


def write_cohort(out: Path, sessions: int, seed: int, progress: Progress = SILENT) -> SynthSummary:
    """Write a cohort of about `sessions` signed sessions (at least that many) into `out`."""
    spec = load_cohort_spec()
    rng = np.random.default_rng(seed)
    courses_needed = sessions / expected_sessions_per_course(spec)
    count = max(5, round(courses_needed / spec.courses_per_practitioner))
    who = Practitioners(
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
            draw = draw_courses(spec, rng, first, m, who)
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
