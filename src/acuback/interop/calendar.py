"""iCalendar (RFC 5545) feeds of appointments, written with the `icalendar` package.

Each visit is one VEVENT with a stable UID (the appointment id never changes), a SEQUENCE that
grows with every change of the appointment (its optimistic-lock version less one), local times
in the clinic's zone with the matching VTIMEZONE, and STATUS:CANCELLED for a cancelled visit,
so a subscribed phone updates or strikes it. Callers choose the summary: no clinical detail
goes in a feed beyond what its owner may see.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from icalendar import Calendar, Event

__all__ = ["CalendarEvent", "calendar_ics"]

PRODID = "-//acuback//clinic calendar//EN"


@dataclass(frozen=True)
class CalendarEvent:
    appointment_id: int
    starts_at: dt.datetime
    ends_at: dt.datetime
    summary: str
    cancelled: bool
    sequence: int
    location: str | None = None


def calendar_ics(name: str, zone: ZoneInfo, events: Iterable[CalendarEvent]) -> bytes:
    """The feed as the bytes of a text/calendar document."""
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", name)
    calendar.add("x-wr-timezone", str(zone))
    stamp = dt.datetime.now(dt.UTC).replace(microsecond=0)
    items = list(events)
    for item in items:
        calendar.add_component(_event(item, zone, stamp))
    if items:
        # A VTIMEZONE covering just the feed's span keeps it small.
        first = min(i.starts_at for i in items).astimezone(zone).date() - dt.timedelta(days=1)
        last = max(i.ends_at for i in items).astimezone(zone).date() + dt.timedelta(days=1)
        calendar.add_missing_timezones(first_date=first, last_date=last)
    return bytes(calendar.to_ical())


def _event(item: CalendarEvent, zone: ZoneInfo, stamp: dt.datetime) -> Event:
    event = Event()
    event.add("uid", f"appointment-{item.appointment_id}@acuback")
    event.add("dtstamp", stamp)
    event.add("dtstart", item.starts_at.astimezone(zone))
    event.add("dtend", item.ends_at.astimezone(zone))
    event.add("summary", item.summary)
    event.add("sequence", item.sequence)
    event.add("status", "CANCELLED" if item.cancelled else "CONFIRMED")
    if item.location:
        event.add("location", item.location)
    return event
