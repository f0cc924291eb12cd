"""Sign-ins that end: logout ends the session on the server, log out everywhere, an idle
timeout, API tokens listed and revoked by their owner and an administrator, and a password
change that ends the other sign-ins. Each test signs in afresh (no cached tokens)."""

from __future__ import annotations

from datetime import timedelta

from fastapi.testclient import TestClient
from sqlalchemy import Engine, update

from acuback.records.tables import LoginRow
from acuback.records.tables.base import utcnow

from .conftest import DEMO_PASSWORDS
from .views.conftest import form_token, log_in


def _token(client: TestClient, username: str, password: str | None = None) -> dict[str, str]:
    form = {"username": username, "password": password or DEMO_PASSWORDS[username]}
    response = client.post("/api/v1/auth/token", data=form)
    assert response.status_code == 200, response.text
    return {"Authorization": f"Bearer {response.json()['access_token']}"}


def _me(client: TestClient, header: dict[str, str]) -> int:
    return client.get("/api/v1/auth/me", headers=header).status_code


def test_api_logout_ends_the_token_on_the_server(client: TestClient) -> None:
    mine, other = _token(client, "reception"), _token(client, "reception")
    assert _me(client, mine) == 200
    assert client.post("/api/v1/auth/logout", headers=mine).status_code == 204
    assert _me(client, mine) == 401  # the saved token no longer works
    assert _me(client, other) == 200  # another sign-in of the same user goes on


def test_log_out_everywhere_ends_every_sign_in(client: TestClient) -> None:
    first, second = _token(client, "researcher"), _token(client, "researcher")
    ended = client.post("/api/v1/auth/logout-everywhere", headers=first)
    assert ended.status_code == 200
    assert ended.json()["ended"] >= 2
    assert (_me(client, first), _me(client, second)) == (401, 401)


def test_tokens_are_listed_and_revoked_by_their_owner_and_an_admin(client: TestClient) -> None:
    one, two = _token(client, "grace"), _token(client, "grace")
    listed = client.get("/api/v1/auth/tokens", headers=one).json()
    assert len(listed) >= 2
    assert {item["kind"] for item in listed} == {"token"}
    assert "sid_hash" not in listed[0]
    newest, older = listed[0]["id"], listed[1]["id"]
    # Someone else's token is not found for a non-admin, and stays valid.
    stranger = _token(client, "ada")
    assert client.delete(f"/api/v1/auth/tokens/{newest}", headers=stranger).status_code == 404
    assert (
        client.get(
            "/api/v1/auth/tokens", headers=stranger, params={"user_id": listed[0]["user_id"]}
        ).status_code
        == 404
    )
    assert _me(client, two) == 200
    # The owner revokes one; an administrator revokes the other.
    assert client.delete(f"/api/v1/auth/tokens/{newest}", headers=one).status_code == 200
    assert _me(client, two) == 401
    admin = _token(client, "admin")
    theirs = client.get(
        "/api/v1/auth/tokens", headers=admin, params={"user_id": listed[0]["user_id"]}
    ).json()
    assert older in [item["id"] for item in theirs]
    assert client.delete(f"/api/v1/auth/tokens/{older}", headers=admin).status_code == 200
    assert _me(client, one) == 401


def test_a_password_change_ends_the_other_sign_ins(client: TestClient) -> None:
    old = DEMO_PASSWORDS["daniel"]
    here, elsewhere = _token(client, "daniel"), _token(client, "daniel")
    wrong = client.post(
        "/api/v1/auth/password",
        headers=here,
        json={"current_password": "nope", "new_password": "x" * 20},
    )
    assert wrong.status_code == 422
    assert wrong.json()["field"] == "current_password"
    new = "a-new-long-password-for-daniel"
    changed = client.post(
        "/api/v1/auth/password", headers=here, json={"current_password": old, "new_password": new}
    )
    assert changed.status_code == 200, changed.text
    assert (_me(client, here), _me(client, elsewhere)) == (200, 401)
    assert (
        client.post("/api/v1/auth/token", data={"username": "daniel", "password": old}).status_code
        == 401
    )
    back = client.post(
        "/api/v1/auth/password",
        headers=_token(client, "daniel", new),
        json={"current_password": new, "new_password": old},
    )
    assert back.status_code == 200


def test_a_saved_cookie_does_not_work_after_logout(client: TestClient) -> None:
    browser = TestClient(client.app)
    assert log_in(browser, "mei", DEMO_PASSWORDS["mei"]).status_code == 303  # type: ignore[attr-defined]
    saved = dict(browser.cookies)
    assert browser.get("/clinic", follow_redirects=False).status_code == 200
    token = form_token(browser, "/clinic")
    assert (
        browser.post("/logout", data={"csrf_token": token}, follow_redirects=False).status_code
        == 303
    )
    replay = TestClient(client.app, cookies=saved)
    assert replay.get("/clinic", follow_redirects=False).status_code != 200


def test_an_idle_browser_session_ends(client: TestClient, web_engine: Engine) -> None:
    browser = TestClient(client.app)
    assert log_in(browser, "mei", DEMO_PASSWORDS["mei"]).status_code == 303  # type: ignore[attr-defined]
    assert browser.get("/clinic", follow_redirects=False).status_code == 200
    idle = client.app.state.settings.session_idle_minutes  # type: ignore[attr-defined]
    open_browsers = (LoginRow.kind == "browser") & LoginRow.ended_at.is_(None)
    long_ago = utcnow() - timedelta(minutes=idle + 1)
    with web_engine.begin() as connection:
        connection.execute(update(LoginRow).where(open_browsers).values(last_seen_at=long_ago))
    assert browser.get("/clinic", follow_redirects=False).status_code != 200


def test_the_logout_everywhere_form_ends_the_other_browsers_and_tokens(client: TestClient) -> None:
    here, there = TestClient(client.app), TestClient(client.app)
    for browser in (here, there):
        assert log_in(browser, "mei", DEMO_PASSWORDS["mei"]).status_code == 303  # type: ignore[attr-defined]
    token = _token(client, "mei")
    answer = here.post(
        "/logout-everywhere",
        data={"csrf_token": form_token(here, "/clinic")},
        follow_redirects=False,
    )
    assert answer.status_code == 303
    assert there.get("/clinic", follow_redirects=False).status_code != 200
    assert _me(client, token) == 401
