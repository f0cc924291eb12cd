"""Amendments through the API are version-checked: two corrections of one signed chart from the
same reading give one 200 and one 409, and the chart keeps the winner's change."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from fastapi.testclient import TestClient

Auth = Callable[[str], dict[str, str]]


def test_two_corrections_of_one_reading_one_gets_409(
    client: TestClient, auth: Auth, patient_ids: dict[str, int]
) -> None:
    mei = auth("mei")
    body = {
        "patient_id": patient_ids["Fenwick"],
        "session_date": date.today().isoformat(),
        "needles_in": 0,
        "needles_out": 0,
    }
    draft = client.post("/api/v1/sessions", json=body, headers=mei).json()
    url = f"/api/v1/sessions/{draft['id']}"
    signed = client.post(f"{url}/sign", json={"version": draft["version"]}, headers=mei).json()
    read = signed["version"]
    one = {"version": read, "reason": "a", "changes": {"pain_after": 2}}
    two = {"version": read, "reason": "b", "changes": {"pain_after": 7}}
    first = client.post(f"{url}/amendments", headers=mei, json=one)
    second = client.post(f"{url}/amendments", headers=auth("daniel"), json=two)
    assert first.status_code == 200, first.text
    assert first.json()["version"] == read + 1
    assert second.status_code == 409
    assert "someone else" in second.json()["detail"]
    chart = client.get(url, headers=mei).json()
    assert chart["chart"]["pain_after"] == 2
    assert [a["reason"] for a in chart["amendments"]] == ["a"]
    unversioned = client.post(
        f"{url}/amendments", headers=mei, json={"reason": "c", "changes": {"pain_after": 3}}
    )
    assert unversioned.status_code == 422
    assert unversioned.json()["field"] == "version"
