"""The sane ranges of stored values: dates, instants and free text.

A clinic's records start well after 1900 and its bookings before 2100, so anything outside is a
typing or client error, not data (an outcome dated 0001-01-01, an appointment at the Unix
epoch). Dates and instants are given as ISO 8601 text: a bare number is refused rather than
read as seconds since 1970. Free text has a length limit so that a chart cannot carry megabytes
(the request body limit, web/security/bodylimit.py, stops the rest before parsing).
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Annotated, Any

from pydantic import AfterValidator, AwareDatetime, BeforeValidator, Field

__all__ = [
    "EARLIEST_DATE",
    "EARLIEST_INSTANT",
    "LATEST_DATE",
    "LATEST_INSTANT",
    "LONGEST_APPOINTMENT",
    "MAX_NOTE",
    "MAX_REASON",
    "BoundedDate",
    "BoundedInstant",
    "Note",
    "Reason",
]

EARLIEST_DATE, LATEST_DATE = date(1900, 1, 1), date(2100, 12, 31)
EARLIEST_INSTANT = datetime(2000, 1, 1, tzinfo=UTC)
LATEST_INSTANT = datetime(2100, 12, 31, 23, 59, 59, tzinfo=UTC)
LONGEST_APPOINTMENT = timedelta(hours=12)
MAX_NOTE = 20_000  # characters: several pages of notes
MAX_REASON = 2_000


def _not_a_number(value: Any) -> Any:
    if isinstance(value, int | float) and not isinstance(value, bool):
        raise ValueError("give an ISO 8601 date or time as text, not a number")
    return value


def _date_in_range(value: date) -> date:
    if not EARLIEST_DATE <= value <= LATEST_DATE:
        raise ValueError(f"{value.isoformat()} is outside {EARLIEST_DATE} to {LATEST_DATE}")
    return value


def _instant_in_range(value: datetime) -> datetime:
    value = value.astimezone(UTC)
    if not EARLIEST_INSTANT <= value <= LATEST_INSTANT:
        raise ValueError(
            f"{value.isoformat()} is outside {EARLIEST_INSTANT.date()} to {LATEST_INSTANT.date()}"
        )
    return value


BoundedDate = Annotated[date, BeforeValidator(_not_a_number), AfterValidator(_date_in_range)]
"""A calendar date from 1900-01-01 to 2100-12-31, given as text."""
BoundedInstant = Annotated[
    AwareDatetime, BeforeValidator(_not_a_number), AfterValidator(_instant_in_range)
]
"""A timezone-aware instant from 2000 to 2100, normalised to UTC, given as text."""
Note = Annotated[str, Field(max_length=MAX_NOTE)]
Reason = Annotated[str, Field(min_length=1, max_length=MAX_REASON)]
