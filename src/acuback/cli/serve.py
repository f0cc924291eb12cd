"""`acuback serve`: run the clinic web app with uvicorn, optionally on a seeded demo clinic."""

from __future__ import annotations

import typer

__all__ = ["register"]

DEMO_DATABASE = "acuback-demo.sqlite3"


def _demo_url() -> str:
    from acuback.settings import get_settings

    return f"sqlite:///{get_settings().data_dir / DEMO_DATABASE}"


def _seed(url: str) -> bool:
    """Migrate the database and seed the demo clinic when it is empty; True if seeded."""
    from acuback.records import UnitOfWork, make_engine, upgrade
    from acuback.services.demo import is_empty, seed_demo
    from acuback.web.security.passwords import hash_password

    upgrade(url)
    engine = make_engine(url)
    try:
        with UnitOfWork(engine) as uow:
            if not is_empty(uow):
                return False
            seed_demo(uow, hash_password)
            return True
    finally:
        engine.dispose()


def _print_logins(seeded: bool) -> None:
    from acuback.services.demo import DEMO_LOGINS

    typer.echo("Demo clinic " + ("seeded." if seeded else "already present: reusing it."))
    typer.echo("Demo logins (username / password, role):")
    for login in DEMO_LOGINS:
        typer.echo(f"  {login.username:<11} {login.password:<22} {login.note}")


def serve_command(
    host: str = typer.Option("127.0.0.1", "--host", help="Address to listen on."),
    port: int = typer.Option(8000, "--port", min=1, max=65535, help="Port to listen on."),
    db: str | None = typer.Option(
        None,
        "--db",
        metavar="URL",
        help="Database URL (default: settings; with --demo a "
        f"SQLite file {DEMO_DATABASE} in the data folder).",
    ),
    demo: bool = typer.Option(False, "--demo", help="Seed a demo clinic into an empty database."),
) -> None:
    """Serve the clinic app (JSON API under /api/v1, OpenAPI at /openapi.json)."""
    import uvicorn

    from acuback.settings import Settings, get_settings
    from acuback.web.app import create_app

    url = db or (_demo_url() if demo else None)
    if demo:
        assert url is not None
        _print_logins(_seed(url))
    base = get_settings()
    settings: Settings = base.model_copy(update={"database_url": url}) if url else base
    app = create_app(settings)
    typer.echo(f"acuback is serving on http://{host}:{port}/ (API: /api/v1, docs: /openapi.json)")
    # uvicorn believes X-Forwarded-For from 127.0.0.1 by default, which lets any local client
    # choose its address (and dodge the login limits): only configured proxies are trusted.
    proxies = settings.trusted_proxies.strip()
    uvicorn.run(app, host=host, port=port, log_level="info", proxy_headers=bool(proxies),
                forwarded_allow_ips=proxies or None)  # fmt: skip


def register(app: typer.Typer) -> None:
    app.command("serve")(serve_command)
