"""The unit of work: one transaction, the repositories that share it, commit or roll back.

    with UnitOfWork(engine) as uow:
        patient = uow.patients.add(Patient(...))
        uow.audit.record("alice", "create", "patient", patient.id)

The block is one request or one command: leaving it normally commits, once; leaving it with
an exception rolls back. The use cases never commit. A lost race at commit time leaves as
`acuback.errors.Conflict`.

What must outlive a failed request goes through one mechanism, `keep`: the write is done now
and, when the block fails (or is rolled back), redone after the rollback and committed on its
own. Its users: `refused`, the audit entry of a refused attempt (`services.access.refuse`, the
login checks), and the server's bookkeeping of a sign-in (`web.deps.login_is_live`).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from types import TracebackType
from typing import Any, Self, TypeVar

from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from acuback.records.audit import AuditLog, AuditOutcome
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
from acuback.records.tables.base import utcnow
from acuback.secrets import audit_key as _audit_key
from acuback.settings import Settings, get_settings

__all__ = ["KeptWrite", "UnitOfWork"]

T = TypeVar("T")
KeptWrite = Callable[["UnitOfWork"], object]
"""A write that `UnitOfWork.keep` redoes after a rollback (it must be safe to redo)."""


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
        settings: Settings | None = None,
    ) -> None:
        """Use `session_factory`, else `engine`, else the shared engine for `url` (or settings).

        `settings` are the ones the app or command runs with (default: the environment's);
        the use cases read them here, never from the global settings. `audit_key` keys the
        audit chain (default: from those settings, acuback/secrets.py)."""
        if session_factory is None:
            session_factory = make_session_factory(engine or get_engine(url))
        self._factory = session_factory
        self.settings = settings if settings is not None else get_settings()
        self._audit_key = audit_key if audit_key is not None else _audit_key(self.settings)
        self._session: Session | None = None
        self._kept: list[KeptWrite] = []

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
                try:
                    self.commit()
                except BaseException:
                    self._commit_kept()
                    raise
            else:
                self._commit_kept()
        finally:
            self.session.rollback()  # after an exception or a failed commit nothing else stays
            self.session.close()
            self._session = None
            self._kept = []

    def commit(self) -> None:
        """Commit now. Only the block's end calls it (and tests building data): a use case
        never does (module docstring)."""
        with translate_errors("record"):
            self.session.commit()
        self._kept = []  # committed: nothing to redo

    def rollback(self) -> None:
        """Undo everything written since the last commit except the kept writes (redone)."""
        self.session.rollback()
        for write in self._kept:
            write(self)

    def keep(self, write: Callable[[UnitOfWork], T]) -> T:
        """Do `write` now (its result is returned) and keep it even if the block then fails:
        it is redone after any rollback and committed on its own (module docstring)."""
        result = write(self)
        self._kept.append(write)
        return result

    def refused(
        self,
        actor: str,
        action: str,
        entity: str,
        entity_id: str | int | None,
        outcome: AuditOutcome,
        detail: dict[str, Any],
    ) -> None:
        """Audit a refused attempt (`denied` or `failed`) so that it stays although the request
        fails: what the refused attempt wrote so far is rolled back first, so that none of it
        rides along with the entry."""
        self.rollback()
        at: datetime = utcnow()  # the same entry, if it is redone
        self.keep(
            lambda work: work.audit.record(actor, action, entity, entity_id, outcome, detail, at)
        )

    def _commit_kept(self) -> None:
        if self._kept:
            self.rollback()  # redoes the kept writes
            self.commit()
