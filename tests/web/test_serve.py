"""`acuback serve --demo`: seeds an empty database once, prints the logins, runs uvicorn."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import typer
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
    assert started == [{"host": "127.0.0.1", "port": 8765, "log_level": "info"}]
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
