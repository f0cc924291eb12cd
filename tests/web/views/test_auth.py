"""Login, logout, wrong passwords, the rate limit and CSRF on the login form."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy import Engine
from tests.web.views.conftest import DEMO_PASSWORDS, Browser, form_token, log_in, new_app, page


def test_login_page_has_the_fields(anonymous: TestClient) -> None:
    response = anonymous.get("/login?next=/clinic/patients")
    assert response.status_code == 200
    form = page(response).find("form", attrs={"action": "/login"})
    assert form is not None
    names = {field["name"] for field in form.find_all("input")}
    assert {"username", "password", "csrf_token", "next"} <= names
    assert form.find("input", attrs={"name": "next"})["value"] == "/clinic/patients"
    for name in ("username", "password"):  # every input has a label
        assert page(response).find("label", attrs={"for": name}) is not None


def test_login_redirects_by_role(anonymous: TestClient, pages: object) -> None:
    homes = {
        "mei": "/clinic",
        "reception": "/clinic",
        "admin": "/clinic",
        "ada": "/portal",
        "researcher": "/research",
    }
    for username, home in homes.items():
        with TestClient(pages) as client:  # type: ignore[arg-type]
            response = log_in(client, username, DEMO_PASSWORDS[username])
            assert response.status_code == 303  # type: ignore[attr-defined]
            assert response.headers["location"] == home  # type: ignore[attr-defined]


def test_login_follows_a_local_next_only(anonymous: TestClient) -> None:
    token = form_token(anonymous)
    for target, expected in (
        ("/clinic/patients", "/clinic/patients"),
        ("//evil.example", "/clinic"),
        ("https://evil.example/", "/clinic"),
    ):
        response = anonymous.post(
            "/login",
            data={
                "username": "mei",
                "password": DEMO_PASSWORDS["mei"],
                "csrf_token": token,
                "next": target,
            },
            follow_redirects=False,
        )
        assert response.headers["location"] == expected
        token = form_token(anonymous, "/clinic")  # a login rotates the token


def test_private_page_redirects_to_login_with_next(anonymous: TestClient) -> None:
    response = anonymous.get("/clinic/patients?q=ada", follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"] == "/login?next=%2Fclinic%2Fpatients%3Fq%3Dada"


def test_wrong_password_is_refused_and_keeps_the_username(anonymous: TestClient) -> None:
    response = log_in(anonymous, "daniel", "not-the-password")
    assert response.status_code == 401  # type: ignore[attr-defined]
    soup = page(response)
    assert soup.find(attrs={"role": "alert"}).get_text(strip=True) == "Wrong username or password."
    assert soup.find("input", attrs={"name": "username"})["value"] == "daniel"
    assert anonymous.get("/clinic", follow_redirects=False).status_code == 303  # still signed out


def test_logout_ends_the_session(browser: Browser) -> None:
    client = browser("mei")
    assert client.get("/clinic").status_code == 200
    token = form_token(client, "/clinic")
    response = client.post("/logout", data={"csrf_token": token}, follow_redirects=False)
    assert response.status_code == 303
    assert client.get("/clinic", follow_redirects=False).status_code == 303


def test_logout_without_the_token_is_refused(browser: Browser) -> None:
    client = browser("mei")
    response = client.post("/logout", data={}, follow_redirects=False)
    assert response.status_code == 403
    assert client.get("/clinic").status_code == 200  # still logged in


def test_login_without_csrf_token_is_refused(anonymous: TestClient) -> None:
    form_token(anonymous)  # the browser has a session, but the post leaves the token out
    response = anonymous.post(
        "/login",
        data={"username": "mei", "password": DEMO_PASSWORDS["mei"]},
        follow_redirects=False,
    )
    assert response.status_code == 403
    assert anonymous.get("/clinic", follow_redirects=False).status_code == 303


def test_rate_limit_gives_429_with_the_wait(web_engine: Engine) -> None:
    app = new_app(web_engine)  # its own limiter, so other tests are not blocked
    with TestClient(app) as client:
        limit = app.state.login_limiter.max_failures
        for _ in range(limit):
            assert log_in(client, "grace", "wrong-password").status_code == 401  # type: ignore[attr-defined]
        response = log_in(client, "grace", DEMO_PASSWORDS["grace"])  # even the right one waits
        assert response.status_code == 429  # type: ignore[attr-defined]
        wait = int(response.headers["retry-after"])  # type: ignore[attr-defined]
        assert 0 < wait <= app.state.login_limiter.window
        alert = page(response).find(attrs={"role": "alert"}).get_text(" ", strip=True)
        assert "Too many failed logins" in alert
        assert "wait" in alert
