"""The practitioner's pages: dashboard, patients, record, intake with screening, plan review."""

from __future__ import annotations

import re
from typing import Any

from bs4 import BeautifulSoup
from fastapi.testclient import TestClient
from tests.web.views.conftest import Browser, body_map_title, form_token, page

from acuback.clinical.intake import FINDINGS
from acuback.knowledge.bodymap import placed_codes

CLEAN = {
    "age": "44",
    "sex": "male",
    "pain.regions": ["lower_back"],
    "pain.side": "central",
    "pain.onset_weeks": "20",
    "pain.nrs": "6",
}


def new_patient(client: TestClient, **extra: str) -> int:
    token = form_token(client, "/clinic/patients/new")
    data = {"given_name": "Nora", "family_name": "Quill", "sex": "female", "csrf_token": token}
    response = client.post("/clinic/patients/new", data=data | extra, follow_redirects=False)
    assert response.status_code == 303, response.text
    match = re.fullmatch(r"/clinic/patients/(\d+)", response.headers["location"])
    assert match is not None
    return int(match.group(1))


def submit_intake(client: TestClient, patient_id: int, data: dict[str, Any]) -> Any:
    url = f"/clinic/patients/{patient_id}/intake"
    return client.post(
        url, data={**data, "csrf_token": form_token(client, url)}, follow_redirects=False
    )


def screened(client: TestClient, patient_id: int, data: dict[str, Any]) -> BeautifulSoup:
    response = submit_intake(client, patient_id, data)
    assert response.status_code == 303, response.text
    assert re.fullmatch(r"/clinic/intakes/\d+", response.headers["location"])
    return page(client.get(response.headers["location"]))


def test_dashboard_shows_appointments_and_alerts(browser: Browser) -> None:
    soup = page(browser("mei").get("/clinic"))
    rows = soup.select("table.appointments tbody tr")
    assert rows, "mei has demo appointments today"
    assert all(row.find("a", href=re.compile(r"^/clinic/patients/\d+$")) for row in rows)
    kinds = {ul["data-kind"] for ul in soup.select("ul.alerts")}
    assert {"licence_expiring", "red_flags"} <= kinds  # demo: mei's licence; Donald's fever


def test_patient_list_search_and_new_patient(browser: Browser) -> None:
    client = browser("mei")
    soup = page(client.get("/clinic/patients?q=Fenwick"))
    links = [a.get_text(strip=True) for a in soup.select("table.patients a")]
    assert links == ["Fenwick, Ada"]
    patient_id = new_patient(client, phone="+44 1632 960000")
    record = page(client.get(f"/clinic/patients/{patient_id}"))
    assert record.find("h1").get_text(strip=True) == "Nora Quill"
    assert record.find("a", href=f"/clinic/patients/{patient_id}/intake") is not None


def test_new_patient_errors_keep_the_input(browser: Browser) -> None:
    client = browser("mei")
    token = form_token(client, "/clinic/patients/new")
    data = {"given_name": "Olga", "family_name": "", "sex": "female", "csrf_token": token}
    response = client.post("/clinic/patients/new", data=data)
    assert response.status_code == 422
    soup = page(response)
    assert "family_name" in soup.find(attrs={"role": "alert"}).get_text()
    assert soup.find("input", attrs={"name": "given_name"})["value"] == "Olga"
    assert soup.find("input", attrs={"name": "family_name"}).get("aria-invalid") == "true"


def test_unknown_patient_is_a_404_page(browser: Browser) -> None:
    response = browser("mei").get("/clinic/patients/999999")
    assert response.status_code == 404
    assert page(response).find("h1").get_text(" ", strip=True).startswith("Not found")


def test_intake_form_offers_every_finding_with_a_label(browser: Browser) -> None:
    client = browser("mei")
    patient_id = new_patient(client)
    soup = page(client.get(f"/clinic/patients/{patient_id}/intake"))
    boxes = soup.select("input[name=findings]")
    assert sorted(box["value"] for box in boxes) == sorted(FINDINGS)
    for box in boxes:  # a plain-words label, not the code
        label = box.find_parent("label").get_text(strip=True)
        assert label
        assert label != box["value"]
    for name in (
        "age",
        "sex",
        "pain.onset_weeks",
        "pain.nrs",
        "pregnancy_weeks",
        "medications",
        "expectation",
        "startback.9",
    ):
        control = soup.find(attrs={"name": name})
        assert control is not None
        assert soup.find("label", attrs={"for": control["id"]}) is not None, name


def test_intake_with_a_red_flag_shows_the_referral_and_no_plan(browser: Browser) -> None:
    client = browser("mei")
    patient_id = new_patient(client)
    soup = screened(
        client, patient_id, CLEAN | {"findings": ["saddle_anaesthesia", "urinary_retention"]}
    )
    panel = soup.find(id="disposition")
    assert panel["data-disposition"] == "emergency"
    assert soup.find(id="instead") is not None
    assert soup.find(id="propose-plan") is None
    assert not soup.find_all("form", action=re.compile(r"/plan$"))
    refer = screened(client, patient_id, CLEAN | {"findings": ["cancer_history", "night_pain"]})
    assert refer.find(id="disposition")["data-disposition"] == "refer"
    assert refer.find(id="propose-plan") is None
    rules = {li["data-rule"] for li in refer.select("li.reason")}
    assert "cancer_history" in rules


def test_bad_intake_rerenders_with_the_field_named(browser: Browser) -> None:
    client = browser("mei")
    patient_id = new_patient(client)
    response = submit_intake(client, patient_id, CLEAN | {"age": "12", "pain.nrs": "7"})
    assert response.status_code == 422
    soup = page(response)
    assert soup.find(attrs={"role": "alert"}).get_text().startswith("age")
    assert soup.find("input", attrs={"name": "pain.nrs"})["value"] == "7"
    assert soup.find("input", attrs={"name": "age"}).get("aria-invalid") == "true"


def _propose(client: TestClient, soup: BeautifulSoup) -> tuple[str, BeautifulSoup]:
    form = soup.find(id="propose-plan").find_parent("form")
    response = client.post(
        form["action"], data={"csrf_token": form_token(client, "/clinic")}, follow_redirects=False
    )
    assert response.status_code == 303
    url = response.headers["location"]
    return url, page(client.get(url))


def test_clean_intake_leads_to_a_plan_that_can_be_accepted(browser: Browser) -> None:
    client = browser("mei")
    patient_id = new_patient(client)
    soup = screened(client, patient_id, CLEAN)
    assert soup.find(id="disposition")["data-disposition"] == "proceed"
    url, plan = _propose(client, soup)
    codes = [row["data-code"] for row in plan.select("table.plan-points tbody tr")]
    assert codes
    drawn = body_map_title(plan)
    assert all(code in drawn for code in codes if code in placed_codes())
    form = plan.find(id="accept-form")
    data = {
        "csrf_token": form_token(client, url),
        "version": form.find(attrs={"name": "version"})["value"],
        "action": "accept",
    }
    response = client.post(form["action"], data=data, follow_redirects=False)
    assert response.status_code == 303
    accepted = page(client.get(url))
    assert accepted.find(id="plan-status").get_text(strip=True) == "accepted"
    assert accepted.find(id="accept-form") is None
    record = page(client.get(f"/clinic/patients/{patient_id}"))
    kinds = [li["data-kind"] for li in record.select("ol.timeline li")]
    assert "plan" in kinds
    assert "intake" in kinds


def _edit(client: TestClient, url: str, form: BeautifulSoup) -> dict[str, Any]:
    """An edit of the plan on `url` keeping every point, both sides, 5-10 mm deep."""
    keep = [box["value"] for box in form.select("input[name=keep]")]
    data: dict[str, Any] = {
        "csrf_token": form_token(client, url),
        "action": "edit",
        "keep": keep,
        "version": form.find(attrs={"name": "version"})["value"],
    }
    for code in keep:
        data |= {f"side_{code}": "both", f"dmin_{code}": "5", f"dmax_{code}": "10"}
    return data


def test_plan_edit_with_a_forbidden_point_is_refused_with_the_reason(browser: Browser) -> None:
    client = browser("mei")
    patient_id = new_patient(client)
    soup = screened(client, patient_id, CLEAN | {"pregnancy_weeks": "20", "sex": "female"})
    header = page(client.get(f"/clinic/patients/{patient_id}"))
    badges = [b.get_text(strip=True) for b in header.select(".badges .badge")]
    assert any(
        b.startswith("Pregnant 20 weeks:") and "LI4" in b and "no electroacupuncture" in b
        for b in badges
    ), badges
    url, plan = _propose(client, soup)
    form = plan.find(id="accept-form")
    data = _edit(client, url, form) | {"add_code": "LI4", "add_side": "both"}
    response = client.post(form["action"], data=data, follow_redirects=False)
    assert response.status_code == 422
    alert = page(response).find(attrs={"role": "alert"}).get_text(" ", strip=True)
    assert alert.startswith("Refused: LI4")
    assert "pregnancy" in alert
    assert page(client.get(url)).find(id="plan-status").get_text(strip=True) == "proposed"


def test_record_badges_name_the_cautions(browser: Browser) -> None:
    client = browser("mei")
    link = page(client.get("/clinic/patients?q=Pryce")).select_one("table.patients a")["href"]
    badges = [b.get_text(strip=True) for b in page(client.get(link)).select(".badges .badge")]
    assert badges[0] == "Caution"
    assert "Pacemaker or implant: no electroacupuncture" in badges
    link = page(client.get("/clinic/patients?q=Holloway")).select_one("table.patients a")["href"]
    badges = [b.get_text(strip=True) for b in page(client.get(link)).select(".badges .badge")]
    pregnant = next(b for b in badges if b.startswith("Pregnant 20 weeks:"))
    assert all(code in pregnant for code in ("BL31-BL34", "LI4", "SP6"))


def test_malformed_ids_are_404_pages_not_errors(browser: Browser) -> None:
    client = browser("mei")
    for url in (
        "/clinic/patients/abc",
        "/clinic/patients/99999999999999999999",
        "/clinic/sessions/0",
        "/clinic/plans/-3",
    ):
        response = client.get(url)
        assert response.status_code == 404, url
        assert page(response).find("h1") is not None


def _record(client: TestClient, family_name: str) -> tuple[str, BeautifulSoup]:
    link = page(client.get(f"/clinic/patients?q={family_name}")).select_one("table.patients a")
    return str(link["href"]), page(client.get(str(link["href"])))


def test_the_reassessment_is_said_in_plain_words(browser: Browser) -> None:
    _, record = _record(browser("mei"), "Fenwick")  # demo: an accepted plan, signed sessions
    words = record.find(id="reassessment").get_text(" ", strip=True)
    assert re.fullmatch(
        r"Reassess after \d+ sessions of the current plan; \d+ signed so far\.", words
    ), words


def test_no_chart_a_session_while_the_latest_screening_forbids_needling(browser: Browser) -> None:
    client = browser("mei")
    url, harte = _record(client, "Harte")  # demo: accepted plan, then a refer questionnaire
    assert harte.find("a", href=f"{url}/sessions/new") is None
    notice = harte.find(id="no-charting")
    assert notice["data-disposition"] == "refer"
    assert "refer" in notice.get_text()
    stop = page(client.get(f"{url}/sessions/new")).find(id="screening-stop")
    assert stop is not None
    assert "override reason" in stop.get_text()
    patient_id = new_patient(client)
    unscreened = page(client.get(f"/clinic/patients/{patient_id}"))
    assert unscreened.find("a", href=f"/clinic/patients/{patient_id}/sessions/new") is None
    assert unscreened.find(id="no-charting")["data-disposition"] == "unscreened"
    screened(client, patient_id, CLEAN | {"findings": ["intoxicated_today"]})
    deferred = page(client.get(f"/clinic/patients/{patient_id}"))
    assert deferred.find(id="no-charting")["data-disposition"] == "defer"
    url, fenwick = _record(client, "Fenwick")
    assert fenwick.find("a", href=f"{url}/sessions/new") is not None
    assert fenwick.find(id="no-charting") is None


def test_dashboard_alerts_name_red_flags_in_words(browser: Browser) -> None:
    soup = page(browser("mei").get("/clinic"))
    alerts = " ".join(li.get_text(" ", strip=True) for li in soup.select("ul.alerts li"))
    assert "Fever (possible infection)" in alerts  # demo: Donald's fever
    assert "infection_fever" not in alerts


def test_the_timeline_orders_a_day_by_time(browser: Browser) -> None:
    client = browser("mei")
    patient_id = new_patient(client)
    _propose(client, screened(client, patient_id, CLEAN))  # intake, then its plan
    screened(client, patient_id, CLEAN | {"pain.nrs": "4"})  # a second intake later that day
    record = page(client.get(f"/clinic/patients/{patient_id}"))
    kinds = [li["data-kind"] for li in record.select("ol.timeline li")]
    assert kinds == ["intake", "plan", "intake"]  # newest first: by the moment, not the kind


def test_a_refer_plan_says_its_next_step_once(browser: Browser) -> None:
    client = browser("mei")
    found = page(client.get("/clinic/patients?q=Duval")).select_one("table.patients a")
    record = page(client.get(found["href"]))  # demo: Karen Duval is referred, plan proposed
    link = record.select_one('ol.timeline li[data-kind="plan"] a')["href"]
    soup = page(client.get(link))
    step = soup.select_one("section.disposition p").get_text(strip=True)
    assert step
    assert soup.get_text().count(step) == 1


def test_plan_depths_are_read_by_the_form_mapper(browser: Browser) -> None:
    """Issue 10 point 2: a bad depth in a plan edit gets the form mapper's words."""
    client = browser("mei")
    url, plan = _propose(client, screened(client, new_patient(client), CLEAN))
    form = plan.find(id="accept-form")
    data = _edit(client, url, form)
    first = data["keep"][0]
    for typed, problem in (("abc", "'abc' is not a number"), ("-3", "-3 is out of range")):
        response = client.post(form["action"], data=data | {f"dmin_{first}": typed})
        assert response.status_code == 422
        alert = page(response).find(attrs={"role": "alert"}).get_text(" ", strip=True)
        assert alert == f"Refused: {first} depth from: {problem} (allowed: 0 or more)"
    assert page(client.get(url)).find(id="plan-status").get_text(strip=True) == "proposed"
