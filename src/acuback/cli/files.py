"""The CLI's one way to read an input file and to check an output path.

Every command that reads a file (`screen`, `plan`, `score`, `evidence pool`, `evidence report
--clinic`, the `ACUBACK_POLICY` file) reads it through `read_input`, and every option that names
a file or folder to write (`points map --out`, `evidence pool --forest`, `evidence report --out`)
goes through `output_path`, so a missing file, a folder, a file that is not UTF-8 text or an
empty one is refused the same way everywhere: an `InputError` naming the argument, which the
CLI prints as one line with exit status 2.
"""

from __future__ import annotations

import sys
from pathlib import Path

from acuback.errors import InputError

__all__ = ["output_path", "read_input", "write_output"]


def read_input(source: str, field: str, *, encoding: str = "utf-8") -> str:
    """The text of the file `source` (or standard input for `-`); never empty."""
    name = "standard input" if source == "-" else repr(source)
    try:
        data = _stdin_bytes() if source == "-" else Path(source).read_bytes()
    except IsADirectoryError:
        raise InputError(field, f"{name} is a folder, not a file") from None
    except FileNotFoundError:
        raise InputError(field, f"no such file: {name}") from None
    except OSError as exc:
        raise InputError(field, f"cannot read {name}: {exc.strerror or exc}") from None
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError as exc:
        raise InputError(
            field, f"{name} is not UTF-8 text (undecodable byte at position {exc.start})"
        ) from None
    if not text.strip():
        raise InputError(field, f"{name} is empty")
    return text


def _stdin_bytes() -> bytes:
    stream = getattr(sys.stdin, "buffer", None)
    return stream.read() if stream is not None else sys.stdin.read().encode()


def output_path(path: Path, field: str, *, folder: bool = False) -> Path:
    """`path` checked for writing: its parent folder must exist (nothing is created above it).

    With `folder`, `path` is a folder the command fills; it is created if missing, but only it.
    Without, `path` must not be a folder.
    """
    parent = path.expanduser().absolute().parent
    if not parent.is_dir():
        raise InputError(field, f"cannot write {str(path)!r}: no folder {str(parent)!r}")
    if folder:
        if path.exists() and not path.is_dir():
            raise InputError(field, f"cannot write into {str(path)!r}: it is a file, not a folder")
        try:
            path.mkdir(exist_ok=True)
        except OSError as exc:
            raise InputError(field, f"cannot create {str(path)!r}: {exc.strerror}") from None
    elif path.is_dir():
        raise InputError(field, f"cannot write {str(path)!r}: it is a folder")
    return path


def write_output(path: Path, data: bytes, field: str) -> None:
    """Write `data` to a checked output path; an OS refusal is one line naming `field`."""
    try:
        output_path(path, field).write_bytes(data)
    except OSError as exc:
        raise InputError(field, f"cannot write {str(path)!r}: {exc.strerror}") from None
