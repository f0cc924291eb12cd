"""`acuback serve`: run the clinic web app with uvicorn, optionally on a seeded demo clinic.

One database rule for every command: `--db`, else `ACUBACK_DATABASE_URL`, else the SQLite file
in the data folder. `serve --demo` uses that same database, so `acuback audit verify` and the
other commands find the demo clinic without options. It seeds the demo only into an empty
database, reuses a database that already holds the demo, and refuses (exit 2) one that holds
another clinic's data, which it never touches.
"""

from __future__ import annotations

import typer

__all__ = ["register"]


def _seed(url: str) -> bool:
    """Migrate the database and seed the demo clinic when it is empty; True if seeded."""
    from acuback.errors import InputError
    from acuback.records import UnitOfWork, make_engine, upgrade
    from acuback.records.db import resolve_url
    from acuback.services.demo import is_demo, is_empty, seed_demo
    from acuback.web.security.passwords import hash_password

    upgrade(url)
    engine = make_engine(url)
    try:
        with UnitOfWork(engine) as uow:
            if is_empty(uow):
                seed_demo(uow, hash_password)
                return True
            if is_demo(uow):
                return False
    finally:
        engine.dispose()
    shown = resolve_url(url).render_as_string(hide_password=True)
    raise InputError(
        "--demo",
        f"{shown} holds a clinic that is not the demo; the demo seeds only an empty database "
        "(give another one with --db, or serve without --demo)",
    )


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
        help="Database URL (default: ACUBACK_DATABASE_URL, else the SQLite file in the data "
        "folder; the same for --demo).",
    ),
    demo: bool = typer.Option(
        False, "--demo", help="Seed a demo clinic into an empty database (or reuse the demo)."
    ),
    access_log: bool | None = typer.Option(
        None,
        "--access-log/--no-access-log",
        help="Log every request (default: ACUBACK_ACCESS_LOG, else on).",
    ),
    log_format: str | None = typer.Option(
        None, "--log-format", help="text | json (default: ACUBACK_LOG_FORMAT, else text)."
    ),
) -> None:
    """Serve the clinic app (JSON API under /api/v1, OpenAPI at /openapi.json)."""
    import uvicorn

    from acuback.errors import InputError
    from acuback.settings import get_settings
    from acuback.web.app import create_app
    from acuback.web.logs import log_config

    base = get_settings()
    if log_format is not None and log_format not in ("text", "json"):
        raise InputError("--log-format", f"unknown value {log_format!r}", ("text", "json"))
    url = db or base.effective_database_url
    if demo:
        _print_logins(_seed(url))
    settings = base.model_copy(update={"database_url": url})
    app = create_app(settings)
    show_access = base.access_log == "on" if access_log is None else access_log
    typer.echo(f"acuback is serving on http://{host}:{port}/ (API: /api/v1, docs: /openapi.json)")
    # uvicorn believes X-Forwarded-For from 127.0.0.1 by default, which lets any local client
    # choose its address (and dodge the login limits): only configured proxies are trusted.
    proxies = settings.trusted_proxies.strip()
    uvicorn.run(
        app,
        host=host,
        port=port,
        log_level="info",
        access_log=show_access,
        log_config=log_config(log_format or base.log_format),
        proxy_headers=bool(proxies),
        forwarded_allow_ips=proxies or None,
    )


def register(app: typer.Typer) -> None:
    app.command("serve")(serve_command)
