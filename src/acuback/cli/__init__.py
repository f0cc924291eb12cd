"""The `acuback` command line: a thin shell over the core.

Each command group lives in its own module and is registered in `app`. Every command takes
`--json`; bad input exits 2 with one line naming the problem, an internal fault exits 1.
The console script enters through `quick.main`, which answers `points show` without importing
Typer when it can and otherwise hands over to `app.main`.
"""

from __future__ import annotations

from acuback.cli.quick import main

__all__ = ["main"]
