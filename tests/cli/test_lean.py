"""The lean path of `plan` and `screen` prints what the full commands print, byte for byte.

The lean path (acuback.cli.lean, entered from quick.main) runs the engine without Typer, the
settings or the services layer. Every case here runs both paths and compares standard output,
standard error and the exit status: the safety examples of issue 9, the demo clinic's intakes,
each in text and `--json`, and the ways an intake file can be wrong.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from tests.safety_examples import EXPECTED, older_patient

from acuback.cli import lean, quick
from acuback.cli.app import main as full_main
from acuback.services.demo_data import PATIENTS

PREGNANT = {
    "age": 30,
    "sex": "female",
    "pregnancy_weeks": 20,
    "pain": {"regions": ["lower_back", "neck"], "onset_weeks": 30, "nrs": 5},
}
INTAKES: dict[str, object] = {
    **{f"safety: {entry}": older_patient(entry) for entry in sorted(EXPECTED)},
    "safety: pregnant": PREGNANT,
    **{f"demo: {p.given_name}": p.intake for p in PATIENTS},
    **{f"demo: {p.given_name}, later": p.later_intake for p in PATIENTS if p.later_intake},
}
# Modules the lean path must not load (issue 16 point 4: import only what is used).
HEAVY = (
    "typer",
    "click",
    "rich",
    "pydantic_settings",
    "sqlalchemy",
    "alembic",
    "numpy",
    "scipy",
    "matplotlib",
    "yaml",
    "acuback.services",
    "acuback.settings",
)


@pytest.fixture(autouse=True)
def _no_settings(monkeypatch: pytest.MonkeyPatch) -> None:
    """The lean path steps aside whenever an ACUBACK_* variable is set; clear them."""
    for name in list(os.environ):
        if name.upper().startswith("ACUBACK_"):
            monkeypatch.delenv(name)


def both(capsys: pytest.CaptureFixture[bytes], args: list[str]) -> tuple[object, object]:
    """(lean, full): each path's exit status, standard output and standard error."""
    status = lean.run(args)
    assert status is not None, f"the lean path declined {args}"
    leaned = (status, *capsys.readouterr())
    full = (full_main(args), *capsys.readouterr())
    return leaned, full


def write(tmp_path: Path, intake: object) -> str:
    path = tmp_path / "intake.json"
    path.write_text(json.dumps(intake), encoding="utf-8")
    return str(path)


@pytest.mark.parametrize("name", sorted(INTAKES))
def test_plan_and_screen_print_the_full_commands_bytes(
    name: str, tmp_path: Path, capsysbinary: pytest.CaptureFixture[bytes]
) -> None:
    path = write(tmp_path, INTAKES[name])
    for command in ("plan", "screen"):
        for form in ([path], ["--json", path], [path, "--json"]):
            leaned, full = both(capsysbinary, [command, *form])
            assert leaned == full, (command, form)
            assert leaned[0] == 0
            assert leaned[1]  # something was printed


def test_the_safety_answers_hold_on_the_lean_path(
    tmp_path: Path, capsysbinary: pytest.CaptureFixture[bytes]
) -> None:
    for entry, disposition in EXPECTED.items():
        assert lean.run(["plan", "--json", write(tmp_path, older_patient(entry))]) == 0
        result = json.loads(capsysbinary.readouterr().out)
        assert result["screening"]["disposition"] == disposition, entry
        assert "BL40" not in {p["code"] for p in result["points"]}


BAD_INTAKES: dict[str, bytes | None] = {
    "missing file": None,
    "empty file": b"  \n",
    "not UTF-8": b'{"age": "\xff"}',
    "bad JSON": b'{"age": 45,',
    "not an object": b"[1, 2]",
    "bad field": b'{"age": 45, "sex": "female", "pain": {"regions": ["lower_back"], '
    b'"side": "upper", "onset_weeks": 3, "nrs": 4}}',
    "unknown field": b'{"age": 45, "sex": "female", "colour": "red", '
    b'"pain": {"regions": ["lower_back"], "onset_weeks": 3, "nrs": 4}}',
    "string for a number": b'{"age": "45", "sex": "female", '
    b'"pain": {"regions": ["lower_back"], "onset_weeks": 3, "nrs": 4}}',
    "unknown diagnosis": b'{"age": 45, "sex": "female", "diagnoses": ["gout"], '
    b'"pain": {"regions": ["lower_back"], "onset_weeks": 3, "nrs": 4}}',
}


@pytest.mark.parametrize("name", sorted(BAD_INTAKES))
def test_bad_input_is_the_same_one_line_and_exit_2(
    name: str, tmp_path: Path, capsysbinary: pytest.CaptureFixture[bytes]
) -> None:
    path = tmp_path / "intake.json"
    content = BAD_INTAKES[name]
    if content is not None:
        path.write_bytes(content)
    for command in ("plan", "screen"):
        for form in ([str(path)], ["--json", str(path)]):
            leaned, full = both(capsysbinary, [command, *form])
            assert leaned == full, (command, form)
            status, out, err = leaned
            assert (status, out) == (2, b"")
            assert err.startswith(b"acuback: ")
            assert err.count(b"\n") == 1


def test_a_folder_is_refused_the_same_way(
    tmp_path: Path, capsysbinary: pytest.CaptureFixture[bytes]
) -> None:
    leaned, full = both(capsysbinary, ["plan", str(tmp_path)])
    assert leaned == full
    assert leaned[0] == 2


def test_an_internal_fault_is_the_same_one_line_and_exit_1(
    tmp_path: Path, capsysbinary: pytest.CaptureFixture[bytes], monkeypatch: pytest.MonkeyPatch
) -> None:
    from acuback.clinical import planning

    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("the engine broke")

    monkeypatch.setattr(planning, "plan", broken)
    leaned, full = both(capsysbinary, ["plan", write(tmp_path, PREGNANT)])
    assert leaned == full
    assert leaned == (1, b"", b"acuback: internal error: RuntimeError: the engine broke\n")


def test_end_of_input_is_aborted_the_same_way(
    tmp_path: Path, capsysbinary: pytest.CaptureFixture[bytes], monkeypatch: pytest.MonkeyPatch
) -> None:
    from acuback.clinical import planning

    def ended(*args: object, **kwargs: object) -> None:
        raise EOFError

    monkeypatch.setattr(planning, "plan", ended)
    leaned, full = both(capsysbinary, ["plan", write(tmp_path, PREGNANT)])
    assert leaned == full == (1, b"", b"\nacuback: aborted\n")


def test_an_interrupt_ends_with_status_130_and_no_traceback(
    tmp_path: Path, capsysbinary: pytest.CaptureFixture[bytes], monkeypatch: pytest.MonkeyPatch
) -> None:
    from acuback.clinical import planning

    def interrupted(*args: object, **kwargs: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(planning, "plan", interrupted)
    leaned, full = both(capsysbinary, ["plan", write(tmp_path, PREGNANT)])
    assert leaned == full == (130, b"", b"")


def test_a_commands_exit_status_is_the_full_clis_status(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Typer returns a command's `typer.Exit` status outside standalone mode (as `audit
    verify` on a broken chain raises it); `app.main` must pass it on, not exit 0."""
    import typer

    from acuback.clinical import planning

    def exits(*args: object, **kwargs: object) -> None:
        raise typer.Exit(1)

    monkeypatch.setattr(planning, "plan", exits)
    assert full_main(["plan", write(tmp_path, PREGNANT)]) == 1


def test_standard_input() -> None:
    intake = json.dumps(PREGNANT).encode()
    script = "import sys; from acuback.cli import main; sys.exit(main())"
    runs = [
        subprocess.run(
            [sys.executable, "-c", script, "plan", "--json", "-"],
            input=intake,
            capture_output=True,
            env={**os.environ, **extra},
            check=False,
        )
        for extra in ({}, {"ACUBACK_ENVIRONMENT": "development"})  # lean, then full
    ]
    leaned, full = ((r.returncode, r.stdout, r.stderr) for r in runs)
    assert leaned == full
    assert runs[0].returncode == 0
    assert json.loads(runs[0].stdout)["screening"]["disposition"] == "caution"


@pytest.mark.parametrize(
    "args",
    [
        ["plan"],
        ["plan", "--help"],
        ["plan", "a.json", "b.json"],
        ["plan", "--json", "--json", "a.json"],
        ["plan", "--jsn", "a.json"],
        ["plan", "--", "a.json"],
        ["screen", "-x"],
        ["Plan", "a.json"],
        ["score", "a.json"],
        [],
    ],
)
def test_any_other_spelling_goes_to_the_full_cli(args: list[str]) -> None:
    assert lean.lean_request(args) is None
    assert lean.run(args) is None


@pytest.mark.parametrize("name", ["ACUBACK_POLICY", "ACUBACK_ENVIRONMENT", "acuback_policy"])
def test_settings_in_the_environment_go_to_the_full_cli(
    name: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert lean.lean_request(["plan", "a.json"]) == ("plan", "a.json", False)
    monkeypatch.setenv(name, "x")
    assert lean.lean_request(["plan", "a.json"]) is None


def test_a_policy_is_applied_through_the_full_cli(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from acuback.settings import get_settings

    policy = tmp_path / "policy.yaml"
    policy.write_text("rules: []\n", encoding="utf-8")
    monkeypatch.setenv("ACUBACK_POLICY", str(policy))
    get_settings.cache_clear()
    assert quick.main(["screen", "--json", write(tmp_path, PREGNANT)]) == 0
    assert json.loads(capsys.readouterr().out)["disposition"] == "caution"
    monkeypatch.setenv("ACUBACK_POLICY", str(tmp_path / "missing.yaml"))
    get_settings.cache_clear()
    assert quick.main(["screen", write(tmp_path, PREGNANT)]) == 2
    assert "ACUBACK_POLICY" in capsys.readouterr().err
    monkeypatch.delenv("ACUBACK_POLICY")
    get_settings.cache_clear()


def _modules_after(args: list[str], prelude: str = "") -> tuple[int, list[str], bytes]:
    """Run quick.main(args) in a fresh interpreter: its status, heavy modules loaded, output."""
    script = (
        "import sys\n" + prelude + "from acuback.cli import main\n"
        "status = main(sys.argv[1:])\n"
        f"heavy = [m for m in sys.modules if m.startswith({HEAVY!r})]\n"
        "sys.stderr.write('HEAVY ' + ' '.join(sorted(heavy)) + '\\n')\n"
        "sys.exit(status)\n"
    )
    env = {k: v for k, v in os.environ.items() if not k.upper().startswith("ACUBACK_")}
    run = subprocess.run(
        [sys.executable, "-c", script, *args], capture_output=True, env=env, check=False
    )
    heavy = run.stderr.decode().rpartition("HEAVY ")[2].split()
    return run.returncode, heavy, run.stdout


@pytest.mark.parametrize("command", ["plan", "screen"])
def test_the_lean_path_loads_no_framework_database_or_plotting_library(
    command: str, tmp_path: Path
) -> None:
    path = write(tmp_path, PREGNANT)
    status, heavy, out = _modules_after([command, "--json", path])
    assert status == 0
    assert heavy == []
    assert json.loads(out)
    # Medicines read the vocabulary through the same snapshot: no PyYAML either.
    status, heavy, _ = _modules_after([command, write(tmp_path, older_patient("DOAC"))])
    assert status == 0
    assert heavy == []


@pytest.mark.parametrize(
    "prelude",
    [
        # the clinical data snapshot: every file's copy stale
        "import acuback.clinical.data_snapshot as s\n"
        "s._stored = lambda: {n: {'sha256': '0', 'data': None} for n in ('protocols.yaml',"
        " 'course.yaml', 'guidelines.yaml', 'screening_rules.yaml')}\n",
        # the clinical data snapshot: missing
        "import acuback.clinical.data_snapshot as s\ns.SNAPSHOT = 'missing.json'\n",
        # the knowledge base's snapshot: missing
        "import acuback.knowledge.snapshot as k\nk.SNAPSHOT = 'missing.json'\n",
    ],
    ids=["clinical-stale", "clinical-missing", "knowledge-missing"],
)
def test_without_a_fresh_snapshot_the_yaml_is_read_and_the_plan_is_the_same(
    prelude: str, tmp_path: Path
) -> None:
    path = write(tmp_path, older_patient("Warfarin-5mg"))
    status, _, fresh = _modules_after(["plan", "--json", path])
    status_stale, heavy, stale = _modules_after(["plan", "--json", path], prelude)
    assert (status_stale, stale) == (status, fresh) == (0, fresh)
    assert "yaml" in heavy  # the sources were parsed
