"""Response bodies for the dashboard and the research aggregates."""

from __future__ import annotations

import datetime as dt

from pydantic import Field

from acuback.web.api.schemas.care import AppointmentOut
from acuback.web.api.schemas.common import Out

__all__ = ["AlertOut", "DashboardOut", "GroupFiguresOut", "ResearchOut"]


class AlertOut(Out):
    kind: str
    severity: str
    message: str
    patient_id: int | None
    practitioner_id: int | None


class DashboardOut(Out):
    day: dt.date
    appointments: list[AppointmentOut]
    alerts: list[AlertOut]


class GroupFiguresOut(Out):
    instrument: str
    condition: str
    patients: int | None = Field(description="null: fewer than min_cell patients")
    suppressed: bool
    responders: int | None
    responder_rate: float | None
    mean_change: float | None


class ResearchOut(Out):
    patients: int
    by_disposition: dict[str, int | None] = Field(description="null: a suppressed small cell")
    by_condition: dict[str, int | None]
    sessions_signed: int
    adverse_events: dict[str, int | None]
    outcomes: list[GroupFiguresOut]
    min_cell: int
