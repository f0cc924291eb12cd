"""The clinic's main flows in a real browser, as a practitioner does them.

Log in; new patient; an intake with red flags shows the referral and offers no plan; a clean
intake offers a plan; accepting it; charting a session, the needle-count alarm that blocks
signing, and signing, which locks the chart; entering outcomes, which the progress chart then
shows. Each test makes its own patient through the pages and asserts what the user sees.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date
from typing import Any

import pytest
from playwright.sync_api import expect

from .steps import (
    accept_plan,
    chart_session,
    new_patient,
    propose_plan,
    submit,
    submit_intake,
    unique_family_name,
)


@pytest.fixture
def clinician(new_page: Callable[..., Any]) -> Any:
    """A page logged in as the demo practitioner Mei (each step opens its own page)."""
    return new_page(user="mei")


def _patient_with_accepted_plan(page: Any, stem: str) -> int:
    patient_id = new_patient(page, "Robin", unique_family_name(stem))
    submit_intake(page, patient_id, diagnoses=["Non-specific back or neck pain"])
    propose_plan(page)
    accept_plan(page)
    return patient_id


def test_login_lands_on_the_dashboard(page: Any, demo_logins: dict[str, str]) -> None:
    page.goto("/clinic")  # a private page sends a signed-out visitor to the login form
    expect(page).to_have_url(re.compile(r"/login\?next="))
    page.get_by_label("Username").fill("mei")
    page.get_by_label("Password").fill("not-the-password")
    submit(page, "Log in")
    expect(page.get_by_role("alert")).to_contain_text("Wrong username or password")
    page.get_by_label("Password").fill(demo_logins["mei"])
    submit(page, "Log in")
    expect(page).to_have_url(re.compile(r"/clinic$"))
    expect(page.get_by_role("heading", level=1)).to_contain_text("Dashboard")
    expect(page.get_by_role("heading", name="Today's appointments")).to_be_visible()
    expect(page.get_by_role("heading", name="Alerts")).to_be_visible()
    expect(page.locator("header.site")).to_contain_text("mei")
    submit(page, "Log out")
    expect(page.get_by_role("status")).to_contain_text("You are logged out")


def test_new_patient_appears_in_the_record_and_the_search(clinician: Any) -> None:
    family = unique_family_name("Newcomb")
    patient_id = new_patient(clinician, "Alex", family, sex="male")
    expect(clinician.get_by_role("heading", level=1)).to_have_text(f"Alex {family}")
    badges = clinician.get_by_label("Screening and cautions").first  # the record's header
    expect(badges).to_contain_text("Not screened yet")
    expect(clinician.get_by_role("link", name="New intake")).to_be_visible()
    clinician.get_by_role("navigation", name="Main").get_by_role("link", name="Patients").click()
    clinician.get_by_label("Search by name").fill(family)
    submit(clinician, "Search")
    result = clinician.get_by_role("link", name=f"{family}, Alex")
    expect(result).to_have_attribute("href", f"/clinic/patients/{patient_id}")


def test_new_patient_form_names_the_missing_field(clinician: Any) -> None:
    clinician.goto("/clinic/patients/new")
    clinician.get_by_label("Given name").fill("Only")
    clinician.get_by_label("Family name").fill(unique_family_name("Half"))
    # the browser's own `required` check would stop an empty select: remove it to reach the server
    clinician.get_by_label("Sex").evaluate("el => el.removeAttribute('required')")
    submit(clinician, "Save patient")
    expect(clinician.get_by_role("alert")).to_contain_text("sex")
    expect(clinician.get_by_label("Given name")).to_have_value("Only")


@pytest.mark.parametrize(
    ("findings", "disposition", "headline"),
    [
        (["Cancer now or in the past", "Losing weight without trying"], "refer", "Refer"),
        (
            [
                "Numbness around the back passage or genitals",
                "Cannot pass urine, or the bladder does not empty",
            ],
            "emergency",
            "Emergency",
        ),
    ],
    ids=["refer", "emergency"],
)
def test_red_flag_intake_shows_the_referral_and_offers_no_plan(
    clinician: Any, findings: list[str], disposition: str, headline: str
) -> None:
    patient_id = new_patient(clinician, "Kim", unique_family_name("Redflag"))
    submit_intake(clinician, patient_id, age=67, findings=findings)
    panel = clinician.locator("#disposition")
    expect(panel).to_have_attribute("data-disposition", disposition)
    expect(panel.get_by_role("heading", level=2)).to_contain_text(headline)
    expect(panel.get_by_role("heading", name="What to do instead")).to_be_visible()
    expect(panel).to_contain_text("No treatment plan is offered")
    expect(clinician.get_by_role("button", name="Propose a treatment plan")).to_have_count(0)
    clinician.get_by_role("link", name=re.compile("^Kim ")).click()
    badges = clinician.get_by_label("Screening and cautions").first  # the record's header
    expect(badges).to_contain_text(disposition, ignore_case=True)
    timeline = clinician.locator("ol.timeline")
    expect(timeline.get_by_role("link", name="Intake")).to_be_visible()
    expect(timeline.get_by_role("link", name=re.compile("^Plan"))).to_have_count(0)


def test_clean_intake_proceeds_and_proposes_a_plan(clinician: Any) -> None:
    patient_id = new_patient(clinician, "Sam", unique_family_name("Clean"))
    submit_intake(clinician, patient_id, diagnoses=["Non-specific back or neck pain"])
    panel = clinician.locator("#disposition")
    expect(panel).to_have_attribute("data-disposition", "proceed")
    expect(panel.get_by_role("heading", level=2)).to_have_text("Acupuncture can go ahead.")
    propose_plan(clinician)
    expect(clinician.get_by_role("heading", level=1)).to_contain_text("Treatment plan for Sam")
    expect(clinician.locator("#plan-status")).to_have_text("proposed")
    points = clinician.get_by_role("table").filter(has_text="Point").first
    rows = points.locator("tbody tr")
    expect(rows.first).to_be_visible()
    assert rows.count() >= 3, "a plan for low back pain names several points"
    code = rows.first.get_attribute("data-code") or ""
    assert re.fullmatch(r"[A-Z]{1,3}\d+|[A-Za-z-]+", code), code
    body_map = clinician.get_by_role("img", name=re.compile("^Body map"))
    expect(body_map).to_be_visible()
    box = body_map.bounding_box()
    assert box is not None, "the map is drawn"
    assert min(box["width"], box["height"]) > 300, "the map is drawn at a readable size"
    assert body_map.locator("circle, path").count() > 50, "inline SVG: its shapes are in the page"


def test_accepting_the_plan_opens_charting(clinician: Any) -> None:
    patient_id = new_patient(clinician, "Jo", unique_family_name("Accept"))
    submit_intake(clinician, patient_id, diagnoses=["Non-specific back or neck pain"])
    propose_plan(clinician)
    planned = clinician.locator("table.plan-points tbody tr").evaluate_all(
        "rows => rows.map(r => r.dataset.code)"
    )
    accept_plan(clinician)
    expect(clinician.locator("#plan-status")).to_have_text("accepted")
    expect(clinician.get_by_role("button", name="Accept as proposed")).to_have_count(0)
    clinician.get_by_role("link", name="Chart a session with this plan").click()
    expect(clinician.get_by_role("heading", level=1)).to_contain_text("Chart a session for Jo")
    expect(clinician.get_by_text("Pre-filled from")).to_be_visible()
    legends = clinician.locator("fieldset.needle legend")
    for code in planned:
        expect(legends.filter(has_text=code)).not_to_have_count(0)


def test_needle_alarm_blocks_signing_until_the_count_matches_then_signing_locks(
    clinician: Any,
) -> None:
    patient_id = _patient_with_accepted_plan(clinician, "Signer")
    chart_session(clinician, patient_id, needles_in=10, needles_out=9, pain_before=6, pain_after=3)
    expect(clinician.locator("#session-status")).to_have_text("draft")
    expect(clinician.locator("#needle-alarm")).to_contain_text("Needle count mismatch")
    submit(clinician, "Sign and lock")
    expect(clinician.get_by_role("alert").filter(has_text="Not signed")).to_be_visible()
    expect(clinician.locator("#session-status")).to_have_text("draft")

    draft = clinician.get_by_role("region", name="Edit the draft")
    draft.get_by_label("Needles out", exact=True).fill("10")
    submit(clinician, "Save draft")
    expect(clinician.locator("#needle-alarm")).to_have_count(0)
    submit(clinician, "Sign and lock")
    expect(clinician.locator("#session-status")).to_have_text("signed")
    expect(clinician.get_by_role("status")).to_contain_text("Signed and locked")
    expect(
        clinician.get_by_text(re.compile("locked. Changes are recorded as amend"))
    ).to_be_visible()
    expect(clinician.get_by_role("button", name="Sign and lock")).to_have_count(0)
    expect(clinician.get_by_role("heading", name="Edit the draft")).to_have_count(0)
    expect(clinician.get_by_role("heading", name="Amend the signed chart")).to_be_visible()
    expect(clinician.locator("dl.facts").first).to_contain_text("10 in, 10 out")
    expect(clinician.locator("dl.facts").first).to_contain_text("6 before, 3 after")
    clinician.get_by_role("link", name=re.compile("^Robin ")).click()
    timeline = clinician.locator("ol.timeline")
    expect(timeline.get_by_role("link", name="Session (signed)")).to_be_visible()


def test_outcomes_are_scored_and_drawn_on_the_progress_chart(clinician: Any) -> None:
    patient_id = _patient_with_accepted_plan(clinician, "Outcome")
    today = date.today().isoformat()
    clinician.goto(f"/clinic/patients/{patient_id}")
    clinician.get_by_role("link", name="Record outcomes").click()
    questionnaires = clinician.get_by_role("navigation", name="Questionnaires")
    questionnaires.get_by_role("link", name="NRS").click()
    clinician.get_by_label("Pain now").select_option("7")
    submit(clinician, "Save and score")
    expect(clinician.get_by_role("heading", level=1)).to_contain_text("recorded for Robin")
    expect(clinician.locator(".score-value")).to_have_attribute("data-score", "7")
    clinician.get_by_role("link", name="Record another questionnaire").click()
    questionnaires.get_by_role("link", name="RMDQ").click()
    boxes = clinician.locator("fieldset.rmdq").get_by_role("checkbox")
    for index in range(5):
        boxes.nth(index).check()
    submit(clinician, "Save and score")
    expect(clinician.locator(".score-value")).to_have_attribute("data-score", "5")

    clinician.get_by_role("link", name="Back to the record").click()
    chart = clinician.locator("#progress-chart svg")
    expect(chart).to_have_count(1)
    nrs = chart.locator(f'circle[data-instrument="nrs"][data-date="{today}"]')
    expect(nrs).to_have_attribute("data-score", "7")
    rmdq = chart.locator(f'circle[data-instrument="rmdq"][data-date="{today}"]')
    expect(rmdq).to_have_attribute("data-score", "5")
    timeline = clinician.locator("ol.timeline")
    expect(timeline).to_contain_text("NRS")
    expect(timeline).to_contain_text("score 7")
