"""Log in with a username and password: rate-limited, audited, timing-equalised.

Used by the API's token endpoint and by the HTML login form, so both refuse and record
attempts the same way.
"""

from __future__ import annotations

from functools import lru_cache

from acuback.errors import AcubackError, NotFound
from acuback.records import UnitOfWork, User
from acuback.records.audit import AuditOutcome
from acuback.web.security import totp
from acuback.web.security.passwords import hash_password, verify_password
from acuback.web.security.ratelimit import LoginRateLimiter

__all__ = ["LoginFailed", "SecondFactorRefused", "TooManyAttempts", "authenticate"]


class LoginFailed(AcubackError):
    """Wrong username or password, or an inactive account (the message does not say which)."""


class SecondFactorRefused(LoginFailed):
    """The password was right but the TOTP code is missing, wrong or already used."""


class TooManyAttempts(AcubackError):
    def __init__(self, retry_after: int) -> None:
        self.retry_after = retry_after
        super().__init__(f"too many failed logins; try again in {retry_after} seconds")


@lru_cache(maxsize=1)
def _dummy_hash() -> str:
    # Verifying against a real hash for unknown users keeps their timing like a wrong password.
    return hash_password("not-a-real-password-used-for-timing")


def authenticate(
    uow: UnitOfWork,
    limiter: LoginRateLimiter,
    address: str,
    username: str,
    password: str,
    code: str | None = None,
    admins_must: bool = False,
) -> User:
    """The user for these credentials; `TooManyAttempts` or `LoginFailed` otherwise.

    `code` is the TOTP code, needed when the account has a second factor (or is an
    administrator and `admins_must`); a missing, wrong or replayed code counts as a failure."""
    wait = limiter.retry_after(address, username)
    if wait is not None:
        _record(uow, username, None, "denied", {"reason": "rate limited", "address": address})
        raise TooManyAttempts(wait)
    try:
        user: User | None = uow.users.get_by_username(username)
    except NotFound:
        user = None
    matches = verify_password(user.password_hash if user else _dummy_hash(), password)
    if user is None or not matches or not user.active:
        limiter.failed(address, username)
        _record(uow, username, user.id if user else None, "failed", {"address": address})
        raise LoginFailed("wrong username or password")
    if totp.required(user, uow, admins_must):
        _second_factor(uow, limiter, address, user, code)
    limiter.succeeded(username)
    _record(uow, username, user.id, "success", {"address": address, "role": user.role})
    return user


def _second_factor(
    uow: UnitOfWork, limiter: LoginRateLimiter, address: str, user: User, code: str | None
) -> None:
    try:
        totp.check(uow, user, code)
    except totp.SecondFactorFailed as exc:
        limiter.failed(address, user.username)
        detail = {"address": address, "reason": "second factor"}
        _record(uow, user.username, user.id, "failed", detail)
        raise SecondFactorRefused(f"second factor: {exc}") from exc


def _record(
    uow: UnitOfWork,
    username: str,
    user_id: int | None,
    outcome: AuditOutcome,
    detail: dict[str, str],
) -> None:
    """Audit the attempt; a refused one is kept although the request fails (records/uow.py)."""
    if outcome == "success":
        uow.audit.record(username[:64], "auth.login", "user", user_id, outcome, detail)
    else:
        uow.refused(username[:64], "auth.login", "user", user_id, outcome, dict(detail))
