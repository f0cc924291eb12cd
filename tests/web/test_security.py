"""Security: headers on every response, cookie sessions and CSRF, login rate limit, tokens,
passwords and the secret key."""

from __future__ import annotations

import secrets
from collections.abc import Callable, Iterator
from datetime import timedelta
from typing import Annotated

import pytest
from fastapi import Depends, FastAPI, Form, Request
from fastapi.responses import HTMLResponse
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from acuback.settings import Settings
from acuback.web.deps import CurrentActor, UoW
from acuback.web.security import (
    SECURITY_HEADERS,
    LoginRateLimiter,
    TokenSigner,
    UnsafeSecretKey,
    csrf_token,
    hash_password,
    require_csrf,
    secret_key,
    start_session,
    verify_password,
)

from .conftest import DEMO_PASSWORDS, SECRET, make_app

Auth = Callable[[str], dict[str, str]]


def _test_app(engine: Engine) -> FastAPI:
    """The real app plus a tiny form flow, as the HTML views will use the helpers."""
    app = make_app(engine)

    @app.get("/test/form", response_class=HTMLResponse)
    def form(request: Request) -> str:
        token = csrf_token(request)
        return f'<form method="post"><input name="csrf_token" value="{token}"></form>'

    @app.post("/test/login")
    def login(
        request: Request, uow: UoW, _: Annotated[None, Depends(require_csrf)]
    ) -> dict[str, str]:
        sid, _login = uow.logins.start(2, "browser", timedelta(hours=1))
        uow.commit()
        start_session(request, 2, sid)  # the demo practitioner "mei"
        return {"csrf": csrf_token(request)}

    @app.post("/test/note")
    def note(
        actor: CurrentActor, text: Annotated[str, Form()], _: Annotated[None, Depends(require_csrf)]
    ) -> dict[str, str]:
        return {"by": actor.username, "text": text}

    @app.get("/test/boom")
    def boom() -> None:
        raise RuntimeError("a bug, not bad input")

    return app


@pytest.fixture
def fresh(web_engine: Engine) -> Iterator[TestClient]:
    with TestClient(_test_app(web_engine)) as test_client:
        yield test_client


def test_headers_on_every_kind_of_response(fresh: TestClient, auth: Auth) -> None:
    responses = [
        fresh.get("/api/v1/health"),  # 200
        fresh.get("/openapi.json"),  # 200
        fresh.get("/api/v1/patients"),  # 401
        fresh.get("/nowhere"),  # 404
        fresh.post("/api/v1/auth/token", data={}),  # 422
        fresh.get("/api/v1/patients", headers=auth("researcher")),  # 403
        fresh.get("/test/boom"),  # 500
        fresh.get("/test/form"),  # HTML
    ]
    assert {r.status_code for r in responses} == {200, 401, 404, 422, 403, 500}
    for response in responses:
        for name, value in SECURITY_HEADERS.items():
            assert response.headers.get(name) == value, (response.status_code, name)
        assert "strict-transport-security" not in response.headers
    assert "unsafe-inline" not in SECURITY_HEADERS["content-security-policy"]
    assert responses[-2].json() == {"detail": "internal error"}


def test_hsts_and_secure_cookie_over_https(web_engine: Engine) -> None:
    with TestClient(_test_app(web_engine), base_url="https://testserver") as secure:
        response = secure.get("/test/form")
    assert response.headers["strict-transport-security"].startswith("max-age=")
    assert "Secure" in response.headers["set-cookie"]


def test_csrf_protects_cookie_sessions(fresh: TestClient) -> None:
    page = fresh.get("/test/form")
    cookie = page.headers["set-cookie"]
    assert "HttpOnly" in cookie
    assert "SameSite=Lax" in cookie
    assert "Secure" not in cookie
    token = page.text.split('value="')[1].split('"')[0]
    assert fresh.post("/test/login", data={"csrf_token": "wrong"}).status_code == 403
    assert fresh.post("/test/login", data={}).status_code == 403
    logged_in = fresh.post("/test/login", data={"csrf_token": token})
    assert logged_in.status_code == 200
    rotated = logged_in.json()["csrf"]
    assert rotated != token  # a login starts a new session with a new token
    # The old token no longer works; forms and cookie-authenticated API calls need the new one.
    assert fresh.post("/test/note", data={"text": "hi", "csrf_token": token}).status_code == 403
    ok = fresh.post("/test/note", data={"text": "hi", "csrf_token": rotated})
    assert ok.status_code == 200
    assert ok.json()["by"] == "mei"
    assert fresh.get("/api/v1/auth/me").json()["username"] == "mei"  # safe: no token needed
    body = {"given_name": "Cookie", "family_name": "Jar", "sex": "other"}
    assert fresh.post("/api/v1/patients", json=body).status_code == 403
    with_header = fresh.post("/api/v1/patients", json=body, headers={"X-CSRF-Token": rotated})
    assert with_header.status_code == 201


def test_tampered_session_cookie_is_ignored(fresh: TestClient) -> None:
    fresh.cookies.set("acuback_session", "eyJ1aWQiOjF9.forged.signature")
    assert fresh.get("/api/v1/auth/me").status_code == 401


def test_login_rate_limit(fresh: TestClient) -> None:
    for _ in range(5):
        failed = fresh.post("/api/v1/auth/token", data={"username": "mei", "password": "nope"})
        assert failed.status_code == 401
    blocked = fresh.post(
        "/api/v1/auth/token", data={"username": "mei", "password": DEMO_PASSWORDS["mei"]}
    )
    assert blocked.status_code == 429
    assert 1 <= int(blocked.headers["retry-after"]) <= 300


def test_limiter_delays_grow_per_account_and_spare_the_shared_address() -> None:
    now = [1000.0]
    limiter = LoginRateLimiter(max_failures=3, window_seconds=60, clock=lambda: now[0])
    for _ in range(3):
        assert limiter.retry_after("1.1.1.1", "ann") is None
        limiter.failed("1.1.1.1", "ann")
    waits = []
    for _ in range(4):  # each failure past the allowance doubles the wait
        waits.append(limiter.retry_after("1.1.1.1", "ann"))
        now[0] += waits[-1] or 0
        limiter.failed("1.1.1.1", "ann")
    assert waits == [1, 2, 4, 8]
    assert limiter.retry_after("1.1.1.1", "ANN") == 16  # usernames count case-insensitively
    # Colleagues behind the same router are not locked out by ann's typing.
    assert limiter.retry_after("1.1.1.1", "bob") is None
    # From another address the account's own count (7 failures, allowance 6) still applies.
    assert limiter.retry_after("2.2.2.2", "ann") == 2
    now[0] += 61
    assert limiter.retry_after("1.1.1.1", "ann") is None  # the window forgets
    limiter.failed("1.1.1.1", "ann")
    limiter.succeeded("ann")
    assert limiter.retry_after("1.1.1.1", "ann") is None


def test_one_address_is_limited_only_after_many_failures() -> None:
    limiter = LoginRateLimiter(max_failures=3, address_failures=20, clock=lambda: 5.0)
    for index in range(20):
        assert limiter.retry_after("9.9.9.9", f"user{index}") is None
        limiter.failed("9.9.9.9", f"user{index}")
    assert limiter.retry_after("9.9.9.9", "someone_new") == 1


def test_tokens_expire_and_resist_tampering() -> None:
    signer = TokenSigner("k" * 40, lifetime=-1)
    assert signer.read(signer.issue(7, "sid")) is None  # already expired
    live = TokenSigner("k" * 40)
    token = live.issue(7, "sid")
    assert live.read(token) == (7, "sid")
    assert TokenSigner("x" * 40).read(token) is None
    assert live.read(token[:-2] + "xx") is None


def test_passwords_are_argon2id() -> None:
    stored = hash_password("correct horse battery")
    assert stored.startswith("$argon2id$")
    assert verify_password(stored, "correct horse battery")
    assert not verify_password(stored, "wrong")
    assert not verify_password("not-a-hash", "anything")


def test_unsafe_secret_key_refused_outside_development(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ACUBACK_ENVIRONMENT", "production")
    weak = [
        None,
        "short",
        "acuback-development-key-not-secret",
        " " * 32,
        "s" * 48,
        "password" * 4,
        "ab" * 24,
        "0123456789" * 4,
    ]
    for key in weak:
        with pytest.raises(UnsafeSecretKey):
            secret_key(Settings(secret_key=key))
    strong = secrets.token_urlsafe(32)
    assert secret_key(Settings(secret_key=strong)) == strong
    monkeypatch.setenv("ACUBACK_ENVIRONMENT", "development")
    with pytest.warns(UserWarning, match="development key"):
        assert secret_key(Settings(secret_key=None))


def test_openapi_lists_the_resources(client: TestClient) -> None:
    paths = client.get("/openapi.json").json()["paths"]
    for path in (
        "/api/v1/health",
        "/api/v1/auth/token",
        "/api/v1/patients",
        "/api/v1/intakes",
        "/api/v1/plans/{plan_id}/accept",
        "/api/v1/appointments",
        "/api/v1/sessions/{session_id}/sign",
        "/api/v1/patients/{patient_id}/trajectory",
        "/api/v1/dashboard",
        "/api/v1/research/aggregates",
    ):
        assert path in paths


def test_the_session_cookie_is_secure_in_production_even_over_http(web_engine: Engine) -> None:
    from acuback.web.app import create_app

    settings = Settings(
        database_url=web_engine.url.render_as_string(hide_password=False),
        secret_key=SECRET,
        audit_key="a-different-audit-key-Zq8Lm2Rv9Tz4Wk8Hs3Nd6Yb1",
        environment="production",
    )
    app = create_app(settings, engine=web_engine, migrate=False)
    with TestClient(app) as plain:  # http://testserver, as behind a TLS-terminating proxy
        cookie = plain.get("/login").headers["set-cookie"]
    assert "Secure" in cookie
    with TestClient(make_app(web_engine)) as development:
        assert "Secure" not in development.get("/login").headers["set-cookie"]
