"""Every main page works without JavaScript and shows no console error or CSP violation."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
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


def _visit_all(page: Any, paths: list[str]) -> dict[str, list[str]]:
    problems: dict[str, list[str]] = {}
    for path in paths:
        before = len(page_errors(page))
        response = page.goto(path)
        status = response.status if response is not None else 0
        errors = page_errors(page)[before:]
        if status != 200:
            errors = [f"status {status}", *errors]
        if errors:
            problems[path] = errors
    return problems


PUBLIC = ["/", "/self-check", "/learn", "/learn/risks", "/learn/qualifications", "/evidence",
          "/login"]  # fmt: skip


@pytest.mark.parametrize("user", [None, "mei", "ada", "admin", "reception", "researcher"])
def test_main_pages_have_no_console_errors(
    new_page: Callable[..., Any], demo_patients: dict[str, Any], user: str | None
) -> None:
    ada = demo_patients["Fenwick"]
    pages = {
        None: PUBLIC,
        "mei": ["/clinic", "/clinic/patients", f"/clinic/patients/{ada.patient}",
                f"/clinic/intakes/{ada.intakes[0]}", f"/clinic/plans/{ada.plans[0]}",
                f"/clinic/sessions/{ada.sessions[0]}", f"/clinic/patients/{ada.patient}/intake",
                f"/clinic/patients/{ada.patient}/sessions/new",
                f"/clinic/patients/{ada.patient}/outcomes/new", "/clinic/patients/new"],
        "ada": ["/portal", "/portal/questionnaires", "/portal/home-points",
                "/portal/appointments", f"/portal/appointments/{ada.appointments[0]}"],
        "admin": ["/clinic", "/admin/users", "/admin/practitioners", "/admin/audit"],
        "reception": ["/clinic", "/clinic/patients", f"/clinic/patients/{ada.patient}"],
        "researcher": ["/research", "/evidence"],
    }[user]  # fmt: skip
    page = new_page(user=user)
    problems = _visit_all(page, pages)
    assert not problems, f"pages with errors (as {user or 'a visitor'}): {problems}"


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
