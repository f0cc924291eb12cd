"""Charting: pre-fill from the plan, save, sign (refused on a needle mismatch), amend, XSS,
override reasons, and outcome entry updating the progress chart."""

from __future__ import annotations

import re
from typing import Any

import pytest
from bs4 import BeautifulSoup
from fastapi.testclient import TestClient
from tests.web.views.conftest import Browser, body_map_title, form_token, page
from tests.web.views.test_clinic import CLEAN, _propose, new_patient, screened

XSS = "<script>alert(1)</script>"


def accepted_patient(client: TestClient, extra: dict[str, Any] | None = None) -> int:
    """A new patient with a screened intake and an accepted plan."""
    patient_id = new_patient(client)
    url, plan = _propose(client, screened(client, patient_id, CLEAN | (extra or {})))
    form = plan.find(id="accept-form")
    data = {
        "csrf_token": form_token(client, url),
        "action": "accept",
        "version": form.find(attrs={"name": "version"})["value"],
    }
    assert client.post(form["action"], data=data, follow_redirects=False).status_code == 303
    return patient_id


def form_data(form: BeautifulSoup) -> dict[str, Any]:
    """What a browser would post for `form` as it stands (ticked boxes, selected options)."""
    data: dict[str, Any] = {}
    for field in form.find_all(["input", "select", "textarea"]):
        name = field.get("name")
        if not name:
            continue
        if field.name == "select":
            chosen = field.find("option", selected=True) or field.find("option")
            value = chosen.get("value", "") if chosen else ""
        elif field.name == "textarea":
            value = field.get_text()
        elif field.get("type") in ("checkbox", "radio"):
            if not field.has_attr("checked"):
                continue
            value = field.get("value", "on")
        else:
            value = field.get("value", "")
        data.setdefault(name, []).append(value)
    return data


def chart(client: TestClient, patient_id: int, **changes: str) -> tuple[str, BeautifulSoup]:
    url = f"/clinic/patients/{patient_id}/sessions/new"
    form = page(client.get(url)).find("form", class_="chart-form")
    data = form_data(form) | {key: [value] for key, value in changes.items()}
    response = client.post(form["action"], data=data, follow_redirects=False)
    assert response.status_code == 303, response.text
    location = response.headers["location"]
    assert re.fullmatch(r"/clinic/sessions/\d+", location)
    return location, page(client.get(location))


def sign(client: TestClient, url: str) -> Any:
    form = page(client.get(url)).find(id="sign-form")
    return client.post(form["action"], data=form_data(form), follow_redirects=False)


def test_chart_is_prefilled_from_the_accepted_plan(browser: Browser) -> None:
    client = browser("mei")
    patient_id = accepted_patient(client)
    plan_url = page(client.get(f"/clinic/patients/{patient_id}")).find(
        "a", href=re.compile(r"^/clinic/plans/\d+$")
    )["href"]
    planned = [
        r["data-code"] for r in page(client.get(plan_url)).select("table.plan-points tbody tr")
    ]
    soup = page(client.get(f"/clinic/patients/{patient_id}/sessions/new"))
    ticked = [
        box.find_parent("legend").find("strong").get_text()
        for box in soup.select("input[name$=_include][checked]")
    ]
    assert ticked == planned
    picker = soup.select("select[name$=_point]")  # spare rows: a select of every point
    assert picker
    assert len(picker[0].find_all("option")) > 361
    drawn = body_map_title(soup)
    assert any(code in drawn for code in planned)
    for name in (
        "needle_gauge_mm",
        "needle_length_mm",
        "needle_make",
        "needles_in",
        "needles_out",
        "pain_before",
        "pain_after",
        "moxa_kind",
        "tuina_areas",
        "other",
        "ae_type",
        "ae_severity",
        "ae_action",
    ):
        assert soup.find(attrs={"name": name}) is not None, name


def test_chart_sign_and_mismatch_blocks_signing(browser: Browser) -> None:
    client = browser("mei")
    patient_id = accepted_patient(client)
    url, soup = chart(
        client,
        patient_id,
        needles_in="6",
        needles_out="5",
        pain_before="6",
        pain_after="4",
        notes=XSS,
    )
    assert soup.find(id="session-status").get_text(strip=True) == "draft"
    assert "mismatch" in soup.find(id="needle-alarm").get_text()
    refused = sign(client, url)
    assert refused.status_code == 409
    refused_page = page(refused)
    assert refused_page.find(id="needle-alarm") is not None
    assert "Not signed" in refused_page.find("p", attrs={"role": "alert"}).get_text()
    words = refused_page.find("p", attrs={"role": "alert"}).get_text(" ", strip=True)
    assert words.startswith("Not signed: 6 needles in, 5 out: count the needles again")
    assert not re.search(r"session \d", words)  # no internal ids for the practitioner
    assert page(client.get(url)).find(id="session-status").get_text(strip=True) == "draft"
    # fix the count in the draft, then sign
    edit = page(client.get(url)).find("form", action=url)
    data = form_data(edit) | {"needles_out": ["6"]}
    assert client.post(url, data=data, follow_redirects=False).status_code == 303
    assert sign(client, url).status_code == 303
    signed = page(client.get(url))
    assert signed.find(id="session-status").get_text(strip=True) == "signed"
    assert signed.find(id="sign-form") is None
    assert signed.find("form", action=f"{url}/amend") is not None


def test_a_script_in_a_note_is_shown_inert(browser: Browser) -> None:
    client = browser("mei")
    patient_id = accepted_patient(client)
    url, soup = chart(client, patient_id, notes=XSS, needles_in="1", needles_out="1")
    raw = client.get(url).text
    assert XSS not in raw
    assert "&lt;script&gt;" in raw
    # The only scripts are the app's own static files (the retention timer), none inline.
    scripts = soup.find_all("script")
    assert all(str(s.get("src", "")).startswith("/static/") for s in scripts)
    assert all(not s.get_text().strip() for s in scripts)
    assert soup.select_one("dd.notes").get_text() == XSS  # shown as text, exactly


def test_amending_a_signed_chart_keeps_the_original(browser: Browser) -> None:
    client = browser("mei")
    patient_id = accepted_patient(client)
    url, soup = chart(client, patient_id, needles_in="4", needles_out="4", pain_after="5")
    assert sign(client, url).status_code == 303
    form = page(client.get(url)).find("form", action=f"{url}/amend")
    data = form_data(form) | {"reason": ["pain after was misread"], "pain_after": ["3"]}
    assert client.post(form["action"], data=data, follow_redirects=False).status_code == 303
    soup = page(client.get(url))
    assert soup.find(id="original") is not None
    amendments = soup.select("ol.amendments li")
    assert len(amendments) == 1
    assert "pain after" in amendments[0].get_text()  # in words; the code stays an attribute
    assert "pain_after" in amendments[0]["data-changed"].split()
    facts = {
        dt.get_text(): dd.get_text(" ", strip=True)
        for dt, dd in zip(
            soup.select("#charted ~ dl dt"), soup.select("#charted ~ dl dd"), strict=True
        )
    }
    assert facts["Pain"] == "? before, 3 after"


def test_a_forbidden_point_needs_an_override_reason(browser: Browser) -> None:
    client = browser("mei")
    patient_id = accepted_patient(client, {"sex": "female", "pregnancy_weeks": "20"})
    url = f"/clinic/patients/{patient_id}/sessions/new"
    form = page(client.get(url)).find("form", class_="chart-form")
    spare = form.select_one("select[name$=_point]")["name"].split("_")[0]  # e.g. n3
    data = form_data(form) | {
        f"{spare}_include": ["1"],
        f"{spare}_point": ["LI4"],
        f"{spare}_depth": ["10"],
        "needles_in": ["20"],
        "needles_out": ["20"],
    }
    response = client.post(form["action"], data=data, follow_redirects=False)
    assert response.status_code == 303  # the draft is kept...
    session_url = response.headers["location"]
    soup = page(client.get(session_url))
    flagged = soup.select("table.needle-table tr.flagged")
    assert flagged
    assert "LI4" in flagged[0].get_text()
    assert soup.select(".needs-override textarea[name$=_override]")  # the field is shown
    assert sign(client, session_url).status_code == 409  # ...but cannot be signed
    edit = page(client.get(session_url)).find("form", action=session_url)
    box = edit.select_one(".needs-override textarea[name$=_override]")["name"]
    data = form_data(edit) | {box: ["patient asked; discussed, minimal stimulation"]}
    assert client.post(session_url, data=data, follow_redirects=False).status_code == 303
    assert sign(client, session_url).status_code == 303
    reasons = [td.get_text() for td in page(client.get(session_url)).select("td.override-reason")]
    assert "patient asked; discussed, minimal stimulation" in reasons


def test_outcome_entry_updates_the_chart(browser: Browser) -> None:
    client = browser("mei")
    patient_id = new_patient(client)
    record = f"/clinic/patients/{patient_id}"
    assert page(client.get(record)).select("#progress-chart circle.score") == []
    url = f"{record}/outcomes/new"
    for day, value in (("2026-01-05", "7"), ("2026-02-02", "4")):
        token = form_token(client, url)
        response = client.post(
            url, data={"csrf_token": token, "instrument": "nrs", "measured_on": day, "q1": value}
        )
        assert response.status_code == 200
        assert page(response).select_one(".score-value")["data-score"] == value
    rmdq = {f"q{i}": "yes" for i in range(1, 11)}
    response = client.post(
        url,
        data={
            "csrf_token": form_token(client, url),
            "instrument": "rmdq",
            "measured_on": "2026-01-05",
            **rmdq,
        },
    )
    assert page(response).select_one(".score-value")["data-score"] == "10"
    points = page(client.get(record)).select("#progress-chart circle.score")
    shown = {(c["data-instrument"], c["data-date"], c["data-score"]) for c in points}
    assert shown == {
        ("nrs", "2026-01-05", "7"),
        ("nrs", "2026-02-02", "4"),
        ("rmdq", "2026-01-05", "10"),
    }


@pytest.mark.parametrize("typed", ["1_0", "\u0665", "\u00b2", " 7x", "10000000"])
def test_an_outcome_answer_in_other_digits_is_refused_and_nothing_is_saved(
    browser: Browser, typed: str
) -> None:
    """`int()` reads "1_0" as 10 and Arabic-Indic digits as numbers; the form does not."""
    client = browser("mei")
    patient_id = new_patient(client)
    record = f"/clinic/patients/{patient_id}"
    url = f"{record}/outcomes/new"
    data = {"csrf_token": form_token(client, url), "instrument": "nrs", "measured_on": "2026-01-05"}
    response = client.post(url, data={**data, "q1": typed})
    assert response.status_code == 422
    assert "whole number" in page(response).find(attrs={"role": "alert"}).get_text()
    assert page(client.get(record)).select("#progress-chart circle.score") == []


def test_outcome_forms_show_licence_notices_and_no_item_text(browser: Browser) -> None:
    client = browser("mei")
    patient_id = new_patient(client)
    url = f"/clinic/patients/{patient_id}/outcomes/new"
    startback = page(client.get(f"{url}?instrument=startback"))
    assert "Keele University" in startback.select_one(".copyright").get_text()
    assert len(startback.select("input[type=radio][value=yes]")) == 8
    rmdq = page(client.get(f"{url}?instrument=rmdq"))
    assert len(rmdq.select("input[type=checkbox][name^=q]")) == 24
    paper = rmdq.select_one("[data-paper-only=rmdq]")  # the practitioner is told why
    assert paper is not None
    assert "not offered the RMDQ-24 in the portal" in paper.get_text()
    assert startback.select_one("[data-paper-only]") is None
    odi = page(client.get(f"{url}?instrument=odi"))
    sections = odi.select("select[name^=q]")
    assert len(sections) == 10
    assert [o["value"] for o in sections[0].find_all("option")] == [
        "",
        "0",
        "1",
        "2",
        "3",
        "4",
        "5",
    ]
    data = {"csrf_token": form_token(client, url), "instrument": "odi", "measured_on": "2026-01-05"}
    data |= {f"q{i}": "2" for i in range(1, 11)}
    assert page(client.post(url, data=data)).select_one(".score-value")["data-score"] == "40"
    bad = client.post(url, data={**data, "q1": "", "q2": "", "q3": ""})
    assert bad.status_code == 422
    assert "sections unanswered" in page(bad).find(attrs={"role": "alert"}).get_text()


def test_bad_chart_input_rerenders_the_form_never_a_500(browser: Browser) -> None:
    client = browser("mei")
    patient_id = accepted_patient(client)
    url = f"/clinic/patients/{patient_id}/sessions/new"
    form = page(client.get(url)).find("form", class_="chart-form")
    for changes in (
        {"needles_in": ["99999999999999999999"]},
        {"pain_after": ["eleven"]},
        {"needle_gauge_mm": ["nan"]},
        {"pain_before": ["11"]},
        {"n0_depth": ["-4"]},
    ):
        response = client.post(form["action"], data=form_data(form) | changes)
        assert response.status_code == 422, changes
        soup = page(response)
        assert soup.find(attrs={"role": "alert"}) is not None
        name, value = next(iter(changes.items()))
        assert soup.find(attrs={"name": name})["value"] == value[0]  # what was typed is kept
    saved = client.post(
        form["action"], data=form_data(form) | {"notes": ["a\x00b"]}, follow_redirects=False
    )
    assert saved.status_code == 303
    assert page(client.get(saved.headers["location"])).select_one("dd.notes").get_text() == "ab"


def _unlabelled(soup: BeautifulSoup) -> list[str]:
    missing = []
    for field in soup.find_all(["input", "select", "textarea"]):
        if field.get("type") in ("hidden", "submit"):
            continue
        wrapped = field.find_parent("label") is not None
        named = field.get("id") and soup.find("label", attrs={"for": field["id"]}) is not None
        if not (wrapped or named):
            missing.append(str(field.get("name")))
    return missing


def test_every_form_field_has_a_label(browser: Browser) -> None:
    client = browser("mei")
    patient_id = accepted_patient(client)
    record = f"/clinic/patients/{patient_id}"
    plan = page(client.get(record)).find("a", href=re.compile(r"^/clinic/plans/\d+$"))["href"]
    session_url, _ = chart(client, patient_id, needles_in="2", needles_out="2")
    urls = [
        "/clinic",
        "/clinic/patients",
        "/clinic/patients/new",
        f"{record}/intake",
        plan,
        f"{record}/sessions/new",
        session_url,
        *(
            f"{record}/outcomes/new?instrument={i}"
            for i in ("nrs", "peg", "rmdq", "startback", "odi")
        ),
    ]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        assert _unlabelled(page(response)) == [], url
    admin = browser("admin")
    for url in ("/admin/users", "/admin/practitioners", "/admin/audit"):
        assert _unlabelled(page(admin.get(url))) == [], url


def test_session_pain_alone_is_drawn_on_the_progress_chart(browser: Browser) -> None:
    """A patient whose only data are session charts sees their pain before treatment."""
    client = browser("mei")
    patient_id = accepted_patient(client)
    for day, pain in (("2026-01-05", "6"), ("2026-01-19", "3")):
        url, _ = chart(
            client,
            patient_id,
            session_date=day,
            needles_in="4",
            needles_out="4",
            pain_before=pain,
            pain_after="2",
        )
        assert sign(client, url).status_code == 303
    chart(client, patient_id, session_date="2026-01-26", pain_before="9")  # a draft: not drawn
    figure = page(client.get(f"/clinic/patients/{patient_id}")).select_one("#progress-chart svg")
    points = figure.select('circle[data-instrument="session_pain"]')
    assert [(c["data-date"], c["data-score"]) for c in points] == [
        ("2026-01-05", "6"),
        ("2026-01-19", "3"),
    ]
    assert "No pain or function scores" not in figure.get_text()
    assert "pain before treatment" in figure.get_text()


def test_a_saved_outcome_is_a_page_of_its_own_after_a_redirect(browser: Browser) -> None:
    client = browser("mei")
    patient_id = new_patient(client)
    record = f"/clinic/patients/{patient_id}"
    url = f"{record}/outcomes/new"
    response = client.post(
        url,
        data={
            "csrf_token": form_token(client, url),
            "instrument": "nrs",
            "measured_on": "2026-01-05",
            "q1": "5",
        },
        follow_redirects=False,
    )
    assert response.status_code == 303
    location = response.headers["location"]
    assert re.fullmatch(r"/clinic/outcomes/\d+", location)
    for _ in range(2):  # reloading the result reads it again and stores nothing
        shown = client.get(location)
        assert shown.status_code == 200
        assert page(shown).select_one(".score-value")["data-score"] == "5"
    outcomes = page(client.get(record)).select('ol.timeline li[data-kind="outcome"]')
    assert len(outcomes) == 1
    assert browser("reception").get(location).status_code == 403


def test_the_timeline_lists_adverse_events_through_the_audited_use_case(
    browser: Browser, web_engine: Any
) -> None:
    from acuback.records import UnitOfWork

    client = browser("mei")
    patient_id = accepted_patient(client)
    chart(
        client, patient_id, ae_type="needle_pain", ae_severity="mild", ae_action="needle withdrawn"
    )
    record = page(client.get(f"/clinic/patients/{patient_id}"))
    events = record.select('ol.timeline li[data-kind="adverse"]')
    assert ["Adverse event: needle pain" in li.get_text() for li in events] == [True]
    with UnitOfWork(web_engine) as uow:
        listed = [
            e
            for e in uow.audit.entries(actor="mei", entity="patient", limit=30)
            if e.action == "adverse_event.list"
        ]
    assert listed
    assert listed[0].entity_id == str(patient_id)


def test_a_signed_chart_and_its_amendments_name_who_signed_and_wrote_them(
    browser: Browser,
) -> None:
    client = browser("mei")
    patient_id = accepted_patient(client)
    url, _ = chart(client, patient_id, needles_in="4", needles_out="4", pain_after="5")
    assert sign(client, url).status_code == 303
    assert "by Mei Lin" in page(client.get(url)).find(id="signed-by").get_text()
    form = page(client.get(url)).find("form", action=f"{url}/amend")
    data = form_data(form) | {"reason": ["pain after was misread"], "pain_after": ["3"]}
    assert client.post(form["action"], data=data, follow_redirects=False).status_code == 303
    amendments = page(client.get(url)).select("ol.amendments li")
    assert "Mei Lin" in amendments[0].get_text()


def test_chart_numbers_are_read_by_the_form_mapper(browser: Browser) -> None:
    """Issue 10 point 2: a bad number in a chart gets the form mapper's words, on its field."""
    client = browser("mei")
    patient_id = accepted_patient(client)
    url = f"/clinic/patients/{patient_id}/sessions/new"
    form = page(client.get(url)).find("form", class_="chart-form")
    point = form.find(attrs={"name": "n0_point"})["value"]
    for changes, alert in (
        ({"pain_after": ["eleven"]}, "pain after: 'eleven' is not a whole number"),
        ({"needle_gauge_mm": ["nan"]}, "needle gauge mm: 'nan' is not a number"),
        ({"needles_in": ["99999999999"]}, "needles in: 99999999999 is out of range"),
        ({"n0_depth": ["-4"]}, f"needle 1 ({point}): depth: -4 is out of range"),
        ({"electro_increments": ["2, x"]}, "electro increments: 'x' is not a whole number"),
    ):
        response = client.post(form["action"], data=form_data(form) | changes)
        assert response.status_code == 422, changes
        shown = page(response).find(attrs={"role": "alert"}).get_text(" ", strip=True)
        assert shown == f"{alert} (allowed: 0..99999)", changes
    response = client.post(
        form["action"], data=form_data(form) | {"n0_depth": ["12,5"]}, follow_redirects=False
    )
    assert response.status_code == 303  # a decimal comma, as the mapper reads it
    depth = page(client.get(response.headers["location"])).select_one('td[data-label="Depth"]')
    assert depth.get_text() == "12.5 mm"
