"""Use cases for user accounts and the audit log (administrator work).

Passwords never reach this layer: the web layer hashes them (argon2id) and passes the hash.
"""

from __future__ import annotations

from acuback.records import AuditEntry, AuditReport, UnitOfWork, User
from acuback.records.models import validated
from acuback.records.vocabulary import Role
from acuback.services.access import Actor, audit, authorize

__all__ = ["create_user", "list_users", "read_audit", "set_user_active", "verify_audit"]


def create_user(
    uow: UnitOfWork,
    actor: Actor,
    *,
    username: str,
    password_hash: str,
    role: Role,
    patient_id: int | None = None,
    practitioner_id: int | None = None,
) -> User:
    """Create a login; a patient user is linked to its patient, a practitioner to theirs."""
    authorize(uow, actor, "user.admin", entity="user")
    data = {
        "username": username,
        "password_hash": password_hash,
        "role": role,
        "patient_id": patient_id,
        "practitioner_id": practitioner_id,
    }
    user = uow.users.add(validated(User, data))
    audit(uow, actor, "user.create", "user", user.id, {"username": username, "new_role": role})
    return user


def set_user_active(
    uow: UnitOfWork, actor: Actor, user_id: int, version: int, active: bool
) -> User:
    authorize(uow, actor, "user.admin", entity="user", entity_id=user_id)
    current = uow.users.get(user_id)
    user = uow.users.update(current.model_copy(update={"active": active, "version": version}))
    audit(uow, actor, "user.activate" if active else "user.deactivate", "user", user_id)
    return user


def list_users(uow: UnitOfWork, actor: Actor) -> list[User]:
    authorize(uow, actor, "user.admin", entity="user")
    return uow.users.all()


def read_audit(
    uow: UnitOfWork,
    actor: Actor,
    *,
    entity: str | None = None,
    entity_id: str | None = None,
    username: str | None = None,
    limit: int = 100,
    before_seq: int | None = None,
) -> list[AuditEntry]:
    """Audit entries, newest first; reading the log is itself logged."""
    authorize(uow, actor, "audit.read", entity="audit")
    entries = uow.audit.entries(
        entity=entity, entity_id=entity_id, actor=username, limit=limit, before_seq=before_seq
    )
    audit(uow, actor, "audit.read", "audit", None, {"count": len(entries)})
    return entries


def verify_audit(uow: UnitOfWork, actor: Actor) -> AuditReport:
    authorize(uow, actor, "audit.read", entity="audit")
    return uow.audit.verify()
