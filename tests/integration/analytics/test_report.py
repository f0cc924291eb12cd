"""The analytics report: planted effects recovered, numbers equal to plain SQL, two engines
that agree to the last printed digit, and bad sources refused with a clear message."""

from __future__ import annotations

import json
import math
import shutil
from pathlib import Path

import duckdb
import numpy as np
import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq
import pytest
import statsmodels.api as sm
from scipy import stats

from acuback.analytics.engines import connect, register_directory
from acuback.analytics.factors import load_analysis_spec
from acuback.analytics.model import _design, fit_model
from acuback.analytics.queries import course_facts, model_patterns
from acuback.analytics.report import Report, build_report
from acuback.errors import InputError

from ...system_packages import ensure_debian_package

SQL = (Path(__file__).parent / "report.sql").read_text()


def _report(folder: Path, engine: str = "duckdb") -> Report:
    with connect(engine) as con:
        return build_report(register_directory(con, folder), engine)


@pytest.fixture(scope="module")
def report(cohort: Path) -> Report:
    return _report(cohort)


def _planted(truth: dict[str, object]) -> dict[str, float]:
    """Planted log odds under the report's term names, shrunk by the random-effect factor."""
    e, shrink = truth["effects"], float(truth["attenuation"])  # type: ignore[arg-type]
    assert isinstance(e, dict)
    spec = load_analysis_spec()
    out: dict[str, float] = {}
    for name, reference in spec.model.categorical.items():
        for level, value in e[name].items():
            if level != reference:
                out[f"{spec.label_of(name)}: {level} (vs {reference})"] = value * shrink
    out["Expectation of benefit (0-10), per point above 5"] = e["expectation_per_point"] * shrink
    out["Practitioner's years in practice, per year above 10"] = e["years_per_year"] * shrink
    out["Acupuncture before: yes (vs no)"] = e["prior_acupuncture"] * shrink
    return out


def assert_recovers_truth(report: Report, truth_file: Path) -> None:
    planted = _planted(json.loads(truth_file.read_text()))
    terms = {t.term: t for t in report.model.terms}
    assert set(terms) == set(planted)
    for name, value in planted.items():
        low, high = terms[name].ci
        assert low <= math.exp(value) <= high, (name, math.exp(value), terms[name])


def test_the_report_recovers_the_planted_effects(report: Report, cohort: Path) -> None:
    assert report.model.fitted
    assert_recovers_truth(report, cohort / "truth.json")
    chronicity = {lvl.level: lvl.rate for lvl in report.factors["chronicity"]}
    assert chronicity["acute"] > chronicity["subacute"] > chronicity["chronic"]  # as planted


def test_the_json_report_has_the_promised_shape(report: Report) -> None:
    data = report.model_dump(mode="json")
    assert {"factors", "model", "n_courses", "n_sessions"} <= set(data)
    names = {
        "condition",
        "chronicity",
        "sessions_per_week",
        "expectation",
        "prior_acupuncture",
        "startback",
        "practitioner",
    }
    assert names <= set(data["factors"])
    keys = {
        "level",
        "n",
        "responders",
        "rate",
        "rate_ci",
        "mean_change",
        "mean_change_ci",
        "suppressed",
    }
    for levels in data["factors"].values():
        for level in levels:
            assert keys <= set(level)
    assert "no control arm" in " ".join(report.summary)


def test_every_figure_matches_a_plain_sql_query(report: Report, cohort: Path) -> None:
    rows = duckdb.sql(SQL.format(dir=cohort)).fetchall()
    seen = 0
    for factor, level, n, responders, mean, sd in rows:
        mine = next(lvl for lvl in report.factors[factor] if lvl.level == level)
        if mine.suppressed:
            assert mine.n is None
            continue
        assert mine.n == n
        seen += 1
        assert mine.responders == responders
        assert mine.mean_change == pytest.approx(round(mean, 4), abs=1e-9)
        half = mine.mean_change_ci[1] - mine.mean_change  # type: ignore[index]
        assert half == pytest.approx(stats.t.ppf(0.975, n - 1) * sd / math.sqrt(n), abs=2e-4)
    assert seen == sum(not lvl.suppressed for lvls in report.factors.values() for lvl in lvls)


def test_small_cells_show_no_figure_not_even_their_count(cohort: Path, tmp_path: Path) -> None:
    # Keep the cohort but give one course a condition of its own: a cell of one.
    shutil.copy(cohort / "sessions.parquet", tmp_path / "sessions.parquet")
    courses = pq.read_table(cohort / "courses.parquet").to_pylist()
    first = next(i for i, r in enumerate(courses) if r["scores"] >= 2)
    courses[first]["condition"] = "kyphosis"
    schema = pq.read_schema(cohort / "courses.parquet")
    pq.write_table(pa.Table.from_pylist(courses, schema=schema), tmp_path / "courses.parquet")
    report = _report(tmp_path)
    levels = report.factors["condition"]
    cell = next(lvl for lvl in levels if lvl.level == "kyphosis")
    assert (cell.n, cell.suppressed) == (None, True)
    assert (cell.rate, cell.mean_change, cell.responders) == (None, None, None)
    assert cell.label.lower().startswith("kyphosis")
    # The research aggregates' rule: with one cell hidden, the next smallest goes too, or the
    # total minus the shown levels would give the hidden count away.
    before = {lvl.level: lvl.n for lvl in _report(cohort).factors["condition"]}
    assert None not in before.values()
    hidden = [lvl.level for lvl in levels if lvl.suppressed]
    assert len(hidden) == 2
    [other] = [level for level in hidden if level != "kyphosis"]
    shown = [level for level in before if level not in hidden]
    # (one course moved to kyphosis, so a count may have dropped by one)
    assert all(before[other] <= before[level] + 1 for level in shown)  # type: ignore[operator]


def test_csv_and_parquet_sources_give_the_same_report(
    report: Report, cohort: Path, tmp_path: Path
) -> None:
    for name in ("courses", "sessions"):
        pacsv.write_csv(pq.read_table(cohort / f"{name}.parquet"), tmp_path / f"{name}.csv")
    assert _report(tmp_path).model_dump() == report.model_dump()


def test_grouped_fit_equals_a_logistic_regression_per_course(cohort: Path) -> None:
    spec = load_analysis_spec()
    with connect("duckdb") as con:
        tables = register_directory(con, cohort)
        patterns = model_patterns(
            course_facts(tables["courses"], tables["sessions"], "nrs"), spec
        ).to_pyarrow()
    fit = fit_model(patterns, spec)
    n = patterns.column("n").to_numpy()
    yes = patterns.column("responders").to_numpy()
    x, _ = _design(patterns, spec)
    rows = np.repeat(np.arange(len(n)), n)
    y = np.concatenate([np.r_[np.ones(a), np.zeros(b - a)] for a, b in zip(yes, n, strict=True)])
    groups = np.unique(np.asarray(patterns.column("cluster").to_pylist()), return_inverse=True)[1]
    logit = sm.Logit(y, x[rows]).fit(disp=0, cov_type="cluster", cov_kwds={"groups": groups[rows]})
    assert np.allclose(logit.params, [t.log_odds for t in fit.terms], atol=1e-8)
    assert np.allclose(logit.bse, [t.se for t in fit.terms], rtol=1e-8)
    assert np.allclose(logit.pvalues, [t.p for t in fit.terms], rtol=1e-6, atol=1e-12)


def test_a_source_without_a_needed_column_is_refused(cohort: Path, tmp_path: Path) -> None:
    shutil.copy(cohort / "sessions.parquet", tmp_path / "sessions.parquet")
    pq.write_table(
        pq.read_table(cohort / "courses.parquet").drop(["startback"]), tmp_path / "courses.parquet"
    )
    with pytest.raises(InputError, match="courses lacks the column\\(s\\) startback"):
        _report(tmp_path)
    with pytest.raises(InputError, match=r"no sessions\.parquet or sessions\.csv"):
        _report(_only_courses(cohort, tmp_path))
    with pytest.raises(InputError, match="is not a directory"):
        _report(tmp_path / "courses.parquet")


def _only_courses(cohort: Path, folder: Path) -> Path:
    target = folder / "only"
    target.mkdir()
    shutil.copy(cohort / "courses.parquet", target / "courses.parquet")
    return target


@pytest.mark.slow
def test_spark_gives_the_same_numbers_and_recovers_the_truth(report: Report, cohort: Path) -> None:
    ensure_debian_package("java", "default-jre-headless")
    spark = _report(cohort, "spark")
    assert spark.model_dump(exclude={"engine"}) == report.model_dump(exclude={"engine"})
    assert_recovers_truth(spark, cohort / "truth.json")
