"""Interop (SHELL): the formats acuback exchanges with other systems (iCalendar, ...)."""
