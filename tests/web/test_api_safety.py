"""Issue 9's examples through the JSON API: intake, screening and plan."""

from __future__ import annotations

from collections.abc import Callable

from fastapi.testclient import TestClient
from tests.safety_examples import EXPECTED, older_patient

Auth = Callable[[str], dict[str, str]]


def test_every_medication_example_gets_the_safe_disposition(client: TestClient, auth: Auth) -> None:
    mei = auth("mei")
    body = {"given_name": "Alma", "family_name": "Reed", "sex": "male"}
    patient_id = client.post("/api/v1/patients", json=body, headers=mei).json()["id"]
    got = {}
    for entry in EXPECTED:
        intake = {"patient_id": patient_id, "intake": older_patient(entry)}
        created = client.post("/api/v1/intakes", json=intake, headers=mei)
        assert created.status_code == 201, created.text
        intake_id = created.json()["id"]
        screening = client.get(f"/api/v1/intakes/{intake_id}/screening", headers=mei).json()
        got[entry] = screening["disposition"]
        assert screening["unrecognised_medications"] == []
        plan = client.post(f"/api/v1/intakes/{intake_id}/plans", headers=mei).json()
        assert "BL40" not in {p["code"] for p in plan["payload"]["points"]}
    assert got == EXPECTED


def test_an_unread_medicine_is_reported_on_the_screening(client: TestClient, auth: Auth) -> None:
    mei = auth("mei")
    body = {"given_name": "Ben", "family_name": "Roe", "sex": "male"}
    patient_id = client.post("/api/v1/patients", json=body, headers=mei).json()["id"]
    intake = {"patient_id": patient_id, "intake": older_patient("Zyloric 100")}
    intake_id = client.post("/api/v1/intakes", json=intake, headers=mei).json()["id"]
    screening = client.get(f"/api/v1/intakes/{intake_id}/screening", headers=mei).json()
    assert screening["unrecognised_medications"] == [
        {"text": "Zyloric 100", "message": "not recognised: check with the patient"}
    ]
