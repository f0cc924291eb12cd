"""Each document downloads from its button in a real browser, and its pages draw to PNG
(pdftoppm, Debian's poppler-utils, installed when missing)."""

from __future__ import annotations

import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from ..pdf_support import ensure_pdftoppm, ensure_weasyprint_libraries, pdf_pages
from .conftest import DemoRecord

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module", autouse=True)
def _tools() -> None:
    ensure_weasyprint_libraries()
    ensure_pdftoppm()


def _download(page: Any, selector: str, folder: Path, name: str) -> bytes:
    with page.expect_download(timeout=60_000) as info:  # a PDF takes seconds to print
        page.locator(selector).click(timeout=60_000)
    target = folder / f"{name}.pdf"
    info.value.save_as(str(target))
    pdf = target.read_bytes()
    assert pdf.startswith(b"%PDF-")
    subprocess.run(
        ["pdftoppm", "-r", "40", "-png", str(target), str(folder / name)],
        check=True,
        capture_output=True,
        timeout=120,
    )
    drawn = sorted(folder.glob(f"{name}-*.png"))
    assert len(drawn) == len(pdf_pages(pdf))
    assert all(png.read_bytes().startswith(b"\x89PNG") for png in drawn)
    return pdf


def test_every_document_downloads_from_its_button(
    new_page: Callable[..., Any], demo_patients: dict[str, DemoRecord], tmp_path: Path
) -> None:
    mei = new_page(user="mei")
    duval = demo_patients["Duval"]  # screening says refer
    mei.goto(f"/clinic/intakes/{duval.intakes[-1]}")
    mei.get_by_label("Note to the physician").fill("Seen today; thank you for seeing her.")
    letter = _download(mei, "#write-referral", tmp_path, "referral")
    assert "Seen today; thank you for seeing her." in " ".join(pdf_pages(letter))
    fenwick = demo_patients["Fenwick"]
    mei.goto(f"/clinic/plans/{fenwick.plans[-1]}")
    for selector, name, words in (
        ("#handout-link", "handout", "home acupressure"),
        ("#consent-link", "consent", "Consent to acupuncture"),
        ("#course-report-link", "course-report", "STRICTA"),
    ):
        assert words in " ".join(pdf_pages(_download(mei, selector, tmp_path, name)))
    mei.goto(f"/clinic/sessions/{fenwick.sessions[-1]}")
    bill = _download(mei, "#superbill-link", tmp_path, "superbill")
    assert "97810" in " ".join(pdf_pages(bill))
    ada = new_page(user="ada")
    ada.goto("/portal/home-points")
    mine = _download(ada, "#handout-link", tmp_path, "portal-handout")
    assert "Ada Fenwick" in pdf_pages(mine)[0]
