"""Interop (SHELL): the formats acuback exchanges with other systems (iCalendar, ...)."""

from acuback.interop.calendar import CalendarEvent, calendar_ics

__all__ = ["CalendarEvent", "calendar_ics"]
