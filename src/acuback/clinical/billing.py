"""CPT acupuncture lines (97810-97814) from a signed chart's face-to-face time.

The rules are data (`data/billing_rules.yaml`, clinical-standards 2.5, with their source):
face-to-face minutes in 15-minute increments (retention time does not count), one initial
code per patient per day, add-on codes only for increments with needles re-inserted, and an
increment with electrical stimulation billed with the e-stim code. What the rules do not
settle is never guessed: it becomes a `to_confirm` sentence and no line is made for it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import Decimal
from functools import lru_cache
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from acuback.clinical.data_files import load_data_file

__all__ = [
    "BillingLine",
    "BillingResult",
    "BillingRules",
    "CptCode",
    "VisitContact",
    "bill_day",
    "bill_visit",
    "load_billing_rules",
    "priced",
]


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class CptCode(_Frozen):
    code: str = Field(pattern=r"^\d{5}$")
    kind: Literal["initial", "add_on"]
    electro: bool
    paraphrase: str = Field(min_length=10, max_length=120)


class BillingRules(_Frozen):
    increment_minutes: int = Field(gt=0)
    sources: tuple[str, ...] = Field(min_length=1)
    verified: bool
    codes: tuple[CptCode, ...] = Field(min_length=4)
    rules: tuple[str, ...] = Field(min_length=1)

    def code(self, kind: str, electro: bool) -> CptCode:
        return next(c for c in self.codes if c.kind == kind and c.electro == electro)


class VisitContact(_Frozen):
    """What billing reads from one signed chart. Increments are numbered from 1."""

    session_id: int
    face_to_face_minutes: int | None = Field(default=None, ge=0)
    electro_increments: tuple[int, ...] = ()
    reinsertion_increments: tuple[int, ...] = ()
    electro_needles: bool = False  # any charted needle had electrical stimulation


class BillingLine(_Frozen):
    code: str
    paraphrase: str
    units: int
    increments: tuple[int, ...]
    fee: Decimal | None = None  # per unit, from the clinic fee schedule
    amount: Decimal | None = None


class BillingResult(_Frozen):
    session_id: int
    face_to_face_minutes: int | None
    lines: tuple[BillingLine, ...]
    to_confirm: tuple[str, ...]
    rules: tuple[str, ...]
    sources: tuple[str, ...]
    verified: bool

    @property
    def total(self) -> Decimal | None:
        amounts = [line.amount for line in self.lines]
        if not amounts or any(a is None for a in amounts):
            return None
        return sum((a for a in amounts if a is not None), Decimal(0))


@lru_cache(maxsize=1)
def load_billing_rules() -> BillingRules:
    return load_data_file("billing_rules.yaml", BillingRules, "codes", "code")


def _electro_in(visit: VisitContact, full: int, notes: list[str]) -> set[int] | None:
    """The increments with e-stim; None when the chart does not say (never guessed)."""
    charted = set(visit.electro_increments)
    if visit.electro_needles and not charted:
        if (
            full == 1
            and visit.face_to_face_minutes == full * load_billing_rules().increment_minutes
        ):
            return {1}  # one increment and no other minutes: the e-stim was in it
        notes.append(
            "Electrical stimulation is charted on the needles but not by increment: "
            "chart which 15-minute increments had it; no line is computed until then."
        )
        return None
    if charted and not visit.electro_needles:
        notes.append(
            "Increments are charted with electrical stimulation but no needle is charted as "
            "electro: check the chart; the increments are billed as charted."
        )
    return charted


def _time_notes(minutes: int, step: int) -> list[str]:
    full, rest = divmod(minutes, step)
    if full == 0:
        return [
            f"{minutes} face-to-face minutes do not fill the first {step}-minute increment; "
            "the rules do not say whether an initial code may be reported: confirm with the "
            "payer. No line is computed."
        ]
    if rest:
        return [
            f"The last {rest} of {minutes} face-to-face minutes do not fill a {step}-minute "
            "increment and are not billed; confirm with the payer's time rule."
        ]
    return []


def _lines(
    visit: VisitContact, full: int, electro: set[int], initial_taken: bool, notes: list[str]
) -> tuple[BillingLine, ...]:
    rules = load_billing_rules()
    picked: dict[str, list[int]] = {}
    for index in range(1, full + 1):
        kind = "initial" if index == 1 and not initial_taken else "add_on"
        if kind == "add_on" and index not in visit.reinsertion_increments:
            notes.append(
                f"Increment {index}: no re-insertion is charted, and an add-on code needs "
                "needles re-inserted; it is not billed."
            )
            continue
        picked.setdefault(rules.code(kind, index in electro).code, []).append(index)
    by_code = {c.code: c for c in rules.codes}
    return tuple(
        BillingLine(
            code=code, paraphrase=by_code[code].paraphrase, units=len(inc), increments=tuple(inc)
        )
        for code, inc in sorted(picked.items())
    )


def bill_visit(visit: VisitContact, initial_taken_by: int | None = None) -> BillingResult:
    """The CPT lines of one signed visit. `initial_taken_by` is the session that already
    reported the day's initial code for this patient (so this one reports add-ons only)."""
    rules = load_billing_rules()
    notes: list[str] = []
    lines: tuple[BillingLine, ...] = ()
    minutes = visit.face_to_face_minutes
    if minutes is None:
        notes.append("Face-to-face minutes are not charted: no CPT line is computed.")
    else:
        full = minutes // rules.increment_minutes
        notes += _time_notes(minutes, rules.increment_minutes)
        if initial_taken_by is not None and full:
            notes.append(
                f"Session {initial_taken_by} already reported the initial code for this "
                "patient today (one per day): this session's increments are add-ons and need "
                "re-insertion charted; confirm that the payer accepts a second visit."
            )
        electro = _electro_in(visit, full, notes) if full else set()
        if full and electro is not None:
            lines = _lines(visit, full, electro, initial_taken_by is not None, notes)
    return BillingResult(
        session_id=visit.session_id,
        face_to_face_minutes=minutes,
        lines=lines,
        to_confirm=tuple(notes),
        rules=rules.rules,
        sources=rules.sources,
        verified=rules.verified,
    )


def bill_day(visits: Sequence[VisitContact]) -> tuple[BillingResult, ...]:
    """Bill one patient's signed visits of one day in signing order: the first visit holds
    the day's one initial code (even when its own lines await confirmation, so that a later
    visit never takes an initial code the first may still report)."""
    if not visits:
        return ()
    first = visits[0]
    return (bill_visit(first), *(bill_visit(v, first.session_id) for v in visits[1:]))


def priced(result: BillingResult, fees: Mapping[str, Decimal]) -> BillingResult:
    """The result with each line priced from the fee schedule; a missing fee is stated."""
    lines = []
    notes = list(result.to_confirm)
    for line in result.lines:
        fee = fees.get(line.code)
        if fee is None:
            notes.append(f"The clinic fee schedule has no fee for {line.code}.")
        amount = None if fee is None else fee * line.units
        lines.append(line.model_copy(update={"fee": fee, "amount": amount}))
    return result.model_copy(update={"lines": tuple(lines), "to_confirm": tuple(notes)})
