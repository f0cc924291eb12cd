"""The `acuback` command line: a thin shell over the core.

Each command group lives in its own module and is registered here. Every command takes
`--json`; bad input exits 2 with one line naming the problem, an internal fault exits 1.
"""

from __future__ import annotations

from acuback.cli.app import app, main

__all__ = ["app", "main"]
