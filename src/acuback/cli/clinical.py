"""CLI commands over acuback.clinical: `screen` and `plan` an intake (SPEC section 3).

Both read an Intake v1 JSON file (or `-` for standard input), apply the clinic policy named
by `ACUBACK_POLICY` when set, and print readable text, or the contract's JSON with `--json`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import typer

from acuback.cli.clinical_text import dump, plan_lines, read_intake, screening_lines
from acuback.cli.output import JsonOption, emit

if TYPE_CHECKING:
    from acuback.clinical.screening_rules import Policy

__all__ = ["register"]

IntakeArgument = typer.Argument(
    ..., metavar="INTAKE.json", help="Intake v1 JSON file, or - for standard input."
)


def _policy() -> Policy | None:
    from acuback.services.policy import clinic_policy
    from acuback.settings import get_settings

    return clinic_policy(get_settings())


def screen_command(intake: str = IntakeArgument, as_json: bool = JsonOption) -> None:
    """Screen an intake for red flags and contraindications."""
    from acuback.clinical.screening import screen

    result = screen(read_intake(intake), policy=_policy())
    emit(dump(result), as_json, lambda: "\n".join(screening_lines(result)))


def plan_command(intake: str = IntakeArgument, as_json: bool = JsonOption) -> None:
    """Screen an intake and propose a sourced treatment plan."""
    from acuback.clinical.planning import plan

    result = plan(read_intake(intake), policy=_policy())
    emit(dump(result), as_json, lambda: "\n".join(plan_lines(result)))


def register(app: typer.Typer) -> None:
    """Add this module's commands to the top-level app."""
    app.command("screen")(screen_command)
    app.command("plan")(plan_command)
