"""The one rendering path: paper size, running header and footer on every page, tagged PDF,
fonts from the package, and no fetch outside the package."""

from __future__ import annotations

import base64
import io
from datetime import date

import pytest
from pypdf import PdfReader

from acuback.interop.documents import Letterhead, html_to_pdf, package_fetcher, render_html

from ...pdf_support import ensure_weasyprint_libraries, pdf_pages

# A 1x1 transparent PNG.
PNG = base64.b64encode(
    bytes.fromhex(
        "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
        "1f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082"
    )
).decode()


@pytest.fixture(scope="module", autouse=True)
def _libraries() -> None:
    ensure_weasyprint_libraries()


def _superbill(paper: str, notes: int = 1) -> str:
    head = Letterhead(
        "Riverside Acupuncture",
        "1 River Street\nSpringfield",
        "Ada Fenwick",
        date(1980, 1, 2),
        paper=paper,
        logo=f"data:image/png;base64,{PNG}",
    )  # type: ignore[arg-type]
    context = {
        "title": "Superbill",
        "clinic_npi": None,
        "tax_id": "12-3456789",
        "practitioner": {"name": "Mei Lin", "qualification": "LAc", "npi": None},
        "licence": "not recorded",
        "session_date": date(2026, 3, 2),
        "minutes": 30,
        "session_id": 4,
        "signed_on": "2026-03-02",
        "diagnoses": [],
        "lines": [],
        "total": None,
        "currency": "USD",
        "to_confirm": [f"note {i}" for i in range(notes)],
        "rules": ["a rule"],
        "sources": ["a_source"],
        "verified": False,
    }
    return render_html("superbill.html", head, context)


def test_letter_and_a4_page_sizes() -> None:
    letter = PdfReader(io.BytesIO(html_to_pdf(_superbill("Letter")))).pages[0].mediabox
    a4 = PdfReader(io.BytesIO(html_to_pdf(_superbill("A4")))).pages[0].mediabox
    assert (round(letter.width), round(letter.height)) == (612, 792)  # 8.5 x 11 in
    assert (round(a4.width), round(a4.height)) == (595, 842)  # 210 x 297 mm


def test_every_page_names_the_clinic_the_patient_and_the_page() -> None:
    pages = pdf_pages(html_to_pdf(_superbill("A4", notes=80)))
    assert len(pages) >= 2
    for number, text in enumerate(pages, start=1):
        assert "Ada Fenwick, born 1980-01-02" in text
        assert "Riverside Acupuncture" in text
        assert f"Page {number} of {len(pages)}" in text


def test_pdf_is_tagged_with_title_language_and_package_fonts() -> None:
    reader = PdfReader(io.BytesIO(html_to_pdf(_superbill("A4"))))
    root = reader.trailer["/Root"]
    assert bool(root["/MarkInfo"]["/Marked"])
    assert "/StructTreeRoot" in root
    assert root["/Lang"] == "en"
    assert reader.metadata is not None
    assert reader.metadata.title == "Superbill - Ada Fenwick"
    fonts = {
        str(f["/BaseFont"]).split("+")[-1] for f in reader.pages[0]["/Resources"]["/Font"].values()
    }
    assert fonts == {"DejaVu-Sans", "DejaVu-Sans-Bold"}
    assert "/XObject" in reader.pages[0]["/Resources"]  # the logo, from its data: URI


def test_nothing_outside_the_package_is_fetched() -> None:
    fetcher = package_fetcher()
    html = _superbill("A4").replace(
        "</main>",
        '<img src="https://example.com/x.png" alt="x"><img src="file:///etc/hostname" alt="y">'
        "</main>",
    )
    html_to_pdf(html, fetcher)
    assert fetcher.refused == ["https://example.com/x.png", "file:///etc/hostname"]
