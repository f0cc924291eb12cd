"""`acuback screen` and `acuback plan`: text, --json contract, stdin, policy, one-line errors."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import pytest

from acuback.cli import main
from acuback.settings import get_settings

CHRONIC_LOW_BACK: dict[str, Any] = {
    "age": 52,
    "sex": "female",
    "pain": {"regions": ["lower_back"], "side": "left", "onset_weeks": 30, "nrs": 6},
    "prior_acupuncture": True,
}


@pytest.fixture(autouse=True)
def _no_policy(monkeypatch: pytest.MonkeyPatch) -> Any:
    monkeypatch.delenv("ACUBACK_POLICY", raising=False)
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def write(tmp_path: Path, data: object, name: str = "intake.json") -> str:
    path = tmp_path / name
    path.write_text(json.dumps(data), encoding="utf-8")
    return str(path)


def test_plan_json_follows_the_contract(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "plan", write(tmp_path, CHRONIC_LOW_BACK), "--json")
    assert (code, err) == (0, "")
    data = json.loads(out)
    assert {
        "screening",
        "points",
        "methods",
        "course",
        "excluded",
        "self_care",
        "guidelines",
    } <= set(data)
    assert {"disposition", "reasons", "constraints"} <= set(data["screening"])
    assert set(data["screening"]["constraints"]) >= {
        "avoid_points",
        "avoid_regions",
        "avoid_methods",
        "max_depth_mm",
        "position",
        "notes",
    }
    point = data["points"][0]
    assert {"code", "side", "role", "angle", "depth_mm", "reason", "sources"} <= set(point)
    assert len(point["depth_mm"]) == 2
    assert {p["side"] for p in data["points"]} <= {"left", "midline"}
    assert {"local", "distal"} <= {p["role"] for p in data["points"]}
    course = data["course"]
    assert {
        "sessions_per_week",
        "weeks",
        "total_sessions",
        "reassess_after_sessions",
        "retention_minutes",
    } <= set(course)


def test_plan_text_is_readable(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "plan", write(tmp_path, CHRONIC_LOW_BACK))
    assert code == 0
    assert out.startswith("Disposition: PROCEED")
    assert "Points:" in out
    assert "BL23" in out
    assert "Course: 2 per week for 5 weeks, 10 sessions" in out
    assert "[against] NICE NG59" in out


def test_pregnant_plan_says_why_points_were_dropped(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    pregnant = {**CHRONIC_LOW_BACK, "pregnancy_weeks": 20}
    code, out, _ = run(capsys, "plan", write(tmp_path, pregnant), "--json")
    data = json.loads(out)
    assert code == 0
    planned = {p["code"] for p in data["points"]}
    assert not planned & {"LI4", "SP6", "BL60", "BL67", "GB21"}
    excluded = {e["code"]: e["reason"] for e in data["excluded"]}
    assert "classically forbidden in pregnancy" in excluded["LI4"]
    assert "electroacupuncture" in excluded


def test_screen_emergency_from_stdin(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    intake = {**CHRONIC_LOW_BACK, "findings": ["saddle_anaesthesia"]}
    monkeypatch.setattr("sys.stdin", io.StringIO(json.dumps(intake)))
    code, out, _ = run(capsys, "screen", "-", "--json")
    data = json.loads(out)
    assert code == 0
    assert data["disposition"] == "emergency"
    assert data["reasons"][0]["rule"] == "cauda_equina"


def test_emergency_plan_text_says_what_to_do_instead(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    intake = {**CHRONIC_LOW_BACK, "findings": ["saddle_anaesthesia"]}
    code, out, _ = run(capsys, "plan", write(tmp_path, intake))
    assert code == 0
    assert "Disposition: EMERGENCY" in out
    assert "Instead:" in out
    assert "Points:" not in out


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        ({**CHRONIC_LOW_BACK, "findings": ["saddle_anesthesia"]}, "findings[0]"),
        ({**CHRONIC_LOW_BACK, "age": 12}, "age"),
        ({**CHRONIC_LOW_BACK, "colour": "red"}, "colour"),
        ("{not json", "not valid JSON"),
    ],
)
def test_bad_intake_exits_2_with_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], content: object, expected: str
) -> None:
    path = tmp_path / "bad.json"
    path.write_text(content if isinstance(content, str) else json.dumps(content), encoding="utf-8")
    for command in ("screen", "plan"):
        code, out, err = run(capsys, command, str(path))
        assert code == 2
        assert out == ""
        assert len(err.strip().splitlines()) == 1
        assert expected in err


def test_missing_file_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "plan", str(tmp_path / "nope.json"))
    assert code == 2
    assert "no such file" in err


def test_policy_from_the_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    policy = tmp_path / "policy.yaml"
    policy.write_text("dispositions:\n  antiplatelet: clearance\n", encoding="utf-8")
    monkeypatch.setenv("ACUBACK_POLICY", str(policy))
    get_settings.cache_clear()
    intake = {**CHRONIC_LOW_BACK, "medications": ["clopidogrel 75 mg"]}
    code, out, _ = run(capsys, "screen", write(tmp_path, intake), "--json")
    assert code == 0
    assert json.loads(out)["disposition"] == "clearance"


def test_policy_that_lowers_a_red_flag_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    policy = tmp_path / "policy.yaml"
    policy.write_text("dispositions:\n  cauda_equina: caution\n", encoding="utf-8")
    monkeypatch.setenv("ACUBACK_POLICY", str(policy))
    get_settings.cache_clear()
    code, out, err = run(capsys, "screen", write(tmp_path, CHRONIC_LOW_BACK))
    assert (code, out) == (2, "")
    assert "dispositions.cauda_equina" in err
