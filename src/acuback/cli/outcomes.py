"""CLI commands for outcomes: `acuback score INSTRUMENT RESPONSES.json`."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

import typer

from acuback.cli.files import read_input
from acuback.cli.output import JsonOption, emit

if TYPE_CHECKING:
    from acuback.clinical.instruments import Instrument
    from acuback.clinical.scoring import Score

__all__ = ["register"]


def _read_json(source: str) -> Any:
    """Parse JSON from a file path, or from standard input when `source` is `-`."""
    from acuback.errors import InputError

    name = "stdin" if source == "-" else source
    text = read_input(source, "RESPONSES")
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise InputError(name, f"not valid JSON ({exc.msg}, line {exc.lineno})") from None


def _number(value: float) -> str:
    return f"{value:g}"


def _render(result: Score, spec: Instrument) -> str:
    unit = "%" if result.unit == "%" else f" / {_number(result.maximum)}"
    head = f"{spec.short_name}: {_number(result.value)}{unit}"
    if result.rounded is not None and result.rounded != result.value:
        head += f" (rounded {result.rounded})"
    lines = [head]
    if result.category:
        kind = "risk group" if spec.id == "startback" else "band"
        lines.append(f"  {kind}: {result.category}")
    for key, value in result.subscores.items():
        lines.append(f"  {key.replace('_', ' ')}: {_number(value)}")
    lines.append(f"  items answered: {result.items_answered} of {spec.items}")
    lines.extend(f"  note: {note}" for note in result.notes)
    if result.loinc:
        lines.append(f"  LOINC {result.loinc}")
    if spec.copyright:
        lines.append(f"  {spec.copyright}")
    lines.append(f"  sources: {', '.join(result.sources)}")
    return "\n".join(lines)


def score_command(
    instrument: str = typer.Argument(
        ..., metavar="INSTRUMENT", help="nrs, peg, rmdq, startback or odi."
    ),
    responses: str = typer.Argument(
        ...,
        metavar="RESPONSES.json",
        help='A JSON list of answers (or {"responses": [...]}); - reads stdin.',
    ),
    as_json: bool = JsonOption,
) -> None:
    """Score a questionnaire from its answers: total, subscale, risk group or band.

    Answers: nrs one integer 0-10; peg three integers 0-10; rmdq 24 of true/false/null;
    startback 8 of true/false then not_at_all|slightly|moderately|very_much|extremely;
    odi 10 section scores 0-5 or null.
    """
    from acuback.clinical.instruments import instrument as get_instrument
    from acuback.clinical.scoring import score

    spec = get_instrument(instrument.strip().lower())
    result = score(spec.id, _read_json(responses))
    emit(result.model_dump(mode="json"), as_json, lambda: _render(result, spec))


def register(app: typer.Typer) -> None:
    """Add this module's commands to the top-level app."""
    app.command("score")(score_command)
