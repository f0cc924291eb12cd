"""PDF tests: WeasyPrint's Debian libraries (installed when missing) and the text of a PDF.

WeasyPrint needs Pango and its FreeType back end on Debian 12 (libpango-1.0-0,
libpangoft2-1.0-0, which bring GLib, HarfBuzz and fontconfig) and HarfBuzz's subsetter
(libharfbuzz-subset0) to embed font subsets. `pdftoppm` (poppler-utils) draws pages to PNG.
"""

from __future__ import annotations

import ctypes
import io

from .system_packages import ensure_debian_package

__all__ = ["ensure_pdftoppm", "ensure_weasyprint_libraries", "pdf_pages"]

LIBRARIES = {
    "libpango-1.0.so.0": "libpango-1.0-0",
    "libpangoft2-1.0.so.0": "libpangoft2-1.0-0",
    "libharfbuzz-subset.so.0": "libharfbuzz-subset0",
}


def _loadable(name: str) -> bool:
    try:
        ctypes.CDLL(name)
    except OSError:
        return False
    return True


def ensure_weasyprint_libraries() -> None:
    for library, package in LIBRARIES.items():
        ensure_debian_package(lambda library=library: _loadable(library), package)


def ensure_pdftoppm() -> None:
    ensure_debian_package("pdftoppm", "poppler-utils")


def pdf_pages(pdf: bytes) -> list[str]:
    """The text of each page (pypdf), whitespace collapsed."""
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(pdf))
    return [" ".join(page.extract_text().split()) for page in reader.pages]
