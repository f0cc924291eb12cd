"""`acuback serve --demo`: seeds an empty database once, prints the logins, runs uvicorn."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import typer
import uvicorn
from fastapi import FastAPI, Request
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from acuback.cli import serve
from acuback.records import UnitOfWork, make_engine
from acuback.services.demo import DEMO_LOGINS
from acuback.settings import get_settings


def test_serve_demo_seeds_once_and_prints_logins(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    started: list[dict[str, Any]] = []
    monkeypatch.setattr("uvicorn.run", lambda app, **options: started.append(options))
    monkeypatch.setenv("ACUBACK_SECRET_KEY", "s" * 40)
    get_settings.cache_clear()
    app = typer.Typer()
    app.command()(lambda: None)  # a second command keeps `serve` a subcommand
    serve.register(app)
    url = f"sqlite:///{tmp_path / 'demo.sqlite3'}"
    runner = CliRunner()
    first = runner.invoke(app, ["serve", "--demo", "--db", url, "--port", "8765"])
    assert first.exit_code == 0, first.output
    assert "seeded" in first.output
    assert "http://127.0.0.1:8765/" in first.output
    for login in DEMO_LOGINS:
        assert f"{login.username} " in first.output
        assert login.password in first.output
    assert started == [{"host": "127.0.0.1", "port": 8765, "log_level": "info",
                        "proxy_headers": False, "forwarded_allow_ips": None}]  # fmt: skip
    second = runner.invoke(app, ["serve", "--demo", "--db", url])
    assert "already present" in second.output
    engine = make_engine(url)
    with UnitOfWork(engine) as uow:
        assert uow.patients.count() == 12  # not seeded twice
    engine.dispose()


@pytest.mark.parametrize(
    ("secret", "audit", "named"),
    [
        (" " * 32, "a-strong-audit-key-" + "Qx7pLm2Rv9Tz4Wk8Hs3Nd6" * 2, "ACUBACK_SECRET_KEY"),
        ("s" * 48, None, "ACUBACK_SECRET_KEY"),
        ("Zq8-strong-session-key-Lm2Rv9Tz4Wk8Hs3Nd6Yb1", None, "ACUBACK_AUDIT_KEY"),
        ("Zq8-strong-session-key-Lm2Rv9Tz4Wk8Hs3Nd6Yb1", "ab" * 20, "ACUBACK_AUDIT_KEY"),
        ("Zq8-strong-session-key-Lm2Rv9Tz4Wk8Hs3Nd6Yb1",
         "Zq8-strong-session-key-Lm2Rv9Tz4Wk8Hs3Nd6Yb1", "must differ"),
    ],
)  # fmt: skip
def test_serve_refuses_unsafe_secrets_with_one_line_and_exit_2(
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    secret: str,
    audit: str | None,
    named: str,
) -> None:
    from acuback.cli.app import main

    started: list[object] = []
    monkeypatch.setattr("uvicorn.run", lambda app, **options: started.append(options))
    monkeypatch.setenv("ACUBACK_ENVIRONMENT", "production")
    monkeypatch.setenv("ACUBACK_SECRET_KEY", secret)
    if audit is None:
        monkeypatch.delenv("ACUBACK_AUDIT_KEY", raising=False)
    else:
        monkeypatch.setenv("ACUBACK_AUDIT_KEY", audit)
    get_settings.cache_clear()
    try:
        code = main(["serve", "--db", "sqlite://"])
    finally:
        get_settings.cache_clear()
    err = capsys.readouterr().err
    assert code == 2
    assert started == []
    assert len(err.strip().splitlines()) == 1
    assert named in err
    assert "internal error" not in err


def test_forwarded_headers_are_believed_only_from_configured_proxies(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    started: list[dict[str, Any]] = []
    monkeypatch.setattr("uvicorn.run", lambda app, **options: started.append(options))
    monkeypatch.setenv("ACUBACK_TRUSTED_PROXIES", "10.0.0.5")
    get_settings.cache_clear()
    app = typer.Typer()
    app.command()(lambda: None)
    serve.register(app)
    try:
        url = f"sqlite:///{tmp_path / 'proxied.sqlite3'}"
        assert CliRunner().invoke(app, ["serve", "--db", url]).exit_code == 0
    finally:
        get_settings.cache_clear()
    assert started[0]["proxy_headers"] is True
    assert started[0]["forwarded_allow_ips"] == "10.0.0.5"


def test_uvicorn_without_trusted_proxies_ignores_a_spoofed_forwarded_for() -> None:
    """What `proxy_headers=False` means for a local client that claims another address."""
    inner = FastAPI()

    @inner.get("/who")
    def who(request: Request) -> str:
        return request.client.host if request.client else "none"

    for proxy_headers, expected in ((False, "testclient"), (True, "6.6.6.6")):
        config = uvicorn.Config(inner, proxy_headers=proxy_headers, forwarded_allow_ips="*")
        config.load()
        with TestClient(config.loaded_app) as client:
            seen = client.get("/who", headers={"x-forwarded-for": "6.6.6.6"}).json()
        assert seen == expected
