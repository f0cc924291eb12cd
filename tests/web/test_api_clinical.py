"""The clinical flow through the API: intake, screening, plan, appointments, sessions,
outcomes, trajectory, dashboard."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from typing import Any

from fastapi.testclient import TestClient

from acuback.clinical.intake import parse_intake

Auth = Callable[[str], dict[str, str]]
CLEAN = {"age": 40, "sex": "male", "pain": {"regions": ["lower_back"], "onset_weeks": 20, "nrs": 6}}


def _patient(client: TestClient, auth: Auth) -> int:
    body = {"given_name": "Ivo", "family_name": "Marsh", "sex": "male"}
    response = client.post("/api/v1/patients", json=body, headers=auth("mei"))
    return int(response.json()["id"])


def _intake(client: TestClient, auth: Auth, patient_id: int, intake: dict[str, Any]) -> Any:
    body = {"patient_id": patient_id, "intake": intake}
    return client.post("/api/v1/intakes", json=body, headers=auth("mei"))


def test_intake_errors_name_the_intake_field(client: TestClient, auth: Auth) -> None:
    patient_id = _patient(client, auth)
    bad = {**CLEAN, "pain": {**CLEAN["pain"], "side": "up"}}  # type: ignore[dict-item]
    response = _intake(client, auth, patient_id, bad)
    assert response.status_code == 422
    assert response.json()["field"] == "pain.side"
    assert "left" in response.json()["allowed"]
    nul = _intake(client, auth, patient_id, {**CLEAN, "medications": ["warfarin\x00"]})
    assert nul.status_code == 422
    assert nul.json()["field"] == "medications[0]"
    unknown = _intake(client, auth, patient_id, {**CLEAN, "shoe_size": 42})
    assert unknown.status_code == 422
    assert unknown.json()["field"] == "shoe_size"


def test_red_flag_intake_gets_no_points(client: TestClient, auth: Auth) -> None:
    patient_id = _patient(client, auth)
    red = {**CLEAN, "findings": ["saddle_anaesthesia", "urinary_retention"]}
    intake = _intake(client, auth, patient_id, red).json()
    screening = client.get(f"/api/v1/intakes/{intake['id']}/screening", headers=auth("mei"))
    assert screening.json()["disposition"] == "emergency"
    plan = client.post(f"/api/v1/intakes/{intake['id']}/plans", headers=auth("mei")).json()
    assert plan["payload"]["points"] == []
    assert plan["payload"]["instead"]
    accept = client.post(
        f"/api/v1/plans/{plan['id']}/accept", json={"version": plan["version"]}, headers=auth("mei")
    )
    assert accept.status_code == 409


def test_full_flow(client: TestClient, auth: Auth) -> None:
    mei = auth("mei")
    patient_id = _patient(client, auth)
    intake = _intake(client, auth, patient_id, CLEAN).json()
    assert intake["disposition"] == "proceed"
    assert intake["payload"] == parse_intake(CLEAN).model_dump(mode="json")
    plan = client.post(f"/api/v1/intakes/{intake['id']}/plans", headers=mei).json()
    codes = [p["code"] for p in plan["payload"]["points"]]
    assert codes
    accepted = client.post(
        f"/api/v1/plans/{plan['id']}/accept", json={"version": plan["version"]}, headers=mei
    )
    assert accepted.status_code == 200
    assert accepted.json()["status"] == "accepted"
    # Next week's Tuesday at 10:00 UTC: in the clinic's default opening hours.
    day = datetime.now(UTC).date() + timedelta(days=7)
    day += timedelta(days=(1 - day.weekday()) % 7)
    start = datetime(day.year, day.month, day.day, 10, tzinfo=UTC)
    booked = client.post(
        "/api/v1/appointments",
        json={
            "patient_id": patient_id,
            "practitioner_id": 1,
            "starts_at": start.isoformat(),
            "ends_at": (start + timedelta(minutes=45)).isoformat(),
        },
        headers=auth("reception"),
    )
    assert booked.status_code == 201, booked.text
    draft = client.get(f"/api/v1/patients/{patient_id}/sessions/prefill", headers=mei).json()
    assert [n["point"] for n in draft["needles"]] == codes
    count = sum(2 if n["side"] == "bilateral" else 1 for n in draft["needles"])
    chart = {key: draft[key] for key in ("patient_id", "plan_id", "session_date", "needles")}
    chart |= {"needles_in": count, "needles_out": count, "pain_before": 6, "pain_after": 4}
    session = client.post("/api/v1/sessions", json=chart, headers=mei)
    assert session.status_code == 201, session.text
    assert session.json()["ready_to_sign"]
    sid, version = session.json()["id"], session.json()["version"]
    signed = client.post(f"/api/v1/sessions/{sid}/sign", json={"version": version}, headers=mei)
    assert signed.status_code == 200
    assert signed.json()["status"] == "signed"
    for day, score in ((date.today() - timedelta(days=7), 7), (date.today(), 3)):
        recorded = client.post(
            f"/api/v1/patients/{patient_id}/outcomes",
            json={
                "instrument": "nrs",
                "responses": score,
                "measured_on": day.isoformat(),
                "session_id": sid if score == 3 else None,
            },
            headers=mei,
        )
        assert recorded.status_code == 201
        assert recorded.json()["score"] == score
    trajectory = client.get(f"/api/v1/patients/{patient_id}/trajectory", headers=mei).json()
    (nrs,) = trajectory["trajectories"]
    assert nrs["verdict"] == "improving"
    assert trajectory["sessions_completed"] == 1


def test_plan_edit_that_the_screening_forbids_is_refused(client: TestClient, auth: Auth) -> None:
    patient_id = _patient(client, auth)
    pregnant = {**CLEAN, "sex": "female", "pregnancy_weeks": 20}
    intake = _intake(client, auth, patient_id, pregnant).json()
    plan = client.post(f"/api/v1/intakes/{intake['id']}/plans", headers=auth("mei")).json()
    body = {"version": plan["version"], "points": [{"code": "SP6", "side": "both"}]}
    refused = client.post(f"/api/v1/plans/{plan['id']}/accept", json=body, headers=auth("mei"))
    assert refused.status_code == 422
    assert refused.json()["field"] == "points[0].code"
    methods = {"version": plan["version"], "methods": ["electroacupuncture"]}
    no_electro = client.post(
        f"/api/v1/plans/{plan['id']}/accept", json=methods, headers=auth("mei")
    )
    assert no_electro.status_code == 422
    assert no_electro.json()["field"] == "methods[0]"


def _chart(client: TestClient, auth: Auth, patient_id: int, **extra: Any) -> Any:
    needle = {"point": "SP6", "side": "left", "depth_mm": 10, "angle": "perpendicular"}
    body = {
        "patient_id": patient_id,
        "session_date": date.today().isoformat(),
        "needles": [needle],
        "needles_in": 1,
        "needles_out": 1,
        **extra,
    }
    return client.post("/api/v1/sessions", json=body, headers=auth("daniel"))


def test_override_reason_required_and_stored(
    client: TestClient, auth: Auth, patient_ids: dict[str, int]
) -> None:
    grace = patient_ids["Holloway"]  # pregnant 20 weeks: SP6 is forbidden
    draft = _chart(client, auth, grace).json()
    assert draft["checks"][0]["needs_override"]
    assert not draft["ready_to_sign"]
    url = f"/api/v1/sessions/{draft['id']}"
    blocked = client.post(f"{url}/sign", json={"version": draft["version"]}, headers=auth("daniel"))
    assert blocked.status_code == 409
    assert "override reason" in blocked.json()["detail"]
    reason = "Discussed with the midwife; patient consented"
    needle = {**draft["chart"]["needles"][0], "override_reason": reason}
    body = {
        "version": draft["version"],
        "session_date": draft["chart"]["session_date"],
        "needles": [needle],
        "needles_in": 1,
        "needles_out": 1,
    }
    fixed = client.put(url, json=body, headers=auth("daniel")).json()
    signed = client.post(f"{url}/sign", json={"version": fixed["version"]}, headers=auth("daniel"))
    assert signed.status_code == 200
    stored = client.get(url, headers=auth("mei")).json()
    assert stored["chart"]["needles"][0]["override_reason"] == reason
    assert stored["checks"][0]["override_reason"] == reason


def test_needle_mismatch_blocks_signing_and_amendments_keep_the_original(
    client: TestClient, auth: Auth, patient_ids: dict[str, int]
) -> None:
    mei, ada = auth("mei"), patient_ids["Fenwick"]
    needle = {"point": "BL40", "side": "bilateral", "depth_mm": 10, "angle": "perpendicular"}
    body = {
        "patient_id": ada,
        "session_date": date.today().isoformat(),
        "needles": [needle],
        "needles_in": 2,
        "needles_out": 1,
        "notes": "<script>alert(1)</script>",
    }
    draft = client.post("/api/v1/sessions", json=body, headers=mei).json()
    assert draft["needle_count_mismatch"]
    assert draft["chart"]["notes"] == body["notes"]
    url = f"/api/v1/sessions/{draft['id']}"
    blocked = client.post(f"{url}/sign", json={"version": draft["version"]}, headers=mei)
    assert blocked.status_code == 409
    assert "1 out" in blocked.json()["detail"]
    fix = {k: v for k, v in body.items() if k != "patient_id"} | {"needles_out": 2}
    fixed = client.put(url, json={**fix, "version": draft["version"]}, headers=mei).json()
    stale = client.put(url, json={**fix, "version": draft["version"]}, headers=mei)
    assert stale.status_code == 409
    client.post(f"{url}/sign", json={"version": fixed["version"]}, headers=mei)
    locked = client.put(url, json={**fix, "version": fixed["version"] + 1}, headers=mei)
    assert locked.status_code == 409
    signed_version = client.get(url, headers=mei).json()["version"]
    amended = client.post(
        f"{url}/amendments",
        json={"reason": "post pain was 3", "version": signed_version, "changes": {"pain_after": 3}},
        headers=mei,
    ).json()
    assert amended["chart"]["pain_after"] == 3
    assert amended["original"]["pain_after"] is None
    event = client.post(
        f"{url}/adverse-events",
        json={
            "occurred_at": datetime.now(UTC).isoformat(),
            "type": "bleeding_haematoma",
            "severity": "mild",
            "action_taken": "pressure applied",
        },
        headers=mei,
    )
    assert event.status_code == 201
    bad = client.post(
        f"{url}/amendments",
        json={"reason": "x", "changes": {"status": "draft"}, "version": amended["version"]},
        headers=mei,
    )
    assert bad.status_code == 422
    assert bad.json()["field"] == "changes.status"


def test_chart_links_must_be_the_same_patients(
    client: TestClient, auth: Auth, patient_ids: dict[str, int]
) -> None:
    plans = client.get(f"/api/v1/patients/{patient_ids['Fenwick']}/plans", headers=auth("mei"))
    body = {
        "patient_id": patient_ids["Moreau"],
        "session_date": date.today().isoformat(),
        "plan_id": plans.json()["items"][0]["id"],
    }
    response = client.post("/api/v1/sessions", json=body, headers=auth("mei"))
    assert response.status_code == 422
    assert response.json()["field"] == "plan_id"


def test_dashboard_lists_today_and_alerts(client: TestClient, auth: Auth) -> None:
    far = client.get("/api/v1/dashboard", params={"day": "9999-12-31"}, headers=auth("mei"))
    assert far.status_code == 422
    assert far.json()["field"] == "day"
    board = client.get("/api/v1/dashboard", headers=auth("mei")).json()
    assert board["appointments"]
    kinds = {alert["kind"] for alert in board["alerts"]}
    assert {"not_improving", "reassessment_due", "red_flags", "licence_expiring"} <= kinds


def test_an_ambiguous_point_code_in_a_plan_is_a_422_naming_both(
    client: TestClient, auth: Auth
) -> None:
    patient_id = _patient(client, auth)
    intake = _intake(client, auth, patient_id, CLEAN).json()
    plan = client.post(f"/api/v1/intakes/{intake['id']}/plans", headers=auth("mei")).json()
    body = {"version": plan["version"], "points": [{"code": "Bl-54", "side": "both"}]}
    refused = client.post(f"/api/v1/plans/{plan['id']}/accept", json=body, headers=auth("mei"))
    assert refused.status_code == 422
    error = refused.json()
    assert error["field"] == "points[0].code"
    assert "ambiguous" in error["detail"]
    assert error["allowed"] == ["BL54", "BL40"]
