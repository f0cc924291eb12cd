"""Reminder emails for coming visits, sent once each through SMTP (`acuback reminders send`).

Exactly-once is the database's job: before sending, a sender inserts the reminder's row
(appointment, kind) in its own committed transaction (the job runner, `acuback.cli.reminders`,
gives each claim its own unit of work); the pair is unique, so a second sender,
run at the same time or later, fails to claim it and moves on. A crash between the claim and
the send leaves the row `claimed` without `sent_at`: that reminder is reported, never resent
(a missed reminder is better than a doubled one). The text names the time, the practitioner
and the clinic only: no clinical content.
"""

from __future__ import annotations

import datetime as dt
import os
import smtplib
import socket
from dataclasses import dataclass
from email.message import EmailMessage
from urllib.parse import unquote, urlsplit

from acuback.errors import InputError
from acuback.records import Appointment, UnitOfWork
from acuback.services.scheduling import clinic_calendar, local_text

__all__ = [
    "DueReminder",
    "SmtpTarget",
    "claim",
    "due_reminders",
    "parse_smtp_url",
    "record_outcome",
    "reminder_text",
    "send",
    "worker_name",
]

KIND = "email"
ACTOR = "reminders"


@dataclass(frozen=True)
class SmtpTarget:
    host: str
    port: int
    ssl: bool
    username: str | None = None
    password: str | None = None


def parse_smtp_url(url: str | None) -> SmtpTarget:
    """smtp://[user:password@]host[:port] (or smtps:// for TLS from the start)."""
    if not url:
        raise InputError("ACUBACK_SMTP_URL", "is not set", "smtp://host:port")
    parts = urlsplit(url)
    if parts.scheme not in ("smtp", "smtps") or not parts.hostname:
        raise InputError(
            "ACUBACK_SMTP_URL",
            f"{parts.scheme or url!r} is not an SMTP URL",
            "smtp://[user:password@]host[:port], smtps://...",
        )
    try:
        port = parts.port or (465 if parts.scheme == "smtps" else 25)
    except ValueError:
        raise InputError("ACUBACK_SMTP_URL", "has a bad port", "1-65535") from None
    user = unquote(parts.username) if parts.username else None
    password = unquote(parts.password) if parts.password else None
    return SmtpTarget(parts.hostname, port, parts.scheme == "smtps", user, password)


def reminder_text(given_name: str, when: str, practitioner: str) -> str:
    return (
        f"Dear {given_name},\n\nThis is a reminder of your appointment on {when} "
        f"(clinic time) with {practitioner}.\n\nIf you cannot come, please cancel or ask for "
        "a new time in the patient portal, or call the clinic.\n"
    )


def _message(sender: str, to: str, text: str) -> EmailMessage:
    message = EmailMessage()
    message["From"], message["To"] = sender, to
    message["Subject"] = "Reminder of your appointment"
    message.set_content(text)
    return message


@dataclass(frozen=True)
class DueReminder:
    """A reminder to send: the visit, the address and the message, ready to go."""

    visit: Appointment
    to: str
    message: EmailMessage


def due_reminders(uow: UnitOfWork, sender: str, now: dt.datetime) -> list[DueReminder]:
    """The reminders of booked visits due within the clinic's reminder window, not yet claimed."""
    cal = clinic_calendar(uow)
    due = uow.schedule.due_reminders(KIND, now, now + cal.reminder_before)
    names = {p.id: p.name for p in uow.practitioners.all()}
    return [
        DueReminder(
            visit,
            email,
            _message(
                sender,
                email,
                reminder_text(
                    given,
                    local_text(cal, visit.starts_at, visit.ends_at),
                    names.get(visit.practitioner_id, "your practitioner"),
                ),
            ),
        )
        for visit, email, given in due
    ]


def worker_name() -> str:
    """Who claims: this host and process."""
    return f"{socket.gethostname()}:{os.getpid()}"[:100]


def claim(uow: UnitOfWork, reminder: DueReminder, worker: str) -> int:
    """Claim the reminder (its row id), or `Conflict` when another sender already has it.

    The claim must be committed before the mail is sent: the job runner gives it its own unit
    of work (`acuback.cli.reminders`, the one documented exception to one transaction per
    command)."""
    return uow.schedule.claim_reminder(reminder.visit.id or 0, KIND, worker, reminder.to)


def record_outcome(
    uow: UnitOfWork, reminder: DueReminder, reminder_id: int, outcome: str, at: dt.datetime | None
) -> None:
    """Store how the sending went (`at`: when it was sent, None when it failed) and audit it."""
    uow.schedule.finish_reminder(reminder_id, outcome, at)
    detail = {"patient_id": reminder.visit.patient_id, "outcome": outcome}
    uow.audit.record(ACTOR, "reminder.send", "appointment", reminder.visit.id, "success", detail)


def send(target: SmtpTarget, message: EmailMessage) -> tuple[str, dt.datetime | None]:
    connect = smtplib.SMTP_SSL if target.ssl else smtplib.SMTP
    try:
        with connect(target.host, target.port, timeout=30) as smtp:
            if target.username and target.password:
                smtp.login(target.username, target.password)
            smtp.send_message(message)
    except (OSError, smtplib.SMTPException) as exc:
        return f"failed: {type(exc).__name__}: {exc}", None
    return "sent", dt.datetime.now(dt.UTC)
