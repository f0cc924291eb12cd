"""CLI commands that move data in and out.

`acuback db backup FILE` and `acuback db restore FILE` (on the `db` group of `cli.records`),
`acuback research export --format parquet|csv --out DIR` and `acuback fhir import BUNDLE.json`.
These run with direct access to the database. The research export acts as the operator
`cli:<login name>` with the admin role; an import writes clinical records, so it acts as the
user account named by `--as` (a practitioner), with that account's permissions; both audited.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import TYPE_CHECKING

import typer

from acuback.cli.output import JsonOption, emit
from acuback.cli.records import DbOption, db_app, shown_url

if TYPE_CHECKING:
    from acuback.interop.fhir.importer import ImportReport
    from acuback.interop.manifest import Manifest
    from acuback.services.access import Actor

__all__ = ["backup_command", "register", "restore_command"]

research_app = typer.Typer(help="De-identified data for research.", no_args_is_help=True)
fhir_app = typer.Typer(help="FHIR R4 in and out.", no_args_is_help=True)


@db_app.command("backup")
def backup_command(
    file: Path = typer.Argument(..., help="The backup archive to write (.tar.gz)."),
    db: str | None = DbOption,
    as_json: bool = JsonOption,
) -> None:
    """Write a consistent backup (safe while the server runs) with a manifest."""
    from acuback.cli.progress import progress_bar
    from acuback.errors import InputError
    from acuback.interop.backup import backup

    if not file.parent.resolve().is_dir():
        raise InputError("FILE", f"no folder {file.parent} to write the backup into")
    with progress_bar(as_json) as progress:
        manifest = backup(db, file, progress)
    data = {"database": shown_url(db), "file": str(file), **_summary(manifest)}
    emit(data, as_json, lambda: f"backed up {shown_url(db)} to {file}: {_line(manifest)}")


@db_app.command("restore")
def restore_command(
    file: Path = typer.Argument(..., help="A backup archive made by `acuback db backup`."),
    db: str | None = DbOption,
    as_json: bool = JsonOption,
) -> None:
    """Restore a backup into an EMPTY database, checking it against its manifest."""
    from acuback.cli.progress import progress_bar
    from acuback.interop.backup import restore

    with progress_bar(as_json) as progress:
        manifest = restore(file, db, progress)
    data = {"database": shown_url(db), "file": str(file), **_summary(manifest)}
    emit(data, as_json, lambda: f"restored {file} into {shown_url(db)}: {_line(manifest)}")


def _summary(manifest: Manifest) -> dict[str, object]:
    facts = manifest.facts
    return {
        "schema_revision": facts.schema_revision,
        "tables": facts.tables,
        "audit_entries": facts.audit_entries,
        "audit_head_hash": facts.audit_head_hash,
        "sha256": manifest.database_sha256,
        "created_at": manifest.created_at.isoformat(),
    }


def _line(manifest: Manifest) -> str:
    facts = manifest.facts
    rows = sum(count for name, count in facts.tables.items() if name != "alembic_version")
    return (
        f"schema {facts.schema_revision}, {len(facts.tables)} tables, {rows} rows, "
        f"{facts.audit_entries} audit entries (head {facts.audit_head_hash or 'none'}), "
        f"sha256 {manifest.database_sha256}"
    )


@research_app.command("export")
def research_export_command(
    out: Path = typer.Option(..., "--out", help="Folder to write the tables and dictionary.json."),
    fmt: str = typer.Option("parquet", "--format", help="parquet or csv."),
    db: str | None = DbOption,
    as_json: bool = JsonOption,
) -> None:
    """Write the de-identified research export: one table per kind and a data dictionary."""
    from acuback.cli.progress import progress_bar
    from acuback.records import UnitOfWork, make_engine
    from acuback.services.exchange import research_export, research_keys
    from acuback.settings import get_settings

    keys = research_keys(get_settings())
    engine = make_engine(db)
    try:
        with progress_bar(as_json) as progress, UnitOfWork(engine) as uow:
            summary = research_export(uow, _operator(), keys, out, fmt, progress)
    finally:
        engine.dispose()
    data = {
        "out": str(out),
        "format": summary.format,
        "rows": summary.rows,
        "files": [str(path) for path in summary.files],
        "smallest_sex_age_group": summary.smallest_sex_age_group,
    }
    rows = ", ".join(f"{name} {count}" for name, count in summary.rows.items())
    note = (
        f"; not k-anonymous: the smallest group sharing sex and age has "
        f"{summary.smallest_sex_age_group} patient(s), see dictionary.json"
        if summary.smallest_sex_age_group is not None
        else ""
    )
    emit(data, as_json, lambda: f"wrote {len(summary.files)} files to {out} ({rows} rows){note}")


def _operator() -> Actor:
    import getpass

    from acuback.services.access import Actor

    return Actor(None, f"cli:{getpass.getuser()}", "admin")


@fhir_app.command("import")
def fhir_import_command(
    bundle: Path = typer.Argument(..., help="A FHIR R4 Bundle (JSON) from another system."),
    user: str = typer.Option(..., "--as", help="The practitioner's username the import is by."),
    into: str | None = typer.Option(None, "--into", help="Add to this matched patient (id)."),
    new: bool = typer.Option(False, "--new", help="Create a new patient despite a match."),
    dry_run: bool = typer.Option(False, "--dry-run", help="Check and report; write nothing."),
    db: str | None = DbOption,
    as_json: bool = JsonOption,
) -> None:
    """Import a patient, their scores, answers, conditions and medicines, all or nothing."""
    import json

    from acuback.cli.progress import progress_bar
    from acuback.errors import InputError
    from acuback.records import UnitOfWork, make_engine
    from acuback.services.access import Actor
    from acuback.services.exchange import fhir_import, fhir_urls
    from acuback.settings import get_settings

    try:
        data = json.loads(bundle.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise InputError("BUNDLE", f"no such file: {bundle}") from None
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise InputError("BUNDLE", f"{bundle} is not valid JSON ({exc})") from None
    engine = make_engine(db)
    urls = fhir_urls(get_settings())
    try:
        with progress_bar(as_json) as progress, UnitOfWork(engine) as uow:
            actor = Actor.of(uow.users.get_by_username(user))
            report = fhir_import(
                uow, actor, data, urls, into=into, new=new, dry_run=dry_run, progress=progress
            )
    finally:
        engine.dispose()
    out = {"dry_run": dry_run, **dataclasses.asdict(report)}
    verb = "would import" if dry_run else "imported"
    emit(out, as_json, lambda: _import_lines(verb, report))


def _import_lines(verb: str, report: ImportReport) -> str:
    head = f"{verb} {len(report.imported)} resources for patient {report.patient}"
    head += " (new)" if report.created else " (existing)"
    lines = [head, *(_history_line(h) for h in report.history)]
    lines += [f"skipped {s['resource']}: {s['why']}" for s in report.skipped]
    return "\n".join(lines)


def _history_line(item: dict[str, str | bool]) -> str:
    where = "for the next intake" if item["for_intake"] else "kept as history, not for an intake"
    return f"{item['resource']} reads: {item['reads']} ({where})"


def register(app: typer.Typer) -> None:
    """Add the `research` and `fhir` groups (the `db` commands ride on `cli.records`' group)."""
    app.add_typer(research_app, name="research")
    app.add_typer(fhir_app, name="fhir")
