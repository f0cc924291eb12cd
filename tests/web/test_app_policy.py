"""The clinic policy comes from the settings given to `create_app`, not from the process."""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from acuback.settings import Settings, get_settings
from acuback.web.app import create_app

from .conftest import DEMO_PASSWORDS, SECRET

CLOPIDOGREL = {
    "age": 58,
    "sex": "female",
    "medications": ["clopidogrel 75 mg"],
    "pain": {"regions": ["lower_back"], "onset_weeks": 20, "nrs": 5},
}


def test_intakes_are_screened_with_the_apps_policy(
    web_engine: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    policy = tmp_path / "policy.yaml"
    policy.write_text("dispositions:\n  antiplatelet: clearance\n", encoding="utf-8")
    monkeypatch.delenv("ACUBACK_POLICY", raising=False)
    get_settings.cache_clear()  # the process has no policy; only the app's settings name one
    url = web_engine.url.render_as_string(hide_password=False)
    settings = Settings(database_url=url, secret_key=SECRET, policy=policy)
    with TestClient(create_app(settings, engine=web_engine, migrate=False)) as client:
        login = {"username": "mei", "password": DEMO_PASSWORDS["mei"]}
        token = client.post("/api/v1/auth/token", data=login).json()["access_token"]
        headers = {"Authorization": f"Bearer {token}"}
        body = {"given_name": "Polly", "family_name": "Sea", "sex": "female"}
        patient_id = client.post("/api/v1/patients", json=body, headers=headers).json()["id"]
        intake = {"patient_id": patient_id, "intake": CLOPIDOGREL}
        response = client.post("/api/v1/intakes", json=intake, headers=headers)
    assert response.status_code == 201, response.text
    assert response.json()["disposition"] == "clearance"
