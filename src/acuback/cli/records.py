"""CLI commands for the clinic database: `acuback db upgrade|downgrade`, `acuback audit ...`,
`acuback reminders send`.

Backup and restore (`db backup`, `db restore`) join the `db` group from `acuback.cli.exchange`.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

import typer

from acuback.cli.output import JsonOption, emit
from acuback.errors import InputError

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from acuback.records.audit import AuditAnchor, AuditReport

__all__ = ["DbOption", "db_app", "register", "shown_url"]

T = TypeVar("T")

DbOption = typer.Option(
    None,
    "--db",
    metavar="URL",
    help="Database URL (default: ACUBACK_DATABASE_URL, else the SQLite file in the data folder).",
)

db_app = typer.Typer(help="The clinic database.", no_args_is_help=True)
audit_app = typer.Typer(help="The audit log.", no_args_is_help=True)


def shown_url(url: str | None) -> str:
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
    from acuback.records.migrate import current_revision, head_revision, upgrade

    before = current_revision(db)
    _check_direction("--revision", revision, before, "upgrade")
    after = upgrade(db, revision)
    # The migration checked the old chain; the seal needs the key, which only this process has.
    report, sealed = _seal(db) if after == head_revision() else (None, False)
    data = {"database": shown_url(db), "from": before, "to": after, "audit_sealed": sealed}
    seal = (
        f"; audit log re-keyed ({report.entries_checked} older entries sealed)"
        if report and sealed
        else ""
    )
    emit(data, as_json, lambda: f"{data['database']}: revision {before or 'none'} -> {after}{seal}")


@db_app.command("downgrade")
def downgrade_command(
    revision: str = typer.Argument(..., help="Target revision, or `base` to remove every table."),
    db: str | None = DbOption,
    as_json: bool = JsonOption,
) -> None:
    """Migrate the database down to REVISION, undoing each newer migration (data may be lost)."""
    from acuback.records.migrate import current_revision, downgrade, revision_notes, revisions

    before = current_revision(db)
    if before is None:
        raise InputError("--db", f"no acuback database at {shown_url(db)}: nothing to downgrade")
    _check_direction("REVISION", revision, before, "downgrade")
    known = revisions()
    stop = 0 if revision == "base" else known.index(revision) + 1
    undone = [
        {"revision": rev, "what": revision_notes(rev)}
        for rev in reversed(known[stop : known.index(before) + 1])
    ]
    after = downgrade(db, revision)
    database = shown_url(db)
    data = {"database": database, "from": before, "to": after, "undone": undone}
    emit(data, as_json, lambda: _downgraded(database, before, after, undone))


def _downgraded(database: str, before: str, after: str | None, undone: list[dict[str, str]]) -> str:
    if not undone:
        return f"{database}: already at revision {before}; nothing undone"
    steps = "; ".join(f"undid {step['revision']} ({step['what']})" for step in undone)
    return f"{database}: revision {before} -> {after or 'base'}: {steps}"


def _check_direction(option: str, target: str, current: str | None, direction: str) -> None:
    """Refuse an unknown revision, or one that lies the other way from `current`."""
    from acuback.records.migrate import revisions

    known = revisions()
    special = {"upgrade": "head", "downgrade": "base"}[direction]
    if target == special:
        return
    if target not in known:
        raise InputError(option, f"unknown revision {target!r}", (*known, special))
    if current is None or current not in known:
        return
    target_at, current_at = known.index(target), known.index(current)
    if direction == "upgrade" and target_at < current_at:
        raise InputError(
            option,
            f"the database is at {current}, newer than {target}: "
            f"use `acuback db downgrade {target}` to go back",
        )
    if direction == "downgrade" and target_at > current_at:
        raise InputError(
            option,
            f"the database is at {current}, older than {target}: "
            f"use `acuback db upgrade --revision {target}`",
        )


@audit_app.command("verify")
def verify_command(
    db: str | None = DbOption,
    anchor_file: Path | None = typer.Option(
        None,
        "--anchor",
        metavar="FILE",
        help="An anchor from `acuback audit anchor`: "
        "also fail if the log no longer reaches the head it recorded.",
    ),
    as_json: bool = JsonOption,
) -> None:
    """Check the audit log's keyed hash chain; exit 1 naming the first broken entry."""
    from acuback.records.audit import verify_chain

    anchor = _read_anchor(anchor_file) if anchor_file else None
    report = _with_log(db, lambda session, key: verify_chain(session, key, anchor))
    emit(report.model_dump(mode="json"), as_json, lambda: _render(report))
    if not report.ok:
        raise typer.Exit(1)


@audit_app.command("anchor")
def anchor_command(
    db: str | None = DbOption,
    out: Path | None = typer.Option(
        None, "--out", metavar="FILE", help="Write the anchor to FILE (default: print it)."
    ),
) -> None:
    """Record the log's head (sequence, hash, time) for a store outside the database."""
    from acuback.records.audit import anchor

    found = _with_log(db, lambda session, key: anchor(session))
    if found is None:
        raise InputError("--db", "the audit log is empty: there is no head to anchor")
    text_ = found.model_dump_json(indent=2)
    if out is None:
        typer.echo(text_)
        return
    out.write_text(text_ + "\n", encoding="utf-8")
    typer.echo(f"anchored entry {found.seq} ({found.hash}) in {out}")


@audit_app.command("rekey")
def rekey_command(db: str | None = DbOption, as_json: bool = JsonOption) -> None:
    """Re-key a log written before the audit key, once: verify the old chain, then seal it."""
    report, sealed = _seal(db)
    data = {**report.model_dump(mode="json"), "sealed": sealed}
    emit(data, as_json, lambda: _render(report) + ("; sealed with the audit key" if sealed else ""))
    if not report.ok:
        raise typer.Exit(1)


def _seal(db: str | None) -> tuple[AuditReport, bool]:
    from acuback.records.audit import seal_legacy

    return _with_log(db, seal_legacy)


def _read_anchor(path: Path) -> AuditAnchor:
    from pydantic import ValidationError

    from acuback.records.audit import AuditAnchor

    try:
        return AuditAnchor.model_validate_json(path.read_text(encoding="utf-8"))
    except (OSError, ValidationError, UnicodeDecodeError) as exc:
        problem = exc.strerror if isinstance(exc, OSError) else "is not an anchor file"
        raise InputError("--anchor", f"{path}: {problem}") from None


def _with_log(db: str | None, work: Callable[[Session, bytes], T]) -> T:
    """Run `work(session, audit key)` in one unit of work on the database at `db`, which must
    be migrated (it commits once, when `work` returns)."""
    from sqlalchemy import inspect

    from acuback.records import UnitOfWork
    from acuback.records.db import make_engine
    from acuback.secrets import audit_key
    from acuback.settings import get_settings

    settings = get_settings()
    key = audit_key(settings)
    engine = make_engine(db)
    try:
        if not inspect(engine).has_table("audit_log"):
            raise InputError(
                "--db", f"no acuback database at {shown_url(db)}: run `acuback db upgrade`"
            )
        with UnitOfWork(engine, audit_key=key, settings=settings) as uow:
            return work(uow.session, key)
    finally:
        engine.dispose()


def _render(report: AuditReport) -> str:
    if report.ok:
        head = f"; head {report.head_hash}" if report.head_hash else ""
        old = (
            f" ({report.unkeyed_entries} from before the key, sealed)"
            if report.unkeyed_entries
            else ""
        )
        return f"audit log intact: {report.entries_checked} entries{old}{head}"
    return (
        f"audit log BROKEN at entry {report.first_broken_seq}: {report.problem} "
        f"({report.entries_checked} entries before it verified)"
    )


def register(app: typer.Typer) -> None:
    """Add the `db` and `audit` command groups to the top-level app."""
    import acuback.cli.exchange  # noqa: F401  # adds `db backup` and `db restore` to db_app

    app.add_typer(db_app, name="db")
    app.add_typer(audit_app, name="audit")
    app.add_typer(reminders_app, name="reminders")


reminders_app = typer.Typer(help="Appointment reminders by email.", no_args_is_help=True)


@reminders_app.command("send")
def reminders_send_command(db: str | None = DbOption, as_json: bool = JsonOption) -> None:
    """Email every due reminder once, through ACUBACK_SMTP_URL (run it from cron)."""
    from acuback.cli.reminders import send_due_reminders
    from acuback.records import UnitOfWork
    from acuback.records.db import make_engine
    from acuback.services.reminders import parse_smtp_url
    from acuback.settings import get_settings

    settings = get_settings()
    target = parse_smtp_url(settings.smtp_url)
    engine = make_engine(db)
    try:
        report = send_due_reminders(
            lambda: UnitOfWork(engine, settings=settings), target, settings.mail_from
        )
    finally:
        engine.dispose()
    data = {
        "due": report.due,
        "sent": report.sent,
        "taken_by_others": report.taken_by_others,
        "failed": report.failed,
    }
    emit(
        data,
        as_json,
        lambda: (
            f"reminders: {report.sent} sent of {report.due} due, "
            f"{report.taken_by_others} sent by another run, {report.failed} failed"
        ),
    )
    if report.failed:
        raise typer.Exit(1)
