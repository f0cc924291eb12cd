"""Progress bars: Rich draws one on a terminal for backups, restores, research exports and
FHIR imports; with `--json`, or when stderr is not a terminal, nothing but the result is
written, and `--json` output is pure JSON.

The commands run in a fresh interpreter whose stderr is a pseudo-terminal (so Rich sees a
terminal) and whose stdout is a pipe (what a script reading `--json` gets).
"""

from __future__ import annotations

import json
import os
import pty
import subprocess
import sys
from pathlib import Path

import pytest

from acuback.records import Patient, UnitOfWork, User, make_engine, upgrade

SCRIPT = "import sys; from acuback.cli.app import main; sys.exit(main(sys.argv[1:]))"
HIDE_CURSOR = b"\x1b[?25l"  # Rich's live display hides the cursor while it draws


def _env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("ACUBACK_")}
    # Keys set, so that no development-key warning shares stderr with the bar.
    env |= {
        "ACUBACK_SECRET_KEY": "s" * 40,
        "ACUBACK_AUDIT_KEY": "a" * 40,
        "TERM": "xterm-256color",
        "COLUMNS": "100",
    }
    env.pop("NO_COLOR", None)
    return env


def _on_a_terminal(*args: str) -> tuple[int, str, bytes]:
    """Run the CLI with stderr on a pseudo-terminal: exit code, stdout, what the terminal got."""
    master, slave = pty.openpty()
    process = subprocess.Popen(
        [sys.executable, "-c", SCRIPT, *args],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=slave,
        env=_env(),
    )
    os.close(slave)
    terminal = b""
    while True:
        try:
            chunk = os.read(master, 4096)
        except OSError:  # EIO: the child closed the terminal
            break
        if not chunk:
            break
        terminal += chunk
    os.close(master)
    assert process.stdout is not None
    out = process.stdout.read().decode()
    return process.wait(timeout=120), out, terminal


def _in_a_pipe(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", SCRIPT, *args],
        env=_env(),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


@pytest.fixture
def database(tmp_path: Path) -> str:
    url = f"sqlite:///{tmp_path / 'clinic.sqlite3'}"
    upgrade(url)
    engine = make_engine(url)
    with UnitOfWork(engine) as uow:
        uow.users.add(User(username="mei", password_hash="stub", role="practitioner"))
        uow.patients.add(Patient(given_name="Ada", family_name="Lane", sex="female"))
    engine.dispose()
    return url


def test_a_backup_draws_a_bar_on_a_terminal_and_json_is_pure(database: str, tmp_path: Path) -> None:
    code, out, terminal = _on_a_terminal(
        "db", "backup", str(tmp_path / "a.tar.gz"), "--db", database
    )
    assert code == 0, terminal
    assert out.startswith("backed up ")
    assert HIDE_CURSOR in terminal  # the bar was drawn (and cleared: it is transient)
    code, out, terminal = _on_a_terminal(
        "db", "backup", str(tmp_path / "b.tar.gz"), "--db", database, "--json"
    )
    assert code == 0, terminal
    assert terminal == b""  # silent with --json, even on a terminal
    assert json.loads(out)["tables"]["patients"] == 1  # stdout is one JSON document
    piped = _in_a_pipe("db", "backup", str(tmp_path / "c.tar.gz"), "--db", database)
    assert piped.returncode == 0
    assert piped.stderr == ""  # silent when stderr is not a terminal


def test_an_import_is_silent_with_json_on_a_terminal(database: str, tmp_path: Path) -> None:
    bundle = {
        "resourceType": "Bundle",
        "type": "collection",
        "entry": [
            {
                "resource": {
                    "resourceType": "Patient",
                    "name": [{"family": "Quill", "given": ["Ora"]}],
                    "gender": "female",
                }
            },
            {
                "resource": {
                    "resourceType": "MedicationStatement",
                    "status": "active",
                    "subject": {"reference": "Patient/x"},
                    "medicationCodeableConcept": {"text": "apixaban 5 mg"},
                }
            },
        ],
    }
    path = tmp_path / "bundle.json"
    path.write_text(json.dumps(bundle))
    args = ("fhir", "import", str(path), "--as", "mei", "--db", database)
    code, out, terminal = _on_a_terminal(*args, "--json", "--dry-run")
    assert (code, terminal) == (0, b"")
    assert json.loads(out)["history"][0]["reads"] == "apixaban 5 mg"
    code, out, terminal = _on_a_terminal(*args)
    assert code == 0, terminal
    assert HIDE_CURSOR in terminal
    assert out.splitlines()[1] == (
        "MedicationStatement/ reads: apixaban 5 mg (for the next intake)"
    )
