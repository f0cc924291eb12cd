"""The optional TOTP second factor (RFC 6238 codes from an authenticator app, via pyotp).

Staff (not patients) may enrol: `begin` stores a pending secret and returns it once as an
otpauth:// URI, `confirm` makes it active after a first correct code. At login `check` accepts
a code of the current 30-second step or its neighbours (clock drift), and only a step later than
the last one accepted, so a code seen once cannot be replayed. When the clinic sets
ACUBACK_REQUIRE_ADMIN_TOTP, an administrator without an active secret cannot log in: enrol
administrators before turning it on.
"""

from __future__ import annotations

import time

import pyotp

from acuback.errors import AcubackError, Forbidden
from acuback.records import UnitOfWork, User

__all__ = ["STAFF", "SecondFactorFailed", "begin", "check", "confirm", "disable", "required"]

STAFF = frozenset({"practitioner", "reception", "admin", "researcher"})
_STEP = 30
_ISSUER = "acuback"


class SecondFactorFailed(AcubackError):
    """The second factor is missing, wrong or already used."""


def required(user: User, uow: UnitOfWork, admins_must: bool) -> bool:
    """Whether this login needs a code: an active secret, or an administrator when required."""
    secret, _, _ = uow.users.totp(user.id or 0)
    return secret is not None or (admins_must and user.role == "admin")


def check(uow: UnitOfWork, user: User, code: str | None, now: float | None = None) -> None:
    """Accept `code` for `user` (and remember its step), or raise `SecondFactorFailed`."""
    secret, pending, last = uow.users.totp(user.id or 0)
    if secret is None:
        raise SecondFactorFailed("this account must enrol a second factor before logging in")
    step = _matching_step(secret, code, now)
    if step is None or (last is not None and step <= last):
        raise SecondFactorFailed("wrong or already used authenticator code")
    uow.users.set_totp(user.id or 0, secret, pending, step)


def begin(uow: UnitOfWork, user: User) -> str:
    """A new pending secret for `user`, as the otpauth:// URI to show once."""
    if user.role not in STAFF:
        raise Forbidden("only staff accounts can enrol a second factor")
    secret, _, last = uow.users.totp(user.id or 0)
    pending = pyotp.random_base32()
    uow.users.set_totp(user.id or 0, secret, pending, last)
    return pyotp.TOTP(pending).provisioning_uri(name=user.username, issuer_name=_ISSUER)


def confirm(uow: UnitOfWork, user: User, code: str, now: float | None = None) -> None:
    """Make the pending secret active once `code` matches it."""
    _, pending, _ = uow.users.totp(user.id or 0)
    if pending is None:
        raise SecondFactorFailed("no enrolment is waiting: start one first")
    step = _matching_step(pending, code, now)
    if step is None:
        raise SecondFactorFailed("wrong authenticator code")
    uow.users.set_totp(user.id or 0, pending, None, step)


def disable(uow: UnitOfWork, user: User, code: str, now: float | None = None) -> None:
    """Remove the second factor, proven by a current code."""
    if uow.users.totp(user.id or 0)[0] is None:
        raise SecondFactorFailed("this account has no second factor to remove")
    check(uow, user, code, now)
    uow.users.set_totp(user.id or 0, None, None, None)


def _matching_step(secret: str, code: str | None, now: float | None) -> int | None:
    if not code or not code.isdigit() or len(code) != 6:
        return None
    totp = pyotp.TOTP(secret, interval=_STEP)
    current = int((time.time() if now is None else now) // _STEP)
    for step in (current - 1, current, current + 1):
        if pyotp.utils.strings_equal(totp.at(step * _STEP), code):
            return step
    return None
