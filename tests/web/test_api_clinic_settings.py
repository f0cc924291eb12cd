"""The clinic calendar's settings through the API: time zone, hours, time off, rooms; who may
change them; and the 409s they cause for bookings."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

from fastapi.testclient import TestClient

Auth = Callable[[str], dict[str, str]]


def _friday(weeks: int) -> datetime:
    day = datetime.now(UTC).date() + timedelta(weeks=weeks)
    day += timedelta(days=(4 - day.weekday()) % 7)
    return datetime.combine(day, time(0), tzinfo=UTC)


def _book(client: TestClient, auth: Auth, patient: int, start: datetime, **extra: object) -> object:
    body = {
        "patient_id": patient,
        "practitioner_id": 1,
        "starts_at": start.isoformat(),
        "ends_at": (start + timedelta(minutes=45)).isoformat(),
        **extra,
    }
    return client.post("/api/v1/appointments", json=body, headers=auth("reception"))


def test_settings_are_for_administrators_and_bad_values_name_the_field(
    client: TestClient, auth: Auth
) -> None:
    admin = auth("admin")
    bad = client.put(
        "/api/v1/clinic/settings/timezone", json={"value": "Mars/Olympus"}, headers=admin
    )
    assert bad.status_code == 422
    assert bad.json()["field"] == "value"
    unknown = client.put("/api/v1/clinic/settings/colour", json={"value": "red"}, headers=admin)
    assert unknown.status_code == 422
    assert "timezone" in unknown.json()["allowed"]
    desk = client.put(
        "/api/v1/clinic/settings/timezone", json={"value": "UTC"}, headers=auth("reception")
    )
    assert desk.status_code == 403
    hours = client.put(
        "/api/v1/clinic/hours", json={"hours": {"mon": ["18:00-09:00"]}}, headers=admin
    )
    assert hours.status_code == 422
    assert hours.json()["field"] == "hours.mon[0]"


def test_time_zone_hours_time_off_and_rooms_shape_the_bookings(
    client: TestClient, auth: Auth, patient_ids: dict[str, int]
) -> None:
    admin, ada = auth("admin"), patient_ids["Fenwick"]
    tokyo = client.put(
        "/api/v1/clinic/settings/timezone", json={"value": "Asia/Tokyo"}, headers=admin
    )
    assert tokyo.status_code == 204
    try:
        friday = _friday(6)
        # 10:00 in Tokyo is 01:00 UTC: open; 10:00 UTC is 19:00 in Tokyo: closed.
        local_ten = datetime.combine(friday.date(), time(10), tzinfo=ZoneInfo("Asia/Tokyo"))
        assert _book(client, auth, ada, local_ten).status_code == 201  # type: ignore[attr-defined]
        closed = _book(client, auth, ada, friday.replace(hour=10))
        assert closed.status_code == 409  # type: ignore[attr-defined]
        assert "closed" in closed.json()["detail"]  # type: ignore[attr-defined]
    finally:
        client.put("/api/v1/clinic/settings/timezone", json={"value": None}, headers=admin)
    friday = _friday(7)
    away = client.post(
        "/api/v1/practitioners/1/time-off",
        headers=admin,
        json={
            "starts_at": friday.replace(hour=12).isoformat(),
            "ends_at": friday.replace(hour=18).isoformat(),
            "reason": "course",
        },
    )
    assert away.status_code == 201
    refused = _book(client, auth, ada, friday.replace(hour=14))
    assert refused.status_code == 409  # type: ignore[attr-defined]
    assert "away: time off (course)" in refused.json()["detail"]  # type: ignore[attr-defined]
    room = client.post("/api/v1/rooms", json={"name": "Room A"}, headers=admin).json()["id"]
    assert _book(client, auth, ada, friday.replace(hour=9), room_id=room).status_code == 201  # type: ignore[attr-defined]
    other = {
        "patient_id": patient_ids["Moreau"],
        "practitioner_id": 2,
        "starts_at": friday.replace(hour=9, minute=30).isoformat(),
        "ends_at": friday.replace(hour=10).isoformat(),
        "room_id": room,
    }
    taken = client.post("/api/v1/appointments", json=other, headers=auth("reception"))
    assert taken.status_code == 409, taken.text
    assert "room is taken" in taken.json()["detail"]
