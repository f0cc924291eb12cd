"""The document buttons where a person expects them: the referral letter on the refer page
(with its note, stored and listed), the handout, consent and course report on the plan page,
the superbill on a signed session, the handout in the portal; each one downloads a PDF."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient
from tests.web.views.conftest import Browser, form_token, page
from tests.web.views.test_clinic import CLEAN, new_patient, screened
from tests.web.views.test_clinic_sessions import accepted_patient, chart, sign

from ...pdf_support import ensure_weasyprint_libraries, pdf_pages


@pytest.fixture(scope="module", autouse=True)
def _pdf_libraries() -> None:
    ensure_weasyprint_libraries()


def _pdf(client: TestClient, href: str) -> str:
    response = client.get(href)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/pdf"
    return " ".join(pdf_pages(response.content))


def test_refer_page_writes_the_letter_with_its_note(browser: Browser) -> None:
    client = browser("mei")
    patient_id = new_patient(client)
    refer = screened(client, patient_id, CLEAN | {"findings": ["cancer_history", "night_pain"]})
    form = refer.find(id="referral-form")
    assert refer.find(id="write-referral").get_text() == "Write the referral letter"
    screening_url = form["action"].removesuffix("/referral")
    note = "Please see her this week; thank you."
    data = {"csrf_token": form_token(client, "/clinic"), "note": note}
    letter = client.post(form["action"], data=data)
    assert letter.headers["content-type"] == "application/pdf"
    text = " ".join(pdf_pages(letter.content))
    assert note in text
    assert "Assessment of the findings below before any acupuncture" in text
    listed = page(client.get(screening_url))
    link = listed.select_one("ul.letters a")
    assert note in listed.select_one("ul.letters").get_text()
    assert client.get(link["href"]).content == letter.content


def test_plan_session_and_portal_offer_their_documents(browser: Browser) -> None:
    client = browser("mei")
    patient_id = accepted_patient(client)
    patient_page = page(client.get(f"/clinic/patients/{patient_id}"))
    plan_url = patient_page.find("a", href=re.compile(r"^/clinic/plans/\d+$"))["href"]
    plan = page(client.get(plan_url))
    assert "Your home acupressure points" in _pdf(client, plan.find(id="handout-link")["href"])
    assert "Consent to acupuncture" in _pdf(client, plan.find(id="consent-link")["href"])
    assert "STRICTA" in _pdf(client, plan.find(id="course-report-link")["href"])
    url, _ = chart(client, patient_id, needles_in="0", needles_out="0", face_to_face_minutes="15")
    assert sign(client, url).status_code == 303
    session = page(client.get(url))
    assert "97810" in _pdf(client, session.find(id="superbill-link")["href"])
    portal = page(browser("ada").get("/portal/home-points"))
    assert "Your home acupressure points" in _pdf(
        browser("ada"), portal.find(id="handout-link")["href"]
    )
