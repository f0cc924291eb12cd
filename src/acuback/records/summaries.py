"""Slim read models: the few columns a clinic-wide view needs, read for many patients at once.

The dashboard judges every patient of a caseload; building whole records for that (each session
with all its needles, each plan's full payload) costs far more than the judgement. These
frozen tuples carry only what the alerts and trajectories read. `in_chunks` splits a long id
list so that no statement exceeds a database's limit on bound parameters.

Lists are paged by key, not by OFFSET (which reads and drops every row before the page): a
page ends with a `cursor`, the opaque text of the last row's sort key, and the next page
starts after it (`encode_cursor` / `decode_cursor`).
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Iterable, Iterator, Sequence
from datetime import UTC, date, datetime
from typing import Any, NamedTuple

from acuback.errors import InputError

__all__ = [
    "CHUNK",
    "AcceptedCourse",
    "OutcomeScore",
    "PlanSummary",
    "decode_cursor",
    "decode_id_cursor",
    "encode_cursor",
    "encode_id_cursor",
    "in_chunks",
]

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


class PlanSummary(NamedTuple):
    """A plan without its payload but for the number of points and the screening's verdict
    (read inside the database): what a list of plans shows; the full plan loads when opened."""

    id: int
    patient_id: int
    intake_id: int
    version: int
    created_at: datetime
    status: str
    accepted_by: int | None
    accepted_at: datetime | None
    points: int
    disposition: str | None


def encode_cursor(at: datetime, row_id: int) -> str:
    """The cursor after a row sorted by (`at`, `row_id`): opaque, URL-safe text."""
    text = f"{at.astimezone(UTC).isoformat()}|{row_id}"
    return base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")


def decode_cursor(cursor: str, field: str = "cursor") -> tuple[datetime, int]:
    """The (moment, id) a cursor of `encode_cursor` holds; `InputError` naming `field`."""
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        at_text, id_text = base64.urlsafe_b64decode(padded).decode().split("|")
        at, row_id = datetime.fromisoformat(at_text), int(id_text)
    except (ValueError, UnicodeDecodeError, binascii.Error):
        raise InputError(field, "is not a cursor this list gave", "next_cursor of a page") from None
    if at.tzinfo is None or row_id < 1:
        raise InputError(field, "is not a cursor this list gave", "next_cursor of a page")
    return at, row_id


def encode_id_cursor(row_id: int) -> str:
    """The cursor after the row `row_id` of a list whose sort key the repository looks up
    from the id (so that no name travels in a URL): opaque, URL-safe text."""
    return base64.urlsafe_b64encode(f"after|{row_id}".encode()).decode().rstrip("=")


def decode_id_cursor(cursor: str, field: str = "cursor") -> int:
    """The row id a cursor of `encode_id_cursor` holds; `InputError` naming `field`."""
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        tag, id_text = base64.urlsafe_b64decode(padded).decode().split("|")
        row_id = int(id_text)
    except (ValueError, UnicodeDecodeError, binascii.Error):
        row_id, tag = 0, ""
    if tag != "after" or row_id < 1:
        raise InputError(field, "is not a cursor this list gave", "next_cursor of a page")
    return row_id


def in_chunks(ids: Iterable[int], size: int = CHUNK) -> Iterator[Sequence[int]]:
    """The distinct `ids`, sorted, in lists of at most `size`."""
    ordered = sorted(set(ids))
    for start in range(0, len(ordered), size):
        yield ordered[start : start + size]
