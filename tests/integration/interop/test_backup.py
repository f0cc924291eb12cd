"""`acuback db backup` and `acuback db restore` on SQLite and PostgreSQL.

A restored database has every row of every table and the same audit head, and passes
`acuback audit verify`; bad input (a truncated or foreign file, a non-empty target, a backup
from a newer schema, a manifest that does not match) is one line, exit 2, and changes nothing.
A backup taken while another thread writes restores to a state consistent with its manifest.
"""

from __future__ import annotations

import io
import json
import tarfile
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import inspect, text

from acuback.cli.app import main
from acuback.errors import InputError
from acuback.interop import backup, read_manifest, restore
from acuback.records import Patient, UnitOfWork, head_revision, make_engine, upgrade


def _cli(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def _rows(url: str) -> dict[str, list[str]]:
    """Every row of every table, as sorted text: what "the same rows" means."""
    engine = make_engine(url)
    try:
        with engine.connect() as connection:
            names = sorted(inspect(connection).get_table_names())
            return {
                name: sorted(
                    repr(tuple(row)) for row in connection.execute(text(f'SELECT * FROM "{name}"'))
                )
                for name in names
            }
    finally:
        engine.dispose()


def _is_empty(url: str) -> bool:
    engine = make_engine(url)
    try:
        with engine.connect() as connection:
            return not inspect(connection).get_table_names()
    finally:
        engine.dispose()


def test_backup_restore_round_trip(
    clinic_url: str,
    new_url: Callable[[], str],
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    file = tmp_path / "clinic.tar.gz"
    code, out, err = _cli(capsys, "db", "backup", str(file), "--db", clinic_url, "--json")
    assert code == 0, err
    made = json.loads(out)
    assert made["schema_revision"] == head_revision()
    assert made["tables"]["patients"] == 12
    assert made["audit_entries"] >= 5
    assert err == ""  # --json: no progress bar

    target = new_url()
    code, out, err = _cli(capsys, "db", "restore", str(file), "--db", target, "--json")
    assert code == 0, err
    assert json.loads(out)["audit_head_hash"] == made["audit_head_hash"]
    assert _rows(target) == _rows(clinic_url)
    code, out, _ = _cli(capsys, "audit", "verify", "--db", target, "--json")
    assert code == 0
    assert json.loads(out)["head_hash"] == made["audit_head_hash"]


def test_refuses_bad_input_and_changes_nothing(
    clinic_url: str,
    new_url: Callable[[], str],
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    file = tmp_path / "clinic.tar.gz"
    backup(clinic_url, file)
    truncated = tmp_path / "truncated.tar.gz"
    truncated.write_bytes(file.read_bytes()[: file.stat().st_size // 2])
    foreign = tmp_path / "notes.txt"
    foreign.write_text("not a backup\n")
    target = new_url()
    cases = [
        (truncated, target, "truncated or damaged"),
        (foreign, target, "is not an acuback backup"),
        (tmp_path / "missing.tar.gz", target, "no such file"),
        (file, clinic_url, "is not empty"),
    ]
    before = _rows(clinic_url)
    for source, url, message in cases:
        code, out, err = _cli(capsys, "db", "restore", str(source), "--db", url)
        assert (code, out) == (2, ""), err
        assert message in err
        assert len(err.strip().splitlines()) == 1
    assert _is_empty(target)
    assert _rows(clinic_url) == before


def _rewrite_manifest(source: Path, target: Path, change: Callable[[dict[str, Any]], None]) -> None:
    with tarfile.open(source, "r:gz") as old, tarfile.open(target, "w:gz") as new:
        for member in old.getmembers():
            data = old.extractfile(member)
            assert data is not None
            content = data.read()
            if member.name == "manifest.json":
                manifest = json.loads(content)
                change(manifest)
                content = json.dumps(manifest).encode()
                member.size = len(content)
            new.addfile(member, io.BytesIO(content))


def test_refuses_a_newer_schema_and_a_manifest_mismatch(
    clinic_url: str, new_url: Callable[[], str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    file = tmp_path / "clinic.tar.gz"
    backup(clinic_url, file)
    newer = tmp_path / "newer.tar.gz"
    _rewrite_manifest(file, newer, lambda m: m["facts"].update(schema_revision="9999_future"))
    wrong_count = tmp_path / "wrong.tar.gz"
    _rewrite_manifest(file, wrong_count, lambda m: m["facts"]["tables"].update(patients=13))
    wrong_hash = tmp_path / "hash.tar.gz"
    _rewrite_manifest(file, wrong_hash, lambda m: m.update(database_sha256="0" * 64))
    target = new_url()
    code, out, err = _cli(capsys, "db", "restore", str(newer), "--db", target)
    assert (code, out) == (2, "")
    assert "newer than this acuback knows" in err
    assert len(err.strip().splitlines()) == 1
    assert "Traceback" not in err
    assert _is_empty(target)
    with pytest.raises(InputError, match="newer than this acuback knows"):
        restore(newer, target)
    with pytest.raises(InputError, match=r"does not match the manifest \(patients\)"):
        restore(wrong_count, target)
    with pytest.raises(InputError, match="is damaged"):
        restore(wrong_hash, target)
    assert _is_empty(target)
    assert read_manifest(file).facts.tables["patients"] == 12


def test_a_backup_during_writes_restores_consistently(
    new_url: Callable[[], str], tmp_path: Path
) -> None:
    source = new_url()
    upgrade(source)
    engine = make_engine(source)
    stop = threading.Event()
    written: list[int] = []

    def write() -> None:
        # Each patient and its audit entry commit together: a consistent copy has as many
        # "create patient" entries as patients.
        while not stop.is_set():
            with UnitOfWork(engine) as uow:
                patient = uow.patients.add(Patient(given_name="W", family_name="Load", sex="male"))
                uow.audit.record("load", "create", "patient", patient.id)
                uow.commit()
            written.append(1)

    writer = threading.Thread(target=write)
    writer.start()
    try:
        while len(written) < 20:
            stop.wait(0.01)
        manifest = backup(source, tmp_path / "live.tar.gz")
        count_then = len(written)
        while len(written) < count_then + 20:  # the writer carries on after the backup
            stop.wait(0.01)
    finally:
        stop.set()
        writer.join()
        engine.dispose()
    target = new_url()
    restore(tmp_path / "live.tar.gz", target)
    restored = make_engine(target)
    try:
        with UnitOfWork(restored) as uow:
            assert uow.audit.verify().ok
            patients = uow.patients.count()
            assert patients == manifest.facts.tables["patients"] >= 20
            assert uow.audit.verify().head_hash == manifest.facts.audit_head_hash
            assert uow.audit.verify().entries_checked == patients
    finally:
        restored.dispose()
    assert manifest.facts.tables["patients"] < len(written)
