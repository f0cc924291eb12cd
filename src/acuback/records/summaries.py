"""Slim read models: the few columns a clinic-wide view needs, read for many patients at once.

The dashboard judges every patient of a caseload; building whole records for that (each session
with all its needles, each plan's full payload) costs far more than the judgement. These
frozen tuples carry only what the alerts and trajectories read. `in_chunks` splits a long id
list so that no statement exceeds a database's limit on bound parameters.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from datetime import date, datetime
from typing import Any, NamedTuple

__all__ = ["CHUNK", "AcceptedCourse", "OutcomeScore", "in_chunks"]

# Below SQLite's oldest limit of 999 bound parameters, leaving room for the other ones.
CHUNK = 900


class AcceptedCourse(NamedTuple):
    """A patient's accepted plan, reduced to what sets the reassessment point."""

    patient_id: int
    plan_id: int
    accepted_at: datetime | None
    reassess_after_sessions: Any  # the payload's course.reassess_after_sessions, as stored


class OutcomeScore(NamedTuple):
    """One outcome measurement without its answers (`score` may be None)."""

    patient_id: int
    instrument: str
    measured_on: date
    score: float | None


def in_chunks(ids: Iterable[int], size: int = CHUNK) -> Iterator[Sequence[int]]:
    """The distinct `ids`, sorted, in lists of at most `size`."""
    ordered = sorted(set(ids))
    for start in range(0, len(ordered), size):
        yield ordered[start : start + size]
