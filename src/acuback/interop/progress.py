"""How long exports, imports and backups report progress, without knowing who shows it.

The CLI passes a Rich progress bar in a terminal and `SILENT` otherwise (`--json`, a pipe);
the interop code only calls `start` and `advance`.
"""

from __future__ import annotations

from typing import Protocol

__all__ = ["SILENT", "Progress"]


class Progress(Protocol):
    """A sink for progress: `start(total, what)`, then `advance(what)` once per step."""

    def start(self, total: int, description: str) -> None: ...

    def advance(self, description: str) -> None: ...


class _Silent:
    def start(self, total: int, description: str) -> None:
        return None

    def advance(self, description: str) -> None:
        return None


SILENT: Progress = _Silent()
