"""Repositories: one per aggregate, each over an open SQLAlchemy session."""

from __future__ import annotations

from acuback.records.repositories.care import (
    AppointmentRepository,
    IntakeRepository,
    PlanRepository,
)
from acuback.records.repositories.charting import AdverseEventRepository, SessionRepository
from acuback.records.repositories.outcomes import OutcomeRepository
from acuback.records.repositories.people import (
    PatientRepository,
    PractitionerRepository,
    UserRepository,
)
from acuback.records.repositories.scheduling import ScheduleRepository

__all__ = [
    "AdverseEventRepository",
    "AppointmentRepository",
    "IntakeRepository",
    "OutcomeRepository",
    "PatientRepository",
    "PlanRepository",
    "PractitionerRepository",
    "ScheduleRepository",
    "SessionRepository",
    "UserRepository",
]
