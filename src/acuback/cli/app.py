"""The Typer application, the error boundary and the command-group registry."""

from __future__ import annotations

import sys
import warnings

import typer

from acuback.cli import (
    analytics,
    clinical,
    documents,
    evidence,
    exchange,
    knowledge,
    outcomes,
    records,
    serve,
    users,
)
from acuback.errors import AcubackError, ConfigurationError, InputError, NotFound

__all__ = ["app", "main"]

app = typer.Typer(
    name="acuback",
    help="Acupuncture care for back pain: knowledge base, screening, planning, outcomes, evidence.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)
knowledge.register(app)
analytics.register(app)
clinical.register(app)
evidence.register(app)
outcomes.register(app)
records.register(app)
exchange.register(app)
documents.register(app)
serve.register(app)
users.register(app)


def _one_line_warning(
    message: Warning | str,
    category: type[Warning],
    filename: str,
    lineno: int,
    line: str | None = None,
) -> str:
    """A warning as one sentence for the user, not Python's file, line and source text."""
    return f"acuback: warning: {message}\n"


def main(argv: list[str] | None = None) -> int:
    """Run the CLI; map errors to exit codes (2 bad input, 1 internal fault) with one line."""
    python_format = warnings.formatwarning
    warnings.formatwarning = _one_line_warning
    try:
        return _run(argv)
    finally:
        warnings.formatwarning = python_format


def _run(argv: list[str] | None) -> int:
    try:
        app(args=argv, standalone_mode=False)
    except typer.Exit as exc:
        return exc.exit_code
    except typer.Abort:
        print("acuback: aborted", file=sys.stderr)
        return 1
    except typer.TyperException as exc:  # usage errors: unknown option, missing argument
        print(f"acuback: {exc.format_message()}", file=sys.stderr)
        return 2 if exc.exit_code == 2 else 1
    except (InputError, NotFound, ConfigurationError) as exc:
        print(f"acuback: {exc}", file=sys.stderr)
        return 2
    except AcubackError as exc:
        print(f"acuback: internal error: {exc}", file=sys.stderr)
        return 1
    except Exception as exc:  # the boundary: never a traceback for the user
        print(f"acuback: internal error: {type(exc).__name__}: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
