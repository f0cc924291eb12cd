"""The Typer application and the command-group registry; errors end at `boundary.report`."""

from __future__ import annotations

import sys

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
from acuback.cli.boundary import one_line_warnings, report

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


def main(argv: list[str] | None = None) -> int:
    """Run the CLI; map errors to exit codes (2 bad input, 1 internal fault) with one line."""
    return one_line_warnings(lambda: _run(argv))


def _run(argv: list[str] | None) -> int:
    try:
        # Outside standalone mode Typer returns, not raises, the status of a command's
        # `typer.Exit` (`audit verify` on a broken chain) and of Ctrl-C (130).
        status = app(args=argv, standalone_mode=False)
    except typer.Exit as exc:
        return exc.exit_code
    except typer.Abort:
        print("acuback: aborted", file=sys.stderr)
        return 1
    except typer.TyperException as exc:  # usage errors: unknown option, missing argument
        print(f"acuback: {exc.format_message()}", file=sys.stderr)
        return 2 if exc.exit_code == 2 else 1
    except Exception as exc:  # the boundary: never a traceback for the user
        return report(exc)
    return status if isinstance(status, int) else 0


if __name__ == "__main__":
    sys.exit(main())
