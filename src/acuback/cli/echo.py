"""How the CLI prints, without Typer: the one JSON form and UTF-8 output.

The full CLI (through `output.emit`) and its quick paths (`quick`, `lean`) print through these
two functions, so a command prints the same bytes whichever path answers it.
"""

from __future__ import annotations

import sys

TYPE_CHECKING = False  # `typing` is not needed at run time; mypy reads this as True
if TYPE_CHECKING:
    from typing import Any

__all__ = ["json_text", "write_utf8"]


def json_text(data: Any) -> str:
    """The JSON every command prints for `--json`."""
    import json

    return json.dumps(data, ensure_ascii=False, indent=2, default=str)


def write_utf8(text: str) -> None:
    """Write UTF-8 whatever the stream's encoding says, as the full CLI's click.echo does."""
    stream = getattr(sys.stdout, "buffer", None)
    if stream is None:
        sys.stdout.write(text)
        return
    sys.stdout.flush()
    stream.write(text.encode())
    stream.flush()
