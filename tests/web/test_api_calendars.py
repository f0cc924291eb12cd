"""The iCalendar feeds: parsed with `icalendar`, local times, SEQUENCE, cancellations, access,
and the private feed address that a revoke closes."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from fastapi.testclient import TestClient
from icalendar import Calendar
from sqlalchemy import Engine

from acuback.records import UnitOfWork
from acuback.services import Actor, clinic_settings

Auth = Callable[[str], dict[str, str]]
LONDON = ZoneInfo("Europe/London")


@pytest.fixture(scope="module", autouse=True)
def _london(web_engine: Engine) -> None:
    with UnitOfWork(web_engine) as uow:
        admin = Actor.of(uow.users.get_by_username("admin"))
        clinic_settings.set_clinic_setting(uow, admin, "timezone", "Europe/London")


def _events(response: Any) -> dict[str, Any]:
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("text/calendar")
    calendar = Calendar.from_ical(response.content)
    return {str(e["uid"]): e for e in calendar.walk("VEVENT")}


def _wednesday(weeks: int) -> date:
    day = datetime.now(UTC).date() + timedelta(weeks=weeks)
    return day + timedelta(days=(2 - day.weekday()) % 7)


def _book(client: TestClient, auth: Auth, patient_id: int, start: datetime) -> dict[str, Any]:
    body = {
        "patient_id": patient_id,
        "practitioner_id": 1,
        "starts_at": start.isoformat(),
        "ends_at": (start + timedelta(minutes=45)).isoformat(),
    }
    response = client.post("/api/v1/appointments", json=body, headers=auth("reception"))
    assert response.status_code == 201, response.text
    return dict(response.json())


def test_patient_feed_local_times_sequence_and_cancelled(
    client: TestClient, auth: Auth, patient_ids: dict[str, int]
) -> None:
    ada, desk = patient_ids["Fenwick"], auth("reception")
    day = _wednesday(3)
    first = _book(client, auth, ada, datetime.combine(day, time(10), tzinfo=LONDON))
    second = _book(client, auth, ada, datetime.combine(day, time(14), tzinfo=LONDON))
    url = f"/api/v1/patients/{ada}/appointments.ics"
    events = _events(client.get(url, headers=auth("ada")))
    mine = client.get(f"/api/v1/patients/{ada}/appointments", headers=desk).json()
    assert set(events) == {f"appointment-{a['id']}@acuback" for a in mine}
    event = events[f"appointment-{first['id']}@acuback"]
    assert event["dtstart"].params["TZID"] == "Europe/London"
    assert event.decoded("dtstart").replace(tzinfo=None).time() == time(10)  # local wall time
    assert int(event["sequence"]) == 0
    assert "Acupuncture visit with" in str(event["summary"])

    moved = datetime.combine(day + timedelta(days=1), time(11), tzinfo=LONDON)
    patch = {
        "version": first["version"],
        "starts_at": moved.isoformat(),
        "ends_at": (moved + timedelta(minutes=45)).isoformat(),
    }
    assert (
        client.patch(f"/api/v1/appointments/{first['id']}", json=patch, headers=desk).status_code
        == 200
    )
    cancel = {"version": second["version"], "status": "cancelled", "cancel_reason": "work"}
    assert (
        client.patch(f"/api/v1/appointments/{second['id']}", json=cancel, headers=desk).status_code
        == 200
    )
    after = _events(client.get(url, headers=auth("ada")))
    changed = after[f"appointment-{first['id']}@acuback"]
    assert int(changed["sequence"]) == 1
    assert changed.decoded("dtstart").astimezone(LONDON).time() == time(11)
    gone = after[f"appointment-{second['id']}@acuback"]
    assert str(gone["status"]) == "CANCELLED"
    assert int(gone["sequence"]) == 1


def test_feeds_refuse_the_wrong_people(
    client: TestClient, auth: Auth, patient_ids: dict[str, int]
) -> None:
    other = patient_ids["Moreau"]
    assert (
        client.get(f"/api/v1/patients/{other}/appointments.ics", headers=auth("ada")).status_code
        == 403
    )
    assert (
        client.get("/api/v1/practitioners/1/calendar.ics", headers=auth("ada")).status_code == 403
    )
    assert client.get("/api/v1/practitioners/1/calendar.ics").status_code == 401
    assert (
        client.post("/api/v1/practitioners/1/calendar-feed", headers=auth("reception")).status_code
        == 403
    )


def test_practitioner_calendar_and_private_feed(
    client: TestClient, auth: Auth, patient_ids: dict[str, int]
) -> None:
    mei = auth("mei")
    booked = _book(
        client, auth, patient_ids["Moreau"], datetime.combine(_wednesday(4), time(9), tzinfo=LONDON)
    )
    diary = _events(client.get("/api/v1/practitioners/1/calendar.ics", headers=mei))
    uid = f"appointment-{booked['id']}@acuback"
    assert uid in diary
    assert "Moreau" in str(diary[uid]["summary"])
    assert diary[uid].decoded("dtstart").astimezone(LONDON).time() == time(9)
    listed = client.get(
        "/api/v1/appointments",
        headers=mei,
        params={
            "start": (datetime.now(UTC) - timedelta(days=90)).isoformat(),
            "end": (datetime.now(UTC) + timedelta(days=366)).isoformat(),
            "practitioner_id": 1,
        },
    )
    assert set(diary) == {f"appointment-{a['id']}@acuback" for a in listed.json()}

    created = client.post("/api/v1/practitioners/1/calendar-feed", headers=mei)
    assert created.status_code == 201
    feed = created.json()["url"]
    assert set(_events(client.get(feed))) == set(diary)  # no login: the address is the key
    renewed = client.post("/api/v1/practitioners/1/calendar-feed", headers=mei).json()["url"]
    assert client.get(feed).status_code == 404  # a new address retires the old one
    assert client.delete("/api/v1/practitioners/1/calendar-feed", headers=mei).status_code == 204
    assert client.get(renewed).status_code == 404
