"""Issue 10 point 7 on the screening, intake and self-check pages: a person reads a rule's
label (clinical/data/labels.yaml through `rule_label`), never its code."""

from __future__ import annotations

import re

from bs4 import BeautifulSoup
from fastapi.testclient import TestClient
from tests.web.views.conftest import Browser, form_token, page
from tests.web.views.test_clinic import CLEAN, new_patient, screened

from acuback.clinical.labels import rule_label

SNAKE = re.compile(r"\b[a-z0-9]+(?:_[a-z0-9]+)+\b")  # a code such as cauda_equina


def _read(soup: BeautifulSoup) -> str:
    """The words of the page's main part a person reads (no markup or attributes)."""
    main = soup.find("main")
    assert main is not None
    return str(main.get_text(" ", strip=True))


def test_the_screening_page_names_each_rule_by_its_label(browser: Browser) -> None:
    client = browser("mei")
    answers = {
        "sex": "female",
        "pregnancy_weeks": "20",
        "medications": "warfarin\nZyloric 100",
        "findings": ["saddle_anaesthesia", "diabetes", "pacemaker_or_icd"],
    }
    soup = screened(client, new_patient(client), CLEAN | answers)
    rules = [li["data-rule"] for li in soup.select("li.reason")]
    assert {"cauda_equina", "unrecognised_medication", "pregnancy_third_month"} <= set(rules)
    words = _read(soup)
    for rule in rules:
        item = soup.select_one(f'li.reason[data-rule="{rule}"]')
        assert f"Rule: {rule_label(rule)}" in item.get_text(" ", strip=True)
        assert "_" not in rule or rule not in words, rule  # `pregnancy` is also a word
    assert "Cauda equina signs" in words
    assert "A medicine not recognised (check with the patient)" in words
    assert SNAKE.findall(words) == []


def test_the_screening_page_names_methods_as_the_knowledge_base_does(browser: Browser) -> None:
    client = browser("mei")
    pregnant = CLEAN | {"sex": "female", "pregnancy_weeks": "20"}
    soup = screened(client, new_patient(client), pregnant)
    methods = soup.find("dt", string="Methods avoided").find_next_sibling("dd").get_text()
    assert methods == "Electroacupuncture"  # its name in methods.yaml, not the code
    assert SNAKE.findall(_read(soup)) == []


def test_the_intake_form_shows_no_code(browser: Browser) -> None:
    client = browser("mei")
    soup = page(client.get(f"/clinic/patients/{new_patient(client)}/intake"))
    assert SNAKE.findall(_read(soup)) == []


def test_the_self_check_answer_shows_no_code(anonymous: TestClient) -> None:
    for answers in (
        {"findings": "saddle_anaesthesia", "medications": "Zyloric 100"},
        {"sex": "female", "pregnant": "yes", "pregnancy_weeks": "20", "findings": "diabetes"},
    ):
        data = {
            "age": "45",
            "sex": "male",
            "pain.regions": "lower_back",
            "pain.onset_weeks": "20",
            "pain.nrs": "5",
            **answers,
            "csrf_token": form_token(anonymous, "/self-check"),
        }
        response = anonymous.post("/self-check", data=data)
        assert response.status_code == 200
        soup = page(response)
        assert soup.select("[data-rule]"), "the answer lists its reasons"
        assert SNAKE.findall(_read(soup)) == []


def test_the_portal_names_the_questionnaires_it_saved(browser: Browser) -> None:
    client = browser("ada")
    answers = {f"startback.{i}": "no" for i in range(1, 9)} | {"startback.9": "slightly"}
    data = {"pain.nrs": "3", **answers, "csrf_token": form_token(client, "/portal/questionnaires")}
    soup = page(client.post("/portal/questionnaires", data=data))
    names = {
        row["data-instrument"]: row.td.get_text() for row in soup.select("tr[data-instrument]")
    }
    assert names == {"nrs": "Pain NRS", "startback": "STarT Back"}
