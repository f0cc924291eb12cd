"""The evidence page (public) and the researcher's page of de-identified clinic aggregates.

`/evidence` shows every bundled analysis (`acuback.evidence.trials`: comparator sham, none or
usual care; outcome pain or function; time point) with its pooled mean difference, 95% CI and
heterogeneity, or says plainly that the bundled data cannot support it; the chosen analysis
gets its trials, exclusions and forest plot (drawn by `acuback.evidence.report`, placed inline
through `figures.inline_svg`). The bundled data never change while the app runs, so the figures
are cached. A signed-in user whose role holds `research.aggregate` (practitioner, admin,
researcher) also sees the clinic's own results for one instrument (`?instrument=`, NRS by
default) from `services.research.clinic_outcome_records`: n, mean improvement and responder
rate with 95% CIs, and `evidence.clinic.clinic_figure` (clinic beside the trial arms, with the
caveat that a cohort is not a trial written on it); cached by the summary it shows, so new
records draw a new figure.
Its text stays text in the SVG (svg.fonttype none), so the caveat can be read, searched and
spoken. `/research` shows `services.research.research_aggregates`: counts and rates only,
no name, id or date of anyone; a role holding `research.export` also gets links to
`/research/export.zip?format=csv|parquet`, the de-identified export of
`services.exchange.research_export` (tables and dictionary.json) as one zip file.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from fastapi import APIRouter, Request
from fastapi.responses import Response

from acuback.errors import Forbidden, NotFound
from acuback.evidence.trials import AnalysisSpec, analysis_specs, find_spec, run_analysis
from acuback.knowledge import load_knowledge
from acuback.records import UnitOfWork, User
from acuback.services.access import can
from acuback.services.research import (
    MIN_CELL,
    clinic_outcome_records,
    clinic_scales,
    research_aggregates,
)
from acuback.web.deps import UoW
from acuback.web.views.clinic_common import LoginRequired, PageRoute, PageUser, actor_of
from acuback.web.views.figures import inline_svg
from acuback.web.views.templating import render

if TYPE_CHECKING:
    from acuback.evidence.clinic import ClinicSummary
    from acuback.evidence.report import ReportData

__all__ = [
    "CLINIC_INSTRUMENTS",
    "AnalysisRow",
    "ClinicResults",
    "clinic_results",
    "clinic_svg",
    "evidence_rows",
    "forest_svg",
    "router",
]

router = APIRouter(route_class=PageRoute, include_in_schema=False)

COMPARATOR_WORDS = {
    "sham": "sham acupuncture",
    "none": "no acupuncture (waiting list)",
    "usual": "usual care",
}
TIMEPOINT_WORDS = {
    "end_of_treatment": "end of treatment",
    "3_months": "3 months",
    "6_months": "6 months",
}
#: the instruments the clinic figure can draw (those of `evidence.clinic`), with their scale
CLINIC_INSTRUMENTS = {
    "nrs": ("Pain NRS", "points on the 0-10 pain scale"),
    "peg": ("PEG", "points on the 0-10 PEG scale"),
    "rmdq": ("RMDQ", "points on the 0-24 RMDQ"),
    "odi": ("ODI", "points on the 0-100% ODI"),
}


@dataclass(frozen=True)
class AnalysisRow:
    """One bundled analysis for the overview table: pooled numbers, or why there are none."""

    spec: AnalysisSpec
    pooled: dict[str, Any] | None
    message: str

    @property
    def key(self) -> str:
        return f"{self.spec.comparator}/{self.spec.outcome}/{self.spec.timepoint}"


@lru_cache(maxsize=1)
def evidence_rows() -> tuple[AnalysisRow, ...]:
    """Every bundled analysis, run once (REML, as the CLI's default)."""
    rows = []
    for spec in analysis_specs():
        result = run_analysis(spec.comparator, spec.outcome, spec.timepoint)
        pooled = None if result.pooled is None else result.pooled.as_dict()
        rows.append(AnalysisRow(spec, pooled, result.message))
    return tuple(rows)


@lru_cache(maxsize=16)
def _report(
    comparator: str, outcome: str, timepoint: str
) -> tuple[ReportData, str, tuple[str, ...]]:
    """The report data, its forest plot as inline SVG ('' when none) and its notes."""
    from acuback.evidence.plots import figure_bytes
    from acuback.evidence.report import build_report

    report = build_report(comparator, outcome, timepoint)
    svg = ""
    for name, figure in report.figures.items():
        if name.startswith("forest_"):
            title = (
                f"Forest plot: acupuncture versus {COMPARATOR_WORDS[comparator]}, {outcome}, "
                f"{TIMEPOINT_WORDS.get(timepoint, timepoint)}"
            )
            svg = inline_svg(figure_bytes(figure, "svg").decode("utf-8"), "forest-", title)
    return report.data, svg, report.notes


def forest_svg(comparator: str, outcome: str, timepoint: str = "end_of_treatment") -> str:
    """The chosen analysis's forest plot as inline SVG text ('' when it cannot be pooled)."""
    return _report(comparator, outcome, timepoint)[1]


@dataclass(frozen=True)
class ClinicResults:
    """The clinic's own results for one instrument; `summary` None when too few patients."""

    instrument: str
    summary: ClinicSummary | None
    figure: str  # inline SVG, '' without a summary
    arms: int  # trial arms drawn beside the clinic
    caveat: str  # the core's words, also written on the figure
    min_cell: int = MIN_CELL


def clinic_results(uow: UnitOfWork, user: User, instrument: str) -> ClinicResults:
    """Read the de-identified records (audited by the service), summarise and draw them."""
    from acuback.evidence.clinic import CAVEAT, clinic_summary, trial_benchmarks

    records = clinic_outcome_records(uow, actor_of(user), instrument)
    if not records:
        return ClinicResults(instrument, None, "", 0, CAVEAT)
    summary = clinic_summary(records, instrument, clinic_scales())
    # Records arrive in a random (pseudonym) order: sorted, equal data make one cache key.
    key = replace(summary, improvements=tuple(sorted(summary.improvements)))
    arms = len(trial_benchmarks(instrument))
    return ClinicResults(instrument, summary, clinic_svg(key), arms, CAVEAT)


@lru_cache(maxsize=32)
def clinic_svg(summary: ClinicSummary) -> str:
    """The clinic figure as inline SVG, drawn once per summary (the data it shows): the
    bundled trial arms never change while the app runs, and new records make a new summary."""
    from matplotlib import rc_context

    from acuback.evidence.clinic import clinic_figure, trial_benchmarks
    from acuback.evidence.plots import figure_bytes

    with rc_context({"svg.fonttype": "none"}):  # keep the words (the caveat) as SVG text
        svg = figure_bytes(clinic_figure(summary, trial_benchmarks(summary.instrument)), "svg")
    name = CLINIC_INSTRUMENTS[summary.instrument][0]
    title = f"This clinic's {name} results beside the trial arms"
    return inline_svg(svg.decode("utf-8"), "clinic-", title)


@router.get("/evidence")
def evidence(
    request: Request,
    uow: UoW,
    user: PageUser,
    comparator: str = "sham",
    outcome: str = "pain",
    timepoint: str = "end_of_treatment",
    instrument: str = "nrs",
) -> Response:
    spec = find_spec(comparator, outcome, timepoint)  # NotFound -> a 404 page with the keys
    if instrument not in CLINIC_INSTRUMENTS:
        raise NotFound("instrument", instrument, tuple(CLINIC_INSTRUMENTS))
    data, svg, notes = _report(spec.comparator, spec.outcome, spec.timepoint)
    clinic = None
    if user is not None and can(actor_of(user), "research.aggregate"):
        clinic = clinic_results(uow, user, instrument)
    context = {
        "rows": evidence_rows(),
        "spec": spec,
        "data": data,
        "forest": svg,
        "notes": notes,
        "comparators": COMPARATOR_WORDS,
        "timepoints": TIMEPOINT_WORDS,
        "clinic": clinic,
        "instruments": CLINIC_INSTRUMENTS,
        "instrument": instrument,
    }
    return render(request, "research/evidence.html", context, user=user)


def _condition_words(key: str) -> str:
    conditions = load_knowledge().conditions
    names = [conditions[c].name if c in conditions else c.replace("_", " ") for c in key.split(",")]
    return " + ".join(names)


@router.get("/research")
def research(request: Request, uow: UoW, user: PageUser) -> Response:
    if user is None:
        raise LoginRequired
    figures = research_aggregates(uow, actor_of(user))  # Forbidden -> a 403 page
    from acuback.clinical import load_instruments
    from acuback.clinical.outcomes import threshold_words

    specs = load_instruments().instruments
    names = {spec.id: spec.short_name for spec in specs}
    responders = "; ".join(
        f"{spec.short_name}: {threshold_words(spec.responder)}" for spec in specs if spec.responder
    )
    context = {
        "figures": figures,
        "condition_words": _condition_words,
        "instruments": names,
        "responder_rules": responders,
        "can_export": can(actor_of(user), "research.export"),
        "can_analyse": can(actor_of(user), "research.analytics"),
    }
    return render(request, "research/aggregates.html", context, user=user)


@router.get("/research/analytics")
def research_analytics(request: Request, uow: UoW, user: PageUser) -> Response:
    """The analytics report (researchers): its own page, since it reads every course."""
    if user is None:
        raise LoginRequired
    context = _analytics(request, uow, user)
    if context["analytics"] is None:
        raise Forbidden("only a researcher may see the clinic analytics")
    return render(request, "research/analytics.html", context, user=user)


def _analytics(request: Request, uow: UnitOfWork, user: User) -> dict[str, Any]:
    """The analytics report and its model figure, for a role that may see them (else none)."""
    from acuback.analytics.factors import load_analysis_spec
    from acuback.analytics.figures import beside_trials_svg, odds_ratio_svg
    from acuback.services.analytics import clinic_analytics
    from acuback.services.exchange import research_keys

    actor = actor_of(user)
    if not can(actor, "research.analytics"):
        return {"analytics": None}
    report = clinic_analytics(uow, actor, research_keys(request.app.state.settings))
    model, beside = odds_ratio_svg(report), beside_trials_svg(report)
    labels = {f.name: f.label for f in load_analysis_spec().factors}
    name = CLINIC_INSTRUMENTS[report.instrument][0]
    return {
        "analytics": report,
        "factor_labels": labels,
        "model_svg": None
        if model is None
        else inline_svg(
            model, "analytics-model", "Odds ratios of responding from the adjusted model"
        ),
        "beside_svg": None
        if beside is None
        else inline_svg(
            beside, "analytics-beside", f"This clinic's {name} courses beside the trial arms"
        ),
    }


@router.get("/research/export.zip")
def research_export_zip(
    request: Request, uow: UoW, user: PageUser, format: str = "csv"
) -> Response:
    """The de-identified research export as a zip (Forbidden -> a 403 page)."""
    import io
    import tempfile
    import zipfile
    from pathlib import Path

    from acuback.services.exchange import research_export, research_keys

    if user is None:
        raise LoginRequired
    keys = research_keys(request.app.state.settings)
    with tempfile.TemporaryDirectory() as scratch:
        summary = research_export(uow, actor_of(user), keys, Path(scratch), format)
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            for path in summary.files:
                archive.write(path, arcname=path.name)
    name = f"acuback-research-{format}.zip"
    headers = {"Content-Disposition": f'attachment; filename="{name}"'}
    return Response(buffer.getvalue(), media_type="application/zip", headers=headers)
