"""`acuback score INSTRUMENT RESPONSES.json`: text, --json, stdin and one-line errors."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from acuback.cli import main


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def write(tmp_path: Path, data: object) -> str:
    path = tmp_path / "responses.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    return str(path)


def test_odi_text(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # sections sum to 19; 19 / 50 x 100 = 38%
    path = write(tmp_path, [2, 3, 1, 2, 2, 2, 1, 2, 2, 2])
    code, out, err = run(capsys, "score", "odi", path)
    assert (code, err) == (0, "")
    assert out.splitlines()[0] == "ODI: 38%"
    assert "band: moderate" in out
    assert "Fairbank" in out  # copyright notice shown with the score


def test_startback_json(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    answers = [True, False, True, True, True, True, False, True, "very_much"]
    code, out, _ = run(capsys, "score", "startback", write(tmp_path, answers), "--json")
    data = json.loads(out)
    assert code == 0
    assert (data["value"], data["subscores"]["distress"], data["category"]) == (7, 4, "high")
    assert data["loinc"] == "91351-7"


def test_stdin_and_responses_object(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO('{"responses": [7, 6, 6]}'))
    code, out, _ = run(capsys, "score", "PEG", "-")
    assert code == 0
    assert out.splitlines()[0] == "PEG: 6.33 / 10 (rounded 6)"  # 19 / 3


def test_bad_answer_exits_2_naming_the_item(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run(capsys, "score", "peg", write(tmp_path, [7, 6, 11]))
    assert (code, out) == (2, "")
    assert err.strip() == "acuback: responses[2]: item 3 is 11 (allowed: an integer 0..10)"


def test_unknown_instrument_suggests(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "score", "pge", write(tmp_path, [1, 2, 3]))
    assert code == 2
    assert "did you mean peg" in err
    assert len(err.strip().splitlines()) == 1


def test_missing_file_and_bad_json_exit_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = run(capsys, "score", "nrs", str(tmp_path / "absent.json"))
    assert code == 2
    assert "no such file" in err
    bad = tmp_path / "bad.json"
    bad.write_text("[1, 2", encoding="utf-8")
    code, _, err = run(capsys, "score", "nrs", str(bad))
    assert code == 2
    assert "not valid JSON" in err
    assert "Traceback" not in err


def test_score_is_listed_in_help(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "--help")
    assert code == 0
    assert "score" in out
