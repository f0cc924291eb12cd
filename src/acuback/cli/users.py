"""CLI commands for user accounts: `acuback users totp-reset|totp-enrol|totp-confirm USERNAME`.

For the operator of the clinic's server, who may need to let a user in again: a lost phone
(`totp-reset` removes the second factor, active or pending, so the user logs in with the
password and may enrol again), or an administrator who must have a second factor
(ACUBACK_REQUIRE_ADMIN_TOTP) and so cannot log in to enrol (`totp-enrol` prints a new secret's
otpauth:// URI once, `totp-confirm` activates it with a first code from the app). Each is
audited, by `cli:<the operating system user>`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import typer

from acuback.cli.output import JsonOption, emit
from acuback.cli.records import DbOption

if TYPE_CHECKING:
    from acuback.records import UnitOfWork, User
    from acuback.services.access import Actor

__all__ = ["register", "users_app"]

users_app = typer.Typer(help="User accounts.", no_args_is_help=True)
_USERNAME = typer.Argument(..., metavar="USERNAME", help="The account's username.")


def _operator() -> Actor:
    import getpass

    from acuback.services.access import Actor

    return Actor(None, f"cli:{getpass.getuser()}", "admin")


def _user(uow: UnitOfWork, username: str) -> User:
    from acuback.errors import InputError, NotFound

    try:
        return uow.users.get_by_username(username)
    except NotFound:
        raise InputError("USERNAME", f"no user {username!r}") from None


def _audit(uow: UnitOfWork, user: User, action: str) -> None:
    from acuback.services.access import audit

    audit(uow, _operator(), action, "user", user.id, {"username": user.username})


@users_app.command("totp-reset")
def totp_reset_command(
    username: str = _USERNAME, db: str | None = DbOption, as_json: bool = JsonOption
) -> None:
    """Remove USERNAME's second factor (active or pending): the password alone logs in."""
    from acuback.records import UnitOfWork

    with UnitOfWork(url=db) as uow:
        user = _user(uow, username)
        secret, pending, _ = uow.users.totp(user.id or 0)
        uow.users.set_totp(user.id or 0, None, None, None)
        _audit(uow, user, "user.totp_reset")
    had = "active" if secret else ("pending" if pending else None)
    emit(
        {"username": user.username, "removed": had},
        as_json,
        lambda: f"{user.username}: second factor removed (it had {had or 'none'})",
    )


@users_app.command("totp-enrol")
def totp_enrol_command(
    username: str = _USERNAME, db: str | None = DbOption, as_json: bool = JsonOption
) -> None:
    """Start a second factor for USERNAME: print its otpauth:// URI once (for the app)."""
    from acuback.errors import Forbidden, InputError
    from acuback.records import UnitOfWork
    from acuback.web.security import totp

    with UnitOfWork(url=db) as uow:
        user = _user(uow, username)
        try:
            uri = totp.begin(uow, user)
        except Forbidden as exc:  # a patient account
            raise InputError("USERNAME", str(exc)) from None
        _audit(uow, user, "user.totp_enrol")
    emit(
        {"username": user.username, "otpauth_uri": uri},
        as_json,
        lambda: (
            f"{uri}\nadd it to the authenticator app, then: "
            f"acuback users totp-confirm {user.username} CODE"
        ),
    )


@users_app.command("totp-confirm")
def totp_confirm_command(
    username: str = _USERNAME,
    code: str = typer.Argument(..., metavar="CODE", help="The 6-digit code the app shows now."),
    db: str | None = DbOption,
    as_json: bool = JsonOption,
) -> None:
    """Activate USERNAME's pending second factor with a first CODE from the app."""
    from acuback.errors import InputError
    from acuback.records import UnitOfWork
    from acuback.web.security import totp

    with UnitOfWork(url=db) as uow:
        user = _user(uow, username)
        try:
            totp.confirm(uow, user, code)
        except totp.SecondFactorFailed as exc:
            raise InputError("CODE", str(exc)) from None
        _audit(uow, user, "user.totp_confirm")
    emit(
        {"username": user.username, "active": True},
        as_json,
        lambda: f"{user.username}: second factor active; logging in now needs a code",
    )


def register(app: typer.Typer) -> None:
    """Add the `users` command group to the top-level app."""
    app.add_typer(users_app, name="users")
