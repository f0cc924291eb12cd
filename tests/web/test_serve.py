"""`acuback serve --demo`: seeds an empty database once, prints the logins, runs uvicorn."""

from __future__ import annotations

import json
from datetime import date
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
    assert len(started) == 1
    assert {k: started[0][k] for k in ("host", "port", "access_log", "proxy_headers")} == {
        "host": "127.0.0.1",
        "port": 8765,
        "access_log": True,
        "proxy_headers": False,
    }
    assert started[0]["forwarded_allow_ips"] is None
    second = runner.invoke(app, ["serve", "--demo", "--db", url])
    assert "already present" in second.output
    engine = make_engine(url)
    with UnitOfWork(engine) as uow:
        assert uow.patients.count() == 12  # not seeded twice
    engine.dispose()


def _serve_app(monkeypatch: pytest.MonkeyPatch, started: list[dict[str, Any]]) -> typer.Typer:
    monkeypatch.setattr("uvicorn.run", lambda app, **options: started.append(options))
    monkeypatch.setenv("ACUBACK_SECRET_KEY", "s" * 40)
    get_settings.cache_clear()
    app = typer.Typer()
    app.command()(lambda: None)
    serve.register(app)
    return app


def test_serve_demo_uses_the_configured_database_and_other_commands_find_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from acuback.cli.app import main

    url = f"sqlite:///{tmp_path / 'configured.sqlite3'}"
    monkeypatch.setenv("ACUBACK_DATABASE_URL", url)
    started: list[dict[str, Any]] = []
    result = CliRunner().invoke(_serve_app(monkeypatch, started), ["serve", "--demo"])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "configured.sqlite3").is_file()
    assert main(["audit", "verify"]) == 0  # no --db: the same database
    get_settings.cache_clear()


def test_serve_demo_refuses_a_database_holding_another_clinic(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from acuback.cli.app import main
    from acuback.records import Patient, upgrade

    url = f"sqlite:///{tmp_path / 'clinic.sqlite3'}"
    upgrade(url)
    engine = make_engine(url)
    with UnitOfWork(engine) as uow:
        uow.patients.add(
            Patient(
                given_name="Real", family_name="Patient", birth_date=date(1970, 1, 2), sex="female"
            )
        )
        uow.commit()
    monkeypatch.setattr("uvicorn.run", lambda *a, **k: pytest.fail("served"))
    assert main(["serve", "--demo", "--db", url]) == 2
    err = capsys.readouterr().err
    assert "not the demo" in err
    assert len(err.strip().splitlines()) == 1
    with UnitOfWork(engine) as uow:
        assert uow.patients.count() == 1  # untouched
        assert not uow.users.all()
    engine.dispose()


def test_access_log_and_json_logs_from_settings_and_flags(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import logging

    from acuback.web.logs import JsonFormatter

    url = f"sqlite:///{tmp_path / 'logs.sqlite3'}"
    monkeypatch.setenv("ACUBACK_ACCESS_LOG", "off")
    monkeypatch.setenv("ACUBACK_LOG_FORMAT", "json")
    started: list[dict[str, Any]] = []
    app = _serve_app(monkeypatch, started)
    assert CliRunner().invoke(app, ["serve", "--db", url]).exit_code == 0
    assert (
        CliRunner()
        .invoke(app, ["serve", "--db", url, "--access-log", "--log-format", "text"])
        .exit_code
        == 0
    )
    get_settings.cache_clear()
    off, on = started
    assert off["access_log"] is False
    assert on["access_log"] is True
    assert off["log_config"]["formatters"]["access"] == {"()": "acuback.web.logs.JsonFormatter"}
    assert on["log_config"]["formatters"]["access"]["()"] == "uvicorn.logging.AccessFormatter"
    record = logging.LogRecord(
        "uvicorn.access",
        logging.INFO,
        "x",
        1,
        '%s - "%s %s HTTP/%s" %d',
        ("127.0.0.1:5", "GET", "/health", "1.1", 200),
        None,
    )
    line = json.loads(JsonFormatter().format(record))
    assert line["method"] == "GET"
    assert line["status"] == 200
    assert line["path"] == "/health"
    bad = CliRunner().invoke(app, ["serve", "--db", url, "--log-format", "xml"])
    assert bad.exit_code != 0


@pytest.mark.parametrize(
    ("secret", "audit", "named"),
    [
        (" " * 32, "a-strong-audit-key-" + "Qx7pLm2Rv9Tz4Wk8Hs3Nd6" * 2, "ACUBACK_SECRET_KEY"),
        ("s" * 48, None, "ACUBACK_SECRET_KEY"),
        ("Zq8-strong-session-key-Lm2Rv9Tz4Wk8Hs3Nd6Yb1", None, "ACUBACK_AUDIT_KEY"),
        ("Zq8-strong-session-key-Lm2Rv9Tz4Wk8Hs3Nd6Yb1", "ab" * 20, "ACUBACK_AUDIT_KEY"),
        (
            "Zq8-strong-session-key-Lm2Rv9Tz4Wk8Hs3Nd6Yb1",
            "Zq8-strong-session-key-Lm2Rv9Tz4Wk8Hs3Nd6Yb1",
            "must differ",
        ),
    ],
)
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
