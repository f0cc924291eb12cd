"""The server-side record of every sign-in: a browser session or an API token."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from acuback.records.tables.base import Base, one_of

__all__ = ["LOGIN_KINDS", "LoginRow"]

LOGIN_KINDS = ("browser", "token")


class LoginRow(Base):
    """One sign-in. The cookie or token carries a random id; only its SHA-256 is stored, so a
    copy of the database signs nobody in. Ended (logout, revocation, idle, password change) or
    expired rows are kept for the record and sign nobody in either."""

    __tablename__ = "logins"
    __table_args__ = (one_of("kind", LOGIN_KINDS),)

    id: Mapped[int] = mapped_column(primary_key=True)
    sid_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    kind: Mapped[str] = mapped_column(String(10))
    created_at: Mapped[datetime]
    last_seen_at: Mapped[datetime]
    expires_at: Mapped[datetime]
    ended_at: Mapped[datetime | None]
    end_reason: Mapped[str | None] = mapped_column(String(40))
    address: Mapped[str | None] = mapped_column(String(64))
