"""Backups that restore exactly: `backup(url, file)` and `restore(file, url)`.

The archive format and the manifest are in `acuback.interop.manifest`; how each database is
copied consistently is in `acuback.interop.dumps`. `restore` only writes into an EMPTY
database (no tables), and refuses, changing nothing, a file that is not an acuback backup or
is truncated or damaged (the SHA-256 differs), a backup of the other database kind, and one
from a schema revision this acuback does not know (a newer one). After restoring it compares
the restored database with the manifest (every table's row count, the audit head) and undoes
the restore on any difference.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import tarfile
import tempfile
from datetime import UTC, datetime
from importlib.metadata import version
from pathlib import Path

from pydantic import ValidationError
from sqlalchemy import inspect
from sqlalchemy.engine import URL

from acuback.errors import InputError
from acuback.interop import dumps
from acuback.interop.manifest import FORMAT, DatabaseFacts, Manifest
from acuback.interop.progress import SILENT, Progress
from acuback.records.db import make_engine, resolve_url
from acuback.records.migrate import head_revision, revisions

__all__ = ["backup", "read_manifest", "restore"]

_CHUNK = 1 << 20


def backup(url: str | URL | None, file: Path, progress: Progress = SILENT) -> Manifest:
    """Write a consistent backup of the database at `url` to `file` (see module docstring)."""
    parsed = resolve_url(url)
    dialect = parsed.get_backend_name()
    if dialect not in {"sqlite", "postgresql"}:
        raise InputError("--db", f"cannot back up a {dialect} database", ("sqlite", "postgresql"))
    progress.start(3, "copying the database")
    with tempfile.TemporaryDirectory(dir=file.parent.resolve()) as scratch:
        name = "database.sqlite3" if dialect == "sqlite" else "database.pgdump"
        copy = Path(scratch) / name
        server = None
        if dialect == "sqlite":
            facts = dumps.dump_sqlite(parsed, copy)
        else:
            facts, server = dumps.dump_postgres(parsed, copy)
        if facts.schema_revision is None:
            raise InputError("--db", "no acuback database there: run `acuback db upgrade`")
        progress.advance("hashing the copy")
        digest = _sha256(copy)
        manifest = Manifest(
            format=FORMAT,
            created_at=datetime.now(UTC),
            dialect=dialect,
            server_version=server,
            acuback_version=version("acuback"),
            facts=facts,
            database_file=name,
            database_sha256=digest,
            database_bytes=copy.stat().st_size,
        )
        progress.advance("writing the archive")
        partial = Path(scratch) / "backup.partial"
        with tarfile.open(partial, "w:gz") as archive:
            data = manifest.model_dump_json(indent=2).encode()
            info = tarfile.TarInfo("manifest.json")
            info.size = len(data)
            archive.addfile(info, io.BytesIO(data))
            archive.add(copy, arcname=name)
        os.replace(partial, file)  # the file appears whole or not at all
        progress.advance("done")
    return manifest


def read_manifest(file: Path) -> Manifest:
    """The manifest of the backup at `file`; InputError if it is not one."""
    try:
        with tarfile.open(file, "r:gz") as archive:
            member = archive.extractfile("manifest.json")
            if member is None:
                raise KeyError("manifest.json")
            return Manifest.model_validate_json(member.read())
    except FileNotFoundError:
        raise InputError("FILE", f"no such file: {file}") from None
    except EOFError as exc:
        raise InputError("FILE", f"{file} is truncated or damaged ({_why(exc)})") from None
    except (tarfile.TarError, OSError, KeyError) as exc:
        raise InputError("FILE", f"{file} is not an acuback backup ({_why(exc)})") from None
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(part) for part in first["loc"])
        raise InputError("FILE", f"{file}: manifest field {where}: {first['msg']}") from None


def restore(file: Path, url: str | URL | None, progress: Progress = SILENT) -> Manifest:
    """Restore the backup `file` into the empty database at `url` (see module docstring)."""
    manifest = read_manifest(file)
    parsed = resolve_url(url)
    _check_compatible(manifest, parsed)
    _check_empty(parsed)
    progress.start(4, "checking the backup")
    with tempfile.TemporaryDirectory(dir=_scratch_dir(parsed, file)) as scratch:
        copy = Path(scratch) / manifest.database_file
        _extract(file, manifest, copy)
        if _sha256(copy) != manifest.database_sha256:
            raise InputError("FILE", f"{file} is damaged: its database does not match its SHA-256")
        progress.advance("restoring")
        if manifest.dialect == "sqlite":
            _restore_sqlite(copy, parsed, manifest.facts)
        else:
            _restore_postgres(copy, parsed, manifest.facts)
        progress.advance("verified")
    progress.advance("done")
    return manifest


def _check_compatible(manifest: Manifest, url: URL) -> None:
    dialect = url.get_backend_name()
    if manifest.dialect != dialect:
        raise InputError(
            "--db", f"this is a {manifest.dialect} backup; it cannot restore into {dialect}"
        )
    known = revisions()
    revision = manifest.facts.schema_revision
    if revision not in known:
        raise InputError(
            "FILE",
            f"the backup is at schema revision {revision}, newer than this acuback knows "
            f"(newest {head_revision()}): restore it with a newer acuback",
        )


def _check_empty(url: URL) -> None:
    if url.get_backend_name() == "sqlite":
        path = Path(str(url.database)).expanduser()
        if not path.exists() or path.stat().st_size == 0:
            return
    engine = make_engine(url)
    try:
        with engine.connect() as connection:
            tables = inspect(connection).get_table_names()
    finally:
        engine.dispose()
    if tables:
        shown = url.render_as_string(hide_password=True)
        raise InputError(
            "--db", f"{shown} is not empty ({len(tables)} tables): restore only into an empty one"
        )


def _scratch_dir(url: URL, file: Path) -> Path:
    """Where to unpack: beside a SQLite target (so the final rename is atomic), else the file."""
    if url.get_backend_name() == "sqlite":
        target = Path(str(url.database)).expanduser().resolve()
        target.parent.mkdir(parents=True, exist_ok=True)
        return target.parent
    return file.resolve().parent


def _extract(file: Path, manifest: Manifest, target: Path) -> None:
    try:
        with tarfile.open(file, "r:gz") as archive:
            source = archive.extractfile(manifest.database_file)
            if source is None:
                raise KeyError(manifest.database_file)
            with target.open("wb") as out:
                while chunk := source.read(_CHUNK):
                    out.write(chunk)
    except (tarfile.TarError, EOFError, OSError, KeyError) as exc:
        raise InputError("FILE", f"{file} is truncated or damaged ({_why(exc)})") from None


def _restore_sqlite(copy: Path, url: URL, expected: DatabaseFacts) -> None:
    _compare(dumps.sqlite_facts(copy), expected)
    target = Path(str(url.database)).expanduser().resolve()
    for suffix in ("-wal", "-shm"):  # an empty database's leftovers must not meet the copy
        Path(f"{target}{suffix}").unlink(missing_ok=True)
    os.replace(copy, target)


def _restore_postgres(dump: Path, url: URL, expected: DatabaseFacts) -> None:
    dumps.restore_postgres(url, dump)
    try:
        _compare(dumps.postgres_facts(url), expected)
    except InputError:
        dumps.drop_restored_postgres(url, sorted(expected.tables))
        raise


def _compare(found: DatabaseFacts, expected: DatabaseFacts) -> None:
    if found != expected:
        wrong = [
            name
            for name in sorted(set(found.tables) | set(expected.tables))
            if found.tables.get(name) != expected.tables.get(name)
        ]
        if found.audit_head_hash != expected.audit_head_hash:
            wrong.append("audit head hash")
        detail = ", ".join(wrong) or "schema revision"
        raise InputError("FILE", f"the restored data does not match the manifest ({detail})")


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as source:
        while chunk := source.read(_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def _why(exc: BaseException) -> str:
    text = str(exc) or type(exc).__name__
    return json.dumps(text)[1:-1][:120]
