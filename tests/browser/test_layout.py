"""Every page at a desktop and a phone width: a screenshot, no sideways scroll, and axe-core's
WCAG 2.1 A and AA rules with zero violations; and no console error or CSP violation.

The pages are listed in pages.py, by who sees them; one test per person, one page reused for
all of their pages, so the whole tour stays within a few seconds per person. At each width the
page is saved as a PNG under the test's tmp path (printed on failure; not committed), and axe
runs on what that width shows. At 390 px the document may not be wider than the viewport.

axe-core is the copy that the `axe-playwright-python` package ships (a test dependency), read
from disk and evaluated in the page through Playwright, which the app's Content-Security-Policy
does not govern; the CSP itself stays as it is, and still fails any test that trips it.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from .conftest import DemoClinic
from .pages import PAGES, Visit, visit_path
from .steps import page_errors

WIDTHS = (1366, 390)  # a common laptop, and a current phone held upright
HEIGHT = 900
PHONE = 390
TOUR_TIMEOUT_MS = 20_000
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
_AXE_RUN = "options => axe.run(document, options)"
_OVERFLOW = """width => [...document.querySelectorAll('body *')]
  .filter(e => e.getClientRects().length && e.getBoundingClientRect().right > width + 1)
  .slice(0, 5).map(e => e.tagName.toLowerCase() + (e.id ? '#' + e.id : '')
    + (e.getAttribute('class') ? '.' + e.getAttribute('class').trim().replace(/\\s+/g, '.') : '')
    + ' (right edge ' + Math.round(e.getBoundingClientRect().right) + ' px)')"""


@pytest.fixture(scope="session")
def axe_script() -> str:
    """axe-core's axe.min.js, as shipped inside the axe-playwright-python package."""
    try:
        from axe_playwright_python.base import AXE_FILE_PATH
    except ImportError:
        pytest.fail(
            "the layout tests need axe-core: pip install 'axe-playwright-python>=0.1.8'",
            pytrace=False,
        )
    return Path(AXE_FILE_PATH).read_text(encoding="utf-8")


def _ids(clinic: DemoClinic) -> dict[str, Any]:
    ids: dict[str, Any] = {family.lower(): record for family, record in clinic.patients.items()}
    ids["practitioners"] = clinic.practitioners
    return ids


def _violations(page: Any, axe_script: str) -> list[str]:
    """axe's WCAG 2.1 A and AA violations on the page as it is, one readable line each."""
    if not page.evaluate("() => typeof window.axe === 'object'"):
        page.evaluate(axe_script)
    options = {"runOnly": {"type": "tag", "values": AXE_TAGS}, "resultTypes": ["violations"]}
    results = page.evaluate(_AXE_RUN, options)
    lines = []
    for violation in results["violations"]:
        nodes = violation["nodes"]
        where = "; ".join(
            f"{' '.join(node['target'])}: {node['failureSummary'].splitlines()[-1].strip()}"
            for node in nodes[:3]
        )
        more = f" (and {len(nodes) - 3} more)" if len(nodes) > 3 else ""
        lines.append(
            f"{violation['id']} [{violation['impact']}] {violation['help']}: {where}{more}"
        )
    return lines


def _open(page: Any, entry: str | Visit, path: str) -> list[str]:
    """Load the page (and take its step); problems: an unexpected status, console errors."""
    before = len(page_errors(page))
    response = page.goto(path)
    visit = entry if isinstance(entry, Visit) else Visit(path, path)
    status = response.status if response is not None else 0
    if status != visit.status:
        return [f"status {status}, expected {visit.status}"]
    if visit.step is not None:
        visit.step(page)
    # A page answered with an error status (a form sent back with its errors, a 404) logs
    # that status as a console error about the page's own address: that one is no fault.
    own = f"{page.url}: Failed to load resource: the server responded with a status of"
    return [error for error in page_errors(page)[before:] if not error.startswith(own)]


def _check(page: Any, name: str, folder: Path, axe_script: str) -> list[str]:
    problems: list[str] = []
    stem = re.sub(r"[^\w.-]+", "_", name).strip("_") or "home"
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": HEIGHT})
        page.screenshot(path=str(folder / f"{stem}-{width}.png"), full_page=True)
        if width == PHONE:
            scroll = page.evaluate("() => document.documentElement.scrollWidth")
            if scroll > width:
                wide = page.evaluate(_OVERFLOW, width)
                problems.append(f"{width} px: the page is {scroll} px wide; too wide: {wide}")
        problems += [f"{width} px: {line}" for line in _violations(page, axe_script)]
    return problems


@pytest.mark.parametrize("user", list(PAGES), ids=lambda user: user or "visitor")
def test_every_page_fits_a_phone_and_passes_axe(
    new_page: Callable[..., Any],
    demo_clinic: DemoClinic,
    axe_script: str,
    tmp_path: Path,
    user: str | None,
) -> None:
    page = new_page(user=user)
    # The tour loads the heaviest pages (pooled evidence, full-page screenshots) back to back;
    # on a busy machine one of them may take longer than the suite's short default.
    page.set_default_timeout(TOUR_TIMEOUT_MS)
    page.set_default_navigation_timeout(TOUR_TIMEOUT_MS)
    ids = _ids(demo_clinic)
    problems: dict[str, list[str]] = {}
    for entry in PAGES[user]:
        path = visit_path(entry, ids)
        name = entry.name if isinstance(entry, Visit) else path
        found = _open(page, entry, path) + _check(page, name, tmp_path, axe_script)
        if found:
            problems[name] = found
    report = "\n".join(f"{name}:\n  " + "\n  ".join(lines) for name, lines in problems.items())
    assert not problems, f"as {user or 'a visitor'} (screenshots in {tmp_path}):\n{report}"


def test_the_checks_see_a_missing_label_and_a_page_too_wide(
    page: Any, axe_script: str, tmp_path: Path
) -> None:
    """The tour above can fail: an input without a label and a box wider than a phone."""
    page.goto("/login")
    page.evaluate(
        "() => { const box = document.createElement('div'); box.style.width = '800px';"
        " box.append(document.createElement('input'));"
        " document.querySelector('main').append(box); }"
    )
    problems = _check(page, "broken", tmp_path, axe_script)
    assert any(line.startswith("390 px: the page is") for line in problems), problems
    assert any(line.startswith("1366 px: label ") for line in problems), problems
