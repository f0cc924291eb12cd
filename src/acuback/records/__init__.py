"""Records (SHELL): the database of a clinic.

Tables (private), repositories that speak in frozen domain records, a unit of work, an
append-only hash-chained audit log, and Alembic migrations shipped inside the package.
"""

from __future__ import annotations

from acuback.records.audit import AuditEntry, AuditLog, AuditReport, verify_chain
from acuback.records.db import get_engine, make_engine, make_session_factory, resolve_url
from acuback.records.migrate import current_revision, downgrade, head_revision, upgrade
from acuback.records.models import (
    AdverseEvent,
    Appointment,
    ImportedItem,
    Intake,
    NeedleInsertion,
    OutcomeMeasurement,
    Patient,
    Plan,
    Practitioner,
    SessionAmendment,
    TreatmentSession,
    User,
)
from acuback.records.uow import UnitOfWork

__all__ = [
    "AdverseEvent",
    "Appointment",
    "AuditEntry",
    "AuditLog",
    "AuditReport",
    "ImportedItem",
    "Intake",
    "NeedleInsertion",
    "OutcomeMeasurement",
    "Patient",
    "Plan",
    "Practitioner",
    "SessionAmendment",
    "TreatmentSession",
    "UnitOfWork",
    "User",
    "current_revision",
    "downgrade",
    "get_engine",
    "head_revision",
    "make_engine",
    "make_session_factory",
    "resolve_url",
    "upgrade",
    "verify_chain",
]
