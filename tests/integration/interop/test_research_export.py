"""The de-identified research export on the demo clinic, SQLite and PostgreSQL.

Every cell of every table is scanned for names, contact details, identifiers, free text and
the patient's true dates; the dictionary must describe exactly the columns written; the
pseudonyms are stable for one key and unlinkable across keys; intervals survive the date
shift; responders follow the SPEC's MCID rules; ages over 89 are top-coded.
"""

from __future__ import annotations

import csv
import json
import re
from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq
import pytest
from sqlalchemy import text

from acuback.cli.app import main
from acuback.interop.research_export import ResearchKeys
from acuback.interop.research_files import load_dictionary
from acuback.records import UnitOfWork, make_engine, upgrade
from acuback.services import Actor
from acuback.services.exchange import research_export

KEY = ResearchKeys(b"clinic-one-research-key-0123456789")
OTHER_KEY = ResearchKeys(b"clinic-two-research-key-9876543210")
TABLES = ("patients", "intakes", "courses", "sessions", "outcomes", "adverse_events")
RESEARCHER = Actor(None, "researcher", "researcher")


def _export(
    url: str, out: Path, fmt: str, keys: ResearchKeys = KEY
) -> dict[str, list[dict[str, Any]]]:
    engine = make_engine(url)
    try:
        with UnitOfWork(engine) as uow:
            research_export(uow, RESEARCHER, keys, out, fmt)
    finally:
        engine.dispose()
    return {name: _read(out / f"{name}.{fmt}") for name in TABLES}


def _read(path: Path) -> list[dict[str, Any]]:
    if path.suffix == ".parquet":
        return list(pq.read_table(path).to_pylist())
    with path.open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def _secrets(url: str) -> tuple[set[str], dict[int, set[date]]]:
    """Identifying and free-text values of the clinic, and every patient's true dates."""
    engine = make_engine(url)
    queries = [
        "SELECT given_name, family_name, phone, email, public_id, physician FROM patients",
        "SELECT cancel_reason, patient_request FROM appointments",
        "SELECT note FROM issued_documents",
        "SELECT reason FROM session_amendments",
        "SELECT text FROM imported_items",
        "SELECT name, licence_number FROM practitioners",
        "SELECT username FROM users",
        "SELECT notes, needle_make FROM treatment_sessions",
        "SELECT action_taken, description FROM adverse_events",
        "SELECT override_reason FROM needle_insertions",
    ]
    dated = [
        "SELECT id, birth_date FROM patients",
        "SELECT patient_id, submitted_at FROM intakes",
        "SELECT patient_id, session_date FROM treatment_sessions",
        "SELECT patient_id, measured_on FROM outcome_measurements",
        "SELECT patient_id, occurred_at FROM adverse_events",
    ]
    words: set[str] = set()
    dates: dict[int, set[date]] = {}
    with engine.connect() as connection:
        for query in queries:
            for row in connection.execute(text(query)):
                words.update(str(v) for v in row if v and len(str(v)) >= 4)
        for (payload,) in connection.execute(text("SELECT payload FROM intakes")):
            data = payload if isinstance(payload, dict) else json.loads(payload)
            words.update(m for m in data.get("medications") or [] if len(m) >= 4)
        for query in dated:
            for patient_id, value in connection.execute(text(query)):
                if value is not None:
                    day = value.date() if isinstance(value, datetime) else value
                    if isinstance(day, str):
                        day = date.fromisoformat(day[:10])
                    dates.setdefault(patient_id, set()).add(day)
    engine.dispose()
    return words, dates


@pytest.mark.parametrize("fmt", ["csv", "parquet"])
def test_no_identifier_free_text_or_true_date_in_any_cell(
    clinic_url: str, tmp_path: Path, fmt: str
) -> None:
    tables = _export(clinic_url, tmp_path, fmt)
    words, dates = _secrets(clinic_url)
    assert all(tables[name] for name in TABLES)
    assert len(tables["patients"]) == 12
    assert {"Zanzibar", "Quentinella", "Fenwick"} <= {w for w in words if " " not in w} | {
        part for w in words for part in w.split()
    }
    by_key = {KEY.key("patient", pid): pid for pid in dates}
    dictionary = load_dictionary().tables
    checked = 0
    for name, rows in tables.items():
        for row in rows:
            patient = by_key[row["patient_key"]]
            for column, value in row.items():
                cell = "" if value is None else str(value)
                assert not any(word in cell for word in words), (name, column, cell)
                kind = dictionary[name].columns[column].type
                if kind == "string" and not column.endswith("_key"):  # no e-mail, no phone
                    assert not re.search(r"\S@\S|\d{3}[ -]?\d{3,}", cell), (name, column, cell)
                if kind == "date" and cell:
                    assert date.fromisoformat(cell[:10]) not in dates[patient], (name, column)
                    checked += 1
    assert checked > 50


def test_the_dictionary_covers_every_column(clinic_url: str, tmp_path: Path) -> None:
    for fmt in ("csv", "parquet"):
        _export(clinic_url, tmp_path / fmt, fmt)
        dictionary = json.loads((tmp_path / fmt / "dictionary.json").read_text())
        assert list(dictionary["tables"]) == list(TABLES)
        assert "not anonymous" in dictionary["disclosure"]
        assert "not de-identified under the HIPAA Safe" in dictionary["disclosure"]
        for name in TABLES:
            path = tmp_path / fmt / f"{name}.{fmt}"
            if fmt == "csv":
                with path.open(newline="") as handle:
                    columns = next(csv.reader(handle))
            else:
                columns = pq.read_schema(path).names
            described = dictionary["tables"][name]["columns"]
            assert columns == list(described), name
            for column in described.values():
                assert column["meaning"].strip()
                assert column["type"] in {"string", "integer", "number", "boolean", "date"}
                assert "unit" in column


def test_pseudonyms_are_stable_per_key_and_unlinkable_across(
    clinic_url: str, tmp_path: Path
) -> None:
    first = _export(clinic_url, tmp_path / "a", "csv")
    again = _export(clinic_url, tmp_path / "b", "csv")
    other = _export(clinic_url, tmp_path / "c", "csv", OTHER_KEY)
    keys = {row["patient_key"] for row in first["patients"]}
    assert keys == {row["patient_key"] for row in again["patients"]}
    assert keys.isdisjoint({row["patient_key"] for row in other["patients"]})
    assert first["sessions"] == again["sessions"]
    assert [r["session_on"] for r in first["sessions"]] != [
        r["session_on"] for r in other["sessions"]
    ]


def test_intervals_survive_the_shift_and_responders_follow_the_mcid_rules(
    clinic_url: str, tmp_path: Path
) -> None:
    tables = _export(clinic_url, tmp_path, "parquet")
    _, dates = _secrets(clinic_url)
    engine = make_engine(clinic_url)
    with engine.connect() as connection:
        true = connection.execute(
            text("SELECT patient_id, session_date FROM treatment_sessions WHERE status = 'signed'")
        ).all()
    engine.dispose()
    for pid in dates:
        real = sorted(date.fromisoformat(str(day)[:10]) for p, day in true if p == pid)
        key = KEY.key("patient", pid)
        shifted = sorted(r["session_on"] for r in tables["sessions"] if r["patient_key"] == key)
        assert [(d - real[0]).days for d in real] == [(d - shifted[0]).days for d in shifted]
    rules = {"nrs": (2, 30), "peg": (2, 30), "rmdq": (5, 30), "odi": (10, None)}  # SPEC
    judged = 0
    for row in tables["courses"]:
        if row["instrument"] in rules and row["scores"] >= 2:
            points, percent = rules[row["instrument"]]
            gain = row["baseline"] - row["final"]
            expected = gain >= points or (
                percent is not None
                and row["baseline"] > 0
                and gain / row["baseline"] * 100 >= percent
            )
            assert row["responder"] is expected, row
            judged += 1
    assert judged >= 5
    assert {True, False} <= {row["responder"] for row in tables["courses"]}


def test_ages_over_89_are_top_coded_and_bad_input_is_one_line(
    new_url: Callable[[], str],
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from acuback.services.intakes import submit_intake
    from acuback.services.people import create_patient

    url = new_url()
    upgrade(url)
    engine = make_engine(url)
    mei = Actor(None, "mei", "practitioner")
    with UnitOfWork(engine) as uow:
        patient = create_patient(
            uow, mei, {"given_name": "Old", "family_name": "Timer", "sex": "male"}
        )
        assert patient.id is not None
        pain = {"regions": ["lower_back"], "onset_weeks": 20, "nrs": 4}
        submit_intake(uow, mei, patient.id, {"age": 95, "sex": "male", "pain": pain}, policy=None)
    engine.dispose()
    tables = _export(url, tmp_path / "old", "parquet")
    assert [row["age"] for row in tables["patients"]] == [90]
    assert [row["age"] for row in tables["intakes"]] == [90]

    monkeypatch.setenv("ACUBACK_RESEARCH_KEY", "a-research-key-of-enough-length-0123")
    from acuback.settings import get_settings

    get_settings.cache_clear()
    try:
        code = main(
            ["research", "export", "--out", str(tmp_path / "x"), "--format", "xls", "--db", url]
        )
        _, err = capsys.readouterr()
        assert code == 2
        assert err.strip() == "acuback: --format: unknown 'xls' (allowed: parquet, csv)"
        assert not (tmp_path / "x").exists()
        code = main(["research", "export", "--out", str(tmp_path / "y"), "--db", url, "--json"])
        out, _ = capsys.readouterr()
        assert code == 0
        assert json.loads(out)["rows"]["patients"] == 1
        assert json.loads(out)["smallest_sex_age_group"] == 1  # not k-anonymous, and said so
    finally:
        get_settings.cache_clear()
