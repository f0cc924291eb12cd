"""The CLI's error boundary, without Typer: each failure as one line and its exit status.

Bad input exits 2 with one line naming the problem, an internal fault exits 1, and never a
traceback. The full CLI (`app.main`) and the lean path of `plan` and `screen` (`lean`) both
answer through `report`, so an error reads the same whichever path met it.
"""

from __future__ import annotations

import sys
import warnings

from acuback.errors import AcubackError, ConfigurationError, InputError, NotFound

TYPE_CHECKING = False  # `typing` is not needed at run time; mypy reads this as True
if TYPE_CHECKING:
    from collections.abc import Callable

__all__ = ["one_line_warnings", "report"]


def _one_line_warning(
    message: Warning | str,
    category: type[Warning],
    filename: str,
    lineno: int,
    line: str | None = None,
) -> str:
    """A warning as one sentence for the user, not Python's file, line and source text."""
    return f"acuback: warning: {message}\n"


def one_line_warnings(run: Callable[[], int]) -> int:
    """`run()` with warnings printed as one line each, Python's format restored after."""
    python_format = warnings.formatwarning
    warnings.formatwarning = _one_line_warning
    try:
        return run()
    finally:
        warnings.formatwarning = python_format


def report(exc: Exception) -> int:
    """Print the one line for an acuback error or an unexpected fault; its exit status."""
    if isinstance(exc, InputError | NotFound | ConfigurationError):
        print(f"acuback: {exc}", file=sys.stderr)
        return 2
    if isinstance(exc, AcubackError):
        print(f"acuback: internal error: {exc}", file=sys.stderr)
        return 1
    print(f"acuback: internal error: {type(exc).__name__}: {exc}", file=sys.stderr)
    return 1
