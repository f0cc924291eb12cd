"""The analytics report at scale: DuckDB beside one hand-written SQL query and beside pandas.

Run: python bench/bench_analytics.py [--sizes 1000000 10000000] [--repeat 3] [--spark]
     [--workdir DIR]

For each size it writes a synthetic cohort (`acuback analytics synth`, seed 1; reused when the
folder already holds one of that size) and times the median of `--repeat` rounds of the kinds
below. A round runs every kind once, each in a fresh child process (so the peak memory printed
is that run's own, `ru_maxrss`; the clock starts after the imports); the kinds alternate within
the rounds, so a change in the machine's load falls on all of them alike:
  report    the full report on DuckDB: factor tables, overall figures and the adjusted model
            (acuback.analytics.report.build_report), Parquet to finished Report;
  figures   the same factor figures through Ibis alone, over the cached course table as the
            report computes them (no model, no intervals);
  sql       those figures as ONE hand-written DuckDB query (tests/integration/analytics/
            report.sql, which the tests also check the report against): the baseline;
  pandas    those figures with pandas over the same Parquet files: the other baseline;
  spark     the full report on Spark local[2] (only with --spark; the smallest size only).
Targets (issue 15): the full report at most 1.3x the one SQL query of its figures (report /
sql; figures / sql shows what Ibis itself costs); pandas / report >= 10; report at 10M <= 3 s;
the growth from the smallest to the largest size close to linear (the ratio of times is printed
beside the ratio of sizes). The load average is printed beside each size: on a shared machine
the figures are only as quiet as it was.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SQL = REPO / "tests" / "integration" / "analytics" / "report.sql"
KINDS = ("report", "figures", "sql", "pandas")


def _cohort(workdir: Path, sessions: int) -> Path:
    from acuback.analytics.synth import write_cohort

    folder = workdir / f"cohort-{sessions}"
    marker = folder / "truth.json"
    if marker.is_file() and json.loads(marker.read_text())["sessions"] >= sessions:
        return folder
    started = time.perf_counter()
    summary = write_cohort(folder, sessions, seed=1)
    print(f"  wrote {summary.sessions:,} sessions in {time.perf_counter() - started:.1f} s")
    return folder


def _pandas_figures(folder: Path) -> int:
    import pandas as pd

    s = pd.read_parquet(folder / "sessions.parquet", columns=["course_key", "session_on"])
    per = s.groupby("course_key", sort=False)["session_on"].agg(["size", "min", "max"])
    cols = [
        "course_key",
        "condition",
        "chronicity",
        "expectation",
        "prior_acupuncture",
        "startback",
        "practitioner_key",
        "practitioner_years",
        "instrument",
        "scores",
        "baseline",
        "final",
    ]
    c = pd.read_parquet(folder / "courses.parquet", columns=cols)
    c = c[(c["instrument"] == "nrs") & (c["scores"] >= 2)].join(per, on="course_key")
    weeks = (pd.to_datetime(c["max"]) - pd.to_datetime(c["min"])).dt.days // 7 + 1
    c["per_week"] = c["size"] / weeks
    gain = (c["baseline"] - c["final"]).round(9)
    c["gain"] = c["baseline"] - c["final"]
    c["met"] = (gain >= 2) | ((c["baseline"] > 0) & ((gain / c["baseline"] * 100).round(9) >= 30))
    bands = {
        "sessions_per_week": ("per_week", [1.5, 2.5], ["1 or fewer", "2", "3 or more"]),
        "sessions": ("size", [6, 11, 16], ["1-5", "6-10", "11-15", "16 or more"]),
        "expectation": ("expectation", [4, 7], ["0-3", "4-6", "7-10"]),
        "practitioner_experience": (
            "practitioner_years",
            [5, 10, 20],
            ["under 5", "5-9", "10-19", "20 or more"],
        ),
    }
    out = 0
    for column, cuts, labels in bands.values():
        level = pd.cut(c[column], [-float("inf"), *cuts, float("inf")], right=False, labels=labels)
        out += len(
            c.groupby(level, observed=True).agg(
                n=("met", "size"), r=("met", "sum"), m=("gain", "mean"), sd=("gain", "std")
            )
        )
    for column in ("condition", "chronicity", "prior_acupuncture", "startback", "practitioner_key"):
        grouped = c.groupby(c[column].astype("string").fillna("not recorded"), sort=False)
        out += len(
            grouped.agg(n=("met", "size"), r=("met", "sum"), m=("gain", "mean"), sd=("gain", "std"))
        )
    return out


def _run(kind: str, folder: Path) -> None:
    if kind == "sql":
        import duckdb

        duckdb.sql(SQL.read_text().format(dir=folder)).fetchall()
        return
    if kind == "pandas":
        _pandas_figures(folder)
        return
    from acuback.analytics.engines import connect, register_directory
    from acuback.analytics.factors import load_analysis_spec
    from acuback.analytics.queries import course_facts, factor_table
    from acuback.analytics.report import build_report

    engine = "spark" if kind == "spark" else "duckdb"
    with connect(engine) as con:
        tables = register_directory(con, folder)
        if kind == "figures":  # as the report computes them: over the cached course table
            facts = course_facts(tables["courses"], tables["sessions"], "nrs").cache()
            factor_table(facts, load_analysis_spec()).to_pyarrow()
            facts.release()
        else:
            build_report(tables, engine)


def _child(kind: str, folder: Path, repeat: int) -> None:
    """Timed runs in this fresh process, after the imports (libraries load once per process,
    as in a server): prints the median seconds and the peak RSS as JSON."""
    import duckdb  # noqa: F401  (the imports every kind needs, before the clock starts)
    import ibis.backends.duckdb  # noqa: F401  (Ibis loads its backends on first use)
    import pandas  # noqa: F401

    import acuback.analytics.report  # noqa: F401

    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        _run(kind, folder)
        times.append(time.perf_counter() - started)
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"seconds": statistics.median(times), "peak_mb": peak_mb}))


def _timed(kind: str, folder: Path) -> tuple[float, float]:
    """One timed run of `kind` in a fresh child process: (seconds, peak MB)."""
    done = subprocess.run(
        [sys.executable, __file__, "--child", kind, "--dir", str(folder), "--repeat", "1"],
        capture_output=True,
        text=True,
        check=True,
    )
    run = json.loads(done.stdout.strip().splitlines()[-1])
    return run["seconds"], run["peak_mb"]


def _rounds(kinds: list[str], folder: Path, repeat: int) -> dict[str, tuple[float, float]]:
    """The median seconds and the largest peak of each kind over `repeat` alternating rounds."""
    runs: dict[str, list[tuple[float, float]]] = {kind: [] for kind in kinds}
    for _ in range(repeat):
        for kind in kinds:
            runs[kind].append(_timed(kind, folder))
    return {
        kind: (statistics.median(s for s, _ in got), max(p for _, p in got))
        for kind, got in runs.items()
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1_000_000, 10_000_000])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--spark", action="store_true")
    parser.add_argument("--kinds", nargs="+", choices=KINDS, default=list(KINDS))
    parser.add_argument("--workdir", type=Path, default=Path("/tmp/acuback-bench-analytics"))
    parser.add_argument("--child", choices=(*KINDS, "spark"))
    parser.add_argument("--dir", type=Path)
    args = parser.parse_args()
    if args.child:
        _child(args.child, args.dir, args.repeat)
        return
    results: dict[int, dict[str, tuple[float, float]]] = {}
    for size in args.sizes:
        print(f"{size:,} sessions")
        folder = _cohort(args.workdir, size)
        print(f"  load average before: {os.getloadavg()[0]:.1f}")
        results[size] = _rounds(args.kinds, folder, args.repeat)
        if args.spark and size == min(args.sizes):
            results[size]["spark"] = _timed("spark", folder)
        for kind, (seconds, peak) in results[size].items():
            print(f"  {kind:8s} median {seconds:7.3f} s   peak memory {peak:7.0f} MB")
        r = {kind: seconds for kind, (seconds, _) in results[size].items()}
        ratios = [
            ("report", "sql", "target <= 1.3: the full report against one SQL query"),
            ("figures", "sql", "the factor figures alone through Ibis"),
            ("pandas", "report", "target >= 10"),
        ]
        for top, bottom, note in ratios:
            if top in r and bottom in r:
                print(f"  {top} / {bottom}  {r[top] / r[bottom]:5.2f}x   ({note})")
    if len(args.sizes) > 1:
        small, large = min(args.sizes), max(args.sizes)
        for kind in args.kinds:
            grow = results[large][kind][0] / results[small][kind][0]
            print(
                f"growth {small:,} -> {large:,} ({large / small:.0f}x the data): {kind} {grow:.2f}x"
            )
        if "report" in results[large]:
            seconds = results[large]["report"][0]
            print(f"report at {large:,} sessions: {seconds:.2f} s (target <= 3 s)")


if __name__ == "__main__":
    main()
