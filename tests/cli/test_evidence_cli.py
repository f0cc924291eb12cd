"""`acuback evidence pool | trials | report` through the CLI boundary (exit codes, JSON, files)."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest

from acuback.cli.app import main

FIXTURES = Path(__file__).parents[1] / "reference" / "fixtures"
POOL_FIELDS = {
    "k",
    "estimate",
    "se",
    "ci_lb",
    "ci_ub",
    "pval",
    "tau2",
    "tau2_ci",
    "I2",
    "H2",
    "Q",
    "Q_pval",
    "pi_lb",
    "pi_ub",
    "measure",
    "method",
}


@pytest.fixture
def bcg_csv(tmp_path: Path) -> Path:
    with (FIXTURES / "metadat_dat_bcg.csv").open() as f:
        rows = list(csv.DictReader(f))
    path = tmp_path / "bcg.csv"
    lines = ["study,ai,bi,ci,di"] + [
        f"{r['author']} {r['year']},{r['tpos']},{r['tneg']},{r['cpos']},{r['cneg']}" for r in rows
    ]
    path.write_text("\n".join(lines) + "\n")
    return path


def _json(capsys: pytest.CaptureFixture[str], argv: list[str]) -> object:
    assert main(argv) == 0
    return json.loads(capsys.readouterr().out)


def test_pool_json_has_exactly_the_contract_fields(
    bcg_csv: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = _json(
        capsys, ["evidence", "pool", str(bcg_csv), "--measure", "RR", "--method", "REML", "--json"]
    )
    assert isinstance(out, dict)
    assert set(out) == POOL_FIELDS | {"zval"}
    assert round(out["estimate"], 4) == -0.7145
    assert round(out["tau2"], 4) == 0.3132
    hk = _json(
        capsys,
        ["evidence", "pool", str(bcg_csv), "--measure", "RR", "--method", "REML", "--hk", "--json"],
    )
    assert isinstance(hk, dict)
    assert set(hk) == POOL_FIELDS | {"tval"}


def test_pool_text_is_back_transformed(bcg_csv: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["evidence", "pool", str(bcg_csv), "--measure", "RR", "--method", "DL"]) == 0
    text = capsys.readouterr().out
    assert "Pooled risk ratio: 0.4896 (95% CI 0.3449 to 0.6950)" in text
    assert "I^2 = 92.1%" in text


def test_pool_reads_stdin_and_writes_a_forest(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO("yi,vi\n0.1,0.04\n0.3,0.05\n-0.1,0.02\n"))
    svg = tmp_path / "f.svg"
    out = _json(capsys, ["evidence", "pool", "-", "--method", "FE", "--forest", str(svg), "--json"])
    assert isinstance(out, dict)
    assert out["k"] == 3
    assert out["tau2_ci"] is None
    assert svg.read_bytes().lstrip().startswith(b"<?xml")


@pytest.mark.parametrize(
    ("content", "args", "needle"),
    [
        ("yi,vi\n0.1,-0.2\n", ["--method", "FE"], "vi: row 1"),
        ("a,b\n1,2\n", ["--measure", "MD"], "columns:"),
        ("n1i,m1i,sd1i,n2i,m2i,sd2i\n10,1,0,10,2,1\n", ["--measure", "MD"], "sd1i"),
        ("yi,vi\n0.1,0.2\n", ["--method", "XYZ"], "--method"),
        ("yi,vi\n0.1,0.2\n", ["--measure", "HR"], "--measure"),
    ],
)
def test_bad_input_exits_2_with_one_line(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    content: str,
    args: list[str],
    needle: str,
) -> None:
    path = tmp_path / "d.csv"
    path.write_text(content)
    assert main(["evidence", "pool", str(path), *args]) == 2
    err = capsys.readouterr().err.strip()
    assert needle in err
    assert len(err.splitlines()) == 1


def test_trials_lists_sources(capsys: pytest.CaptureFixture[str]) -> None:
    out = _json(capsys, ["evidence", "trials", "--json"])
    assert isinstance(out, list)
    names = {t["trial"] for t in out}
    assert {"GERAC", "ART", "Cherkin2009", "ARC"} <= names
    assert all(
        t["sources"] and t["sources"][0].startswith("http")
        for t in out
        if t["trial"] != "Cherkin2009"
    )


def test_report_prints_estimate_and_writes_plots(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert (
        main(
            [
                "evidence",
                "report",
                "--comparator",
                "sham",
                "--outcome",
                "pain",
                "--out",
                str(tmp_path),
            ]
        )
        == 0
    )
    text = capsys.readouterr().out
    assert "Pooled MD: 2.64 (95% CI 0.08 to 5.19)" in text
    assert "Cherkin2009" in text
    assert (tmp_path / "forest_sham_pain_end_of_treatment.png").stat().st_size > 10_000
    assert (tmp_path / "forest_sham_pain_end_of_treatment.svg").exists()


def test_report_says_when_data_cannot_support_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = _json(
        capsys,
        [
            "evidence",
            "report",
            "--comparator",
            "none",
            "--outcome",
            "function",
            "--out",
            str(tmp_path),
            "--json",
        ],
    )
    assert isinstance(out, dict)
    assert out["pooled"] is None
    assert "cannot support" in out["message"]
    assert out["files"] == []


def test_report_with_clinic_csv(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    clinic = tmp_path / "clinic.csv"
    clinic.write_text(
        "patient,date,instrument,score\na,2026-01-01,nrs,7\na,2026-02-01,nrs,4\n"
        "b,2026-01-02,nrs,6\nb,2026-02-03,nrs,5\n"
    )
    out = _json(
        capsys,
        [
            "evidence",
            "report",
            "--comparator",
            "usual",
            "--outcome",
            "function",
            "--out",
            str(tmp_path / "o"),
            "--clinic",
            str(clinic),
            "--json",
        ],
    )
    assert isinstance(out, dict)
    assert out["pooled"]["k"] == 2
    assert out["clinic"]["n_patients"] == 2
    assert any(f.endswith("clinic_nrs.png") for f in out["files"])
