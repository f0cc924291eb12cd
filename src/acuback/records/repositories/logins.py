"""Sign-ins kept on the server, so that logging out, revoking a token, an idle timeout or a
password change really end them (the signed cookie or token alone no longer suffices)."""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta
from typing import Literal

from pydantic import BaseModel, ConfigDict
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from acuback.errors import NotFound
from acuback.records.models import User
from acuback.records.tables import LoginRow, UserRow
from acuback.records.tables.base import utcnow

__all__ = ["Login", "LoginKind", "LoginRepository"]

LoginKind = Literal["browser", "token"]
# last_seen_at is written at most this often, so that reads do not each become a write.
TOUCH_EVERY = timedelta(seconds=60)


class Login(BaseModel):
    """A sign-in as the owner or an administrator may see it (never its secret id)."""

    model_config = ConfigDict(frozen=True, extra="forbid", from_attributes=True)

    id: int
    user_id: int
    kind: LoginKind
    created_at: datetime
    last_seen_at: datetime
    expires_at: datetime
    ended_at: datetime | None
    end_reason: str | None
    address: str | None


def _hash(sid: str) -> str:
    return hashlib.sha256(sid.encode("utf-8")).hexdigest()


class LoginRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def start(
        self, user_id: int, kind: LoginKind, lifetime: timedelta, address: str | None = None
    ) -> tuple[str, Login]:
        """A new sign-in: its secret id (for the cookie or token) and its record."""
        sid, now = secrets.token_urlsafe(32), utcnow()
        row = LoginRow(
            sid_hash=_hash(sid),
            user_id=user_id,
            kind=kind,
            created_at=now,
            last_seen_at=now,
            expires_at=now + lifetime,
            address=address,
        )
        self.session.add(row)
        self.session.flush()
        return sid, Login.model_validate(row)

    def live(
        self, sid: str, user_id: int, idle: timedelta | None
    ) -> tuple[Login | None, bool, User | None]:
        """The sign-in `sid` of `user_id` if it has not ended, expired or (with `idle`) sat
        unused for longer than `idle` (it is then ended as "idle"), whether it was written
        (ended, or last_seen_at touched: at most once a minute), and, when it is live, its
        user (None if that user is gone). The user comes in the same statement: every signed-in
        request needs both, one after the other."""
        found = self.session.execute(
            select(LoginRow, UserRow)
            .outerjoin(UserRow, UserRow.id == LoginRow.user_id)
            .where(LoginRow.sid_hash == _hash(sid))
        ).first()
        row, user = (None, None) if found is None else found
        now = utcnow()
        if row is None or row.user_id != user_id or row.ended_at is not None:
            return None, False, None
        if row.expires_at <= now:
            return None, False, None
        if idle is not None and now - row.last_seen_at > idle:
            row.ended_at, row.end_reason = now, "idle"
            self.session.flush()
            return None, True, None
        touched = now - row.last_seen_at > TOUCH_EVERY
        if touched:
            row.last_seen_at = now
            self.session.flush()
        person = None if user is None else User.model_validate(user, from_attributes=True)
        return Login.model_validate(row), touched, person

    def end(self, sid: str, reason: str) -> None:
        self._end(LoginRow.sid_hash == _hash(sid), reason)

    def end_by_id(self, login_id: int, reason: str) -> Login:
        row = self.session.get(LoginRow, login_id)
        if row is None:
            raise NotFound("login", str(login_id))
        if row.ended_at is None:
            row.ended_at, row.end_reason = utcnow(), reason
            self.session.flush()
        return Login.model_validate(row)

    def end_all(self, user_id: int, reason: str, keep_sid: str | None = None) -> int:
        """End every open sign-in of `user_id` (but `keep_sid`'s); how many were ended."""
        condition = LoginRow.user_id == user_id
        if keep_sid is not None:
            condition = condition & (LoginRow.sid_hash != _hash(keep_sid))
        return self._end(condition, reason)

    def get(self, login_id: int) -> Login:
        row = self.session.get(LoginRow, login_id)
        if row is None:
            raise NotFound("login", str(login_id))
        return Login.model_validate(row)

    def open_for(self, user_id: int, kind: LoginKind | None = None) -> list[Login]:
        """The sign-ins of `user_id` that have not ended or expired, newest first."""
        statement = select(LoginRow).where(
            LoginRow.user_id == user_id,
            LoginRow.ended_at.is_(None),
            LoginRow.expires_at > utcnow(),
        )
        if kind is not None:
            statement = statement.where(LoginRow.kind == kind)
        rows = self.session.scalars(statement.order_by(LoginRow.id.desc()))
        return [Login.model_validate(row) for row in rows]

    def _end(self, condition: object, reason: str) -> int:
        statement = (
            update(LoginRow)
            .where(condition, LoginRow.ended_at.is_(None))  # type: ignore[arg-type]
            .values(ended_at=utcnow(), end_reason=reason)
            .execution_options(synchronize_session="fetch")
        )
        return int(self.session.execute(statement).rowcount)  # type: ignore[attr-defined]
