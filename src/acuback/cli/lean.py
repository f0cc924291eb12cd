"""The lean path of `acuback plan` and `acuback screen`: the engine without the CLI framework.

Typer, click and rich, the settings (pydantic-settings) and the services layer (SQLAlchemy,
Alembic) cost many times a bare interpreter's start, and `plan INTAKE.json` needs none of
them. `quick.main` hands `plan|screen [--json] INTAKE` here; this module reads the intake,
calls the same engine functions (`acuback.clinical.planning.plan`, `...screening.screen`), and
prints through the same renderers (`clinical_text`, `echo`) and the same error boundary
(`boundary.report`) as the full commands, so the output, the error lines and the exit status
are the full command's, byte for byte (tests/cli/test_lean.py compares them).

It declines (returns None, and the full CLI answers) for any other spelling: another option,
`--help`, two files, and whenever an `ACUBACK_*` variable is set, since the full command then
reads the settings (the clinic's `ACUBACK_POLICY`, and refuses a bad value of any variable).
"""

from __future__ import annotations

import os
import sys

__all__ = ["COMMANDS", "lean_request", "run"]

COMMANDS = ("plan", "screen")
_SETTINGS_PREFIX = "ACUBACK_"  # pydantic-settings matches it in any case


def _settings_in_environment() -> bool:
    return any(name.upper().startswith(_SETTINGS_PREFIX) for name in os.environ)


def lean_request(args: list[str]) -> tuple[str, str, bool] | None:
    """(command, INTAKE, as_json) when `args` is `plan|screen [--json] INTAKE`, else None."""
    if not args or args[0] not in COMMANDS or _settings_in_environment():
        return None
    rest = args[1:]
    as_json = "--json" in rest
    paths = [arg for arg in rest if arg != "--json"]
    if len(paths) != 1 or len(rest) != 1 + as_json:
        return None
    path = paths[0]
    if path.startswith("-") and path != "-":  # an option: click's parsing and messages
        return None
    return args[0], path, as_json


def _answer(command: str, path: str, as_json: bool) -> int:
    from acuback.cli.clinical_text import dump, plan_lines, read_intake, screening_lines
    from acuback.cli.echo import json_text, write_utf8

    if command == "plan":
        from acuback.clinical.planning import plan

        planned = plan(read_intake(path), policy=None)
        text = json_text(dump(planned)) if as_json else "\n".join(plan_lines(planned))
    else:
        from acuback.clinical.screening import screen

        screened = screen(read_intake(path), policy=None)
        text = json_text(dump(screened)) if as_json else "\n".join(screening_lines(screened))
    write_utf8(text + "\n")
    return 0


def run(args: list[str]) -> int | None:
    """Answer `args` on the lean path and return the exit status, or None to decline."""
    request = lean_request(args)
    if request is None:
        return None
    from acuback.cli.boundary import one_line_warnings, report

    def answer() -> int:
        try:
            return _answer(*request)
        except KeyboardInterrupt:  # as Typer ends the full command: status 130, no traceback
            return 130
        except EOFError:  # as Typer and `app.main` end the full command
            print("\nacuback: aborted", file=sys.stderr)
            return 1
        except Exception as exc:  # the boundary: never a traceback for the user
            return report(exc)

    return one_line_warnings(answer)
