"""CLI commands for evidence synthesis: `acuback evidence pool | trials | report`."""

from __future__ import annotations

import csv
import dataclasses
import io
from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer

from acuback.cli.files import output_path, read_input, write_output
from acuback.cli.output import JsonOption, emit
from acuback.errors import InputError

if TYPE_CHECKING:
    from acuback.evidence.clinic import ClinicSummary
    from acuback.evidence.pooling import PooledResult
    from acuback.evidence.report import EvidenceReport

__all__ = ["register"]

MEASURES = ("MD", "SMD", "RR", "OR", "RD")
METHODS = ("FE", "DL", "REML", "PM")
COMPARATORS = ("sham", "none", "usual")
OUTCOMES = ("pain", "function")
TIMEPOINTS = ("end_of_treatment", "3_months", "6_months")


def _choice(field: str, value: str | None, allowed: tuple[str, ...]) -> str | None:
    if value is None:
        return None
    for a in allowed:
        if value.lower() == a.lower():
            return a
    raise InputError(field, f"unknown value {value!r}", allowed)


def _read_text(path: str, field: str = "DATA") -> str:
    return read_input(path, field, encoding="utf-8-sig")


def _columns(text: str) -> dict[str, list[str]]:
    reader = csv.DictReader(io.StringIO(text))
    names = [n.strip() for n in (reader.fieldnames or [])]
    cols: dict[str, list[str]] = {n: [] for n in names}
    for row in reader:
        for raw, name in zip(reader.fieldnames or [], names, strict=True):
            cols[name].append((row.get(raw) or "").strip())
    if not cols or not next(iter(cols.values())):
        raise InputError("DATA", "no rows found (expected a CSV with a header line)")
    return cols


def _write_figure(fig: object, path: Path, field: str) -> None:
    from acuback.evidence.plots import figure_bytes

    fmt = path.suffix.lower().lstrip(".")
    if fmt not in ("svg", "png"):
        raise InputError(field, f"unknown image type {path.suffix!r}", ("file.svg", "file.png"))
    write_output(path, figure_bytes(fig, "svg" if fmt == "svg" else "png"), field)


def _num(x: float | None, digits: int = 4) -> str:
    return "n/a" if x is None else f"{x:.{digits}f}"


def _p(p: float | None) -> str:
    """'p = 0.0123', 'p < 0.0001' or 'p n/a'."""
    return "p n/a" if p is None else ("p < 0.0001" if p < 1e-4 else f"p = {p:.4f}")


def _render_pooled(r: PooledResult, digits: int = 4) -> str:
    from acuback.evidence.pooling import back_transform

    ratio = r.measure in ("RR", "OR")

    def bt(x: float) -> str:
        return f"{back_transform(r.measure, x):.{digits}f}"

    label = {"RR": "risk ratio", "OR": "odds ratio"}.get(r.measure, r.measure)
    model = "fixed effect" if r.method == "FE" else f"random effects ({r.method})"
    test = "Hartung-Knapp t" if r.hk else "z"
    stat = f"t({r.df}) = {r.stat:.3f}" if r.hk else f"z = {r.stat:.3f}"
    lines = [
        f"{r.k} stud{'y' if r.k == 1 else 'ies'}, {model}, {test} test",
        f"{'Pooled' if r.k > 1 else 'Single-study'} {label}: {bt(r.estimate)} "
        f"(95% CI {bt(r.ci_lb)} to {bt(r.ci_ub)}), {stat}, {_p(r.pval)}",
    ]
    if ratio:
        lines.append(f"  log scale: {r.estimate:.4f} (SE {r.se:.4f})")
    if r.method != "FE" and r.k > 1:
        lines.append(f"95% prediction interval: {bt(r.pi_lb)} to {bt(r.pi_ub)}")
    if r.k > 1:
        ci = "" if r.tau2_ci is None else f" (95% CI {r.tau2_ci[0]:.4g} to {r.tau2_ci[1]:.4g})"
        lines.append(
            f"Heterogeneity: tau^2 = {r.tau2:.4g}{ci}, I^2 = {_num(r.I2, 1)}%, "
            f"H^2 = {_num(r.H2, 2)}, Q({r.Q_df}) = {r.Q:.3f}, {_p(r.Q_pval)}"
        )
    return "\n".join(lines)


def pool_command(
    data: str = typer.Argument(..., help="CSV file with metafor columns, or - for stdin."),
    measure: str | None = typer.Option(None, "--measure", help="MD | SMD | RR | OR | RD"),
    method: str = typer.Option("REML", "--method", help="FE | DL | REML | PM"),
    hk: bool = typer.Option(False, "--hk", help="Hartung-Knapp adjustment (t test)."),
    forest: Path | None = typer.Option(
        None, "--forest", help="Write a forest plot (.svg or .png)."
    ),
    as_json: bool = JsonOption,
) -> None:
    """Pool effect sizes from columns yi,vi | n1i,m1i,sd1i,n2i,m2i,sd2i | ai,bi,ci,di."""
    from acuback.evidence.effect_sizes import effect_sizes_from_columns
    from acuback.evidence.pooling import pool

    m = _choice("--measure", measure, MEASURES)
    meth = _choice("--method", method, METHODS)
    es = effect_sizes_from_columns(_columns(_read_text(data)), m)  # type: ignore[arg-type]
    res = pool(es, method=meth, hk=hk)  # type: ignore[arg-type]
    if forest is not None:
        from acuback.evidence.plots import forest_plot

        _write_figure(forest_plot(es, res), output_path(forest, "--forest"), "--forest")
    emit(res.as_dict(), as_json, lambda: _render_pooled(res))


def trials_command(as_json: bool = JsonOption) -> None:
    """List the bundled trials with their arms, outcomes and sources."""
    from acuback.evidence.trials import trial_arms

    trials: dict[str, dict[str, Any]] = {}
    for a in trial_arms():
        t = trials.setdefault(
            a.trial,
            {
                "trial": a.trial,
                "publication": a.publication,
                "arms": [],
                "outcomes": [],
                "sources": [],
            },
        )
        for key, value in (("arms", a.arm), ("outcomes", a.outcome), ("sources", a.source)):
            if value not in t[key]:
                t[key].append(value)
    data = list(trials.values())

    def render() -> str:
        out = []
        for t in data:
            out.append(f"{t['trial']}: {t['publication']}")
            out.append(f"  arms: {', '.join(t['arms'])}")
            out.append(f"  outcomes: {', '.join(t['outcomes'])}")
            out.extend(f"  source: {s}" for s in t["sources"])
        return "\n".join(out)

    emit(data, as_json, render)


def _clinic_part(clinic_text: str, instrument: str) -> tuple[str, object, ClinicSummary]:
    """The clinic's figure (its file stem and the figure) and its summary."""
    from acuback.evidence.clinic import (
        clinic_figure,
        clinic_summary,
        parse_outcome_csv,
        trial_benchmarks,
    )
    from acuback.services.research import clinic_scales

    scales = clinic_scales()
    summary = clinic_summary(parse_outcome_csv(clinic_text, scales), instrument, scales)
    figure = clinic_figure(summary, trial_benchmarks(summary.instrument))
    return f"clinic_{summary.instrument}", figure, summary


def _clinic_json(summary: ClinicSummary) -> dict[str, Any]:
    """The clinic's summary in the report's output: every field but the per-patient list."""
    data = dataclasses.asdict(summary)
    del data["improvements"]
    return data


def _write_figures(figures: dict[str, object], out: Path) -> list[str]:
    files = []
    for stem, fig in figures.items():
        for ext in ("svg", "png"):
            path = out / f"{stem}.{ext}"
            _write_figure(fig, path, "--out")
            files.append(str(path))
    return files


_VERSUS = {
    "sham": "sham acupuncture",
    "none": "no acupuncture or waiting list",
    "usual": "usual care",
}


def _render_report(
    rep: EvidenceReport,
    clinic: ClinicSummary | None,
    files: list[str],
    comparator: str,
    outcome: str,
    timepoint: str,
) -> str:
    versus = _VERSUS.get(comparator, comparator)
    head = f"Acupuncture versus {versus}: {outcome}, {timepoint.replace('_', ' ')}"
    lines = [head, "Mean difference, positive favours acupuncture; " + str(rep.data["scale"])]
    if rep.pooled is None:
        lines.append("No pooled estimate.")
    else:
        lines.append(_render_pooled(rep.pooled, digits=2))
        for t in rep.data["trials"]:
            lines.append(f"  {t['study']}: {t['md']:.2f} (SE {t['se']:.2f})")
    lines.extend(rep.notes)
    if clinic is not None:
        c = clinic
        ci = "n/a" if c.ci is None else f"{c.ci[0]:.2f} to {c.ci[1]:.2f}"
        lines.append(
            f"Clinic ({c.instrument}, n = {c.n_patients}): mean improvement "
            f"{c.mean_improvement:.2f} (95% CI {ci}); responders {c.responders}"
            f"/{c.n_patients} ({c.responder_rate:.0%}, 95% CI "
            f"{c.responder_ci[0]:.0%} to {c.responder_ci[1]:.0%})"
        )
    lines.extend(f"wrote {f}" for f in files)
    return "\n".join(lines)


def report_command(
    comparator: str = typer.Option(..., "--comparator", help="sham | none | usual"),
    outcome: str = typer.Option(..., "--outcome", help="pain | function"),
    timepoint: str = typer.Option(
        "end_of_treatment", "--timepoint", help="end_of_treatment | 3_months | 6_months"
    ),
    method: str = typer.Option("REML", "--method", help="FE | DL | REML | PM"),
    hk: bool = typer.Option(False, "--hk", help="Hartung-Knapp adjustment."),
    out: Path = typer.Option(Path("acuback-evidence"), "--out", help="Directory for the plots."),
    clinic: str | None = typer.Option(None, "--clinic", help="CSV patient,date,instrument,score."),
    instrument: str = typer.Option("nrs", "--instrument", help="nrs | peg | rmdq | odi"),
    as_json: bool = JsonOption,
) -> None:
    """Run a bundled analysis, print the pooled estimate and write its plots (SVG and PNG)."""
    from acuback.evidence.report import build_report

    clinic_text = None if clinic is None else _read_text(clinic, "--clinic")
    output_path(out, "--out", folder=True)
    rep = build_report(
        _choice("--comparator", comparator, COMPARATORS) or comparator,
        _choice("--outcome", outcome, OUTCOMES) or outcome,
        _choice("--timepoint", timepoint, TIMEPOINTS) or timepoint,
        _choice("--method", method, METHODS) or method,  # type: ignore[arg-type]
        hk,
    )
    figures = dict(rep.figures)
    data = dict(rep.data)
    clinic_summary = None
    if clinic_text is not None:
        stem, figure, clinic_summary = _clinic_part(clinic_text, instrument)
        figures[stem] = figure
        data["clinic"] = _clinic_json(clinic_summary)
    files = _write_figures(figures, out)
    data["files"] = files
    data["notes"] = list(rep.notes)
    emit(
        data,
        as_json,
        lambda: _render_report(rep, clinic_summary, files, comparator, outcome, timepoint),
    )


def register(app: typer.Typer) -> None:
    """Add the `evidence` sub-app with `pool`, `trials` and `report`."""
    sub = typer.Typer(
        help="Evidence synthesis: pool trials, list the bundled trials, report.",
        no_args_is_help=True,
    )
    sub.command("pool")(pool_command)
    sub.command("trials")(trials_command)
    sub.command("report")(report_command)
    app.add_typer(sub, name="evidence")
