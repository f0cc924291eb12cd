"""The knowledge commands as a user runs them: `acuback points ...`, meridians, conditions."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from acuback.cli import main


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def test_show_bl40_json_has_aliases_and_cautions(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "points", "show", "BL40", "--json")
    assert code == 0
    data = json.loads(out)
    assert data["code"] == "BL40"
    assert data["pinyin_ascii"] == "Weizhong"
    aliases = {a["text"] for a in data["aliases"]}
    assert {"Commanding Middle", "Bl-54", "back of the knee"} <= aliases
    assert data["cautions"]
    assert any(f["kind"] == "major_vessel" for f in data["flags"])


def test_show_text(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "points", "show", "bl-23")
    assert code == 0
    assert out.startswith("BL23 ")
    assert "Shenshu" in out
    assert "Sea of Vitality" in out


def test_unknown_code_exits_2_with_suggestions(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "points", "show", "BL99")
    assert code == 2
    assert out == ""
    assert len(err.strip().splitlines()) == 1
    assert "BL99" in err
    assert "did you mean" in err


def test_search_sea_of_vitality(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "points", "search", "sea of vitality", "--json")
    assert code == 0
    assert {r["code"] for r in json.loads(out)[:2]} == {"BL23", "BL52"}


def test_search_text_output(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "points", "search", "sea of vitality")
    assert code == 0
    assert out.splitlines()[0].split()[0] in {"BL23", "BL52"}


def test_list_by_meridian_and_region(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "points", "list", "--meridian", "bl", "--json")
    assert code == 0
    assert len(json.loads(out)) == 67
    code, out, _ = run(
        capsys, "points", "list", "--meridian", "GV", "--region", "lower_back", "--json"
    )
    assert code == 0
    assert {"GV3", "GV4"} <= {r["code"] for r in json.loads(out)}


def test_list_bad_region_names_allowed_values(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "points", "list", "--region", "elbow")
    assert code == 2
    assert "--region" in err
    assert "lower_back" in err


def test_list_bad_meridian(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "points", "list", "--meridian", "XX")
    assert code == 2
    assert "meridian" in err
    assert err.startswith("acuback: --meridian:")
    for allowed in ("LU", "GV", "EX-B"):
        assert allowed in err


def test_map_writes_an_svg_with_the_points(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    target = tmp_path / "m.svg"
    code, _, _ = run(capsys, "points", "map", "BL23", "BL40", "GB30", "--out", str(target))
    assert code == 0
    root = ET.fromstring(target.read_text(encoding="utf-8"))
    text = "".join(root.itertext())
    for point in ("BL23", "BL40", "GB30"):
        assert point in text


def test_map_unwritable_target(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    code, _, err = run(capsys, "points", "map", "BL23", "--out", str(tmp_path / "no" / "m.svg"))
    assert code == 2
    assert "--out" in err


def test_meridians(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "meridians", "--json")
    assert code == 0
    assert len(json.loads(out)) == 20
    code, out, _ = run(capsys, "meridians")
    assert out.splitlines()[0].split()[:2] == ["1.", "LU"]


def test_conditions(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "conditions", "--json")
    assert code == 0
    rows = json.loads(out)
    assert all(r["icd10cm"] for r in rows)


def test_usage_error_is_one_line_exit_2(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "points", "show")
    assert code == 2
    assert len(err.strip().splitlines()) == 1


@pytest.mark.parametrize(
    "command",
    [
        [str(Path(sys.executable).with_name("acuback"))],  # the installed console script
        [sys.executable, "-m", "acuback.cli.app"],  # the full CLI, never the quick path
    ],
    ids=["console-script", "full-cli"],
)
def test_console_script_runs(command: list[str]) -> None:
    done = subprocess.run(
        [*command, "points", "show", "GV4", "--json"], capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["code"] == "GV4"


def test_both_paths_print_utf8_to_an_ascii_terminal() -> None:
    ascii_env = {**os.environ, "PYTHONIOENCODING": "ascii"}
    outputs = [
        subprocess.run(
            [*command, "points", "show", "BL23"], capture_output=True, env=ascii_env, check=False
        )
        for command in (
            [str(Path(sys.executable).with_name("acuback"))],
            [sys.executable, "-m", "acuback.cli.app"],
        )
    ]
    assert [done.returncode for done in outputs] == [0, 0], [done.stderr for done in outputs]
    assert outputs[0].stdout == outputs[1].stdout
    assert "腎俞" in outputs[0].stdout.decode("utf-8")


def test_map_without_labels(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    target = tmp_path / "t.svg"
    code, _, _ = run(capsys, "points", "map", "BL23", "--no-labels", "--out", str(target))
    assert code == 0
    root = ET.fromstring(target.read_text(encoding="utf-8"))
    labels = [e for e in root.iter() if e.tag.endswith("text") and e.get("class") == "label"]
    assert labels == []
    with_labels = tmp_path / "l.svg"
    run(capsys, "points", "map", "BL23", "--out", str(with_labels))
    root = ET.fromstring(with_labels.read_text(encoding="utf-8"))
    assert [e for e in root.iter() if e.tag.endswith("text") and e.get("class") == "label"]


def test_show_an_ambiguous_code_names_both_readings_on_both_paths(
    capsys: pytest.CaptureFixture[str],
) -> None:
    from acuback.cli import quick

    for argv in (["points", "show", "Bl-54"], ["points", "show", "Bl-54", "--json"]):
        assert quick.quick_page(argv) is None  # the quick path leaves it to the full CLI
        assert quick.main(argv) == 2
        err = capsys.readouterr().err.strip()
        assert err.count("\n") == 0
        assert "'Bl-54' is ambiguous" in err
        assert "BL54" in err
        assert "BL40" in err
