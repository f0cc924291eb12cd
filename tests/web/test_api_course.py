"""Booking a course from an accepted plan through the API: dry run, booking, the payer limit."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from typing import Any

from fastapi.testclient import TestClient

Auth = Callable[[str], dict[str, str]]
CHRONIC = {
    "age": 52,
    "sex": "female",
    "pain": {"regions": ["lower_back"], "onset_weeks": 40, "nrs": 6},
}


def _accepted_plan(client: TestClient, auth: Auth) -> tuple[int, int]:
    mei = auth("mei")
    body = {"given_name": "Rita", "family_name": "Course", "sex": "female"}
    patient_id = client.post("/api/v1/patients", json=body, headers=mei).json()["id"]
    intake = client.post(
        "/api/v1/intakes", json={"patient_id": patient_id, "intake": CHRONIC}, headers=mei
    ).json()
    plan = client.post(f"/api/v1/intakes/{intake['id']}/plans", headers=mei).json()
    accepted = client.post(
        f"/api/v1/plans/{plan['id']}/accept", json={"version": plan["version"]}, headers=mei
    )
    assert accepted.status_code == 200, accepted.text
    return patient_id, plan["id"]


def _prefs(first_day: date, **extra: Any) -> dict[str, Any]:
    return {
        "practitioner_id": 1,
        "first_day": first_day.isoformat(),
        "weekdays": ["tue", "thu"],
        "times": ["10:00", "15:00"],
        **extra,
    }


def test_course_dry_run_then_booked_whole_then_payer_limit(client: TestClient, auth: Auth) -> None:
    desk = auth("reception")
    patient_id, plan_id = _accepted_plan(client, auth)
    first_day = datetime.now(UTC).date() + timedelta(days=60)
    url = f"/api/v1/plans/{plan_id}/course"
    proposal = client.post(f"{url}?dry_run=true", json=_prefs(first_day), headers=desk)
    assert proposal.status_code == 200, proposal.text
    body = proposal.json()
    assert body["payer_rule"] == "medicare"
    assert len(body["visits"]) == 10
    assert [v["number"] for v in body["visits"] if v["reassessment"]] == [6]
    assert all(v["covered"] for v in body["visits"])
    assert body["booked"] == []
    listed = client.get(f"/api/v1/patients/{patient_id}/appointments", headers=desk).json()
    assert listed == []

    booked = client.post(url, json=_prefs(first_day), headers=desk)
    assert booked.status_code == 201, booked.text
    visits = booked.json()["booked"]
    assert len(visits) == 10
    assert {v["plan_id"] for v in visits} == {plan_id}
    assert sum(v["kind"] == "reassessment" for v in visits) == 1
    listed = client.get(f"/api/v1/patients/{patient_id}/appointments", headers=desk).json()
    assert sorted(a["id"] for a in listed) == sorted(v["id"] for v in visits)

    # Ten more: visits 11 and 12 are within the first 12; 13 on need "improving", not assessed.
    later = first_day + timedelta(weeks=6)
    again = client.post(f"{url}?dry_run=true", json=_prefs(later), headers=desk).json()
    assert [v["covered"] for v in again["visits"]] == [True, True] + [False] * 8
    assert again["refused"]
    refused = client.post(url, json=_prefs(later), headers=desk)
    assert refused.status_code == 409
    assert "beyond the payer's limit" in refused.json()["detail"]
    count = client.get(f"/api/v1/patients/{patient_id}/appointments", headers=desk).json()
    assert len(count) == 10  # nothing of the refused course was booked


def test_course_of_a_clashing_slot_moves_to_the_next_time(client: TestClient, auth: Auth) -> None:
    desk = auth("reception")
    _, plan_a = _accepted_plan(client, auth)
    _, plan_b = _accepted_plan(client, auth)
    first_day = datetime.now(UTC).date() + timedelta(days=150)
    first = client.post(f"/api/v1/plans/{plan_a}/course", json=_prefs(first_day), headers=desk)
    assert first.status_code == 201, first.text
    second = client.post(
        f"/api/v1/plans/{plan_b}/course?dry_run=true", json=_prefs(first_day), headers=desk
    ).json()
    assert {v["local"][-11:-6] for v in second["visits"]} == {"15:00"}
    assert any("already has appointment" in why for why in second["skipped"])


def test_course_refusals_name_the_problem(client: TestClient, auth: Auth) -> None:
    desk, mei = auth("reception"), auth("mei")
    person = {"given_name": "N", "family_name": "P", "sex": "male"}
    patient_id = client.post("/api/v1/patients", headers=mei, json=person).json()["id"]
    intake = client.post(
        "/api/v1/intakes", json={"patient_id": patient_id, "intake": CHRONIC}, headers=mei
    ).json()
    proposed = client.post(f"/api/v1/intakes/{intake['id']}/plans", headers=mei).json()
    first_day = datetime.now(UTC).date() + timedelta(days=30)
    not_accepted = client.post(
        f"/api/v1/plans/{proposed['id']}/course", json=_prefs(first_day), headers=desk
    )
    assert not_accepted.status_code == 409
    assert "accept it" in not_accepted.json()["detail"]
    bad = client.post(
        f"/api/v1/plans/{proposed['id']}/course",
        headers=desk,
        json=_prefs(first_day, weekdays=["someday"]),
    )
    assert bad.status_code == 422
    assert bad.json()["field"] == "weekdays[0]"
    patient = client.post(
        f"/api/v1/plans/{proposed['id']}/course", json=_prefs(first_day), headers=auth("ada")
    )
    assert patient.status_code == 403
