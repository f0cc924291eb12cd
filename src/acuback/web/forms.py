"""The one form mapper: HTML form fields named by their Intake v1 paths -> an intake object.

Every page that builds an intake from a form (the public self-check, the clinic intake, the
portal's follow-up questions) reads it here, so a field has one name everywhere (`pain.nrs`,
`pregnancy_weeks`: the paths the `Intake` model and its errors use), numbers are parsed once,
and an error is an `InputError` keyed by that field, naming the allowed values.

The input is a plain mapping of field name to a string or a list of strings (a posted form
turned into a dict by the view), so the mapping is testable without a request; this module
imports no web framework (an import-linter contract says so). Ranges come from the `Intake`
model's own bounds, so the form cannot drift from the contract. A blank field is left out of
the intake, so that `parse_intake` says it is required; a ticked box is yes.

STarT Back answers are `startback.1` to `startback.9`, numbered as the questionnaire prints
them (items 1-8 `yes` or `no`, item 9 one of `STARTBACK_ITEM9`), on the clinic intake and the
portal alike.
"""

from __future__ import annotations

import math
import re
from collections.abc import Collection, Iterable, Mapping, Sequence
from typing import Any, Literal

from acuback.clinical.intake import FINDINGS, STARTBACK_ITEM9, Intake, Pain
from acuback.errors import InputError

__all__ = [
    "FIELDS",
    "LEG_SIGNS",
    "NUMBERS",
    "STARTBACK_FIELDS",
    "Fields",
    "all_or_none",
    "decimal",
    "error_field",
    "findings",
    "follow_up_fields",
    "intake_fields",
    "intake_number",
    "startback",
    "text",
    "texts",
    "typed",
    "whole",
]

Fields = Mapping[str, str | Sequence[str]]
Kind = Literal["text", "list", "whole", "decimal", "tick", "lines", "yes_no"]

LEG_SIGNS = ("pain.radiates_below_knee", "pain.leg_numbness", "pain.leg_weakness")
STARTBACK_FIELDS = tuple(f"startback.{i}" for i in range(1, 10))

# Each intake form field (its intake path) and how its text is read.
FIELDS: Mapping[str, Kind] = {
    "age": "whole",
    "sex": "text",
    "pain.regions": "list",
    "pain.side": "text",
    "pain.onset_weeks": "decimal",
    "pain.nrs": "whole",
    **dict.fromkeys(LEG_SIGNS, "tick"),
    "diagnoses": "list",
    "findings": "list",
    "pregnancy_weeks": "whole",
    "medications": "lines",
    "expectation": "whole",
    "prior_acupuncture": "yes_no",
    **dict.fromkeys(STARTBACK_FIELDS, "text"),
}
NUMBERS = tuple(name for name, kind in FIELDS.items() if kind in ("whole", "decimal"))
_YES_NO = {"yes": True, "no": False, "": None}


# ----- reading one field ----------------------------------------------------------------------


def text(fields: Fields, name: str) -> str:
    """A text field, stripped; an absent field reads as '' (a repeated one as its first)."""
    value = fields.get(name, "")
    if not isinstance(value, str):
        value = value[0] if value else ""
    return value.strip()


def texts(fields: Fields, name: str) -> list[str]:
    """A repeated field (ticked boxes, a multiple select): its non-blank values, in order."""
    value = fields.get(name, ())
    values = [value] if isinstance(value, str) else list(value)
    return [v.strip() for v in values if v.strip()]


def _range(low: float | None, high: float | None) -> str:
    if high is None:
        return f"{low:g} or more"
    return f"{low:g}..{high:g}"


def whole(fields: Fields, name: str, low: int, high: int) -> int | None:
    """A whole number in [low, high], or None when blank; anything else is an `InputError`."""
    raw = text(fields, name)
    if not raw:
        return None
    if not re.fullmatch(r"[+-]?[0-9]+", raw):
        raise InputError(name, f"{raw!r} is not a whole number", _range(low, high))
    value = int(raw) if len(raw) <= 40 else None  # int() refuses thousands of digits
    if value is None or not low <= value <= high:
        raise InputError(name, f"{raw} is out of range", _range(low, high))
    return value


def decimal(fields: Fields, name: str, low: float, high: float | None = None) -> float | None:
    """A number (a decimal point or comma: `2.5`, `2,5`) in [low, high], or None when blank.

    A comma before exactly three digits (`1,000`) could be a thousands separator and is
    refused rather than guessed.
    """
    raw = text(fields, name)
    if not raw:
        return None
    number = re.fullmatch(r"[+-]?(?:[0-9]+(?:[.,][0-9]+)?|[.,][0-9]+)", raw)
    if number is None or re.search(r",[0-9]{3}$", raw):
        raise InputError(name, f"{raw!r} is not a number", _range(low, high))
    value = float(raw.replace(",", "."))
    if not math.isfinite(value) or value < low or (high is not None and value > high):
        raise InputError(name, f"{raw} is out of range", _range(low, high))
    return value


def _bounds(path: str) -> tuple[Any, Any]:
    """The (ge, le) bounds the `Intake` model gives the field at `path`."""
    model: type[Intake] | type[Pain] = Intake
    name = path
    if path.startswith("pain."):
        model, name = Pain, path.removeprefix("pain.")
    metadata = model.model_fields[name].metadata
    low = next((m.ge for m in metadata if hasattr(m, "ge")), None)
    high = next((m.le for m in metadata if hasattr(m, "le")), None)
    return low, high


def intake_number(fields: Fields, path: str) -> int | float | None:
    """The number at an intake path (`pain.nrs`), parsed and range-checked as the model says.

    A path that is not a number field of the intake is a programming error (`KeyError`).
    """
    kind = FIELDS[path] if path in NUMBERS else None
    if kind is None:
        raise KeyError(f"{path!r} is not a number field of the intake form")
    low, high = _bounds(path)
    if kind == "whole":
        return whole(fields, path, low, high)
    return decimal(fields, path, low, high)


def findings(fields: Fields) -> list[str]:
    """The ticked findings, each one of the Intake v1 finding codes."""
    ticked = texts(fields, "findings")
    for value in ticked:
        if value not in FINDINGS:
            raise InputError("findings", f"{value!r} is not a question of this form", FINDINGS)
    return ticked


def all_or_none(fields: Fields, names: Sequence[str], what: str) -> list[str] | None:
    """The answers to a questionnaire's items `names`, all given or none (then None); a
    partly answered one is an `InputError` on the first item missing, listing the others."""
    given = [text(fields, name) for name in names]
    if not any(given):
        return None
    missing = [name for name, value in zip(names, given, strict=True) if not value]
    if missing:
        problem = f"answer every {what} question, or none of them (missing {', '.join(missing)})"
        raise InputError(missing[0], problem)
    return given


def startback(fields: Fields) -> list[bool | str] | None:
    """The nine STarT Back answers (`startback.1` to `.9`), all or none; None when none."""
    given = all_or_none(fields, STARTBACK_FIELDS, "STarT Back")
    if given is None:
        return None
    for name, value in zip(STARTBACK_FIELDS[:8], given[:8], strict=True):
        if value not in ("yes", "no"):
            raise InputError(name, f"{value!r} is not an answer", ("yes", "no"))
    if given[8] not in STARTBACK_ITEM9:
        raise InputError("startback.9", f"{given[8]!r} is not an answer", STARTBACK_ITEM9)
    return [value == "yes" for value in given[:8]] + [given[8]]


def _yes_no(fields: Fields, name: str) -> bool | None:
    answer = text(fields, name)
    if answer not in _YES_NO:
        raise InputError(name, f"{answer!r} is not an answer", ("yes", "no", "(blank)"))
    return _YES_NO[answer]


# ----- the whole form -------------------------------------------------------------------------


def _unknown(fields: Fields, also: Collection[str]) -> None:
    for name in fields:
        if name not in FIELDS and name not in also:
            raise InputError(name, "is not a field of this form", tuple(FIELDS))


def intake_fields(fields: Fields, *, also: Collection[str] = ()) -> dict[str, Any]:
    """Intake v1 (a JSON-like dict for `parse_intake`) from the form's fields.

    A field named neither in `FIELDS` nor in `also` (the page's own fields, such as the CSRF
    token) is an `InputError`, so a template and this mapper cannot drift apart unseen.
    """
    _unknown(fields, also)
    pain: dict[str, Any] = {"regions": texts(fields, "pain.regions")}
    if side := text(fields, "pain.side"):
        pain["side"] = side
    for path in ("pain.onset_weeks", "pain.nrs"):
        if (value := intake_number(fields, path)) is not None:
            pain[path.removeprefix("pain.")] = value
    for path in LEG_SIGNS:
        pain[path.removeprefix("pain.")] = bool(text(fields, path))
    intake: dict[str, Any] = {"pain": pain, "findings": findings(fields)}
    if (age := intake_number(fields, "age")) is not None:
        intake["age"] = age
    if sex := text(fields, "sex"):
        intake["sex"] = sex
    intake |= {
        "diagnoses": texts(fields, "diagnoses"),
        "pregnancy_weeks": intake_number(fields, "pregnancy_weeks"),
        "medications": [line.strip() for line in text(fields, "medications").splitlines()],
        "expectation": intake_number(fields, "expectation"),
        "prior_acupuncture": _yes_no(fields, "prior_acupuncture"),
        "startback": startback(fields),
    }
    intake["medications"] = [line for line in intake["medications"] if line]
    return intake


def follow_up_fields(fields: Fields) -> tuple[list[str], int | None]:
    """The portal's follow-up: the findings ticked again and today's pain (`pain.nrs`)."""
    nrs = intake_number(fields, "pain.nrs")
    return findings(fields), None if nrs is None else int(nrs)


def typed(fields: Fields, names: Iterable[str] = ()) -> dict[str, str | list[str]]:
    """What was typed, to fill the form again: every intake field (lists for the repeated
    ones, blank when absent), every other field given, and `names` (blank when absent)."""
    out: dict[str, str | list[str]] = {}
    for name in (*FIELDS, *fields, *names):
        repeated = FIELDS.get(name) == "list"
        out[name] = texts(fields, name) if repeated else text(fields, name)
    return out


def error_field(error: InputError) -> str:
    """The form field an error points at: `findings[2]` -> `findings`, `startback[8]` ->
    `startback.9` (the form numbers the STarT Back items from 1)."""
    item = re.fullmatch(r"startback\[(\d)\]", error.field)
    if item:
        return f"startback.{int(item.group(1)) + 1}"
    return re.sub(r"\[\d+\]$", "", error.field)
