"""The main pages work without JavaScript, and the console-error watch can fail.

That every page shows no console error or CSP violation is checked by the tour of every page
in test_layout.py (the pages are listed in pages.py).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from playwright.sync_api import expect

from .steps import fill_self_check, log_in, page_errors, submit
from .steps import self_check_answer as answer


def test_login_and_self_check_work_with_javascript_off(
    new_page: Callable[..., Any], demo_logins: dict[str, str]
) -> None:
    page = new_page(java_script_enabled=False)
    log_in(page, "mei", demo_logins["mei"])
    expect(page.get_by_role("heading", level=1)).to_contain_text("Dashboard")
    page.goto("/clinic/patients")
    page.get_by_label("Search by name").fill("Fenwick")
    submit(page, "Search")
    expect(page.get_by_role("link", name="Fenwick, Ada")).to_be_visible()
    submit(page, "Log out")
    cancer = ("I have, or have had, cancer", "I have lost weight without trying")
    fill_self_check(page, ticks=cancer)
    expect(answer(page)).to_have_attribute("data-disposition", "refer")
    expect(answer(page).get_by_role("heading", level=2)).to_have_text("Talk to your doctor first")


def test_the_error_watch_sees_a_csp_violation(page: Any) -> None:
    """The check above can fail: an inline script is refused by the CSP and reported."""
    page.goto("/")
    page.evaluate(
        "() => { const s = document.createElement('script');"
        " s.textContent = 'window.ran = true'; document.body.append(s); }"
    )
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    assert page.evaluate("() => window.ran === undefined"), "the inline script must not run"
    for _ in range(40):  # the console message arrives asynchronously
        if any("Content Security Policy" in text for text in page_errors(page)):
            break
        page.wait_for_timeout(25)
    assert any("Content Security Policy" in text for text in page_errors(page)), page_errors(page)
    page_errors(page).clear()  # seen and expected: the fixture must not fail the test for it
