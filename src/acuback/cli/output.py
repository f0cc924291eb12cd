"""How commands print: JSON for machines, plain text for people."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import typer

from acuback.cli.echo import json_text

__all__ = ["JsonOption", "emit", "json_text"]

JsonOption = typer.Option(False, "--json", help="Print machine-readable JSON.")


def emit(data: Any, as_json: bool, render: Callable[[], str]) -> None:
    """Print `data` as JSON, or the text `render()` makes for a person."""
    if as_json:
        typer.echo(json_text(data))
    else:
        typer.echo(render())
