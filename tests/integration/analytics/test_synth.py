"""The synthetic cohort: the export's tables and dictionary, streamed, seeded, self-consistent."""

from __future__ import annotations

import json
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from acuback.analytics.synth import load_cohort_spec, write_cohort
from acuback.clinical.outcomes import classify_response
from acuback.interop.research_files import arrow_schema, load_dictionary

from .conftest import COHORT_SESSIONS


def test_every_table_of_the_dictionary_is_written_with_its_schema(cohort: Path) -> None:
    tables = load_dictionary().tables
    for name in tables:
        schema = pq.read_schema(cohort / f"{name}.parquet")
        assert schema.names == list(tables[name].columns)
        assert schema.equals(arrow_schema(name), check_metadata=False)
    written = json.loads((cohort / "dictionary.json").read_text())
    assert written == load_dictionary().model_dump()


def test_at_least_the_sessions_asked_for_and_keys_that_join(cohort: Path) -> None:
    sessions = pq.read_table(cohort / "sessions.parquet")
    courses = pq.read_table(cohort / "courses.parquet")
    assert COHORT_SESSIONS <= sessions.num_rows < COHORT_SESSIONS * 1.2
    assert set(sessions.column("course_key").to_pylist()) <= set(
        courses.column("course_key").to_pylist()
    )
    assert len(set(sessions.column("session_key").to_pylist())) == sessions.num_rows
    attended = courses.column("sessions_attended").to_pylist()
    assert sum(attended) == sessions.num_rows


def test_responders_follow_the_clinical_core_rule(cohort: Path) -> None:
    rows = pq.read_table(cohort / "courses.parquet").slice(0, 2000).to_pylist()
    assessed = [r for r in rows if r["scores"] >= 2]
    assert 0 < len(assessed) < len(rows)  # some dropped out, most did not
    for row in assessed:
        verdict = classify_response("nrs", row["baseline"], row["final"])
        assert row["responder"] == verdict.responder, row
    for row in rows:
        if row["scores"] < 2:
            assert (row["responder"], row["change"]) == (None, None)


def test_the_same_seed_writes_the_same_cohort(tmp_path: Path) -> None:
    first, second, other = tmp_path / "a", tmp_path / "b", tmp_path / "c"
    for folder, seed in ((first, 5), (second, 5), (other, 6)):
        write_cohort(folder, 3000, seed)
    a = pq.read_table(first / "courses.parquet")
    assert a.equals(pq.read_table(second / "courses.parquet"))
    assert not a.equals(pq.read_table(other / "courses.parquet"))


def test_chunks_stream_into_one_file_per_table(tmp_path: Path) -> None:
    # More courses than one chunk holds: the writer appends row groups to the same file.
    summary = write_cohort(tmp_path, 200_000, 1)
    courses = pq.ParquetFile(tmp_path / "courses.parquet")
    assert courses.metadata.num_row_groups > 1
    assert courses.metadata.num_rows == summary.courses
    truth = json.loads((tmp_path / "truth.json").read_text())
    assert truth["effects"] == load_cohort_spec().effects.model_dump()


@pytest.mark.parametrize("table", ["patients", "intakes", "courses", "sessions", "outcomes"])
def test_no_exact_identifier_or_free_text(cohort: Path, table: str) -> None:
    # The synthetic export obeys the export's own rules: ages top-coded, no names or notes.
    data = pq.read_table(cohort / f"{table}.parquet")
    if "age" in data.column_names:
        assert max(data.column("age").to_pylist()) <= 90
    assert not {"name", "notes", "email", "phone"} & set(data.column_names)
