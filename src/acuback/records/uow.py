"""The unit of work: one transaction, the repositories that share it, commit or roll back.

    with UnitOfWork(engine) as uow:
        patient = uow.patients.add(Patient(...))
        uow.audit.record("alice", "create", "patient", patient.id)

The block is one request or one command: leaving it normally commits, once; leaving it with
an exception rolls back. The use cases never commit; the one exception is a refused attempt,
whose audit entry is committed on its own before the refusal is raised (`services.access`).
A lost race at commit time leaves as `acuback.errors.Conflict`.
"""

from __future__ import annotations

from types import TracebackType
from typing import Self

from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from acuback.records.audit import AuditLog
from acuback.records.db import get_engine, make_session_factory
from acuback.records.documents import ClinicSettingsRepository, DocumentRepository
from acuback.records.repositories import (
    AdverseEventRepository,
    AppointmentRepository,
    IntakeRepository,
    OutcomeRepository,
    PatientRepository,
    PlanRepository,
    PractitionerRepository,
    ScheduleRepository,
    SessionRepository,
    UserRepository,
)
from acuback.records.repositories.base import translate_errors
from acuback.records.repositories.imported import ImportedItemRepository
from acuback.records.repositories.logins import LoginRepository
from acuback.secrets import audit_key as _audit_key
from acuback.settings import get_settings

__all__ = ["UnitOfWork"]


class UnitOfWork:
    """A context manager around one database session (see the module docstring)."""

    users: UserRepository
    practitioners: PractitionerRepository
    patients: PatientRepository
    intakes: IntakeRepository
    imported: ImportedItemRepository
    plans: PlanRepository
    appointments: AppointmentRepository
    sessions: SessionRepository
    outcomes: OutcomeRepository
    adverse_events: AdverseEventRepository
    documents: DocumentRepository
    clinic: ClinicSettingsRepository
    schedule: ScheduleRepository
    audit: AuditLog
    logins: LoginRepository

    def __init__(
        self,
        engine: Engine | None = None,
        *,
        url: str | None = None,
        session_factory: sessionmaker[Session] | None = None,
        audit_key: bytes | None = None,
    ) -> None:
        """Use `session_factory`, else `engine`, else the shared engine for `url` (or settings);
        `audit_key` keys the audit chain (default: from the settings, acuback/secrets.py)."""
        if session_factory is None:
            session_factory = make_session_factory(engine or get_engine(url))
        self._factory = session_factory
        self._audit_key = audit_key if audit_key is not None else _audit_key(get_settings())
        self._session: Session | None = None

    @property
    def session(self) -> Session:
        if self._session is None:
            raise RuntimeError("the unit of work is not open: use it in a `with` block")
        return self._session

    def __enter__(self) -> Self:
        session = self._session = self._factory()
        self.users = UserRepository(session)
        self.practitioners = PractitionerRepository(session)
        self.patients = PatientRepository(session)
        self.intakes = IntakeRepository(session)
        self.imported = ImportedItemRepository(session)
        self.plans = PlanRepository(session)
        self.appointments = AppointmentRepository(session)
        self.sessions = SessionRepository(session)
        self.outcomes = OutcomeRepository(session)
        self.adverse_events = AdverseEventRepository(session)
        self.audit = AuditLog(session, self._audit_key)
        self.logins = LoginRepository(session)
        self.documents = DocumentRepository(session)
        self.clinic = ClinicSettingsRepository(session)
        self.schedule = ScheduleRepository(session)
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        try:
            if exc_type is None:
                self.commit()
        finally:
            self.rollback()  # after an exception or a failed commit nothing is kept
            self.session.close()
            self._session = None

    def commit(self) -> None:
        with translate_errors("record"):
            self.session.commit()

    def rollback(self) -> None:
        self.session.rollback()
