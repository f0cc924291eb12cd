"""Patients through the API: create, read, update with versions, search, errors."""

from __future__ import annotations

from collections.abc import Callable

from fastapi.testclient import TestClient

Auth = Callable[[str], dict[str, str]]


def _new_patient(client: TestClient, auth: Auth, **extra: str) -> dict[str, object]:
    body = {"given_name": "Nora", "family_name": "Quist", "sex": "female", **extra}
    response = client.post("/api/v1/patients", json=body, headers=auth("reception"))
    assert response.status_code == 201, response.text
    return dict(response.json())


def test_create_read_and_search(client: TestClient, auth: Auth) -> None:
    created = _new_patient(client, auth, phone="+44 20 7946 0001")
    assert created["public_id"]
    assert created["version"] >= 1
    read = client.get(f"/api/v1/patients/{created['id']}", headers=auth("mei"))
    assert read.status_code == 200
    assert read.json()["phone"] == "+44 20 7946 0001"
    found = client.get("/api/v1/patients", params={"q": "quis"}, headers=auth("mei")).json()
    assert created["id"] in [item["id"] for item in found["items"]]


def test_second_writer_gets_a_conflict(client: TestClient, auth: Auth) -> None:
    created = _new_patient(client, auth)
    url, version = f"/api/v1/patients/{created['id']}", created["version"]
    first = client.patch(url, json={"version": version, "phone": "1"}, headers=auth("mei"))
    assert first.status_code == 200
    assert first.json()["version"] == version + 1
    second = client.patch(url, json={"version": version, "phone": "2"}, headers=auth("reception"))
    assert second.status_code == 409
    assert "changed by someone else" in second.json()["detail"]
    assert client.get(url, headers=auth("mei")).json()["phone"] == "1"


def test_invalid_bodies_name_the_field(client: TestClient, auth: Auth) -> None:
    cases = [
        ({"given_name": "A", "family_name": "B", "sex": "robot"}, "sex"),
        ({"given_name": "A", "sex": "male"}, "family_name"),
        ({"given_name": "A", "family_name": "B", "sex": "male", "colour": "red"}, "colour"),
        ({"given_name": "", "family_name": "B", "sex": "male"}, "given_name"),
        ({"given_name": "A\x00", "family_name": "B", "sex": "male"}, "given_name"),
    ]
    for body, field in cases:
        response = client.post("/api/v1/patients", json=body, headers=auth("mei"))
        assert response.status_code == 422, (body, response.text)
        assert response.json()["field"] == field


def test_malformed_json_and_bad_ids_are_client_errors(client: TestClient, auth: Auth) -> None:
    headers = {**auth("mei"), "content-type": "application/json"}
    assert client.post("/api/v1/patients", content=b"{oops", headers=headers).status_code == 422
    assert client.get("/api/v1/patients/abc", headers=auth("mei")).status_code == 422
    assert client.get("/api/v1/patients/0", headers=auth("mei")).status_code == 422
    huge = client.get(f"/api/v1/patients/{2**63}", headers=auth("mei"))
    assert huge.status_code == 422
    assert huge.json()["field"] == "patient_id"


def test_unknown_ids_are_404(client: TestClient, auth: Auth) -> None:
    for path in (
        "/patients/999999",
        "/intakes/999999",
        "/plans/999999",
        "/sessions/999999",
        "/practitioners/999999",
        "/patients/999999/trajectory",
    ):
        response = client.get(f"/api/v1{path}", headers=auth("mei"))
        assert response.status_code == 404, (path, response.text)


def test_markup_comes_back_as_data(client: TestClient, auth: Auth) -> None:
    markup = "<script>alert('x')</script>"
    created = _new_patient(client, auth, given_name=markup)
    response = client.get(f"/api/v1/patients/{created['id']}", headers=auth("mei"))
    assert response.headers["content-type"].startswith("application/json")
    assert response.json()["given_name"] == markup
