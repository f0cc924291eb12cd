"""Issue 9 on the pages: the self-check reads medicines with the clinic's recogniser, never
drops pregnancy or an unread medicine, and takes a diagnosis; the clinic screening page says
what each medicine was read as and which it could not read."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient
from tests.safety_examples import EXPECTED
from tests.web.views.conftest import Browser, form_token, page
from tests.web.views.test_clinic import CLEAN, new_patient, screened

from acuback.knowledge import load_knowledge

OLDER = {
    "age": "72",
    "sex": "male",
    "pain.regions": "lower_back",
    "pain.onset_weeks": "30",
    "pain.nrs": "5",
    "prior_acupuncture": "yes",
}


def _check(client: TestClient, **answers: Any) -> Any:
    data = {**OLDER, **answers, "csrf_token": form_token(client, "/self-check")}
    response = client.post("/self-check", data=data)
    assert response.status_code == 200, response.text
    return page(response)


def _disposition(soup: Any) -> str:
    return str(soup.select_one("section.answer")["data-disposition"])


@pytest.mark.parametrize(("entry", "disposition"), sorted(EXPECTED.items()))
def test_every_medication_example_gets_the_safe_answer(
    anonymous: TestClient, entry: str, disposition: str
) -> None:
    soup = _check(anonymous, medications=entry)
    assert _disposition(soup) == disposition
    (line,) = soup.select("ul.medicines li")
    assert line["data-kind"] == "medicine"
    assert line.get_text().startswith(entry)


def test_an_unread_medicine_is_shown_not_dropped(anonymous: TestClient) -> None:
    soup = _check(anonymous, medications="Zyloric 100\nwarfrin 3mg")
    kinds = {li["data-kind"]: li.get_text() for li in soup.select("ul.medicines li")}
    assert "did not recognise" in kinds["unrecognised"]
    assert kinds["unrecognised"].startswith("Zyloric 100")
    assert "warfarin" in kinds["medicine"]  # the near miss says what it was read as


def test_weeks_of_pregnancy_count_whatever_the_radio_says(anonymous: TestClient) -> None:
    soup = _check(anonymous, sex="female", age="30", pregnant="no", pregnancy_weeks="24")
    assert _disposition(soup) == "caution"
    rules = {li["data-rule"] for li in soup.select(".reasons li")}
    assert {"pregnancy", "pregnancy_third_month"} <= rules
    said = soup.select_one("ul.contradictions").get_text()
    assert "not pregnant" in said
    assert "24 weeks" in said
    assert "Nothing you told us stands in the way" not in soup.get_text()


def test_no_contradiction_is_reported_when_the_answers_agree(anonymous: TestClient) -> None:
    soup = _check(anonymous, sex="female", age="30", pregnant="yes", pregnancy_weeks="24")
    assert soup.select("ul.contradictions") == []


def test_the_diagnosis_dropdown_lists_every_condition_in_words(anonymous: TestClient) -> None:
    soup = page(anonymous.get("/self-check"))
    options = soup.select("select#diagnoses option")
    kb = load_knowledge()
    assert {o["value"] for o in options} == {"", *kb.conditions}
    assert {o.get_text() for o in options if o["value"]} == {c.name for c in kb.conditions.values()}


def test_a_diagnosis_reaches_the_same_screening(anonymous: TestClient) -> None:
    soup = _check(anonymous, age="45", diagnoses="compression_fracture")
    assert _disposition(soup) == "clearance"
    assert "diagnosis_needs_workup" in {li["data-rule"] for li in soup.select(".reasons li")}


def test_the_clinic_page_says_what_each_medicine_was_read_as(browser: Browser) -> None:
    client = browser("mei")
    patient_id = new_patient(client)
    soup = screened(client, patient_id, CLEAN | {"medications": "warfrin 3mg\nZyloric 100"})
    read = soup.select_one("ul.medicines-recognised").get_text()
    assert "'warfrin' read as warfarin: confirm" in read
    unread = soup.select_one("ul.medicines-unrecognised").get_text()
    assert "Zyloric 100" in unread
    assert "not recognised: check with the patient" in unread
