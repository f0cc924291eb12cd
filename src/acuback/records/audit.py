"""The append-only audit log, chained by HMAC-SHA256 under the audit key so that tampering shows.

Each entry stores `prev_hash` (the previous entry's hash; 64 zeros for the first) and `hash`,
the HMAC-SHA256, keyed with ACUBACK_AUDIT_KEY (acuback/secrets.py), of the entry's canonical
serialisation: a JSON object of seq, at, actor, action, entity, entity_id, outcome, detail and
prev_hash, with sorted keys, no spaces, UTF-8, `at` in UTC ISO 8601 with microseconds, and
`detail` as the exact canonical JSON text stored. Changing, inserting or deleting any entry
breaks a link that `verify_chain` reports, and someone who can write to the database but does
not hold the key cannot recompute the chain. Cutting the newest entries off leaves a shorter,
valid chain: `anchor` gives the head (seq, hash, time) to keep somewhere else, and
`verify_chain(..., anchor=...)` reports a log that no longer reaches it.

Logs written before the key (plain SHA-256 of the same serialisation) are re-keyed once by
sealing, not rewriting: `seal_legacy` verifies the unkeyed chain first, then appends a keyed
`audit.rekey` entry whose prev_hash is the old head, so any later change to the old entries
breaks the keyed link. Verification accepts unkeyed entries only as such a sealed prefix.
New entries are always keyed, so the first keyed entry seals whatever precedes it; `acuback audit
rekey` (and `acuback db upgrade`) seal explicitly, refusing a broken old chain, and a log with no
keyed entry at all does not verify.

Appends are serialised: on PostgreSQL by a transaction-level advisory lock, on SQLite by its
single writer; the `seq` primary key (previous + 1) makes a lost race fail rather than fork.
This module only ever inserts into the audit table.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from datetime import UTC, datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict
from sqlalchemy import insert, select, text
from sqlalchemy.orm import Session

from acuback.records.repositories.base import translate_errors
from acuback.records.tables import AuditRow
from acuback.records.tables.base import utcnow

__all__ = [
    "GENESIS",
    "REKEY_ACTION",
    "AuditAnchor",
    "AuditEntry",
    "AuditLog",
    "AuditOutcome",
    "AuditReport",
    "anchor",
    "seal_legacy",
    "verify_chain",
    "verify_unkeyed",
]

GENESIS = "0" * 64
AuditOutcome = Literal["success", "denied", "failed"]
# Any fixed 64-bit number works: it names the one lock every audit append takes on PostgreSQL.
_PG_LOCK_KEY = 0x61637562_61756469  # "acubaudi"
REKEY_ACTION = "audit.rekey"


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
    head_seq: int | None = None
    unkeyed_entries: int = 0


class AuditAnchor(BaseModel):
    """The head of the log at one time, kept outside the database to detect a cut-off end."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    seq: int
    hash: str
    at: datetime


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
    key: bytes | None,
) -> str:
    """HMAC-SHA256 (hex) under `key` of the canonical serialisation described in the module
    docstring; `key=None` gives the plain SHA-256 of entries written before the key."""
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
    if key is None:
        return hashlib.sha256(text_.encode("utf-8")).hexdigest()
    return hmac.new(key, text_.encode("utf-8"), hashlib.sha256).hexdigest()


def _row_hash(row: Any, key: bytes | None) -> str:
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
        key=key,
    )


def _keyed(row: Any, key: bytes) -> bool:
    return hmac.compare_digest(_row_hash(row, key), row.hash)


def _entry(row: AuditRow) -> AuditEntry:
    fields = {name: getattr(row, name) for name in AuditEntry.model_fields}
    return AuditEntry.model_validate({**fields, "detail": json.loads(row.detail)})


def verify_chain(
    session: Session, key: bytes, anchor: AuditAnchor | None = None, batch: int = 1000
) -> AuditReport:
    """Walk the log in `seq` order and report the first entry whose link or hash is wrong,
    an unkeyed log, or a log that no longer reaches `anchor`."""
    walk = _Walk(key)
    # Plain column rows, not ORM objects: the identity map must not hide what is stored.
    columns = [getattr(AuditRow, name) for name in AuditEntry.model_fields]
    statement = select(*columns).order_by(AuditRow.seq).execution_options(yield_per=batch)
    for row in session.execute(statement):
        problem = walk.step(row)
        if problem:
            return walk.broken(row.seq, problem)
        if anchor is not None and row.seq == anchor.seq and row.hash != anchor.hash:
            return walk.broken(row.seq, "it does not match the anchor's hash for this entry")
    if walk.checked and walk.keyed_from is None:
        return walk.broken(1, "no entry is keyed: run `acuback audit rekey` to seal the log")
    if anchor is not None and walk.checked < anchor.seq:
        return walk.broken(
            walk.checked + 1,
            f"the log ends at entry {walk.checked} but the anchor of "
            f"{anchor.at.isoformat(timespec='seconds')} records entry {anchor.seq}: "
            "the newest entries were cut off",
        )
    return walk.report()


class _Walk:
    """The state of one pass over the chain: the next expected link and where keying began."""

    def __init__(self, key: bytes) -> None:
        self.key = key
        self.expected_seq, self.prev_hash, self.checked = 1, GENESIS, 0
        self.keyed_from: int | None = None

    def step(self, row: Any) -> str | None:
        """The problem with `row`, or None after accepting it as the next link."""
        if row.seq != self.expected_seq:
            return f"expected entry {self.expected_seq} next, found {row.seq}: entries are missing"
        if row.prev_hash != self.prev_hash:
            return "its prev_hash does not match the hash of the entry before it"
        if _keyed(row, self.key):
            self.keyed_from = self.keyed_from or row.seq
        elif self.keyed_from is not None or _row_hash(row, None) != row.hash:
            return (
                "its content does not match its keyed hash: the entry was altered, "
                "or its hash was computed without the audit key"
            )
        self.expected_seq, self.prev_hash, self.checked = row.seq + 1, row.hash, self.checked + 1
        return None

    def broken(self, seq: int, problem: str) -> AuditReport:
        return AuditReport(
            ok=False, entries_checked=self.checked, first_broken_seq=seq, problem=problem
        )

    def report(self) -> AuditReport:
        unkeyed = 0 if self.keyed_from is None else self.keyed_from - 1
        if not self.checked:
            return AuditReport(ok=True, entries_checked=0)
        return AuditReport(
            ok=True,
            entries_checked=self.checked,
            head_hash=self.prev_hash,
            head_seq=self.checked,
            unkeyed_entries=unkeyed,
        )


def anchor(session: Session) -> AuditAnchor | None:
    """The newest entry's seq and hash with the time now; None for an empty log."""
    last = session.execute(
        select(AuditRow.seq, AuditRow.hash).order_by(AuditRow.seq.desc()).limit(1)
    ).first()
    return None if last is None else AuditAnchor(seq=last.seq, hash=last.hash, at=utcnow())


def seal_legacy(session: Session, key: bytes, actor: str = "system") -> tuple[AuditReport, bool]:
    """Re-key a log written before the key, once: verify its unkeyed chain, then append the
    keyed `audit.rekey` entry. Returns the chain's report and whether a seal was appended
    (not for an empty, already keyed or broken log); the caller commits."""
    log = AuditLog(session, key)
    log._lock()
    last = session.scalar(select(AuditRow).order_by(AuditRow.seq.desc()).limit(1))
    if last is None:
        return AuditReport(ok=True, entries_checked=0), False
    if _keyed(last, key):
        return verify_chain(session, key), False
    old = verify_unkeyed(session)
    if not old.ok:
        return old, False
    log.record(
        actor,
        REKEY_ACTION,
        "audit_log",
        detail={"sealed_seq": old.head_seq, "sealed_hash": old.head_hash},
    )
    return old, True


def verify_unkeyed(session: Session) -> AuditReport:
    """The plain SHA-256 chain of a log written before the key (for re-keying it only)."""
    expected_seq, prev_hash, checked = 1, GENESIS, 0
    columns = [getattr(AuditRow, name) for name in AuditEntry.model_fields]
    for row in session.execute(select(*columns).order_by(AuditRow.seq)):
        problem = None
        if row.seq != expected_seq:
            problem = f"expected entry {expected_seq} next, found {row.seq}: entries are missing"
        elif row.prev_hash != prev_hash:
            problem = "its prev_hash does not match the hash of the entry before it"
        elif _row_hash(row, None) != row.hash:
            problem = "its content does not match its hash: the entry was altered"
        if problem:
            return AuditReport(
                ok=False, entries_checked=checked, first_broken_seq=row.seq, problem=problem
            )
        expected_seq, prev_hash, checked = row.seq + 1, row.hash, checked + 1
    return AuditReport(
        ok=True,
        entries_checked=checked,
        head_hash=prev_hash,
        head_seq=checked,
        unkeyed_entries=checked,
    )


_HEAD = select(AuditRow.seq, AuditRow.hash).order_by(AuditRow.seq.desc()).limit(1)
_APPEND = insert(AuditRow)


class AuditLog:
    """The audit log of one unit of work: append entries, read them back, verify the chain."""

    def __init__(self, session: Session, key: bytes) -> None:
        self.session = session
        self.key = key

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
        # Only the link is read, and the entry is written as a plain INSERT: statements built
        # once (compiled once), no ORM object, no parsing of what was just serialised.
        connection = self.session.connection()
        last = connection.execute(_HEAD).first()
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
        fields["hash"] = entry_hash(**fields, key=self.key)
        with translate_errors("audit entry"):
            connection.execute(_APPEND, fields)
        # Built from the values just written (`detail` as its canonical text decodes to).
        return AuditEntry.model_construct(**{**fields, "detail": json.loads(fields["detail"])})

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

    def verify(self, anchor: AuditAnchor | None = None) -> AuditReport:
        return verify_chain(self.session, self.key, anchor)

    def _lock(self) -> None:
        if self.session.get_bind().dialect.name == "postgresql":
            self.session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _PG_LOCK_KEY})
