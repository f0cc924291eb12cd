"""The patient portal: only the patient's own record; questionnaires; home points; visits."""

from __future__ import annotations

from datetime import date

from fastapi.testclient import TestClient
from sqlalchemy import Engine, text
from tests.web.views.conftest import Browser, form_token, page

from acuback.records import UnitOfWork
from acuback.services import Actor
from acuback.services.dashboard import dashboard


def _scalar(engine: Engine, sql: str, **params: object) -> object:
    with engine.connect() as connection:
        return connection.execute(text(sql), params).scalar_one()


def _patient_id(engine: Engine, username: str) -> int:
    value = _scalar(engine, "SELECT patient_id FROM users WHERE username = :u", u=username)
    assert isinstance(value, int)
    return value


def _post(client: TestClient, data: dict[str, object]) -> object:
    token = form_token(client, "/portal/questionnaires")
    return client.post("/portal/questionnaires", data={**data, "csrf_token": token})


def test_a_signed_out_visitor_is_sent_to_log_in(anonymous: TestClient) -> None:
    response = anonymous.get("/portal/home-points", follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"] == "/login?next=%2Fportal%2Fhome-points"


def test_the_portal_is_for_patients_only(browser: Browser) -> None:
    assert browser("mei").get("/portal").status_code == 403


def test_a_patient_sees_their_own_progress_only(browser: Browser, web_engine: Engine) -> None:
    ada = _patient_id(web_engine, "ada")
    response = browser("ada").get("/portal")
    assert response.status_code == 200
    soup = page(response)
    assert "Ada" in soup.select_one("main").get_text()
    for name in ("Grace", "Holloway", "Charles", "Moreau"):
        assert name not in soup.get_text()
    scores = _scalar(
        web_engine, "SELECT count(*) FROM outcome_measurements WHERE patient_id = :p", p=ada
    )
    assert len(soup.select("table.scores tbody tr")) == scores
    chart = soup.select_one("figure.progress-chart svg")
    assert chart is not None
    assert chart.find("style") is None
    assert {c["data-instrument"] for c in chart.select("circle[data-instrument]")} >= {"nrs"}


def test_another_patients_appointment_is_not_found(browser: Browser, web_engine: Engine) -> None:
    grace, ada = _patient_id(web_engine, "grace"), _patient_id(web_engine, "ada")
    theirs = _scalar(web_engine, "SELECT min(id) FROM appointments WHERE patient_id = :p", p=grace)
    mine = _scalar(web_engine, "SELECT min(id) FROM appointments WHERE patient_id = :p", p=ada)
    client = browser("ada")
    assert client.get(f"/portal/appointments/{theirs}").status_code == 404
    response = client.get(f"/portal/appointments/{mine}")
    assert response.status_code == 200
    assert page(response).select_one(".credentials") is not None  # the practitioner's licence
    listed = {
        int(row["data-appointment"])
        for row in page(client.get("/portal/appointments")).select("tr[data-appointment]")
    }
    with web_engine.connect() as connection:
        own = set(
            connection.execute(
                text("SELECT id FROM appointments WHERE patient_id = :p"), {"p": ada}
            ).scalars()
        )
    assert listed == own


def test_home_points_come_from_the_plan_and_skip_what_pregnancy_forbids(
    browser: Browser, web_engine: Engine
) -> None:
    soup = page(browser("grace").get("/portal/home-points"))
    shown = [li["data-code"] for li in soup.select(".home-points li")]
    assert shown, "the pregnant demo patient has an accepted plan with home points"
    assert not {"BL60", "BL67", "LI4", "SP6", "BL23"} & set(shown)
    body_map = soup.select_one("figure.body-map svg")
    assert body_map is not None
    assert body_map.find("style") is None
    ada_points = [
        li["data-code"]
        for li in page(browser("ada").get("/portal/home-points")).select(".home-points li")
    ]
    assert "BL23" in ada_points  # not pregnant: the lower back point is offered


def test_questionnaires_are_scored_and_stored(browser: Browser, web_engine: Engine) -> None:
    ada = _patient_id(web_engine, "ada")
    count = "SELECT count(*) FROM outcome_measurements WHERE patient_id = :p"
    before = _scalar(web_engine, count, p=ada)
    answers: dict[str, object] = {
        "pain.nrs": "3",
        "peg.1": "4",
        "peg.2": "3",
        "peg.3": "2",
        "startback.9": "slightly",
        **{f"startback.{i}": "no" for i in range(1, 9)},
    }
    response = _post(browser("ada"), answers)
    assert response.status_code == 200  # type: ignore[attr-defined]
    saved = {
        row["data-instrument"]: row.find_all("td")[1].get_text()
        for row in page(response).select("tr[data-instrument]")
    }
    assert saved == {"nrs": "3", "peg": "3", "startback": "0"}
    assert _scalar(web_engine, count, p=ada) == before + 3  # type: ignore[operator]


def test_the_portal_offers_only_questionnaires_it_can_word(
    browser: Browser, web_engine: Engine
) -> None:
    """No "Statement 1 ... 24": the RMDQ and ODI wording is licensed and not shipped."""
    form = page(browser("ada").get("/portal/questionnaires"))
    assert not form.select("input[name=rmdq]")
    assert "Statement 1" not in form.get_text()
    note = form.select_one("[data-paper-only]")
    assert note is not None
    assert note["data-paper-only"] == "rmdq odi"
    assert "licensed" in note.get_text()
    ada = _patient_id(web_engine, "ada")
    count = "SELECT count(*) FROM outcome_measurements WHERE patient_id = :p"
    before = _scalar(web_engine, count, p=ada)
    refused = _post(browser("ada"), {"pain.nrs": "3", "rmdq.include": "yes", "rmdq": ["1", "5"]})
    assert refused.status_code == 422  # type: ignore[attr-defined]
    assert "RMDQ-24 is not answered here" in refused.text  # type: ignore[attr-defined]
    assert _scalar(web_engine, count, p=ada) == before  # nothing stored


def test_a_half_filled_questionnaire_is_422_and_stores_nothing(
    browser: Browser, web_engine: Engine
) -> None:
    before = _scalar(web_engine, "SELECT count(*) FROM outcome_measurements")
    response = _post(browser("ada"), {"pain.nrs": "4", "peg.1": "5"})
    assert response.status_code == 422  # type: ignore[attr-defined]
    soup = page(response)
    assert soup.select_one('[role="alert"]').get_text().startswith("peg.2")
    assert soup.find(attrs={"name": "peg.1"}).find("option", selected=True)["value"] == "5"
    assert _scalar(web_engine, "SELECT count(*) FROM outcome_measurements") == before


def test_a_red_flag_before_a_visit_alerts_the_practitioner(
    browser: Browser, web_engine: Engine
) -> None:
    ada = _patient_id(web_engine, "ada")
    response = _post(browser("ada"), {"pain.nrs": "6", "findings": "saddle_anaesthesia"})
    soup = page(response)
    assert soup.select_one(".answer")["data-disposition"] == "emergency"
    assert soup.select_one(".answer h1").get_text(strip=True) == "See a doctor now"
    stored = _scalar(
        web_engine,
        "SELECT disposition FROM intakes WHERE patient_id = :p ORDER BY id DESC LIMIT 1",
        p=ada,
    )
    assert stored == "emergency"
    mei = _scalar(web_engine, "SELECT practitioner_id FROM users WHERE username = 'mei'")
    actor = Actor(None, "test", "practitioner", practitioner_id=mei)  # type: ignore[arg-type]
    with UnitOfWork(web_engine) as uow:
        alerts = dashboard(uow, actor, date.today()).alerts
    assert any(a.kind == "red_flags" and a.patient_id == ada for a in alerts)


def test_questionnaires_refuse_a_post_without_the_csrf_token(browser: Browser) -> None:
    client = browser("ada")
    assert client.post("/portal/questionnaires", data={"pain.nrs": "2"}).status_code == 403


def test_a_visit_under_way_is_still_coming_up_until_it_ends(
    browser: Browser, web_engine: Engine
) -> None:
    from datetime import UTC, datetime, timedelta

    from acuback.records import Appointment

    ada = _patient_id(web_engine, "ada")
    now = datetime.now(UTC)
    with UnitOfWork(web_engine) as uow:
        practitioner = uow.users.get_by_username("mei").practitioner_id or 0

        # Stored as they happened (a booking service refuses a start in the past).
        def book(start: datetime, end: datetime) -> int:
            visit = Appointment(
                patient_id=ada, practitioner_id=practitioner, starts_at=start, ends_at=end
            )
            return uow.appointments.add(visit).id or 0

        going = book(now - timedelta(minutes=30), now + timedelta(minutes=30))
        over = book(now - timedelta(minutes=50), now - timedelta(minutes=5))
        uow.commit()
    soup = page(browser("ada").get("/portal/appointments"))
    upcoming, past = soup.select("table.appointments")
    coming = {int(tr["data-appointment"]): tr for tr in upcoming.select("tr[data-appointment]")}
    gone = [int(tr["data-appointment"]) for tr in past.select("tr[data-appointment]")]
    assert going in coming
    assert coming[going].select_one('[data-when="now"]') is not None
    assert over in gone
    assert over not in coming


def test_the_portal_chart_shows_session_pain_after_the_questionnaires(browser: Browser) -> None:
    chart = page(browser("ada").get("/portal")).select_one("figure.progress-chart svg")
    panels = [g["data-instrument"] for g in chart.select("g.panel")]
    assert panels[-1] == "session_pain"
    assert "nrs" in panels[:-1]
    assert chart.select('circle[data-instrument="session_pain"][data-score]')


def test_the_patient_is_told_the_practitioner_knows_only_when_a_dashboard_shows_it(
    browser: Browser,
) -> None:
    # A red flag new to ada's intakes; she has visits booked with mei, whose dashboard alerts.
    soup = page(_post(browser("ada"), {"findings": "unexplained_weight_loss"}))
    assert soup.find(id="told") is not None
    assert soup.find(id="not-told") is None
