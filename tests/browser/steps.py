"""Steps users take in the browser, shared by the tests, and the page's error log.

Each step drives the real pages the way a user does (labels, roles, button names) and returns
what the next step needs (an id read from the address the app redirected to). Every test makes
its own patient, so the tests do not depend on each other or on their order.
"""

from __future__ import annotations

import itertools
import re
import uuid
from collections.abc import Iterable
from typing import Any

__all__ = [
    "CHROMIUM",
    "TIMEOUT_MS",
    "accept_plan",
    "chart_session",
    "fill_self_check",
    "id_from_url",
    "log_in",
    "new_patient",
    "page_errors",
    "propose_plan",
    "self_check_answer",
    "submit",
    "submit_intake",
    "unique_family_name",
    "watch",
]

CHROMIUM = "/usr/bin/chromium"  # Debian's package `chromium`
TIMEOUT_MS = 5_000  # a local server answers in milliseconds; fail fast instead of hanging
_ERRORS_KEY = "acuback_errors"

_COUNTER = itertools.count(1)
_RUN = uuid.uuid4().hex[:4]


def unique_family_name(stem: str) -> str:
    """A family name no other test uses (letters only: names are searched as words)."""
    letters = "".join(chr(ord("a") + int(c, 16) % 26) for c in f"{_RUN}{next(_COUNTER):02x}")
    return f"{stem}{letters}"


def watch(page: Any) -> Any:
    """Record the page's console errors and uncaught exceptions; set short timeouts."""
    errors: list[str] = []
    setattr(page, _ERRORS_KEY, errors)

    def console(message: Any) -> None:
        if message.type == "error":
            errors.append(f"{message.location.get('url') or page.url}: {message.text}")

    page.on("console", console)
    page.on("pageerror", lambda exc: errors.append(f"{page.url}: uncaught {exc}"))
    page.set_default_timeout(TIMEOUT_MS)
    page.set_default_navigation_timeout(TIMEOUT_MS)
    return page


def page_errors(page: Any) -> list[str]:
    """Console errors and uncaught exceptions the page has shown so far (see `watch`)."""
    errors: list[str] = getattr(page, _ERRORS_KEY)
    return errors


def log_in(page: Any, username: str, password: str) -> None:
    """Log in through the real form and wait for the page the app lands on."""
    page.goto("/login")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    submit(page, "Log in")
    assert "/login" not in page.url, f"login as {username} stayed on {page.url}"


def id_from_url(page: Any, kind: str) -> int:
    """The number after `/<kind>/` in the page's address (`patients`, `intakes`, ...)."""
    found = re.search(rf"/{kind}/(\d+)", page.url)
    assert found, f"expected /{kind}/<id> in {page.url}"
    return int(found.group(1))


def submit(page: Any, button: str) -> None:
    """Click the submit button named `button` and wait for the page the app answers with."""
    with page.expect_navigation():
        page.get_by_role("button", name=button, exact=True).click()


def new_patient(
    page: Any, given: str, family: str, sex: str = "female", birth_date: str = "1980-05-01"
) -> int:
    """Fill in the new-patient form from the navigation; return the new patient's id."""
    page.goto("/clinic")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="New patient").click()
    page.get_by_role("heading", level=1, name="New patient").wait_for()
    page.get_by_label("Given name").fill(given)
    page.get_by_label("Family name").fill(family)
    page.get_by_label("Date of birth").fill(birth_date)
    page.get_by_label("Sex").select_option(sex)
    submit(page, "Save patient")
    return id_from_url(page, "patients")


def submit_intake(
    page: Any,
    patient_id: int,
    *,
    age: int = 45,
    sex: str = "female",
    onset_weeks: float = 20,
    nrs: int = 6,
    findings: Iterable[str] = (),
    diagnoses: Iterable[str] = (),
) -> int:
    """Fill in the intake from the patient's record; return the intake id (screening page).

    `findings` and `diagnoses` are the labels of the boxes to tick, as the user reads them.
    """
    page.goto(f"/clinic/patients/{patient_id}")
    page.get_by_role("link", name="New intake").click()
    page.get_by_role("heading", level=1, name=re.compile("^Intake for")).wait_for()
    page.get_by_label("Age in years").fill(str(age))
    page.get_by_label("Sex", exact=True).select_option(sex)
    page.get_by_label("How many weeks since it began").fill(f"{onset_weeks:g}")
    page.get_by_label("Pain now").fill(str(nrs))
    for label in (*findings, *diagnoses):
        page.get_by_label(label, exact=True).check()
    submit(page, "Submit and screen")
    return id_from_url(page, "intakes")


def propose_plan(page: Any) -> int:
    """On a screening page that allows treatment: ask for a plan; return the plan id."""
    submit(page, "Propose a treatment plan")
    return id_from_url(page, "plans")


def accept_plan(page: Any) -> None:
    """On a proposed plan's page: accept it as proposed."""
    submit(page, "Accept as proposed")


def chart_session(
    page: Any,
    patient_id: int,
    *,
    needles_in: int,
    needles_out: int,
    pain_before: int = 6,
    pain_after: int = 4,
) -> int:
    """Chart a session pre-filled from the accepted plan and save the draft; return its id."""
    page.goto(f"/clinic/patients/{patient_id}")
    page.get_by_role("link", name="Chart a session").click()
    page.get_by_role("heading", level=1, name=re.compile("^Chart a session for")).wait_for()
    page.get_by_label("Pain before").fill(str(pain_before))
    page.get_by_label("Pain after").fill(str(pain_after))
    page.get_by_label("Needles in", exact=True).fill(str(needles_in))
    page.get_by_label("Needles out", exact=True).fill(str(needles_out))
    submit(page, "Save draft")
    return id_from_url(page, "sessions")


def fill_self_check(
    page: Any,
    *,
    age: int = 40,
    sex: str = "Female",
    weeks: float = 20,
    nrs: int = 5,
    ticks: tuple[str, ...] = (),
    pregnancy_weeks: int | None = None,
) -> None:
    """Open the public self-check from the home page and answer it as a visitor would."""
    from playwright.sync_api import expect  # imported late: conftest imports this module

    page.goto("/")
    page.get_by_role("link", name="Start the self-check").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Is acupuncture right for my back pain?"
    )
    page.get_by_label("Your age").fill(str(age))
    page.get_by_role("radio", name=sex, exact=True).check()
    page.get_by_label("Lower back", exact=True).check()
    page.get_by_label("How many weeks ago the pain started").fill(f"{weeks:g}")
    page.get_by_label("How bad the pain is now").select_option(str(nrs))
    for label in ticks:
        page.get_by_label(label, exact=True).check()
    if pregnancy_weeks is not None:
        page.get_by_role("radio", name="I am pregnant", exact=True).check()
        page.get_by_label("Weeks of pregnancy").fill(str(pregnancy_weeks))
    submit(page, "Check my answers")


def self_check_answer(page: Any) -> Any:
    """The self-check result's answer panel (it carries `data-disposition`)."""
    return page.locator("section.answer")
