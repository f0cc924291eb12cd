"""The optional TOTP second factor: enrol (a secret shown once, confirmed by a first code),
codes asked at the API token login and the login page, wrong and replayed codes refused and
counted toward the login limits, and administrators required to use one when the clinic says
so. Codes come from pyotp for the steps around now (no sleeping)."""

from __future__ import annotations

import time
from urllib.parse import parse_qs, urlparse

import pyotp
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from acuback.records import UnitOfWork, User
from acuback.settings import Settings
from acuback.web.app import create_app
from acuback.web.security.passwords import hash_password

from .conftest import DEMO_PASSWORDS, SECRET
from .views.conftest import form_token


def _login(client: TestClient, username: str, code: str | None = None) -> int:
    form = {"username": username, "password": DEMO_PASSWORDS[username]}
    if code is not None:
        form["totp_code"] = code
    return client.post("/api/v1/auth/token", data=form).status_code


def _header(client: TestClient, username: str) -> dict[str, str]:
    form = {"username": username, "password": DEMO_PASSWORDS[username]}
    token = client.post("/api/v1/auth/token", data=form).json()["access_token"]
    return {"Authorization": f"Bearer {token}"}


def _code(secret: str, steps_from_now: int) -> str:
    return pyotp.TOTP(secret).at(time.time() + 30 * steps_from_now)


def _enrol(client: TestClient, username: str) -> str:
    """Enrol `username` (confirmed with the previous step's code); the secret."""
    me = _header(client, username)
    enrolled = client.post("/api/v1/auth/totp/enrol", headers=me)
    assert enrolled.status_code == 201, enrolled.text
    uri = enrolled.json()["otpauth_uri"]
    assert uri.startswith("otpauth://totp/acuback:")
    secret = parse_qs(urlparse(uri).query)["secret"][0]
    assert _login(client, username) == 200  # not active until confirmed
    wrong = client.post("/api/v1/auth/totp/confirm", headers=me, json={"code": "000000"})
    if _code(secret, 0) != "000000":
        assert wrong.status_code == 422
        assert wrong.json()["field"] == "code"
    confirmed = client.post(
        "/api/v1/auth/totp/confirm", headers=me, json={"code": _code(secret, -1)}
    )
    assert confirmed.status_code == 200, confirmed.text
    return secret


def test_an_enrolled_account_needs_a_fresh_code_at_the_api_login(client: TestClient) -> None:
    secret = _enrol(client, "mei")
    assert _login(client, "mei") == 401  # the password alone no longer does
    assert _login(client, "mei", "12345") == 422  # not six digits: the field is named
    assert _login(client, "mei", _code(secret, -1)) == 401  # used to confirm: no replay
    now = _code(secret, 0)  # kept: the clock may pass a 30 s step between the two logins
    assert _login(client, "mei", now) == 200
    assert _login(client, "mei", now) == 401  # the same code again: refused
    assert _login(client, "mei", _code(secret, 5)) == 401  # far from now: refused
    assert _login(client, "mei", _code(secret, 1)) == 200  # the next step still works


def test_the_secret_never_leaves_the_server(client: TestClient) -> None:
    secret = _enrol(client, "researcher")
    form = {
        "username": "researcher",
        "password": DEMO_PASSWORDS["researcher"],
        "totp_code": _code(secret, 0),
    }
    token = client.post("/api/v1/auth/token", data=form).json()["access_token"]
    body = client.get("/api/v1/auth/me", headers={"Authorization": f"Bearer {token}"}).text
    assert '"username":"researcher"' in body.replace(" ", "")
    assert "totp" not in body
    assert secret not in body
    spec = client.get("/openapi.json").json()["components"]["schemas"]["UserOut"]
    assert not [name for name in spec["properties"] if "totp" in name]


def test_patients_cannot_enrol(client: TestClient) -> None:
    response = client.post("/api/v1/auth/totp/enrol", headers=_header(client, "ada"))
    assert response.status_code == 403


def test_wrong_codes_count_toward_the_login_limit(client: TestClient) -> None:
    secret = _enrol(client, "reception")
    statuses = [_login(client, "reception", "999999") for _ in range(7)]
    assert statuses[:5] == [401] * 5
    assert statuses[-1] == 429
    assert _login(client, "reception", _code(secret, 0)) == 429  # even a right code waits


def test_disabling_needs_a_current_code(client: TestClient) -> None:
    secret = _enrol(client, "daniel")
    me = {"Authorization": "Bearer none"}
    assert (
        client.post(
            "/api/v1/auth/totp/disable", headers=me, json={"code": _code(secret, 0)}
        ).status_code
        == 401
    )
    login_code = _code(secret, 0)  # kept: the clock may pass a 30 s step before it is reused
    form = {"username": "daniel", "password": DEMO_PASSWORDS["daniel"], "totp_code": login_code}
    token = client.post("/api/v1/auth/token", data=form).json()["access_token"]
    me = {"Authorization": f"Bearer {token}"}
    used = client.post("/api/v1/auth/totp/disable", headers=me, json={"code": login_code})
    assert used.status_code == 422  # that code was just used to log in
    off = client.post("/api/v1/auth/totp/disable", headers=me, json={"code": _code(secret, 1)})
    assert off.status_code == 200
    assert _login(client, "daniel") == 200
    again = client.post("/api/v1/auth/totp/disable", headers=me, json={"code": _code(secret, 1)})
    assert again.status_code == 422  # nothing left to remove, and it says so
    assert again.json()["field"] == "code"
    assert "no second factor to remove" in again.json()["detail"]


def test_the_login_page_asks_for_the_code(web_engine: Engine) -> None:
    with TestClient(_app(web_engine, require_admin_totp=False)) as browser:
        secret = _enrol(browser, "admin")

        def post(code: str) -> int:
            data = {
                "username": "admin",
                "password": DEMO_PASSWORDS["admin"],
                "code": code,
                "csrf_token": form_token(browser),
                "next": "",
            }
            return browser.post("/login", data=data, follow_redirects=False).status_code

        without = post("")
        assert without == 401
        now = _code(secret, 0)
        assert post(now) == 303
        browser.cookies.clear()
        assert post(now) == 401  # replayed


def test_admins_must_use_a_second_factor_when_the_clinic_says_so(web_engine: Engine) -> None:
    password = "a-long-password-for-the-new-admin"
    with UnitOfWork(web_engine) as uow:
        uow.users.add(
            User(username="newadmin", password_hash=hash_password(password), role="admin")
        )
        uow.commit()
    form = {"username": "newadmin", "password": password}
    with TestClient(_app(web_engine, require_admin_totp=False)) as lenient:
        assert lenient.post("/api/v1/auth/token", data=form).status_code == 200
    with TestClient(_app(web_engine, require_admin_totp=True)) as strict:
        refused = strict.post("/api/v1/auth/token", data=form)
        assert refused.status_code == 401
        assert "enrol" in refused.json()["detail"]
        assert _login(strict, "ada") == 200  # others are not required to


def _app(engine: Engine, require_admin_totp: bool) -> FastAPI:
    settings = Settings(
        database_url=engine.url.render_as_string(hide_password=False),
        secret_key=SECRET,
        require_admin_totp=require_admin_totp,
    )
    return create_app(settings, engine=engine, migrate=False)
