"""Issue 9's examples through `acuback plan --json`: each medication entry gets the safe
disposition, no needle over the popliteal artery (BL40) and no needle deeper than 5 mm on an
anticoagulant; the pregnant example gets no heat on the lumbosacral region."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from tests.safety_examples import EXPECTED, older_patient

from acuback.cli import main


def plan_json(tmp_path: Path, capsys: pytest.CaptureFixture[str], intake: object) -> Any:
    path = tmp_path / "intake.json"
    path.write_text(json.dumps(intake), encoding="utf-8")
    assert main(["plan", "--json", str(path)]) == 0
    return json.loads(capsys.readouterr().out)


@pytest.mark.parametrize(("entry", "disposition"), sorted(EXPECTED.items()))
def test_each_medication_example_gets_the_safe_answer(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], entry: str, disposition: str
) -> None:
    result = plan_json(tmp_path, capsys, older_patient(entry))
    assert result["screening"]["disposition"] == disposition
    assert "BL40" not in {p["code"] for p in result["points"]}
    if disposition == "caution":
        assert result["points"]
        assert max(p["depth_mm"][1] for p in result["points"]) <= 5


def test_the_pregnant_example_gets_no_heat_on_the_lower_back(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    intake = {
        "age": 30,
        "sex": "female",
        "pregnancy_weeks": 20,
        "pain": {"regions": ["lower_back", "neck"], "onset_weeks": 30, "nrs": 5},
    }
    result = plan_json(tmp_path, capsys, intake)
    methods = {m["code"]: m for m in result["methods"]}
    assert "warm_needle" not in methods
    for method in methods.values():
        assert not {"lower_back", "sacrum"} & set(method["regions"])
