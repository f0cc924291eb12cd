"""`acuback documents KIND ID --out FILE`: print a document from the clinic database.

KIND is referral (ID: an intake), handout, course-report or consent (ID: a plan) or superbill
(ID: a signed session). The document is issued exactly as from the web (stored with its
SHA-256, audited). The CLI acts as `--as USERNAME` when given (that user's permissions apply),
else as the local operator "cli" with a practitioner's permissions: whoever can open the
database can read every record anyway, and the audit log names the CLI.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import typer

from acuback.cli.output import JsonOption, emit
from acuback.cli.records import DbOption

if TYPE_CHECKING:
    from acuback.records import UnitOfWork
    from acuback.records.documents import IssuedDocument
    from acuback.services.access import Actor

__all__ = ["KINDS", "register"]

KINDS = ("referral", "handout", "superbill", "course-report", "consent")


def _actor(uow: UnitOfWork, username: str | None) -> Actor:
    from acuback.errors import InputError, NotFound
    from acuback.services.access import Actor

    if username is None:
        return Actor(user_id=None, username="cli", role="practitioner")
    try:
        user = uow.users.get_by_username(username)
    except NotFound:
        raise InputError("--as", f"no user {username!r}") from None
    if not user.active:
        raise InputError("--as", f"user {username!r} is not active")
    return Actor.of(user)


def _issue(uow: UnitOfWork, actor: Actor, kind: str, record_id: int) -> IssuedDocument:
    from acuback.services import documents, documents_care
    from acuback.web.views.document_figures import PAGE_FIGURES

    if kind == "referral":
        return documents.issue_referral(uow, actor, record_id)
    if kind == "superbill":
        return documents.issue_superbill(uow, actor, record_id)
    if kind == "handout":
        return documents_care.issue_handout(uow, actor, record_id, PAGE_FIGURES)
    if kind == "course-report":
        return documents_care.issue_course_report(uow, actor, record_id, PAGE_FIGURES)
    return documents_care.issue_consent(uow, actor, record_id)


def documents_command(
    kind: str = typer.Argument(..., metavar="KIND", help="|".join(KINDS)),
    record_id: int = typer.Argument(
        ...,
        metavar="ID",
        help="intake (referral), plan (handout, course-report, consent) or session (superbill) id",
    ),
    out: Path = typer.Option(..., "--out", metavar="FILE", help="Where to write the PDF."),
    db: str | None = DbOption,
    username: str | None = typer.Option(None, "--as", metavar="USERNAME", help="Act as this user."),
    as_json: bool = JsonOption,
) -> None:
    """Print a document (PDF) from the clinic database; it is stored and audited."""
    from acuback.errors import Conflict, Forbidden, InputError
    from acuback.records import UnitOfWork

    if kind not in KINDS:
        raise InputError("KIND", f"unknown document {kind!r}", KINDS)
    if record_id < 1:
        raise InputError("ID", "must be a positive whole number")
    try:
        with UnitOfWork(url=db) as uow:
            document = _issue(uow, _actor(uow, username), kind, record_id)
    except (Conflict, Forbidden) as exc:  # unsigned session, plan not accepted, not allowed
        raise InputError("ID", str(exc)) from None
    try:
        out.write_bytes(document.content)
    except OSError as exc:
        raise InputError("--out", f"cannot write {str(out)!r}: {exc.strerror}") from None
    data = {
        "document_id": document.id,
        "kind": document.kind,
        "file": str(out),
        "bytes": len(document.content),
        "sha256": document.sha256,
    }
    emit(
        data,
        as_json,
        lambda: (
            f"{out}: {kind} {record_id}, {len(document.content)} bytes, "
            f"document {document.id}, SHA-256 {document.sha256}"
        ),
    )


def register(app: typer.Typer) -> None:
    app.command("documents")(documents_command)
