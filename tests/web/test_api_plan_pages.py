"""Lists paged by key (issue 16): a patient's plans as summaries, and the patient list."""

from __future__ import annotations

import base64
from collections.abc import Callable

from fastapi.testclient import TestClient

Auth = Callable[[str], dict[str, str]]


def _pages(client: TestClient, url: str, mei: dict[str, str], limit: int) -> list[list[dict]]:
    pages, cursor = [], None
    for _ in range(50):  # bounded: a broken cursor must not loop forever
        params: dict[str, str | int] = {"limit": limit}
        if cursor is not None:
            params["cursor"] = cursor
        response = client.get(url, params=params, headers=mei)
        assert response.status_code == 200, response.text
        body = response.json()
        pages.append(body["items"])
        cursor = body["next_cursor"]
        if cursor is None:
            return pages
    raise AssertionError("the pages did not end")


def test_plans_are_paged_summaries_oldest_first(
    client: TestClient, auth: Auth, patient_ids: dict[str, int]
) -> None:
    mei, patient = auth("mei"), patient_ids["Fenwick"]
    intake = client.get(f"/api/v1/patients/{patient}/intakes", headers=mei).json()[-1]
    made = [
        client.post(f"/api/v1/intakes/{intake['id']}/plans", headers=mei).json()["id"]
        for _ in range(4)
    ]
    url = f"/api/v1/patients/{patient}/plans"
    everything = client.get(url, params={"limit": 100}, headers=mei).json()
    assert everything["next_cursor"] is None
    ids = [item["id"] for item in everything["items"]]
    assert ids[-4:] == made  # oldest first: the new ones last
    pages = _pages(client, url, mei, limit=2)
    assert [len(page) for page in pages[:-1]] == [2] * (len(pages) - 1)
    assert [item["id"] for page in pages for item in page] == ids  # no gap, no repeat
    for item in everything["items"]:
        assert "payload" not in item
        full = client.get(f"/api/v1/plans/{item['id']}", headers=mei).json()
        assert item["points"] == len(full["payload"]["points"])
        assert item["disposition"] == full["payload"]["screening"]["disposition"]
        assert (item["status"], item["version"]) == (full["status"], full["version"])


def test_a_bad_limit_or_cursor_names_the_field(
    client: TestClient, auth: Auth, patient_ids: dict[str, int]
) -> None:
    url = f"/api/v1/patients/{patient_ids['Fenwick']}/plans"
    forged = base64.urlsafe_b64encode(b"not a time|1").decode().rstrip("=")
    for params, field in (
        ({"limit": 0}, "limit"),
        ({"limit": 101}, "limit"),
        ({"cursor": "abc"}, "cursor"),
        ({"cursor": forged}, "cursor"),
        ({"cursor": "a/b"}, "cursor"),
    ):
        response = client.get(url, params=params, headers=auth("mei"))
        assert response.status_code == 422, (params, response.text)
        assert response.json()["field"] == field, (params, response.json())


def test_the_patient_list_pages_by_key_as_by_offset(client: TestClient, auth: Auth) -> None:
    mei = auth("mei")
    whole = client.get("/api/v1/patients", params={"limit": 200}, headers=mei).json()
    names = [(p["family_name"], p["given_name"], p["id"]) for p in whole["items"]]
    seen, cursor = [], None
    for _ in range(100):
        params: dict[str, str | int] = {"limit": 3} | ({"cursor": cursor} if cursor else {})
        page = client.get("/api/v1/patients", params=params, headers=mei).json()
        assert page["total"] == whole["total"]
        seen += [(p["family_name"], p["given_name"], p["id"]) for p in page["items"]]
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert seen == names  # the same order, nothing skipped or repeated
    by_offset = client.get("/api/v1/patients", params={"limit": 3, "offset": 3}, headers=mei)
    assert [p["id"] for p in by_offset.json()["items"]] == [n[2] for n in names[3:6]]
    bad = client.get("/api/v1/patients", params={"cursor": "abc"}, headers=mei)
    assert bad.status_code == 422
    assert bad.json()["field"] == "cursor"
