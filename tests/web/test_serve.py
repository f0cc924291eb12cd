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
