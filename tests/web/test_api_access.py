"""Who sees what through the API: patients, reception, researchers; 401 without a login."""

from __future__ import annotations

from collections.abc import Callable

from fastapi.testclient import TestClient

Auth = Callable[[str], dict[str, str]]


def test_no_login_is_401(client: TestClient) -> None:
    response = client.get("/api/v1/patients")
    assert response.status_code == 401
    assert response.headers["www-authenticate"] == "Bearer"
    forged = client.get("/api/v1/patients", headers={"Authorization": "Bearer abc.def.ghi"})
    assert forged.status_code == 401


def test_patient_reaches_only_their_own_record(
    client: TestClient, auth: Auth, patient_ids: dict[str, int]
) -> None:
    ada, other = patient_ids["Fenwick"], patient_ids["Moreau"]
    me = auth("ada")
    assert client.get(f"/api/v1/patients/{ada}", headers=me).status_code == 200
    assert client.get(f"/api/v1/patients/{ada}/trajectory", headers=me).status_code == 200
    assert client.get(f"/api/v1/patients/{ada}/sessions", headers=me).status_code == 200
    for path in ("", "/trajectory", "/sessions", "/intakes", "/outcomes", "/appointments"):
        response = client.get(f"/api/v1/patients/{other}{path}", headers=me)
        assert response.status_code == 403, path
    assert client.get("/api/v1/patients", headers=me).status_code == 403
    other_session = client.get(f"/api/v1/patients/{other}/sessions", headers=auth("mei")).json()
    response = client.get(f"/api/v1/sessions/{other_session[0]['id']}", headers=me)
    assert response.status_code == 403
    assert client.get("/api/v1/dashboard", headers=me).status_code == 403


def test_patient_may_send_a_questionnaire_for_themself_only(
    client: TestClient, auth: Auth, patient_ids: dict[str, int]
) -> None:
    me = auth("ada")
    mine = client.post(
        f"/api/v1/patients/{patient_ids['Fenwick']}/outcomes",
        json={"instrument": "peg", "responses": [4, 4, 3]},
        headers=me,
    )
    assert mine.status_code == 201
    assert mine.json()["score"] == 3.67
    theirs = client.post(
        f"/api/v1/patients/{patient_ids['Moreau']}/outcomes",
        json={"instrument": "nrs", "responses": 2},
        headers=me,
    )
    assert theirs.status_code == 403


def test_reception_sees_schedule_and_contacts_but_no_clinical_notes(
    client: TestClient, auth: Auth, patient_ids: dict[str, int]
) -> None:
    desk, ada = auth("reception"), patient_ids["Fenwick"]
    contact = client.get(f"/api/v1/patients/{ada}", headers=desk)
    assert contact.status_code == 200
    assert contact.json()["phone"]
    assert client.get(f"/api/v1/patients/{ada}/appointments", headers=desk).status_code == 200
    for path in ("/sessions", "/intakes", "/outcomes", "/trajectory", "/plans"):
        assert client.get(f"/api/v1/patients/{ada}{path}", headers=desk).status_code == 403, path
    sessions = client.get(f"/api/v1/patients/{ada}/sessions", headers=auth("mei")).json()
    assert client.get(f"/api/v1/sessions/{sessions[0]['id']}", headers=desk).status_code == 403


def test_researcher_gets_only_aggregates(
    client: TestClient, auth: Auth, patient_ids: dict[str, int]
) -> None:
    lab = auth("researcher")
    assert client.get("/api/v1/patients", headers=lab).status_code == 403
    assert client.get(f"/api/v1/patients/{patient_ids['Fenwick']}", headers=lab).status_code == 403
    assert client.get("/api/v1/dashboard", headers=lab).status_code == 403
    figures = client.get("/api/v1/research/aggregates", headers=lab)
    assert figures.status_code == 200
    assert figures.json()["patients"] >= 12
    page = client.get("/api/v1/patients?limit=200", headers=auth("mei")).json()["items"]
    for patient in page:
        for identifier in (patient["family_name"], patient["public_id"], patient["email"]):
            if identifier:
                assert identifier not in figures.text


def test_denied_attempts_reach_the_audit_log(
    client: TestClient, auth: Auth, patient_ids: dict[str, int]
) -> None:
    client.get(f"/api/v1/patients/{patient_ids['Moreau']}", headers=auth("grace"))
    entries = client.get(
        "/api/v1/audit", params={"username": "grace", "limit": 5}, headers=auth("admin")
    ).json()
    assert entries[0]["outcome"] == "denied"
    assert entries[0]["action"] == "patient.read"
    assert client.get("/api/v1/audit", headers=auth("mei")).status_code == 403


def test_admin_creates_a_user_who_can_log_in(client: TestClient, auth: Auth) -> None:
    body = {"username": "newdesk", "password": "a-long-password-1", "role": "reception"}
    created = client.post("/api/v1/users", json=body, headers=auth("admin"))
    assert created.status_code == 201
    assert "password" not in created.text
    again = client.post("/api/v1/users", json=body, headers=auth("admin"))
    assert again.status_code == 409
    token = client.post(
        "/api/v1/auth/token", data={"username": "newdesk", "password": "a-long-password-1"}
    )
    assert token.status_code == 200
    assert token.json()["role"] == "reception"
    assert client.post("/api/v1/users", json=body, headers=auth("mei")).status_code == 403
