"""Bad files, bad output paths and bad database URLs: exit 2 and one line naming the problem.

Every command that reads a file gets a binary file, an empty file, a folder and a missing path;
every option that writes one gets a path whose folder does not exist; every command that takes
`--db` gets URLs SQLAlchemy cannot use.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from acuback.cli.app import main
from acuback.settings import get_settings

INTAKE = '{"age": 45, "sex": "female", "pain": {"regions": ["lower_back"], "side": "both", '
INTAKE += '"onset_weeks": 30, "nrs": 6}}'

# Each command that reads a file: argv for a file path, and the name its error line gives.
READERS: dict[str, Callable[[str], list[str]]] = {
    "screen": lambda f: ["screen", f],
    "plan": lambda f: ["plan", f],
    "score": lambda f: ["score", "nrs", f],
    "evidence pool": lambda f: ["evidence", "pool", f],
    "evidence report --clinic": lambda f: [
        "evidence",
        "report",
        "--comparator",
        "sham",
        "--outcome",
        "pain",
        "--clinic",
        f,
    ],
}
FIELDS = {
    "screen": "INTAKE",
    "plan": "INTAKE",
    "score": "RESPONSES",
    "evidence pool": "DATA",
    "evidence report --clinic": "--clinic",
}
KINDS = {
    "binary": ("binary.json", "is not UTF-8 text"),
    "empty": ("empty.json", "is empty"),
    "folder": ("folder", "is a folder"),
    "missing": ("missing.json", "no such file"),
}


def _make(tmp_path: Path, kind: str) -> Path:
    path = tmp_path / KINDS[kind][0]
    if kind == "binary":
        path.write_bytes(b"\xff\xfe\x00\x9c binary \x80")
    elif kind == "empty":
        path.write_bytes(b"")
    elif kind == "folder":
        path.mkdir()
    return path


def _one_line_error(capsys: pytest.CaptureFixture[str], argv: list[str]) -> str:
    code = main(argv)
    err = capsys.readouterr().err
    assert code == 2, (argv, err)
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith("acuback: "), err
    assert "internal error" not in err
    assert "Traceback" not in err
    return lines[0]


@pytest.mark.parametrize("kind", list(KINDS))
@pytest.mark.parametrize("command", list(READERS))
def test_every_file_reader_refuses_a_bad_file_in_one_line(
    command: str,
    kind: str,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.chdir(tmp_path)  # evidence report writes its plots into ./acuback-evidence
    path = _make(tmp_path, kind)
    line = _one_line_error(capsys, READERS[command](str(path)))
    assert f"{FIELDS[command]}: " in line, line
    assert KINDS[kind][1] in line, line
    assert str(path) in line, line
    assert not (tmp_path / "acuback-evidence").exists()  # refused before anything was written


@pytest.mark.parametrize("kind", list(KINDS))
def test_a_bad_policy_file_is_one_line_naming_the_setting(
    kind: str,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    intake = tmp_path / "intake.json"
    intake.write_text(INTAKE, encoding="utf-8")
    monkeypatch.setenv("ACUBACK_POLICY", str(_make(tmp_path, kind)))
    get_settings.cache_clear()
    try:
        line = _one_line_error(capsys, ["screen", str(intake)])
    finally:
        get_settings.cache_clear()
    assert "ACUBACK_POLICY: " in line, line
    assert KINDS[kind][1] in line, line


WRITERS: dict[str, Callable[[Path, Path], list[str]]] = {
    "points map --out": lambda out, _: ["points", "map", "BL23", "--out", str(out / "map.svg")],
    "evidence pool --forest": lambda out, data: [
        "evidence",
        "pool",
        str(data),
        "--forest",
        str(out / "forest.svg"),
    ],
    "evidence report --out": lambda out, _: [
        "evidence",
        "report",
        "--comparator",
        "sham",
        "--outcome",
        "pain",
        "--out",
        str(out / "plots"),
    ],
}


@pytest.mark.parametrize("command", list(WRITERS))
def test_every_output_option_refuses_a_missing_folder_and_creates_none(
    command: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = tmp_path / "data.csv"
    data.write_text("study,yi,vi\nA,0.5,0.04\nB,0.3,0.09\n", encoding="utf-8")
    missing = tmp_path / "no" / "such"
    option = command.split()[-1]
    line = _one_line_error(capsys, WRITERS[command](missing, data))
    assert f"{option}: " in line, line
    assert "no folder" in line, line
    assert not (tmp_path / "no").exists()


def test_an_output_file_that_is_a_folder_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    line = _one_line_error(capsys, ["points", "map", "BL23", "--out", str(tmp_path)])
    assert "--out: " in line, line
    assert "is a folder" in line, line


def test_report_out_creates_only_the_folder_it_names(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "plots"
    argv = ["evidence", "report", "--comparator", "sham", "--outcome", "pain", "--out", str(out)]
    assert main(argv) == 0, capsys.readouterr().err
    assert sorted(p.suffix for p in out.iterdir())
    assert all(p.is_file() for p in out.iterdir())


DB_COMMANDS = {
    "db upgrade": ["db", "upgrade"],
    "audit verify": ["audit", "verify"],
    "serve --demo": ["serve", "--demo"],
}


@pytest.mark.parametrize("url", ["garbage://x", "not a url", "mysql://u@h/d"])
@pytest.mark.parametrize("command", list(DB_COMMANDS))
def test_every_db_command_refuses_an_unusable_url_in_one_line(
    command: str, url: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("uvicorn.run", lambda *a, **k: pytest.fail("served a bad URL"))
    line = _one_line_error(capsys, [*DB_COMMANDS[command], "--db", url])
    assert "database URL: " in line, line
    assert repr(url) in line, line
    assert "sqlite:///" in line, line


def test_a_warning_is_one_sentence_not_python_source(tmp_path: Path) -> None:
    """The development-key warning of `serve` prints as one line, with no file name or code.

    In a fresh interpreter: pytest replaces how warnings are shown in its own process.
    """
    script = (
        "import sys, uvicorn; uvicorn.run = lambda *a, **k: None; "
        "from acuback.cli.app import main; sys.exit(main(sys.argv[1:]))"
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith("ACUBACK_")}
    url = f"sqlite:///{tmp_path / 'w.sqlite3'}"
    done = subprocess.run(
        [sys.executable, "-c", script, "serve", "--db", url],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    lines = done.stderr.splitlines()
    named = ["ACUBACK_SECRET_KEY", "ACUBACK_AUDIT_KEY"]  # one sentence for each missing key
    assert len(lines) == len(named), done.stderr
    for line, variable in zip(lines, named, strict=True):
        assert line.startswith(f"acuback: warning: {variable} is not set: using the public"), line
        assert "development key" in line
        assert ".py" not in line


@pytest.mark.parametrize(
    ("variable", "value"), [("ACUBACK_LOG_FORMAT", "xml"), ("ACUBACK_ACCESS_LOG", "maybe")]
)
def test_a_bad_setting_is_one_line_naming_the_variable(
    variable: str, value: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(variable, value)
    get_settings.cache_clear()
    try:
        line = _one_line_error(capsys, ["serve"])
    finally:
        get_settings.cache_clear()
    assert line.startswith(f"acuback: {variable}: ")
