"""Issue 10 point 7: a person reads a code's label, never the code (clinical/labels.py: rules,
responses and guideline stances from clinical/data/labels.yaml, methods by their names in
knowledge/data/methods.yaml) on the screening, intake and self-check pages, the dashboard, the
patient records, plans, session charts, outcome pages and the portal. Codes stay in attributes."""

from __future__ import annotations

import re

from bs4 import BeautifulSoup
from fastapi.testclient import TestClient
from tests.web.views.conftest import Browser, form_token, page
from tests.web.views.test_clinic import CLEAN, _propose, new_patient, screened
from tests.web.views.test_clinic_sessions import accepted_patient, chart, form_data, sign

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


def _codes(client: TestClient, url: str) -> list[str]:
    """The snake_case codes a person reads on the page at `url` (which must be a page)."""
    response = client.get(url)
    assert response.status_code == 200, url
    return SNAKE.findall(_read(page(response)))


def _links(client: TestClient, url: str, pattern: str) -> list[str]:
    soup = page(client.get(url))
    return sorted({a["href"] for a in soup.find_all("a", href=re.compile(pattern))})


def test_the_clinic_pages_show_no_code(browser: Browser) -> None:
    """The dashboard, every demo patient's record and the plans, session charts and outcomes
    it links to, and the new chart and outcome forms."""
    client = browser("mei")
    urls = ["/clinic"]
    for record in _links(client, "/clinic/patients", r"^/clinic/patients/\d+$"):
        urls += [record, f"{record}/sessions/new", f"{record}/outcomes/new"]
        urls += _links(client, record, r"^/clinic/(plans|sessions|outcomes)/\d+$")
    assert any("/plans/" in url for url in urls)
    assert any("/sessions/" in url for url in urls)
    found = {url: codes for url in urls if (codes := _codes(client, url))}
    assert found == {}


def test_a_fresh_plan_and_its_chart_show_no_code(browser: Browser) -> None:
    client = browser("mei")
    for answers in (CLEAN, CLEAN | {"sex": "female", "pregnancy_weeks": "20"}):
        patient_id = new_patient(client)
        soup = screened(client, patient_id, answers)
        url, plan = _propose(client, soup)
        assert SNAKE.findall(_read(plan)) == [], url
        assert _codes(client, f"/clinic/patients/{patient_id}") == []


def test_the_portal_pages_show_no_code(browser: Browser) -> None:
    for patient in ("ada", "grace"):
        client = browser(patient)
        urls = ["/portal", "/portal/questionnaires", "/portal/home-points"]
        urls += ["/portal/appointments"]
        urls += _links(client, "/portal/appointments", r"^/portal/appointments/\d+$")
        found = {url: codes for url in urls if (codes := _codes(client, url))}
        assert found == {}, patient


def test_the_outcome_pages_show_no_code(browser: Browser) -> None:
    """Every questionnaire's form, and a saved questionnaire's page."""
    client = browser("mei")
    url = f"/clinic/patients/{new_patient(client)}/outcomes/new"
    links = page(client.get(url)).select('a[href^="?instrument="]')
    instruments = {a["href"].removeprefix("?instrument=") for a in links}
    assert {"nrs", "rmdq"} <= instruments
    urls = [f"{url}?instrument={name}" for name in sorted(instruments)]
    answers = {"nrs": {"q1": "5"}, "rmdq": {f"q{i}": "yes" for i in range(1, 11)}}
    for name, given in answers.items():
        data = {"instrument": name, "measured_on": "2026-01-05", **given}
        data["csrf_token"] = form_token(client, url)
        response = client.post(url, data=data, follow_redirects=False)
        assert response.status_code == 303, response.text
        urls.append(response.headers["location"])
    found = {url: codes for url in urls if (codes := _codes(client, url))}
    assert found == {}


def test_a_chart_with_every_component_and_an_amendment_shows_no_code(browser: Browser) -> None:
    client = browser("mei")
    patient_id = accepted_patient(client)
    components = {"moxa_kind": "warm_needle", "moxa_points": "BL23", "moxa_minutes": "10"}
    components |= {"tuina_areas": "lower back", "tuina_minutes": "5"}
    events = {"ae_type": "stuck_or_broken_needle", "ae_severity": "mild", "ae_action": "removed"}
    url, soup = chart(client, patient_id, needles_in="4", needles_out="4", **components, **events)
    facts = {
        dt.get_text(): dd.get_text(" ", strip=True)
        for dt, dd in zip(
            soup.select("#charted ~ dl dt"), soup.select("#charted ~ dl dd"), strict=True
        )
    }
    assert facts["Moxibustion"].startswith("Warm needle acupuncture BL23")  # methods.yaml
    assert SNAKE.findall(_read(soup)) == []
    assert sign(client, url).status_code == 303
    form = page(client.get(url)).find("form", action=f"{url}/amend")
    data = form_data(form) | {"reason": ["misread"], "pain_after": ["3"], "needle_make": ["X"]}
    assert client.post(form["action"], data=data, follow_redirects=False).status_code == 303
    assert _codes(client, url) == []
    assert _codes(client, f"/clinic/patients/{patient_id}") == []
