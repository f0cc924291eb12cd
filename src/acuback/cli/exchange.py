"""CLI commands that move data in and out: `acuback db backup FILE`, `acuback db restore FILE`."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import typer

from acuback.cli.output import JsonOption, emit
from acuback.cli.records import DbOption, db_app, shown_url

if TYPE_CHECKING:
    from acuback.interop.manifest import Manifest

__all__ = ["backup_command", "restore_command"]


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
