"""What the schema says is what the API checks: a date is ISO text in range (`?day=0` is not
1970-01-01), a query parameter the operation does not declare is refused, and the limits the
records apply (an empty name) are declared in the OpenAPI document."""

from __future__ import annotations

from collections.abc import Callable

from fastapi.testclient import TestClient

Auth = Callable[[str], dict[str, str]]


def test_a_number_is_not_a_date(client: TestClient, auth: Auth) -> None:
    for day in ("0", "20260105", "1899-12-31", "2026-1-5"):
        response = client.get("/api/v1/dashboard", params={"day": day}, headers=auth("mei"))
        assert response.status_code == 422, (day, response.text)
        assert response.json()["field"] == "day"
    ok = client.get("/api/v1/dashboard", params={"day": "2026-01-05"}, headers=auth("mei"))
    assert ok.status_code == 200
    assert ok.json()["day"] == "2026-01-05"


def test_an_unknown_query_parameter_is_refused_naming_it(client: TestClient, auth: Auth) -> None:
    response = client.get("/api/v1/patients", params={"limt": "5"}, headers=auth("mei"))
    assert response.status_code == 422
    body = response.json()
    assert body["field"] == "limt"
    assert set(body["allowed"]) == {"cursor", "limit", "offset", "q"}
    none = client.get("/api/v1/auth/me", params={"x": "1"}, headers=auth("mei"))
    assert none.status_code == 422
    assert none.json()["allowed"] == "no query parameters"


def test_the_records_limits_are_declared(client: TestClient, auth: Auth) -> None:
    schemas = client.get("/openapi.json").json()["components"]["schemas"]
    given = schemas["PatientIn"]["properties"]["given_name"]
    assert (given["minLength"], given["maxLength"]) == (1, 200)
    assert schemas["AdverseEventIn"]["properties"]["action_taken"]["minLength"] == 1
    empty = {"given_name": "", "family_name": "Doe", "sex": "female"}
    response = client.post("/api/v1/patients", json=empty, headers=auth("mei"))
    assert response.status_code == 422
    assert response.json()["field"] == "given_name"


def test_a_course_running_past_2100_is_short_not_a_server_error(
    client: TestClient, auth: Auth, patient_ids: dict[str, int]
) -> None:
    """Before: the visits after 2100-12-31 failed the appointment's own bounds inside the
    proposal, an unhandled 500. Now those slots are skipped, named, and the course is short."""
    mei = auth("mei")
    plans = client.get(f"/api/v1/patients/{patient_ids['Fenwick']}/plans", headers=mei).json()
    plan = next(p for p in plans["items"] if p["status"] == "accepted")
    body = {"practitioner_id": 1, "first_day": "2100-12-20", "weekdays": ["mon", "thu"]}
    response = client.post(
        f"/api/v1/plans/{plan['id']}/course",
        params={"dry_run": "true"},
        json={**body, "times": ["10:00"]},
        headers=mei,
    )
    assert response.status_code == 200, response.text
    course = response.json()
    assert course["short_by"] > 0
    assert any("bookable range" in reason for reason in course["skipped"]), course["skipped"]
