"""The three pages that build an intake from a form read it with the one form mapper
(acuback.web.forms): the same bad number gives the same error, on the same field, everywhere."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient
from tests.web.views.conftest import Browser, form_token, page
from tests.web.views.test_clinic import CLEAN, new_patient, submit_intake

from acuback.errors import InputError
from acuback.web import forms

# What the mapper says about `pain.nrs=abc`, the field every one of the three pages asks.
with pytest.raises(InputError) as _caught:
    forms.intake_number({"pain.nrs": "abc"}, "pain.nrs")
MAPPER_ERROR = _caught.value
PROBLEM = "'abc' is not a whole number"


def _alert(response: Any) -> str:
    assert response.status_code == 422, response.text
    return str(page(response).select_one('[role="alert"]').get_text(strip=True))


def _invalid(response: Any) -> list[str]:
    return [c["name"] for c in page(response).select('[aria-invalid="true"][name]')]


def test_the_mapper_error_is_keyed_by_the_intake_path() -> None:
    assert MAPPER_ERROR.field == "pain.nrs"
    assert MAPPER_ERROR.problem == PROBLEM
    assert MAPPER_ERROR.message == "pain.nrs: 'abc' is not a whole number (allowed: 0..10)"


def test_the_self_check_reports_the_mappers_error_on_its_field(anonymous: TestClient) -> None:
    data = {
        "age": "45",
        "sex": "male",
        "pain.regions": "lower_back",
        "pain.onset_weeks": "20",
        "pain.nrs": "abc",
        "csrf_token": form_token(anonymous, "/self-check"),
    }
    response = anonymous.post("/self-check", data=data)
    alert = _alert(response)
    assert alert.startswith("How bad the pain is now:")  # the visitor's words for the field
    assert PROBLEM in alert
    assert _invalid(response) == ["pain.nrs"]


def test_the_clinic_intake_reports_the_mappers_error_on_its_field(browser: Browser) -> None:
    client = browser("mei")
    response = submit_intake(client, new_patient(client), CLEAN | {"pain.nrs": "abc"})
    assert _alert(response) == MAPPER_ERROR.message
    assert _invalid(response) == ["pain.nrs"]
    assert page(response).find("input", attrs={"name": "pain.nrs"})["value"] == "abc"


def test_the_portal_follow_up_reports_the_mappers_error_on_its_field(browser: Browser) -> None:
    client = browser("ada")
    token = form_token(client, "/portal/questionnaires")
    data = {"pain.nrs": "abc", "findings": "fever", "csrf_token": token}
    response = client.post("/portal/questionnaires", data=data)
    assert _alert(response) == MAPPER_ERROR.message
    assert _invalid(response) == ["pain.nrs"]
    ticked = page(response).find("input", attrs={"name": "findings", "value": "fever"})
    assert ticked.has_attr("checked")


HALF_STARTBACK = {"startback.1": "yes", "startback.2": "no", "startback.9": "slightly"}


def test_a_half_answered_startback_is_the_same_error_on_the_clinic_and_the_portal(
    browser: Browser,
) -> None:
    with pytest.raises(InputError) as caught:
        forms.startback(HALF_STARTBACK)
    expected = caught.value
    assert expected.field == "startback.3"
    clinic = browser("mei")
    response = submit_intake(clinic, new_patient(clinic), CLEAN | HALF_STARTBACK)
    assert _alert(response) == expected.message
    assert page(response).select_one("details.startback").has_attr("open")
    portal = browser("ada")
    data = {**HALF_STARTBACK, "csrf_token": form_token(portal, "/portal/questionnaires")}
    response = portal.post("/portal/questionnaires", data=data)
    assert _alert(response) == expected.message
