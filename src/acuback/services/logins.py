"""Use cases of sign-ins: list and revoke API tokens, log out everywhere, change a password.

A user manages their own sign-ins; an administrator (`user.admin`) those of anyone. Someone
else's token is "not found" rather than "forbidden", so ids do not reveal who holds tokens.
A password change ends every other sign-in of the user, so a stolen session or token stops
working when its owner changes the password. Each change is audited.
"""

from __future__ import annotations

from collections.abc import Callable

from acuback.errors import InputError, NotFound
from acuback.records import UnitOfWork
from acuback.records.repositories.logins import Login
from acuback.services.access import Actor, audit, can

__all__ = ["change_password", "end_everywhere", "list_tokens", "revoke_token"]

MIN_PASSWORD = 12


def _may_manage(actor: Actor, user_id: int) -> bool:
    return actor.user_id == user_id or can(actor, "user.admin")


def list_tokens(uow: UnitOfWork, actor: Actor, user_id: int | None = None) -> list[Login]:
    """The open API tokens of `user_id` (default: the actor's own)."""
    owner = actor.user_id if user_id is None else user_id
    if owner is None or not _may_manage(actor, owner):
        raise NotFound("user", str(user_id))
    return uow.logins.open_for(owner, "token")


def revoke_token(uow: UnitOfWork, actor: Actor, login_id: int) -> Login:
    login = uow.logins.get(login_id)
    if login.kind != "token" or not _may_manage(actor, login.user_id):
        raise NotFound("token", str(login_id))
    ended = uow.logins.end_by_id(login_id, "revoked")
    audit(uow, actor, "login.revoke", "login", login_id, {"user_id": login.user_id})
    return ended


def end_everywhere(uow: UnitOfWork, actor: Actor) -> int:
    """End every sign-in of the actor (this one included); how many were open."""
    if actor.user_id is None:
        return 0
    count = uow.logins.end_all(actor.user_id, "logout everywhere")
    audit(uow, actor, "login.end_all", "user", actor.user_id, {"ended": count})
    return count


def change_password(
    uow: UnitOfWork,
    actor: Actor,
    current_ok: bool,
    new_password: str,
    hash_password: Callable[[str], str],
    keep_sid: str | None,
) -> int:
    """Set the actor's new password (the caller checked the current one: `current_ok`) and
    end their other sign-ins; how many were ended."""
    if actor.user_id is None:
        raise InputError("user", "only a signed-in user changes their password")
    if not current_ok:
        raise InputError("current_password", "is not your current password")
    if len(new_password) < MIN_PASSWORD:
        raise InputError("new_password", f"must be at least {MIN_PASSWORD} characters")
    user = uow.users.get(actor.user_id)
    uow.users.update(user.model_copy(update={"password_hash": hash_password(new_password)}))
    ended = uow.logins.end_all(actor.user_id, "password changed", keep_sid=keep_sid)
    audit(uow, actor, "user.password", "user", actor.user_id, {"other_logins_ended": ended})
    return ended
