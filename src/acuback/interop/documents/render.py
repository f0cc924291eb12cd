"""HTML from the document templates, and PDF from that HTML (see the package docstring).

Every page carries the clinic's name and address, the patient's name and date of birth and
"Page n of m" in its margins (CSS running strings and page counters, print.css), on A4 or US
Letter as the clinic chose. The PDF is PDF/UA-1: tagged, with a title and a language, so a
screen reader can follow it.
"""

from __future__ import annotations

import base64
import binascii
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from importlib.resources import as_file, files
from pathlib import Path
from typing import Any, Literal
from urllib.parse import unquote, urlsplit

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape

__all__ = ["Letterhead", "html_to_pdf", "package_fetcher", "render_html", "render_pdf"]

Paper = Literal["A4", "Letter"]
_DATA_TYPES = ("image/png", "image/svg+xml")
_TYPES = {".css": "text/css", ".ttf": "font/ttf", ".png": "image/png", ".svg": "image/svg+xml"}


@dataclass(frozen=True)
class Letterhead:
    """What every page prints: the clinic, the patient, the paper size."""

    clinic_name: str
    clinic_address: str
    patient_name: str
    patient_birth_date: date | None
    paper: Paper = "A4"
    clinic_phone: str | None = None
    logo: str | None = None  # a data: URI (PNG or SVG) from the clinic settings


def _assets() -> Path:
    with as_file(files("acuback.interop.documents") / "assets") as path:
        return Path(path).resolve()


def _data_image(url: str) -> tuple[str, bytes]:
    """The type and bytes of a base64 PNG or SVG `data:` URI (a logo); else ValueError."""
    head, _, payload = url[5:].partition(",")
    kind, _, encoding = head.partition(";")
    if kind not in _DATA_TYPES or encoding != "base64":
        raise ValueError("only base64 PNG or SVG data: images are embedded")
    try:
        return kind, base64.b64decode(payload, validate=True)
    except binascii.Error:
        raise ValueError("a data: image that is not base64") from None


@lru_cache(maxsize=1)
def _fetcher_class() -> type[Any]:
    # WeasyPrint loads Pango when imported: only when a document is first printed, so that
    # the rest of acuback runs on a machine without it.
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    class PackageOnlyFetcher(URLFetcher):  # type: ignore[misc]
        """Serves the package's assets and inline `data:` images; refuses anything else, and
        remembers what it refused (so tests can show that nothing left the machine)."""

        def __init__(self) -> None:
            super().__init__(allowed_protocols=("file", "data"))
            self.root = _assets()
            self.refused: list[str] = []

        def fetch(self, url: str, headers: Any = None) -> Any:
            parts = urlsplit(url)
            try:
                if parts.scheme == "data":
                    kind, body = _data_image(url)
                    return URLFetcherResponse(url, body, headers={"Content-Type": kind})
                path = Path(unquote(parts.path)).resolve()
                if parts.scheme == "file" and path.is_relative_to(self.root) and path.is_file():
                    kind = _TYPES.get(path.suffix, "application/octet-stream")
                    return URLFetcherResponse(
                        url, path.read_bytes(), headers={"Content-Type": kind}
                    )
            except ValueError:
                pass
            self.refused.append(url[:200])
            raise ValueError(f"acuback documents fetch nothing outside the package: {url[:80]}")

    return PackageOnlyFetcher


def package_fetcher() -> Any:
    """A fresh fetcher for one document (`.refused` lists the URLs it turned away)."""
    return _fetcher_class()()


_ENV = Environment(
    loader=PackageLoader("acuback.interop.documents", "templates"),
    autoescape=select_autoescape(default=True, default_for_string=True),
    undefined=StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
)


def render_html(template: str, letterhead: Letterhead, context: dict[str, Any]) -> str:
    """The document as HTML: the template filled with `context` under the letterhead."""
    return _ENV.get_template(template).render(head=letterhead, **context)


def html_to_pdf(html: str, fetcher: Any = None) -> bytes:
    """Print HTML to a tagged PDF/UA-1 (fonts and stylesheet from the package)."""
    from weasyprint import HTML

    fetcher = fetcher or package_fetcher()
    document = HTML(string=html, base_url=fetcher.root.as_uri() + "/", url_fetcher=fetcher)
    pdf: bytes = document.write_pdf(pdf_variant="pdf/ua-1", pdf_identifier=b"acuback")
    return pdf


def render_pdf(template: str, letterhead: Letterhead, context: dict[str, Any]) -> bytes:
    return html_to_pdf(render_html(template, letterhead, context))
