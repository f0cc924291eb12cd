"""The public pages: home, the self-check (same screening, plain words, stores nothing), /learn."""

from __future__ import annotations

from typing import Any

import pytest
from bs4 import BeautifulSoup
from fastapi.testclient import TestClient
from sqlalchemy import Engine, text
from tests.web.views.conftest import Browser, form_token, page

from acuback.clinical import FINDINGS
from acuback.knowledge import load_education, load_knowledge

BASE = {
    "age": "45",
    "sex": "male",
    "pain.regions": "lower_back",
    "pain.onset_weeks": "20",
    "pain.nrs": "5",
}


def _check(client: TestClient, **answers: Any) -> Any:
    data = {**BASE, **answers, "csrf_token": form_token(client, "/self-check")}
    return client.post("/self-check", data=data)


def _rows(engine: Engine) -> tuple[int, int, int]:
    with engine.connect() as connection:
        return tuple(  # type: ignore[return-value]
            connection.execute(text(f"SELECT count(*) FROM {table}")).scalar_one()
            for table in ("audit_log", "intakes", "patients")
        )


def test_home_links_to_the_self_check_learn_and_login(anonymous: TestClient) -> None:
    response = anonymous.get("/")
    assert response.status_code == 200
    links = {a["href"] for a in page(response).select("main a")}
    assert {"/self-check", "/learn", "/login", "/evidence"} <= links


def test_the_form_asks_every_finding_with_a_label(anonymous: TestClient) -> None:
    soup = page(anonymous.get("/self-check"))
    form = soup.find("form", attrs={"action": "/self-check"})
    asked = {box["value"] for box in form.find_all("input", attrs={"name": "findings"})}
    assert asked == set(FINDINGS)
    assert form.find("input", attrs={"name": "csrf_token"})["value"]
    for control in form.find_all(["input", "select", "textarea"]):
        if control.get("type") == "hidden":
            continue
        labelled = control.find_parent("label") or soup.find("label", attrs={"for": control["id"]})
        assert labelled is not None, control
    assert "stored" in soup.select_one(".privacy").get_text()


def test_saddle_numbness_says_see_a_doctor_now_first_and_nothing_reassuring(
    anonymous: TestClient,
) -> None:
    response = _check(anonymous, findings="saddle_anaesthesia")
    assert response.status_code == 200
    soup = page(response)
    first = soup.select("main section")[0]
    assert first["data-disposition"] == "emergency"
    assert "emergency" in first["class"]
    assert first.find("h2").get_text(strip=True) == "See a doctor now"
    assert soup.select_one("main h2") is first.find("h2")  # the first heading of the answer
    rules = {li["data-rule"] for li in soup.select(".reasons li")}
    assert "cauda_equina" in rules
    assert {li["data-disposition"] for li in soup.select(".reasons li")} == {"emergency"}
    assert soup.select(".expect") == []
    assert soup.select(".tell") == []
    hrefs = {a["href"] for a in soup.select("main a")}
    assert "/learn/what-to-expect" not in hrefs
    assert "/learn/ok-to-try" not in hrefs
    reassurance = "we will treat you lying down"
    assert reassurance not in soup.get_text().lower()


def test_a_pregnant_visitor_is_told_the_points_avoided_and_no_electroacupuncture(
    anonymous: TestClient,
) -> None:
    response = _check(anonymous, sex="female", pregnant="yes", pregnancy_weeks="20")
    assert response.status_code == 200
    soup = page(response)
    assert soup.select_one(".answer")["data-disposition"] == "caution"
    items = soup.select(".tell .constraints li")
    avoided = {
        code for li in items if li["data-kind"] == "points" for code in li["data-codes"].split()
    }
    assert {"LI4", "SP6", "BL60", "BL67"} <= avoided
    named = next(li for li in items if "LI4" in li["data-codes"].split())
    assert "LI4" in named.get_text()
    assert "SP6" in named.get_text()
    methods = [li for li in items if li["data-kind"] == "method"]
    assert [li["data-codes"] for li in methods] == ["electroacupuncture"]
    assert "electroacupuncture" in methods[0].get_text().lower()
    assert {li["data-rule"] for li in soup.select(".reasons li")} >= {"pregnancy"}


def test_a_clean_self_check_explains_what_to_expect(anonymous: TestClient) -> None:
    response = _check(anonymous, prior_acupuncture="yes")
    soup = page(response)
    assert soup.select_one(".answer")["data-disposition"] == "proceed"
    expect = soup.select_one(".expect")
    assert expect is not None
    assert expect.find("a", attrs={"href": "/learn/what-to-expect"}) is not None
    assert soup.select(".answer.emergency") == []
    guide = soup.select_one(".guide")
    assert guide.find("p").get_text(strip=True) == load_education()["ok-to-try"].summary


@pytest.mark.parametrize(
    ("answers", "field", "label"),
    [
        ({"age": "abc"}, "age", "Your age"),
        ({"age": "12"}, "age", "Your age"),
        ({"pain.nrs": ""}, "pain.nrs", "How bad the pain is now"),
        ({"pregnant": "yes", "pregnancy_weeks": ""}, "pregnancy_weeks", "Weeks of pregnancy"),
    ],
)
def test_bad_input_is_422_naming_the_field_and_keeps_the_answers(
    anonymous: TestClient, answers: dict[str, str], field: str, label: str
) -> None:
    response = _check(anonymous, findings="diabetes", **answers)
    assert response.status_code == 422
    soup = page(response)
    assert soup.select_one('[role="alert"]').get_text().startswith(label)
    assert soup.find(attrs={"name": field})["aria-invalid"] == "true"
    assert soup.find("input", attrs={"name": "findings", "value": "diabetes"}).has_attr("checked")
    assert soup.find("input", attrs={"name": "sex", "value": "male"}).has_attr("checked")


def test_typed_text_is_shown_inert(anonymous: TestClient) -> None:
    markup = '<script>alert("x")</script><b>bold</b>'
    response = _check(anonymous, age="abc", medications=markup)
    soup = page(response)
    assert soup.find("script") is None
    assert soup.find("b") is None
    assert soup.find("textarea", attrs={"name": "medications"}).get_text() == markup


def test_the_self_check_stores_and_logs_nothing(anonymous: TestClient, web_engine: Engine) -> None:
    before = _rows(web_engine)
    for answers in (
        {"findings": "saddle_anaesthesia"},
        {},
        {"age": "abc"},
        {"sex": "female", "pregnant": "yes", "pregnancy_weeks": "12"},
    ):
        assert _check(anonymous, **answers).status_code in (200, 422)
    assert _rows(web_engine) == before


def test_the_self_check_refuses_a_post_without_the_csrf_token(anonymous: TestClient) -> None:
    anonymous.get("/self-check")
    response = anonymous.post("/self-check", data=BASE)
    assert response.status_code == 403


def test_a_signed_in_user_can_use_the_self_check(browser: Browser) -> None:
    client = browser("ada")
    response = _check(client)
    assert response.status_code == 200
    assert page(response).select_one(".answer")["data-disposition"] == "proceed"


def _cited(soup: BeautifulSoup) -> set[str]:
    return {a["href"].removeprefix("#src-") for a in soup.select(".cite a")}


def test_every_learn_page_renders_with_its_citations(anonymous: TestClient) -> None:
    index = page(anonymous.get("/learn"))
    listed = {a["href"] for a in index.select(".learn-list a")}
    sources = load_knowledge().sources
    for slug, education in load_education().items():
        if education.audience == "patient":
            assert f"/learn/{slug}" in listed
        response = anonymous.get(f"/learn/{slug}")
        assert response.status_code == 200, slug
        soup = page(response)
        assert soup.find("h1").get_text(strip=True) == education.title
        listed_sources = [li["data-key"] for li in soup.select(".sources li")]
        assert listed_sources == list(education.all_sources)
        assert _cited(soup) <= set(listed_sources)
        facts = list(education.facts())
        assert len(soup.select("li.fact")) == len(facts)
        assert len(soup.select("li.fact.unverified")) == sum(not f.verified for f in facts)
        for key in education.all_sources:
            entry = soup.find("li", id=f"src-{key}")
            assert sources[key].citation in entry.get_text()


def test_a_fact_shows_its_figure(anonymous: TestClient) -> None:
    education = load_education()["risks"]
    figures = [fact.figure for fact in education.facts() if fact.figure]
    soup = page(anonymous.get("/learn/risks"))
    shown = [node.get_text() for node in soup.select(".figure-num")]
    assert shown == figures


def test_an_unknown_learn_page_is_a_404_page(anonymous: TestClient) -> None:
    response = anonymous.get("/learn/no-such-page")
    assert response.status_code == 404
    assert response.headers["content-type"].startswith("text/html")


def test_pregnancy_answer_says_what_is_done_instead_and_headings_agree(
    anonymous: TestClient,
) -> None:
    soup = page(_check(anonymous, sex="female", pregnant="yes", pregnancy_weeks="20"))
    headline = soup.select_one(".answer h2").get_text(strip=True)
    assert headline == "Acupuncture may suit you, with some precautions"
    items = soup.select(".tell .constraints li")
    kinds = [li["data-kind"] for li in items]
    assert kinds.index("instead") == kinds.index("region") + 1
    instead = items[kinds.index("instead")].get_text()
    assert all(word in instead for word in ("legs", "feet", "hands", "gentle"))
    verdicts = [h.get_text(strip=True) for h in soup.find_all("h2") if "suit you" in h.get_text()]
    assert verdicts == [headline]  # no second card with a different verdict
