"""Who may open which clinic page: reception, administrators, patients, researchers; CSRF."""

from __future__ import annotations

import re

from sqlalchemy import Engine
from tests.web.views.conftest import Browser, form_token, page

from acuback.records import UnitOfWork


def _ids(browser: Browser) -> dict[str, int]:
    soup = page(browser("mei").get("/clinic/patients?q=Fenwick"))
    link = soup.select_one("table.patients a")["href"]
    record = page(browser("mei").get(link))
    session = record.find("a", href=re.compile(r"^/clinic/sessions/\d+$"))["href"]
    intake = record.find("a", href=re.compile(r"^/clinic/intakes/\d+$"))["href"]
    plan = record.find("a", href=re.compile(r"^/clinic/plans/\d+$"))["href"]
    return {"record": link, "session": session, "intake": intake, "plan": plan}  # type: ignore[dict-item]


def test_reception_sees_contacts_and_schedule_but_no_clinical_parts(browser: Browser) -> None:
    urls = _ids(browser)
    reception = browser("reception")
    schedule = page(reception.get("/clinic"))
    assert schedule.select("table.appointments tbody tr")
    assert schedule.select("ul.alerts") == []  # no clinical alerts
    record = page(reception.get(str(urls["record"])))
    assert record.find("h1").get_text(strip=True) == "Ada Fenwick"
    assert "@example.org" in record.select_one(".record-header").get_text()
    for absent in ("#progress-chart", "ol.timeline", ".badges"):
        assert record.select(absent) == [], absent
    for key in ("session", "intake", "plan"):
        assert reception.get(str(urls[key])).status_code == 403, key
    for url in (
        f"{urls['record']}/intake",
        f"{urls['record']}/sessions/new",
        f"{urls['record']}/outcomes/new",
    ):
        assert reception.get(url).status_code == 403, url


def test_admin_record_has_no_clinical_parts(browser: Browser) -> None:
    urls = _ids(browser)
    admin = browser("admin")
    record = page(admin.get(str(urls["record"])))
    assert record.select("#progress-chart") == []
    assert record.select("ol.timeline") == []
    assert admin.get(str(urls["session"])).status_code == 403


def test_a_patient_cannot_open_clinic_pages(browser: Browser) -> None:
    urls = _ids(browser)
    ada = browser("ada")  # Ada's own record, even
    for url in ("/clinic", "/clinic/patients", "/clinic/patients/new", *urls.values()):
        response = ada.get(str(url))
        assert response.status_code == 403, url
        assert page(response).find("h1").get_text(" ", strip=True).startswith("Not allowed")


def test_a_researcher_cannot_open_clinic_pages(browser: Browser) -> None:
    researcher = browser("researcher")
    assert researcher.get("/clinic/patients").status_code == 403


def test_clinic_forms_refuse_a_post_without_the_csrf_token(browser: Browser) -> None:
    client = browser("mei")
    data = {"given_name": "Csrf", "family_name": "Victim", "sex": "male"}
    assert client.post("/clinic/patients/new", data=data).status_code == 403
    wrong = client.post("/clinic/patients/new", data=data | {"csrf_token": "forged"})
    assert wrong.status_code == 403
    assert page(client.get("/clinic/patients?q=Victim")).select("table.patients a") == []
    token = form_token(client, "/clinic/patients/new")
    good = client.post(
        "/clinic/patients/new", data=data | {"csrf_token": token}, follow_redirects=False
    )
    assert good.status_code == 303


def test_a_refused_page_is_in_the_audit_log(browser: Browser, web_engine: Engine) -> None:
    urls = _ids(browser)
    for username, url in (
        ("reception", urls["session"]),
        ("ada", "/clinic/patients"),
        ("mei", "/portal"),
    ):
        assert browser(username).get(str(url)).status_code == 403
        with UnitOfWork(web_engine) as uow:
            entry = uow.audit.entries(actor=username, limit=1)[0]
        assert (entry.action, entry.entity, entry.entity_id, entry.outcome) == (
            "page.open",
            "page",
            str(url),
            "denied",
        ), username
        roles = {"reception": "reception", "ada": "patient", "mei": "practitioner"}
        assert entry.detail["role"] == roles[username]
