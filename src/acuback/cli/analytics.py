"""CLI commands for clinic analytics: `acuback analytics synth | report`."""

from __future__ import annotations

import getpass
from pathlib import Path
from typing import TYPE_CHECKING

import typer

from acuback.cli.output import JsonOption, emit
from acuback.errors import InputError

if TYPE_CHECKING:
    from acuback.analytics.report import Report

__all__ = ["register"]

analytics_app = typer.Typer(
    help="Clinic analytics: who responds, under what conditions (DuckDB or Spark).",
    no_args_is_help=True,
)


def _new_folder(path: Path, option: str) -> Path:
    if path.exists() and not path.is_dir():
        raise InputError(option, f"{path} exists and is not a folder")
    if not path.parent.is_dir():
        raise InputError(option, f"the folder {path.parent} does not exist")
    return path


@analytics_app.command("synth")
def synth_command(
    sessions: int = typer.Option(
        ..., "--sessions", min=1, max=100_000_000, help="Signed sessions to write (at least)."
    ),
    seed: int = typer.Option(0, "--seed", help="Random seed: the same seed writes the same files."),
    out: Path = typer.Option(..., "--out", help="Folder to write the export's tables into."),
    as_json: bool = JsonOption,
) -> None:
    """Write a synthetic cohort in the research export's format, with known planted effects."""
    from acuback.analytics.synth import write_cohort
    from acuback.cli.progress import progress_bar

    folder = _new_folder(out, "--out")
    with progress_bar(as_json) as progress:
        summary = write_cohort(folder, sessions, seed, progress)
    data = {
        "out": str(folder),
        "courses": summary.courses,
        "sessions": summary.sessions,
        "practitioners": summary.practitioners,
    }
    emit(
        data,
        as_json,
        lambda: (
            f"wrote {summary.sessions} sessions in {summary.courses} courses "
            f"({summary.practitioners} practitioners) to {folder}"
        ),
    )


@analytics_app.command("report")
def report_command(
    source: Path | None = typer.Option(
        None, "--source", help="A research export folder (Parquet or CSV)."
    ),
    db: str | None = typer.Option(None, "--db", help="A database URL: report on the live clinic."),
    engine: str = typer.Option("duckdb", "--engine", help="duckdb (embedded) or spark."),
    spark_master: str = typer.Option(
        "local[2]", "--spark-master", help="Spark master URL (with --engine spark)."
    ),
    instrument: str = typer.Option(
        "nrs", "--instrument", help="Outcome instrument: nrs, peg, rmdq or odi."
    ),
    out: Path | None = typer.Option(
        None, "--out", help="Also write the report as HTML to this file."
    ),
    as_json: bool = JsonOption,
) -> None:
    """Responder rates and mean change by factor, the adjusted model and what they can show."""
    from acuback.analytics.engines import ENGINES

    if engine not in ENGINES:
        raise InputError("--engine", f"unknown engine {engine!r}", ENGINES)
    if (source is None) == (db is None):
        raise InputError("--source", "give exactly one of --source DIR and --db URL")
    _instrument(instrument)
    if out is not None and not out.parent.is_dir():
        raise InputError("--out", f"the folder {out.parent} does not exist")
    report = (
        _report_from_source(source, engine, spark_master, instrument)
        if source
        else _report_from_db(db or "", engine, spark_master, instrument)
    )
    if out is not None:
        from acuback.analytics.html import report_html

        out.write_text(report_html(report), encoding="utf-8")
    emit(report.model_dump(mode="json"), as_json, lambda: _text(report))


def _instrument(name: str) -> None:
    from acuback.clinical.instruments import load_instruments

    allowed = [i.id for i in load_instruments().instruments if i.responder is not None]
    if name not in allowed:
        raise InputError("--instrument", f"unknown or unscored instrument {name!r}", allowed)


def _report_from_source(source: Path, engine: str, master: str, instrument: str) -> Report:
    from acuback.analytics.engines import connect, register_directory
    from acuback.analytics.report import build_report

    with connect(engine, master) as con:
        return build_report(register_directory(con, source), engine, instrument)


def _report_from_db(db: str, engine: str, master: str, instrument: str) -> Report:
    from acuback.records import UnitOfWork, make_engine
    from acuback.services.access import Actor
    from acuback.services.analytics import clinic_analytics
    from acuback.services.exchange import research_keys
    from acuback.settings import get_settings

    keys = research_keys(get_settings())
    database = make_engine(db)
    try:
        with UnitOfWork(database) as uow:
            # Whoever can open the database file runs the CLI; the report is a researcher's.
            operator = Actor(None, f"cli:{getpass.getuser()}", "researcher")
            return clinic_analytics(uow, operator, keys, engine, instrument, master)
    finally:
        database.dispose()


def _text(report: Report) -> str:
    lines = [
        f"{report.n_courses} courses, {report.n_assessed} assessed, "
        f"{report.n_sessions} sessions ({report.engine})",
        "",
    ]
    lines += [f"- {line}" for line in report.summary]
    for name, levels in report.factors.items():
        lines.append("")
        lines.append(name)
        for lvl in levels:
            if lvl.suppressed or lvl.rate is None or lvl.rate_ci is None:
                lines.append(f"  {lvl.label}: a small cell, not shown")
            else:
                lo, hi = lvl.rate_ci
                lines.append(
                    f"  {lvl.label}: n {lvl.n}, responders {lvl.rate:.0%} ({lo:.0%} to "
                    f"{hi:.0%}), mean change {lvl.mean_change:.2f}"
                )
    return "\n".join(lines)


def register(app: typer.Typer) -> None:
    app.add_typer(analytics_app, name="analytics")
