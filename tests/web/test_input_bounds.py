"""Bounded input through the API: free text has a length limit (also through an amendment),
and dates and times have sane ranges and are given as text, not numbers."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from fastapi.testclient import TestClient

from acuback.records.bounds import MAX_NOTE

Auth = Callable[[str], dict[str, str]]


def _signed_session(client: TestClient, auth: Auth, patient_id: int) -> str:
    body = {
        "patient_id": patient_id,
        "session_date": date.today().isoformat(),
        "notes": "ok",
        "needles_in": 0,
        "needles_out": 0,
    }
    draft = client.post("/api/v1/sessions", json=body, headers=auth("mei")).json()
    url = f"/api/v1/sessions/{draft['id']}"
    signed = client.post(f"{url}/sign", json={"version": draft["version"]}, headers=auth("mei"))
    assert signed.status_code == 200, signed.text
    return url


def test_a_huge_note_through_an_amendment_is_refused(
    client: TestClient, auth: Auth, patient_ids: dict[str, int]
) -> None:
    url = _signed_session(client, auth, patient_ids["Fenwick"])
    version = client.get(url, headers=auth("mei")).json()["version"]
    amend = {"reason": "more notes", "version": version}
    ten_mb = client.post(
        f"{url}/amendments",
        headers=auth("mei"),
        json={**amend, "changes": {"notes": "x" * 10_000_000}},
    )
    assert ten_mb.status_code == 413
    too_long = client.post(
        f"{url}/amendments",
        headers=auth("mei"),
        json={**amend, "changes": {"notes": "x" * (MAX_NOTE + 1)}},
    )
    assert too_long.status_code == 422
    assert too_long.json()["field"] == "notes"
    chart = client.get(url, headers=auth("mei")).json()
    assert chart["chart"]["notes"] == "ok"
    assert chart["amendments"] == []


def test_a_long_note_in_a_draft_is_refused_naming_the_field(
    client: TestClient, auth: Auth, patient_ids: dict[str, int]
) -> None:
    body = {
        "patient_id": patient_ids["Fenwick"],
        "session_date": date.today().isoformat(),
        "notes": "x" * (MAX_NOTE + 1),
    }
    response = client.post("/api/v1/sessions", json=body, headers=auth("mei"))
    assert response.status_code == 422
    assert response.json()["field"] == "notes"


def test_an_appointment_at_zero_lasting_thirty_years_is_refused(
    client: TestClient, auth: Auth, patient_ids: dict[str, int]
) -> None:
    base = {"patient_id": patient_ids["Fenwick"], "practitioner_id": 1}
    cases = [
        ({"starts_at": 0, "ends_at": 946_080_000}, "starts_at"),
        ({"starts_at": "1970-01-01T00:00:00Z", "ends_at": "2000-01-01T00:00:00Z"}, "starts_at"),
        ({"starts_at": "2030-01-01T09:00:00Z", "ends_at": "2060-01-01T09:00:00Z"}, None),
    ]
    for times, field in cases:
        response = client.post("/api/v1/appointments", json=base | times, headers=auth("reception"))
        assert response.status_code == 422, (times, response.text)
        if field:
            assert response.json()["field"] == field
        else:
            assert "12 hours" in response.json()["detail"]


def test_an_outcome_dated_year_one_is_refused(
    client: TestClient, auth: Auth, patient_ids: dict[str, int]
) -> None:
    url = f"/api/v1/patients/{patient_ids['Fenwick']}/outcomes"
    for measured_on in ("0001-01-01", "2999-01-01", 0):
        body = {"instrument": "nrs", "responses": 2, "measured_on": measured_on}
        response = client.post(url, json=body, headers=auth("mei"))
        assert response.status_code == 422, (measured_on, response.text)
        assert response.json()["field"] == "measured_on"
