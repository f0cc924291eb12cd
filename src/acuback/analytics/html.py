"""The report as one self-contained HTML file (no network: figures are inline SVG)."""

from __future__ import annotations

from jinja2 import Environment, PackageLoader, select_autoescape
from markupsafe import Markup

from acuback.analytics.factors import load_analysis_spec
from acuback.analytics.figures import beside_trials_svg, odds_ratio_svg
from acuback.analytics.report import Report

__all__ = ["report_html"]


def report_html(report: Report) -> str:
    env = Environment(
        loader=PackageLoader("acuback.analytics", "templates"), autoescape=select_autoescape()
    )
    labels = {f.name: f.label for f in load_analysis_spec().factors}
    model_svg, trials_svg = odds_ratio_svg(report), beside_trials_svg(report)
    return env.get_template("report.html").render(
        report=report,
        labels=labels,
        # Our own matplotlib output, not user text: safe to embed as markup.
        model_svg=Markup(model_svg) if model_svg else None,
        trials_svg=Markup(trials_svg) if trials_svg else None,
    )
