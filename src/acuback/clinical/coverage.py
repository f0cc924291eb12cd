"""Payer visit limits: would the payer cover one more visit, and why (Medicare NCD 30.3.3;
the numbers live in `data/instruments.yaml` as a `VisitRule`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from pydantic import BaseModel, ConfigDict

from acuback.clinical.instruments import VisitRule, load_instruments
from acuback.errors import InputError

__all__ = ["CoverageDecision", "CoveragePhase", "check_visit_coverage"]


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


CoveragePhase = Literal["initial", "additional", "none"]


class CoverageDecision(_Frozen):
    """Whether a payer covers one more visit on `visit_date`, and why."""

    covered: bool
    visit_date: dt.date
    phase: CoveragePhase
    visits_in_year: int
    initial_visits_used: int
    additional_visits_used: int
    course_start: dt.date
    initial_window_end: dt.date
    reason: str
    rule: str
    applies_to: str
    sources: tuple[str, ...]


@dataclass(frozen=True)
class _VisitCount:
    """The visits of the 365 days ending on the visit, read against the rule's windows."""

    in_year: int
    course_start: dt.date
    window_end: dt.date
    initial_used: int
    additional_used: int


def _count_visits(
    rule: VisitRule, prior_visits: Sequence[dt.date], visit_date: dt.date
) -> _VisitCount:
    for i, day in enumerate(prior_visits):
        if not isinstance(day, dt.date) or day > visit_date:
            raise InputError(f"visits[{i}]", f"{day!r}", f"a date on or before {visit_date}")
    year_start = visit_date - dt.timedelta(days=rule.year_window_days - 1)
    in_year = sorted(d for d in prior_visits if d >= year_start)
    start = in_year[0] if in_year else visit_date
    window_end = start + dt.timedelta(days=rule.initial_window_days - 1)
    initial_used = min(rule.initial_visits, sum(d <= window_end for d in in_year))
    return _VisitCount(len(in_year), start, window_end, initial_used, len(in_year) - initial_used)


def _coverage(
    rule: VisitRule, count: _VisitCount, visit_date: dt.date, improving: bool | None
) -> tuple[bool, CoveragePhase, str]:
    """(covered, phase, why) for the next visit under the rule."""
    if count.in_year >= rule.max_visits_per_year:
        return (
            False,
            "none",
            f"{count.in_year} visits in the last year already; "
            f"the limit is {rule.max_visits_per_year} a year",
        )
    if count.initial_used < rule.initial_visits and visit_date <= count.window_end:
        return (
            True,
            "initial",
            f"visit {count.initial_used + 1} of the first "
            f"{rule.initial_visits}, within the {rule.initial_window_days} days from "
            f"{count.course_start.isoformat()} to {count.window_end.isoformat()}",
        )
    if count.additional_used >= rule.additional_visits_if_improving:
        return (
            False,
            "none",
            f"all {rule.additional_visits_if_improving} additional visits have been used",
        )
    past = (
        f"the first {rule.initial_visits} visits are used"
        if count.initial_used >= rule.initial_visits
        else f"the {rule.initial_window_days} days ended on {count.window_end.isoformat()}"
    )
    if improving is None:
        return (
            False,
            "none",
            f"{past}; a further visit needs documented improvement: reassess first",
        )
    if not improving:
        return (
            False,
            "none",
            f"{past}; the patient is not improving, and the rule says treatment stops",
        )
    return (
        True,
        "additional",
        f"{past}; additional visit {count.additional_used + 1} of "
        f"{rule.additional_visits_if_improving}, allowed because the patient is "
        "improving",
    )


def check_visit_coverage(
    prior_visits: Sequence[dt.date],
    visit_date: dt.date,
    *,
    improving: bool | None,
    rule_id: str = "medicare",
) -> CoverageDecision:
    """Would the payer cover a visit on `visit_date`, given the visits already made?

    Medicare NCD 30.3.3 (numbers in `data/instruments.yaml`): up to 12 visits in 90 days, 8
    more only if the patient is improving, at most 20 a year. acuback's reading: the year is
    the 365 days ending on `visit_date`; the 90 days run from the first visit in that year
    (day 1) and take its first 12 visits; any later visit is one of the 8 "additional" visits
    and needs `improving=True` (pass `assess_trajectory(...).verdict == "improving"`;
    None means not yet assessed). Only visits for chronic low back pain count.
    """
    rule = load_instruments().visit_rule(rule_id)
    count = _count_visits(rule, prior_visits, visit_date)
    covered, phase, why = _coverage(rule, count, visit_date, improving)
    return CoverageDecision(
        covered=covered,
        visit_date=visit_date,
        phase=phase,
        visits_in_year=count.in_year,
        initial_visits_used=count.initial_used,
        additional_visits_used=count.additional_used,
        course_start=count.course_start,
        initial_window_end=count.window_end,
        reason=why,
        rule=rule.id,
        applies_to=rule.applies_to,
        sources=rule.sources,
    )
