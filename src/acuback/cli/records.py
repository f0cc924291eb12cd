"""CLI commands for the clinic database: `acuback db upgrade`, `acuback audit verify`,
`acuback reminders send`."""

from __future__ import annotations

from typing import TYPE_CHECKING

import typer

from acuback.cli.output import JsonOption, emit

if TYPE_CHECKING:
    from acuback.records.audit import AuditReport

__all__ = ["register"]

DbOption = typer.Option(
    None,
    "--db",
    metavar="URL",
    help="Database URL (default: ACUBACK_DATABASE_URL, else the SQLite file in the data folder).",
)

db_app = typer.Typer(help="The clinic database.", no_args_is_help=True)
audit_app = typer.Typer(help="The audit log.", no_args_is_help=True)


def _shown(url: str | None) -> str:
    """The URL to print: the resolved one, with any password hidden."""
    from acuback.records.db import resolve_url

    return resolve_url(url).render_as_string(hide_password=True)


@db_app.command("upgrade")
def upgrade_command(
    db: str | None = DbOption,
    revision: str = typer.Option("head", "--revision", help="Target revision."),
    as_json: bool = JsonOption,
) -> None:
    """Create or migrate the database to the newest schema (or to --revision)."""
    from acuback.records.migrate import current_revision, upgrade

    before = current_revision(db)
    after = upgrade(db, revision)
    data = {"database": _shown(db), "from": before, "to": after}
    emit(data, as_json, lambda: f"{data['database']}: revision {before or 'none'} -> {after}")


@audit_app.command("verify")
def verify_command(db: str | None = DbOption, as_json: bool = JsonOption) -> None:
    """Check the audit log's hash chain; exit 1 naming the first broken entry."""
    report = _verify(db)
    emit(report.model_dump(mode="json"), as_json, lambda: _render(report))
    if not report.ok:
        raise typer.Exit(1)


def _verify(db: str | None) -> AuditReport:
    from sqlalchemy import inspect
    from sqlalchemy.orm import Session

    from acuback.errors import InputError
    from acuback.records.audit import verify_chain
    from acuback.records.db import make_engine

    engine = make_engine(db)
    try:
        if not inspect(engine).has_table("audit_log"):
            raise InputError(
                "--db", f"no acuback database at {_shown(db)}: run `acuback db upgrade`"
            )
        with Session(engine) as session:
            return verify_chain(session)
    finally:
        engine.dispose()


def _render(report: AuditReport) -> str:
    if report.ok:
        head = f"; head {report.head_hash}" if report.head_hash else ""
        return f"audit log intact: {report.entries_checked} entries{head}"
    return (
        f"audit log BROKEN at entry {report.first_broken_seq}: {report.problem} "
        f"({report.entries_checked} entries before it verified)"
    )


def register(app: typer.Typer) -> None:
    """Add the `db` and `audit` command groups to the top-level app."""
    app.add_typer(db_app, name="db")
    app.add_typer(audit_app, name="audit")
    app.add_typer(reminders_app, name="reminders")


reminders_app = typer.Typer(help="Appointment reminders by email.", no_args_is_help=True)


@reminders_app.command("send")
def reminders_send_command(db: str | None = DbOption, as_json: bool = JsonOption) -> None:
    """Email every due reminder once, through ACUBACK_SMTP_URL (run it from cron)."""
    from acuback.records import UnitOfWork
    from acuback.records.db import make_engine
    from acuback.services.reminders import parse_smtp_url, send_due_reminders
    from acuback.settings import get_settings

    settings = get_settings()
    target = parse_smtp_url(settings.smtp_url)
    engine = make_engine(db)
    try:
        report = send_due_reminders(lambda: UnitOfWork(engine), target, settings.mail_from)
    finally:
        engine.dispose()
    data = {"due": report.due, "sent": report.sent, "taken_by_others": report.taken_by_others,
            "failed": report.failed}  # fmt: skip
    emit(data, as_json, lambda: f"reminders: {report.sent} sent of {report.due} due, "
         f"{report.taken_by_others} sent by another run, {report.failed} failed")  # fmt: skip
    if report.failed:
        raise typer.Exit(1)
