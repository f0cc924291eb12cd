"""The calendar pages without JavaScript: a plan's course booked from the plan page, then
rescheduled, cancelled, attended and missed from the day view, and the same in the portal."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine
from tests.web.views.conftest import Browser, form_token, page

from acuback.records import Appointment, UnitOfWork
from acuback.services import Actor, clinic_settings


def _ada(engine: Engine) -> tuple[int, int]:
    """Ada's patient id and her accepted plan."""
    with UnitOfWork(engine) as uow:
        patient_id = uow.users.get_by_username("ada").patient_id or 0
        plans = [p for p in uow.plans.for_patient(patient_id) if p.status == "accepted"]
        return patient_id, plans[-1].id or 0


@pytest.fixture(scope="module", autouse=True)
def _limits_need_a_reason(web_engine: Engine) -> None:
    # Ada's demo visits count for the payer; this clinic books beyond a limit with a reason.
    with UnitOfWork(web_engine) as uow:
        admin = Actor.of(uow.users.get_by_username("admin"))
        clinic_settings.set_clinic_setting(uow, admin, "payer_limit_policy", "reason")


def _course_form(first_day: date) -> dict[str, str]:
    return {
        "practitioner_id": "1",
        "first_day": first_day.isoformat(),
        "wd_tue": "on",
        "wd_thu": "on",
        "times": "10:00, 14:00",
        "limit_reason": "self-pay beyond the payer limit",
    }


def _rows(client: TestClient, url: str) -> dict[int, Any]:
    soup = page(client.get(url))
    return {int(tr["data-appointment"]): tr for tr in soup.select("tr[data-appointment]")}


def _post(client: TestClient, url: str, data: dict[str, str], token_page: str) -> Any:
    data = {**data, "csrf_token": form_token(client, token_page)}
    return client.post(url, data=data, follow_redirects=False)


def test_course_from_plan_page_then_the_day_then_the_portal(
    browser: Browser, web_engine: Engine
) -> None:
    ada, plan_id = _ada(web_engine)
    mei = browser("mei")
    plan_page = page(mei.get(f"/clinic/plans/{plan_id}"))
    assert plan_page.select_one("#book-course")["href"] == f"/clinic/plans/{plan_id}/course"
    course_url = f"/clinic/plans/{plan_id}/course"
    first_day = datetime.now(UTC).date() + timedelta(days=14)
    proposed = mei.post(
        course_url,
        data={
            **_course_form(first_day),
            "action": "propose",
            "csrf_token": form_token(mei, course_url),
        },
    )
    assert proposed.status_code == 200, proposed.text
    soup = page(proposed)
    visits = soup.select("table.proposal tr[data-visit]")
    assert len(visits) >= 6
    assert soup.select_one("#confirm-course") is not None
    booked = _post(mei, course_url, {**_course_form(first_day), "action": "book"}, course_url)
    assert booked.status_code == 303
    assert booked.headers["location"] == f"/clinic/patients/{ada}"
    record = page(mei.get(f"/clinic/patients/{ada}"))
    progress = record.select_one("#course-progress")
    assert progress is not None
    assert int(progress.select_one("[data-to-come]")["data-to-come"]) == len(visits)

    with UnitOfWork(web_engine) as uow:
        course = sorted(
            (a for a in uow.appointments.for_patient(ada) if a.plan_id == plan_id),
            key=lambda a: a.starts_at,
        )
    assert len(course) == len(visits)
    moved, cancelled, attended, missed = course[0], course[1], course[2], course[3]
    desk = browser("reception")

    def day_of(visit: Any) -> str:
        return visit.starts_at.date().isoformat()  # the demo clinic keeps UTC

    day_url = f"/clinic/schedule?day={day_of(moved)}"
    assert moved.id in _rows(desk, day_url)
    new_day = (moved.starts_at + timedelta(days=1)).date()
    response = _post(
        desk,
        f"/clinic/schedule/appointments/{moved.id}/move",
        {
            "version": str(moved.version),
            "day": day_of(moved),
            "date": new_day.isoformat(),
            "time": "16:30",
        },
        day_url,
    )
    assert response.status_code == 303, response.text
    assert moved.id in _rows(desk, f"/clinic/schedule?day={new_day.isoformat()}")
    no_reason = _post(
        desk,
        f"/clinic/schedule/appointments/{cancelled.id}/cancel",
        {"version": str(cancelled.version), "day": day_of(cancelled), "reason": ""},
        day_url,
    )
    assert no_reason.status_code == 422
    assert "reason" in page(no_reason).select_one("#schedule-error").get_text()
    for visit, url, data in (
        (cancelled, "cancel", {"reason": "patient is travelling"}),
        (attended, "status", {"status": "attended"}),
        (missed, "status", {"status": "no_show"}),
    ):
        response = _post(
            desk,
            f"/clinic/schedule/appointments/{visit.id}/{url}",
            {"version": str(visit.version), "day": day_of(visit), **data},
            f"/clinic/schedule?day={day_of(visit)}",
        )
        assert response.status_code == 303, response.text
    statuses = {
        i: tr["data-status"]
        for i, tr in _rows(desk, f"/clinic/schedule?day={day_of(cancelled)}").items()
    }
    assert statuses[cancelled.id] == "cancelled"

    portal = browser("ada")
    upcoming, _past = page(portal.get("/portal/appointments")).select("table.appointments")
    seen = {
        int(tr["data-appointment"]): tr["data-status"]
        for tr in upcoming.select("tr[data-appointment]")
    }
    assert seen[moved.id] == "booked"
    assert seen[cancelled.id] == "cancelled"
    assert seen[attended.id] == "attended"
    assert seen[missed.id] == "no_show"
    shown = page(portal.get("/portal/appointments")).select_one("#course-progress")
    assert shown.select_one("[data-done]")["data-done"] == "1"
    assert shown.select_one("[data-to-come]")["data-to-come"] == str(len(course) - 3)


def test_a_clash_from_the_day_view_is_a_409_naming_it(browser: Browser, web_engine: Engine) -> None:
    ada, _ = _ada(web_engine)
    desk = browser("reception")
    day = datetime.now(UTC).date() + timedelta(days=60)
    day += timedelta(days=(2 - day.weekday()) % 7)  # a Wednesday
    url = f"/clinic/schedule?day={day.isoformat()}"
    form = {
        "patient_id": str(ada),
        "practitioner_id": "1",
        "date": day.isoformat(),
        "time": "11:00",
        "minutes": "45",
    }
    assert _post(desk, "/clinic/schedule/book", form, url).status_code == 303
    clash = _post(desk, "/clinic/schedule/book", {**form, "time": "11:30"}, url)
    assert clash.status_code == 409
    assert "already has appointment" in page(clash).select_one("#schedule-error").get_text()
    closed = _post(desk, "/clinic/schedule/book", {**form, "time": "21:00"}, url)
    assert closed.status_code == 409
    assert "closed" in page(closed).select_one("#schedule-error").get_text()
    week = page(browser("mei").get(f"/clinic/schedule/week?week={day.isoformat()}"))
    cell = week.select_one(f'td[data-day="{day.isoformat()}"]')
    assert len(cell.select("[data-appointment]")) == 1


def test_portal_cancel_within_notice_and_ask_for_a_new_time(
    browser: Browser, web_engine: Engine
) -> None:
    ada, _ = _ada(web_engine)
    desk = browser("reception")
    day = datetime.now(UTC).date() + timedelta(days=70)
    day += timedelta(days=(3 - day.weekday()) % 7)  # a Thursday
    url = f"/clinic/schedule?day={day.isoformat()}"
    for at in ("09:00", "12:00"):
        form = {"patient_id": str(ada), "practitioner_id": "1", "date": day.isoformat(), "time": at}
        assert _post(desk, "/clinic/schedule/book", form, url).status_code == 303
    first, second = sorted(_rows(desk, url))
    portal = browser("ada")
    visit_url = f"/portal/appointments/{second}"
    asked = _post(portal, f"{visit_url}/request", {"wish": "Monday mornings"}, visit_url)
    assert asked.status_code == 303
    assert "Monday mornings" in _rows(desk, url)[second].get_text()
    gone = _post(portal, f"/portal/appointments/{first}/cancel", {"reason": "ill"}, visit_url)
    assert gone.status_code == 303
    assert _rows(desk, url)[first]["data-status"] == "cancelled"
    soon = datetime.now(UTC) + timedelta(hours=2)  # inside the default 24-hour notice
    with UnitOfWork(web_engine) as uow:  # stored directly: the clinic may be closed by then
        late_visit = uow.appointments.add(
            Appointment(
                patient_id=ada,
                practitioner_id=1,
                starts_at=soon,
                ends_at=soon + timedelta(minutes=45),
            )
        )
        uow.commit()
    late_url = f"/portal/appointments/{late_visit.id}"
    late = _post(portal, f"{late_url}/cancel", {"reason": ""}, late_url)
    assert late.status_code == 409
    assert "call the clinic" in page(late).select_one("#visit-error").get_text()
    assert page(portal.get(late_url)).select_one("#cancel-form") is None
