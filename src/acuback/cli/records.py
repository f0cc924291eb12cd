"""CLI commands for the clinic database: `acuback db upgrade|downgrade`, `acuback audit verify`.

Backup and restore (`db backup`, `db restore`) join the `db` group from `acuback.cli.exchange`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import typer

from acuback.cli.output import JsonOption, emit
from acuback.errors import InputError

if TYPE_CHECKING:
    from acuback.records.audit import AuditReport

__all__ = ["DbOption", "db_app", "register", "shown_url"]

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
    from acuback.records.migrate import current_revision, upgrade

    before = current_revision(db)
    _check_direction("--revision", revision, before, "upgrade")
    after = upgrade(db, revision)
    data = {"database": shown_url(db), "from": before, "to": after}
    emit(data, as_json, lambda: f"{data['database']}: revision {before or 'none'} -> {after}")


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
def verify_command(db: str | None = DbOption, as_json: bool = JsonOption) -> None:
    """Check the audit log's hash chain; exit 1 naming the first broken entry."""
    report = _verify(db)
    emit(report.model_dump(mode="json"), as_json, lambda: _render(report))
    if not report.ok:
        raise typer.Exit(1)


def _verify(db: str | None) -> AuditReport:
    from sqlalchemy import inspect
    from sqlalchemy.orm import Session

    from acuback.records.audit import verify_chain
    from acuback.records.db import make_engine

    engine = make_engine(db)
    try:
        if not inspect(engine).has_table("audit_log"):
            raise InputError(
                "--db", f"no acuback database at {shown_url(db)}: run `acuback db upgrade`"
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
    import acuback.cli.exchange  # noqa: F401  # adds `db backup` and `db restore` to db_app

    app.add_typer(db_app, name="db")
    app.add_typer(audit_app, name="audit")
