"""The settings given to `create_app` reach the use cases (issue 10 point 4): the clinic's time
zone comes from them, not from the process's environment."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from acuback.settings import Settings, get_settings
from acuback.web.app import create_app

from .conftest import DEMO_PASSWORDS, SECRET


@pytest.fixture
def tokyo_client(web_engine: Engine, monkeypatch: pytest.MonkeyPatch) -> Iterator[TestClient]:
    monkeypatch.setenv("ACUBACK_TIMEZONE", "Europe/London")
    get_settings.cache_clear()
    assert get_settings().timezone == "Europe/London"  # the environment says London...
    settings = Settings(
        database_url=web_engine.url.render_as_string(hide_password=False),
        secret_key=SECRET,
        timezone="Asia/Tokyo",  # ...the app is created for Tokyo
    )
    try:
        with TestClient(create_app(settings, engine=web_engine, migrate=False)) as client:
            yield client
    finally:
        get_settings.cache_clear()


def test_the_clinic_time_zone_is_the_one_create_app_was_given(tokyo_client: TestClient) -> None:
    form = {"username": "reception", "password": DEMO_PASSWORDS["reception"]}
    token = tokyo_client.post("/api/v1/auth/token", data=form).json()["access_token"]
    headers = {"Authorization": f"Bearer {token}"}
    patients = tokyo_client.get("/api/v1/patients?limit=1", headers=headers).json()["items"]
    day = datetime.now(UTC).date() + timedelta(weeks=9)
    day += timedelta(days=(4 - day.weekday()) % 7)  # a Friday

    def book(start: datetime) -> int:
        body = {
            "patient_id": patients[0]["id"],
            "practitioner_id": 1,
            "starts_at": start.isoformat(),
            "ends_at": (start + timedelta(minutes=45)).isoformat(),
        }
        return tokyo_client.post("/api/v1/appointments", json=body, headers=headers).status_code

    # 10:00 in Tokyo is 01:00 UTC (01:00 or 02:00 in London, closed there): open in Tokyo.
    assert book(datetime.combine(day, time(10), tzinfo=ZoneInfo("Asia/Tokyo"))) == 201
    # 11:00 in London (open there) is 19:00 or 20:00 in Tokyo: closed in Tokyo.
    assert book(datetime.combine(day, time(11), tzinfo=ZoneInfo("Europe/London"))) == 409
