"""A saved questionnaire's page shows what scoring said when the answers were stored: the
answers are scored once, by the use case that stores them, never again by a page."""

from __future__ import annotations

from sqlalchemy import Engine, text
from tests.web.views.conftest import Browser, form_token, page
from tests.web.views.test_clinic import new_patient


def test_the_saved_page_reads_the_stored_category_and_scores_nothing(
    browser: Browser, web_engine: Engine
) -> None:
    client = browser("mei")
    url = f"/clinic/patients/{new_patient(client)}/outcomes/new"
    answers = {f"q{i}": "yes" for i in range(1, 9)} | {"q9": "extremely"}
    data = {"csrf_token": form_token(client, url), "instrument": "startback", **answers}
    data["measured_on"] = "2026-01-05"
    response = client.post(url, data=data, follow_redirects=False)
    assert response.status_code == 303, response.text
    location = response.headers["location"]
    outcome_id = int(location.rsplit("/", 1)[1])
    # Answers that no longer score: a page that scored them again would fail here.
    with web_engine.begin() as connection:
        connection.execute(
            text("UPDATE outcome_measurements SET responses = :r WHERE id = :id"),
            {"r": '["not an answer"]', "id": outcome_id},
        )
    shown = client.get(location)
    assert shown.status_code == 200
    value = page(shown).select_one(".score-value")
    assert value is not None
    assert value["data-score"] == "9"
    badge = value.select_one(".badge")
    assert badge is not None
    assert badge.get_text(" ").strip() == "high risk"
