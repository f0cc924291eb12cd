"""The SQLAlchemy tables of acuback (private to `acuback.records`).

Only the repositories and the migrations use these classes; everything above the records layer
works with the domain records in `acuback.records.models`.
"""

from __future__ import annotations

from acuback.records.tables.audit import AuditRow
from acuback.records.tables.base import Base
from acuback.records.tables.care import (
    AppointmentRow,
    IntakeRow,
    OutcomeRow,
    OutcomeSeriesRow,
    PlanRow,
)
from acuback.records.tables.charting import AdverseEventRow, AmendmentRow, NeedleRow, SessionRow
from acuback.records.tables.documents import ClinicSettingsRow, IssuedDocumentRow
from acuback.records.tables.imported import ImportedItemRow
from acuback.records.tables.logins import LoginRow
from acuback.records.tables.people import PatientRow, PractitionerRow, UserRow
from acuback.records.tables.scheduling import (
    CalendarFeedRow,
    HoursRow,
    ReminderRow,
    RoomRow,
    TimeOffRow,
)

__all__ = [
    "AdverseEventRow",
    "AmendmentRow",
    "AppointmentRow",
    "AuditRow",
    "Base",
    "CalendarFeedRow",
    "ClinicSettingsRow",
    "HoursRow",
    "ImportedItemRow",
    "IntakeRow",
    "IssuedDocumentRow",
    "LoginRow",
    "NeedleRow",
    "OutcomeRow",
    "OutcomeSeriesRow",
    "PatientRow",
    "PlanRow",
    "PractitionerRow",
    "ReminderRow",
    "RoomRow",
    "SessionRow",
    "TimeOffRow",
    "UserRow",
]
