"""The sane ranges of stored values: dates, instants and free text.

A clinic's records start well after 1900 and its bookings before 2100, so anything outside is a
typing or client error, not data (an outcome dated 0001-01-01, an appointment at the Unix
epoch). Dates and instants are given as ISO 8601 text: a bare number is refused rather than
read as seconds since 1970. Free text has a length limit so that a chart cannot carry megabytes
(the request body limit, web/security/bodylimit.py, stops the rest before parsing).
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta
from typing import Annotated, Any

from pydantic import AfterValidator, AwareDatetime, BeforeValidator, Field

__all__ = [
    "DATE_PATTERN",
    "EARLIEST_DATE",
    "EARLIEST_INSTANT",
    "INSTANT_PATTERN",
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


# The years as written, declared in the API's schema (a JSON Schema `pattern`) and checked here
# before parsing, so that "0" in a query string is not read as 1970-01-01. An instant's range is
# checked again in UTC after parsing (an offset can move it across a year's edge).
DATE_PATTERN = r"^(19[0-9]{2}|20[0-9]{2}|2100)-[0-9]{2}-[0-9]{2}$"
INSTANT_PATTERN = r"^(20[0-9]{2}|2100)-[0-9]{2}-[0-9]{2}[Tt ]"


def _as_text(pattern: str, what: str, first: int) -> Any:
    compiled = re.compile(pattern)

    def check(value: Any) -> Any:
        if isinstance(value, date):  # already parsed (a record built in code)
            return value
        if not isinstance(value, str):
            raise ValueError(f"give an ISO 8601 {what} as text, not a number")
        if not compiled.match(value):
            raise ValueError(f"give an ISO 8601 {what} from {first} to 2100")
        return value

    return check


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


BoundedDate = Annotated[
    date,
    BeforeValidator(_as_text(DATE_PATTERN, "date", EARLIEST_DATE.year)),
    AfterValidator(_date_in_range),
    Field(json_schema_extra={"pattern": DATE_PATTERN}),
]
"""A calendar date from 1900-01-01 to 2100-12-31, given as text."""
BoundedInstant = Annotated[
    AwareDatetime,
    BeforeValidator(_as_text(INSTANT_PATTERN, "date and time", EARLIEST_INSTANT.year)),
    AfterValidator(_instant_in_range),
    Field(json_schema_extra={"pattern": INSTANT_PATTERN}),
]
"""A timezone-aware instant from 2000 to 2100, normalised to UTC, given as text."""
Note = Annotated[str, Field(max_length=MAX_NOTE)]
Reason = Annotated[str, Field(min_length=1, max_length=MAX_REASON)]
