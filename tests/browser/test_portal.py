"""The patient portal in a real browser: a patient sees their own record and nobody else's.

The demo patient Ada (login `ada`) has an improving course with RMDQ scores at the first and
last session (`acuback.services.demo_data`); Grace (login `grace`) is another patient.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from playwright.sync_api import expect

from acuback.services.demo_data import DEMO_LOGINS, PATIENTS

from .steps import submit

_ADA = PATIENTS[next(login.patient for login in DEMO_LOGINS if login.username == "ada") or 0]


def _drawn(chart: Any, instrument: str) -> list[float]:
    """The scores the chart draws for `instrument`, oldest first."""
    points: list[tuple[str, float]] = chart.locator(
        f'circle[data-instrument="{instrument}"]'
    ).evaluate_all("cs => cs.map(c => [c.dataset.date, Number(c.dataset.score)])")
    return [score for _, score in sorted(points)]


def test_patient_logs_in_and_sees_their_own_progress(
    page: Any, demo_logins: dict[str, str]
) -> None:
    page.goto("/login")
    page.get_by_label("Username").fill("ada")
    page.get_by_label("Password").fill(demo_logins["ada"])
    submit(page, "Log in")
    expect(page).to_have_url(re.compile(r"/portal$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("My progress")
    expect(page.get_by_text(f"Hello {_ADA.given_name}.")).to_be_visible()
    chart = page.locator("figure.progress-chart svg")
    expect(chart).to_have_count(1)
    assert _ADA.rmdq is not None
    assert _drawn(chart, "rmdq") == list(_ADA.rmdq), "Ada's first and last RMDQ scores"
    assert _drawn(chart, "nrs") == list(_ADA.pain), "Ada's pain at each session"
    scores = page.get_by_role("table").locator('tr[data-instrument="rmdq"]')
    expect(scores).to_have_count(len(_ADA.rmdq))
    main = page.get_by_role("main")
    for other in PATIENTS:
        if other.family_name != _ADA.family_name:
            expect(main).not_to_contain_text(other.family_name)
    nav = page.get_by_role("navigation", name="Main")
    expect(nav.get_by_role("link", name="My progress")).to_be_visible()
    expect(nav.get_by_role("link", name="Patients")).to_have_count(0)


def test_patient_cannot_open_another_patients_pages(
    new_page: Callable[..., Any], demo_patients: dict[str, Any]
) -> None:
    page = new_page(user="ada")
    other = demo_patients["Holloway"]  # Grace, another patient of the clinic
    own = demo_patients[_ADA.family_name]
    for path in (
        f"/clinic/patients/{other.patient}",
        f"/clinic/patients/{own.patient}",
        f"/clinic/intakes/{other.intakes[0]}",
        f"/clinic/plans/{other.plans[0]}",
        f"/clinic/sessions/{other.sessions[0]}",
    ):
        response = page.goto(path)
        assert response is not None
        assert response.status == 403, f"{path} answered {response.status}"
        expect(page.get_by_role("heading", level=1)).to_contain_text("Not allowed")
        expect(page.get_by_role("main")).not_to_contain_text("Holloway")
    response = page.goto(f"/portal/appointments/{other.appointments[0]}")
    assert response is not None
    assert response.status in (403, 404), f"another patient's appointment: {response.status}"
    expect(page.get_by_role("main")).not_to_contain_text("Holloway")
    page.goto("/portal/appointments")
    own_rows = page.locator("tr[data-appointment]").evaluate_all(
        "rows => rows.map(r => Number(r.dataset.appointment))"
    )
    assert own_rows, "Ada has an appointment today"
    assert set(own_rows) <= set(own.appointments)
    assert not set(own_rows) & set(other.appointments)
