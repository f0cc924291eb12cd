"""Billing lines through the API: charted face-to-face time, e-stim and re-insertion by
increment, one initial code per day, 409 for an unsigned chart, 403 for another patient."""

from __future__ import annotations

import hashlib
import io
from collections.abc import Callable
from typing import Any

import pytest
from fastapi.testclient import TestClient
from pypdf import PdfReader

from ..pdf_support import ensure_weasyprint_libraries, pdf_pages

Auth = Callable[[str], dict[str, str]]
DAY = "2026-03-02"
ELECTRO = {
    "point": "BL25",
    "side": "bilateral",
    "depth_mm": 15,
    "angle": "perpendicular",
    "stimulation": "electro",
    "frequency_hz": 2.0,
    "pairing": "BL23",
}


def _patient(client: TestClient, auth: Auth, family: str) -> int:
    body = {"given_name": "Rhea", "family_name": family, "sex": "female"}
    patient_id = int(client.post("/api/v1/patients", json=body, headers=auth("mei")).json()["id"])
    intake = {
        "age": 52,
        "sex": "female",
        "pain": {"regions": ["lower_back"], "onset_weeks": 20, "nrs": 6},
    }
    screened = client.post(
        "/api/v1/intakes", json={"patient_id": patient_id, "intake": intake}, headers=auth("mei")
    )
    assert screened.status_code == 201, screened.text
    return patient_id


def _session(client: TestClient, auth: Auth, patient_id: int, sign: bool, **extra: Any) -> int:
    body = {
        "patient_id": patient_id,
        "session_date": DAY,
        "needles": [ELECTRO],
        "needles_in": 2,
        "needles_out": 2,
        "retention_minutes": 25,
        **extra,
    }
    draft = client.post("/api/v1/sessions", json=body, headers=auth("mei"))
    assert draft.status_code == 201, draft.text
    chart = draft.json()
    if sign:
        signed = client.post(
            f"/api/v1/sessions/{chart['id']}/sign",
            json={"version": chart["version"]},
            headers=auth("mei"),
        )
        assert signed.status_code == 200, signed.text
    return int(chart["id"])


def test_signed_chart_gets_its_cpt_lines(client: TestClient, auth: Auth) -> None:
    patient_id = _patient(client, auth, "Quill")
    sid = _session(
        client,
        auth,
        patient_id,
        True,
        face_to_face_minutes=30,
        electro_increments=[2],
        reinsertion_increments=[2],
    )
    chart = client.get(f"/api/v1/sessions/{sid}", headers=auth("mei")).json()["chart"]
    assert (chart["face_to_face_minutes"], chart["electro_increments"]) == (30, [2])
    bill = client.get(f"/api/v1/sessions/{sid}/billing", headers=auth("mei"))
    assert bill.status_code == 200, bill.text
    body = bill.json()
    assert [(line["code"], line["units"]) for line in body["lines"]] == [
        ("97810", 1),
        ("97814", 1),
    ]
    # nothing about the time to confirm; no fees yet, which is stated and leaves no total
    assert body["to_confirm"] == [
        "The clinic fee schedule has no fee for 97810.",
        "The clinic fee schedule has no fee for 97814.",
    ]
    assert body["total"] is None
    assert body["sources"] == ["codingahead_cpt_acupuncture"]
    assert body["verified"] is False
    # a second signed visit the same day reports no second initial code
    second = _session(client, auth, patient_id, True, face_to_face_minutes=15)
    lines = client.get(f"/api/v1/sessions/{second}/billing", headers=auth("mei")).json()
    assert lines["lines"] == []
    assert any(f"Session {sid} already reported" in text for text in lines["to_confirm"])


def test_unsigned_chart_is_409_and_another_patients_is_403(
    client: TestClient, auth: Auth, patient_ids: dict[str, int]
) -> None:
    draft = _session(client, auth, _patient(client, auth, "Vane"), False, face_to_face_minutes=15)
    refused = client.get(f"/api/v1/sessions/{draft}/billing", headers=auth("mei"))
    assert refused.status_code == 409
    assert "not signed" in refused.json()["detail"]
    other = _session(client, auth, patient_ids["Moreau"], True, face_to_face_minutes=15)
    forbidden = client.get(f"/api/v1/sessions/{other}/billing", headers=auth("ada"))
    assert forbidden.status_code == 403
    missing = client.get("/api/v1/sessions/999999/billing", headers=auth("mei"))
    assert missing.status_code == 404


def test_increment_beyond_the_minutes_names_the_field(client: TestClient, auth: Auth) -> None:
    body = {
        "patient_id": _patient(client, auth, "Oakes"),
        "session_date": DAY,
        "face_to_face_minutes": 20,
        "electro_increments": [3],
    }
    response = client.post("/api/v1/sessions", json=body, headers=auth("mei"))
    assert response.status_code == 422
    assert "electro_increments" in response.text
    assert "1 to 2" in response.text


@pytest.fixture(scope="module", autouse=True)
def _pdf_libraries() -> None:
    ensure_weasyprint_libraries()


def test_superbill_pdf_prints_the_lines_and_is_stored_unchanged(
    client: TestClient, auth: Auth
) -> None:
    patient_id = _patient(client, auth, "Larkspur")
    sid = _session(
        client,
        auth,
        patient_id,
        True,
        face_to_face_minutes=40,
        electro_increments=[1],
        reinsertion_increments=[2],
    )
    response = client.get(f"/api/v1/sessions/{sid}/superbill.pdf", headers=auth("mei"))
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/pdf"
    pdf = response.content
    assert response.headers["x-document-sha256"] == hashlib.sha256(pdf).hexdigest()
    pages = pdf_pages(pdf)
    text = " ".join(pages)
    for expected in (
        "Superbill",
        "97813",
        "97811",
        "2026-03-02",
        "40 minutes",
        "The last 10 of 40 face-to-face minutes",
        "Practitioner NPI",
    ):
        assert expected in text, expected
    assert all("Rhea Larkspur" in page for page in pages)
    assert all(f"of {len(pages)}" in page for page in pages)
    again = client.get(
        f"/api/v1/documents/{response.headers['x-document-id']}.pdf", headers=auth("mei")
    )
    assert again.content == pdf
    unsigned = _session(client, auth, patient_id, False, face_to_face_minutes=15)
    refused = client.get(f"/api/v1/sessions/{unsigned}/superbill.pdf", headers=auth("mei"))
    assert refused.status_code == 409
    other = client.get(f"/api/v1/sessions/{sid}/superbill.pdf", headers=auth("ada"))
    assert other.status_code == 403
    stored = client.get(
        f"/api/v1/documents/{response.headers['x-document-id']}.pdf", headers=auth("reception")
    )
    assert stored.status_code == 403


def test_clinic_settings_price_the_bill_and_set_the_paper(client: TestClient, auth: Auth) -> None:
    settings = client.get("/api/v1/clinic/settings", headers=auth("admin")).json()
    assert client.get("/api/v1/clinic/settings", headers=auth("mei")).status_code == 403
    wrong = {"version": settings["version"], "fee_schedule": {"9781": "1"}}
    bad = client.put("/api/v1/clinic/settings", json=wrong, headers=auth("admin"))
    assert bad.status_code == 422
    assert bad.json()["field"].startswith("fee_schedule")
    body = {
        "version": settings["version"],
        "name": "Riverside Acupuncture",
        "address": "1 River Street",
        "paper_size": "Letter",
        "fee_schedule": {"97810": "60.00", "97814": "40.00"},
    }
    saved = client.put("/api/v1/clinic/settings", json=body, headers=auth("admin"))
    assert saved.status_code == 200, saved.text
    stale = client.put("/api/v1/clinic/settings", json=body, headers=auth("admin"))
    assert stale.status_code == 409
    patient_id = _patient(client, auth, "Fairweather")
    sid = _session(
        client,
        auth,
        patient_id,
        True,
        face_to_face_minutes=30,
        electro_increments=[2],
        reinsertion_increments=[2],
    )
    bill = client.get(f"/api/v1/sessions/{sid}/billing", headers=auth("mei")).json()
    assert [line["amount"] for line in bill["lines"]] == ["60.00", "40.00"]
    assert (bill["total"], bill["to_confirm"]) == ("100.00", [])
    pdf = client.get(f"/api/v1/sessions/{sid}/superbill.pdf", headers=auth("mei")).content
    text = " ".join(pdf_pages(pdf))
    assert "Riverside Acupuncture" in text
    assert "100.00" in text
    assert PdfReader(io.BytesIO(pdf)).pages[0].mediabox.height == 792  # US Letter


def test_referral_letter_for_a_refer_screening(
    client: TestClient, auth: Auth, patient_ids: dict[str, int]
) -> None:
    mei = auth("mei")
    duval = patient_ids["Duval"]  # cancer history and weight loss: refer
    patient = client.get(f"/api/v1/patients/{duval}", headers=mei).json()
    physician = "Dr Ana Ruiz\nMarket Street Surgery\nSpringfield"
    change = {"version": patient["version"], "physician": physician}
    patched = client.patch(f"/api/v1/patients/{duval}", json=change, headers=mei)
    assert patched.status_code == 200, patched.text
    intake = client.get(f"/api/v1/patients/{duval}/intakes", headers=mei).json()[-1]
    assert intake["disposition"] == "refer"
    url = f"/api/v1/intakes/{intake['id']}"
    note = "Seen today; she agrees to see you this week."
    letter = client.post(f"{url}/referrals", json={"note": note}, headers=mei)
    assert letter.status_code == 200, letter.text
    text = " ".join(pdf_pages(letter.content))
    for expected in (
        "Referral letter",
        "Dr Ana Ruiz",
        "Market Street Surgery",
        "Assessment of the findings below before any acupuncture",
        "past history of cancer",
        "Unexplained weight loss",
        "Source:",
        note,
        "Licence: Demo Acupuncture Council (fictional) DEMO-0101",
    ):
        assert expected in text, expected
    listed = client.get(f"{url}/referrals", headers=mei).json()
    assert listed[-1]["note"] == note
    assert listed[-1]["sha256"] == hashlib.sha256(letter.content).hexdigest()
    again = client.get(f"/api/v1/documents/{listed[-1]['id']}.pdf", headers=mei)
    assert again.content == letter.content
    plain = client.get(f"{url}/referral.pdf", headers=mei)
    assert plain.status_code == 200
    assert len(client.get(f"{url}/referrals", headers=mei).json()) == len(listed) + 1
    assert client.get(f"{url}/referral.pdf", headers=auth("reception")).status_code == 403
    assert (
        client.post(f"{url}/referrals", json={"note": "x" * 4001}, headers=mei).status_code == 422
    )


def _accepted_plan(client: TestClient, auth: Auth, patient_id: int) -> dict[str, Any]:
    plans = client.get(f"/api/v1/patients/{patient_id}/plans", headers=auth("mei")).json()
    return next(p for p in plans["items"] if p["status"] == "accepted")


def test_handout_consent_and_course_report(
    client: TestClient, auth: Auth, patient_ids: dict[str, int]
) -> None:
    fenwick = patient_ids["Fenwick"]  # the patient user "ada"
    plan = _accepted_plan(client, auth, fenwick)
    url = f"/api/v1/plans/{plan['id']}"
    handout = client.get(f"{url}/handout.pdf", headers=auth("ada"))  # the patient's own
    assert handout.status_code == 200, handout.text
    pages = pdf_pages(handout.content)
    text = " ".join(pages)
    for expected in (
        "Your home acupressure points",
        "BL23",
        "Rub the lower back",
        "Points not to press in pregnancy",
        "LI4",
        "SP6",
        "about 24% of patients after a single treatment",
        "fewer than 1 in 10,000",
        "When to stop and get help",
        "sessions in all",
    ):
        assert expected in text, expected
    assert all("Ada Fenwick, born" in page for page in pages)
    consent = " ".join(pdf_pages(client.get(f"{url}/consent.pdf", headers=auth("mei")).content))
    for expected in (
        "Consent to acupuncture",
        "Risks and how often they happen",
        "107 per 1,000 patients",
        "Patient's signature",
        "What applies to you",
    ):
        assert expected in consent, expected
    report = client.get(f"{url}/course-report", headers=auth("mei")).json()
    assert [i["item"] for i in report["items"]] == [
        "1a",
        "1b",
        "1c",
        "2a",
        "2b",
        "2c",
        "2d",
        "2e",
        "2f",
        "2g",
        "3a",
        "3b",
        "4a",
        "4b",
        "5",
        "6a",
        "6b",
    ]
    assert report["sessions"] >= 1
    assert report["points"][0]["sessions"] <= report["sessions"]
    pdf = " ".join(pdf_pages(client.get(f"{url}/course-report.pdf", headers=auth("mei")).content))
    for expected in (
        "STRICTA course report",
        "2f Needle retention time",
        "Outcome trajectory",
        report["points"][0]["point"],
        "Practitioner background",
    ):
        assert expected in pdf, expected
    other = _accepted_plan(client, auth, patient_ids["Moreau"])
    assert (
        client.get(f"/api/v1/plans/{other['id']}/handout.pdf", headers=auth("ada")).status_code
        == 403
    )
    assert client.get(f"{url}/course-report", headers=auth("researcher")).status_code == 403


def test_handout_needs_an_accepted_plan(client: TestClient, auth: Auth) -> None:
    patient_id = _patient(client, auth, "Ashdown")
    intake = client.get(f"/api/v1/patients/{patient_id}/intakes", headers=auth("mei")).json()[0]
    plan = client.post(f"/api/v1/intakes/{intake['id']}/plans", headers=auth("mei")).json()
    response = client.get(f"/api/v1/plans/{plan['id']}/handout.pdf", headers=auth("mei"))
    assert response.status_code == 409
    assert "accepted" in response.json()["detail"]
