"""The append-only audit log, chained by SHA-256 so that tampering shows.

Each entry stores `prev_hash` (the previous entry's hash; 64 zeros for the first) and `hash`,
the SHA-256 of the entry's canonical serialisation: a JSON object of seq, at, actor, action,
entity, entity_id, outcome, detail and prev_hash, with sorted keys, no spaces, UTF-8, `at` in
UTC ISO 8601 with microseconds, and `detail` as the exact canonical JSON text stored. Changing,
inserting or deleting any entry but the newest breaks a link that `verify_chain` reports; the
newest entries can only be vouched for by keeping `head_hash` somewhere else.

Appends are serialised: on PostgreSQL by a transaction-level advisory lock, on SQLite by its
single writer; the `seq` primary key (previous + 1) makes a lost race fail rather than fork.
This module only ever inserts into the audit table.
"""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict
from sqlalchemy import select, text
from sqlalchemy.orm import Session

from acuback.records.repositories.base import translate_errors
from acuback.records.tables import AuditRow
from acuback.records.tables.base import utcnow

__all__ = ["GENESIS", "AuditEntry", "AuditLog", "AuditOutcome", "AuditReport", "verify_chain"]

GENESIS = "0" * 64
AuditOutcome = Literal["success", "denied", "failed"]
# Any fixed 64-bit number works: it names the one lock every audit append takes on PostgreSQL.
_PG_LOCK_KEY = 0x61637562_61756469  # "acubaudi"


class AuditEntry(BaseModel):
    """One entry as stored: who did what to which entity, when, and with what outcome."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    seq: int
    at: datetime
    actor: str
    action: str
    entity: str
    entity_id: str | None
    outcome: str
    detail: dict[str, Any]
    prev_hash: str
    hash: str


class AuditReport(BaseModel):
    """The verdict of `verify_chain`: `ok`, or the first broken entry and what is wrong."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    ok: bool
    entries_checked: int
    first_broken_seq: int | None = None
    problem: str | None = None
    head_hash: str | None = None


def canonical_detail(detail: dict[str, Any] | None) -> str:
    """The one JSON text of `detail` that is stored and hashed (dates become ISO strings)."""
    return json.dumps(
        detail or {}, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str
    )


def entry_hash(
    *,
    seq: int,
    at: datetime,
    actor: str,
    action: str,
    entity: str,
    entity_id: str | None,
    outcome: str,
    detail: str,
    prev_hash: str,
) -> str:
    """SHA-256 (hex) of the canonical serialisation described in the module docstring."""
    payload = {
        "seq": seq,
        "at": at.astimezone(UTC).isoformat(timespec="microseconds"),
        "actor": actor,
        "action": action,
        "entity": entity,
        "entity_id": entity_id,
        "outcome": outcome,
        "detail": detail,
        "prev_hash": prev_hash,
    }
    text_ = json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(text_.encode("utf-8")).hexdigest()


def _row_hash(row: Any) -> str:
    """The hash an entry should have, from an ORM row or a plain result row of its columns."""
    return entry_hash(
        seq=row.seq,
        at=row.at,
        actor=row.actor,
        action=row.action,
        entity=row.entity,
        entity_id=row.entity_id,
        outcome=row.outcome,
        detail=row.detail,
        prev_hash=row.prev_hash,
    )


def _entry(row: AuditRow) -> AuditEntry:
    fields = {name: getattr(row, name) for name in AuditEntry.model_fields}
    return AuditEntry.model_validate({**fields, "detail": json.loads(row.detail)})


def verify_chain(session: Session, batch: int = 1000) -> AuditReport:
    """Walk the log in `seq` order and report the first entry whose link or hash is wrong."""
    expected_seq, prev_hash, checked = 1, GENESIS, 0
    # Plain column rows, not ORM objects: the identity map must not hide what is stored.
    columns = [getattr(AuditRow, name) for name in AuditEntry.model_fields]
    statement = select(*columns).order_by(AuditRow.seq).execution_options(yield_per=batch)
    for row in session.execute(statement):
        problem = None
        if row.seq != expected_seq:
            problem = f"expected entry {expected_seq} next, found {row.seq}: entries are missing"
        elif row.prev_hash != prev_hash:
            problem = "its prev_hash does not match the hash of the entry before it"
        elif _row_hash(row) != row.hash:
            problem = "its content does not match its hash: the entry was altered"
        if problem:
            return AuditReport(
                ok=False, entries_checked=checked, first_broken_seq=row.seq, problem=problem
            )
        expected_seq, prev_hash, checked = row.seq + 1, row.hash, checked + 1
    return AuditReport(
        ok=True, entries_checked=checked, head_hash=None if checked == 0 else prev_hash
    )


class AuditLog:
    """The audit log of one unit of work: append entries, read them back, verify the chain."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def record(
        self,
        actor: str,
        action: str,
        entity: str,
        entity_id: str | int | None = None,
        outcome: AuditOutcome = "success",
        detail: dict[str, Any] | None = None,
        at: datetime | None = None,
    ) -> AuditEntry:
        """Append one entry (in the current transaction, so it commits with the change)."""
        self._lock()
        last = self.session.scalar(select(AuditRow).order_by(AuditRow.seq.desc()).limit(1))
        fields: dict[str, Any] = {
            "seq": 1 if last is None else last.seq + 1,
            "at": (at or utcnow()).astimezone(UTC),
            "actor": actor,
            "action": action,
            "entity": entity,
            "entity_id": None if entity_id is None else str(entity_id),
            "outcome": outcome,
            "detail": canonical_detail(detail),
            "prev_hash": GENESIS if last is None else last.hash,
        }
        row = AuditRow(**fields, hash=entry_hash(**fields))
        self.session.add(row)
        with translate_errors("audit entry"):
            self.session.flush()
        return _entry(row)

    def entries(
        self,
        entity: str | None = None,
        entity_id: str | int | None = None,
        actor: str | None = None,
        limit: int = 100,
        before_seq: int | None = None,
    ) -> list[AuditEntry]:
        """Entries newest first, filtered; page back with `before_seq`."""
        statement = select(AuditRow)
        if entity is not None:
            statement = statement.where(AuditRow.entity == entity)
        if entity_id is not None:
            statement = statement.where(AuditRow.entity_id == str(entity_id))
        if actor is not None:
            statement = statement.where(AuditRow.actor == actor)
        if before_seq is not None:
            statement = statement.where(AuditRow.seq < before_seq)
        statement = statement.order_by(AuditRow.seq.desc()).limit(limit)
        return [_entry(row) for row in self.session.scalars(statement)]

    def verify(self) -> AuditReport:
        return verify_chain(self.session)

    def _lock(self) -> None:
        if self.session.get_bind().dialect.name == "postgresql":
            self.session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _PG_LOCK_KEY})
