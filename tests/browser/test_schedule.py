"""Scheduling in a real browser: a whole course booked from the plan page, then reception
reschedules, cancels, marks attended and no-show, and the patient sees the same in the
portal; the charting page's retention timer counts down and fills the retention minutes."""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

from playwright.sync_api import expect

from .steps import (
    accept_plan,
    id_from_url,
    log_in,
    new_patient,
    propose_plan,
    submit,
    submit_intake,
    unique_family_name,
)


def _patient_with_plan(page: Any, family: str) -> tuple[int, int]:
    patient_id = new_patient(page, "Cora", family)
    submit_intake(page, patient_id, onset_weeks=30, diagnoses=["Non-specific back or neck pain"])
    plan_id = propose_plan(page)
    accept_plan(page)
    return patient_id, plan_id


def _portal_login(admin: Any, patient_id: int) -> tuple[str, str]:
    username, password = f"cora{uuid.uuid4().hex[:8]}", "cora-portal-password-2026"
    admin.goto("/admin/users")
    admin.get_by_label(re.compile("^Username")).fill(username)
    admin.get_by_label(re.compile("^Password")).fill(password)
    admin.get_by_label("Role").select_option("patient")
    admin.get_by_label(re.compile("^Patient id number")).fill(str(patient_id))
    submit(admin, "Create user")
    expect(admin.get_by_text(f"User {username} created.")).to_be_visible()
    return username, password


def test_course_booked_from_the_plan_then_changed_and_seen_in_the_portal(
    new_page: Callable[..., Any],
) -> None:
    mei = new_page(user="mei")
    family = unique_family_name("Course")
    patient_id, _ = _patient_with_plan(mei, family)
    mei.get_by_role("link", name="Book this course").click()
    first_day = date.today() + timedelta(days=21)
    mei.get_by_label("First day").fill(first_day.isoformat())
    submit(mei, "Propose")
    rows = mei.locator("table.proposal tr[data-visit]")
    count = rows.count()
    assert count >= 6
    expect(rows.filter(has_text="reassessment")).to_have_count(1)
    submit(mei, f"Book these {count} visits")
    assert id_from_url(mei, "patients") == patient_id
    expect(mei.locator("#course-progress")).to_contain_text(f"{count} to come")
    visits = mei.locator("table.patient-appointments tr[data-appointment]")
    expect(visits).to_have_count(count)
    ids = visits.evaluate_all("rows => rows.map(r => Number(r.dataset.appointment))")
    first_link = visits.first.get_by_role("link").get_attribute("href")

    desk = new_page(user="reception")
    desk.goto(first_link)
    row = desk.locator(f'tr[data-appointment="{ids[0]}"]')
    row.get_by_text("Reschedule").click()
    row.get_by_label("Time").fill("17:15")
    submit(desk, "Move")
    expect(desk.locator(f'tr[data-appointment="{ids[0]}"]')).to_contain_text("17:15")
    for visit_id, action in ((ids[1], "cancel"), (ids[2], "Attended"), (ids[3], "No-show")):
        desk.goto(f"/clinic/patients/{patient_id}")
        desk.locator(f'tr[data-appointment="{visit_id}"]').get_by_role("link").click()
        row = desk.locator(f'tr[data-appointment="{visit_id}"]')
        if action == "cancel":
            row.get_by_text("Cancel", exact=True).click()
            row.get_by_label("Reason").fill("travelling")
            submit(desk, "Cancel visit")
        else:
            with desk.expect_navigation():
                row.get_by_role("button", name=action).click()
    desk.goto(f"/clinic/patients/{patient_id}")
    statuses = desk.locator("table.patient-appointments tr[data-appointment]").evaluate_all(
        "rows => Object.fromEntries(rows.map(r => [r.dataset.appointment, r.dataset.status]))"
    )
    assert [statuses[str(i)] for i in ids[:4]] == ["booked", "cancelled", "attended", "no_show"]

    username, password = _portal_login(new_page(user="admin"), patient_id)
    patient = new_page()
    log_in(patient, username, password)
    patient.goto("/portal/appointments")
    seen = patient.locator("tr[data-appointment]").evaluate_all(
        "rows => Object.fromEntries(rows.map(r => [r.dataset.appointment, r.dataset.status]))"
    )
    assert {k: v for k, v in seen.items() if int(k) in ids[:4]} == {
        str(ids[0]): "booked",
        str(ids[1]): "cancelled",
        str(ids[2]): "attended",
        str(ids[3]): "no_show",
    }
    expect(patient.locator("#course-progress")).to_contain_text("1 visits done")
    expect(patient.locator("#course-progress")).to_contain_text(f"{count - 3} to come")


def test_retention_timer_counts_down_alerts_and_fills_the_minutes(
    new_page: Callable[..., Any],
) -> None:
    mei = new_page(user="mei")
    patient_id, _ = _patient_with_plan(mei, unique_family_name("Timer"))
    mei.clock.install()
    mei.goto(f"/clinic/patients/{patient_id}")
    mei.get_by_role("link", name="Chart a session").click()
    planned = int(mei.get_by_label("Retention (min)", exact=True).last.input_value() or "20")
    timer = mei.locator(".retention-timer")
    expect(timer).to_be_visible()
    timer.get_by_role("button", name="Start: needles in").click()
    expect(timer.locator("output")).to_contain_text(f"left of {planned} min")
    mei.clock.fast_forward(f"{planned + 1:02d}:00")
    expect(timer.get_by_role("alert")).to_contain_text("Retention reached")
    timer.get_by_role("button", name="Stop: needles out").click()
    expect(mei.locator("#retention_minutes")).to_have_value(str(planned + 1))


def test_without_javascript_the_timer_stays_hidden_and_the_field_is_typed(
    new_page: Callable[..., Any],
) -> None:
    mei = new_page(user="mei")
    patient_id, _ = _patient_with_plan(mei, unique_family_name("NoScript"))
    plain = new_page(user="mei", java_script_enabled=False)
    plain.goto(f"/clinic/patients/{patient_id}")
    plain.get_by_role("link", name="Chart a session").click()
    expect(plain.locator(".retention-timer")).to_be_hidden()
    expect(plain.locator("#retention_minutes")).to_be_editable()
