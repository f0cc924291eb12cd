"""Printed documents: Jinja templates to HTML, HTML to tagged PDF (PDF/UA-1) by WeasyPrint.

One rendering path: `render_html(template, context)` gives the page, `html_to_pdf(html,
paper)` prints it. Fonts, the stylesheet and the figures ship in this package; the fetcher
refuses every URL outside it (no network at render time).
"""

from __future__ import annotations

from acuback.interop.documents.render import (
    Letterhead,
    html_to_pdf,
    package_fetcher,
    render_html,
    render_pdf,
)

__all__ = ["Letterhead", "html_to_pdf", "package_fetcher", "render_html", "render_pdf"]
