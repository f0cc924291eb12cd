"""The quick path for `acuback points show CODE [--json]`, the CLI's most frequent look-up.

Importing Typer and pydantic costs more than ten times a bare interpreter's start, so this
module imports neither. It answers that one command from `point_pages.dat`: what the full
command prints for every point, in both forms, written by `scripts/snapshot_knowledge.py` with
the full command's own `point_page`. The file is trusted only while the fingerprint of what it
was made from (the knowledge package's code and data, and the CLI modules that render a point)
still matches. Anything else (another command, a spelling other than the plain code, an unknown
code, a stale file) runs the full CLI, so every error message and suggestion has one source.

`plan` and `screen` are handed to `acuback.cli.lean`, which runs the engine without Typer.
"""

from __future__ import annotations

import os
import sys

from acuback.cli.echo import write_utf8
from acuback.fingerprint import fingerprint

__all__ = ["PAGES", "main", "page_sources", "quick_page", "write_pages"]

# os.path, not pathlib: importing pathlib alone would cost a third of the start-up budget.
_CLI = os.path.dirname(os.path.abspath(__file__))
_PACKAGE = os.path.dirname(_CLI)
PAGES = os.path.join(_CLI, "point_pages.dat")
# The pages file: a header line, then per point RS CODE US json-page US text-page (ASCII record
# and unit separators, which no page contains), so a look-up needs neither json nor a full decode.
_HEADER = b"acuback point pages "
_RS, _US = b"\x1e", b"\x1f"
_SOURCE_SUFFIXES = (".py", ".yaml", ".csv")
_RENDERERS = ("cli/echo.py", "cli/knowledge.py", "cli/output.py")


def _read(path: str) -> bytes:
    with open(path, "rb") as file:
        return file.read()


def page_sources(package: str = _PACKAGE) -> list[tuple[str, bytes]]:
    """Name and bytes of every file a point page depends on, in a fixed order."""
    names = list(_RENDERERS)
    for folder, dirs, files in os.walk(os.path.join(package, "knowledge")):
        dirs.sort()
        relative = os.path.relpath(folder, package).replace(os.sep, "/")
        names += [f"{relative}/{name}" for name in files if name.endswith(_SOURCE_SUFFIXES)]
    return [(name, _read(os.path.join(package, *name.split("/")))) for name in sorted(names)]


def _show_request(args: list[str]) -> tuple[str, bool] | None:
    """(CODE, as_json) when `args` is exactly `points show CODE [--json]`, else None."""
    if args[:2] != ["points", "show"]:
        return None
    rest = args[2:]
    as_json = "--json" in rest
    codes = [arg for arg in rest if arg != "--json"]
    if len(codes) != 1 or len(rest) != 1 + as_json or codes[0].startswith("-"):
        return None
    return codes[0].strip().upper(), as_json


def quick_page(args: list[str], pages: str | None = None) -> str | None:
    """The prepared page for `points show CODE [--json]`, or None when the full CLI must answer."""
    request = _show_request(args)
    if request is None or not request[0].replace("-", "").isalnum():
        return None
    code, as_json = request
    try:
        data = _read(pages or PAGES)
        current = _HEADER + fingerprint(page_sources()).encode()
    except OSError:
        return None
    header, _, body = data.partition(b"\n")
    if header != current:
        return None
    start = body.find(_RS + code.encode() + _US)
    if start < 0:
        return None
    end = body.find(_RS, start + 1)
    fields = body[start + 1 : end if end >= 0 else None].split(_US)
    try:
        return fields[1 if as_json else 2].decode() if len(fields) == 3 else None
    except UnicodeDecodeError:
        return None


def main(argv: list[str] | None = None) -> int:
    """The `acuback` console script: a quick or lean path when one applies, else the full CLI."""
    args = sys.argv[1:] if argv is None else argv
    page = quick_page(args)
    if page is not None:
        write_utf8(page + "\n")
        return 0
    if args[:1] in (["plan"], ["screen"]):
        from acuback.cli.lean import run

        status = run(args)
        if status is not None:
            return status
    from acuback.cli.app import main as full_main

    return full_main(argv)


def write_pages(path: str = PAGES) -> int:
    """Rewrite the pages file with the full command's own renderer; returns the point count."""
    from acuback.cli.knowledge import point_page
    from acuback.knowledge import load_knowledge

    kb = load_knowledge()
    package = os.path.dirname(os.path.dirname(os.path.abspath(path)))
    records = []
    for point in kb.points.values():
        fields = [point.code, point_page(kb, point, True), point_page(kb, point, False)]
        if any(mark in field.encode() for field in fields for mark in (_RS, _US)):
            raise ValueError(f"{point.code}: a page contains an ASCII separator character")
        records.append(_RS + _US.join(field.encode() for field in fields))
    with open(path, "wb") as file:
        file.write(_HEADER + fingerprint(page_sources(package)).encode() + b"\n")
        file.write(b"".join(records))
    return len(records)
