"""Rich progress bars for long jobs, on a terminal only: silent with `--json` or in a pipe."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager

from acuback.interop.progress import SILENT, Progress

__all__ = ["progress_bar"]


class _RichSink:
    def __init__(self, bar: object) -> None:
        from rich.progress import Progress as RichProgress

        assert isinstance(bar, RichProgress)
        self._bar = bar
        self._task = bar.add_task("", total=None)

    def start(self, total: int, description: str) -> None:
        self._bar.update(self._task, total=total, completed=0, description=description)

    def advance(self, description: str) -> None:
        self._bar.update(self._task, advance=1, description=description)


@contextmanager
def progress_bar(as_json: bool) -> Iterator[Progress]:
    """A progress sink: a Rich bar on stderr when it is a terminal and not `--json`."""
    if as_json or not sys.stderr.isatty():
        yield SILENT
        return
    from rich.console import Console
    from rich.progress import Progress as RichProgress

    with RichProgress(console=Console(stderr=True), transient=True) as bar:
        yield _RichSink(bar)
