"""Reminder emails for coming visits, sent once each through SMTP (`acuback reminders send`).

Exactly-once is the database's job: before sending, a sender inserts the reminder's row
(appointment, kind) in its own committed transaction; the pair is unique, so a second sender,
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
from collections.abc import Callable
from dataclasses import dataclass
from email.message import EmailMessage
from urllib.parse import unquote, urlsplit

from acuback.errors import Conflict, InputError
from acuback.records import Appointment, UnitOfWork
from acuback.services.scheduling import clinic_calendar, local_text

__all__ = ["SendReport", "SmtpTarget", "parse_smtp_url", "reminder_text", "send_due_reminders"]

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


@dataclass(frozen=True)
class SendReport:
    due: int
    sent: int
    taken_by_others: int
    failed: int


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


def send_due_reminders(
    open_uow: Callable[[], UnitOfWork],
    target: SmtpTarget,
    sender: str,
    now: dt.datetime | None = None,
) -> SendReport:
    """Send the reminder of every booked visit due within the clinic's reminder window."""
    now = now or dt.datetime.now(dt.UTC)
    worker = f"{socket.gethostname()}:{os.getpid()}"[:100]
    with open_uow() as uow:
        cal = clinic_calendar(uow)
        due = uow.schedule.due_reminders(KIND, now, now + cal.reminder_before)
        names = {p.id: p.name for p in uow.practitioners.all()}
    sent = taken = failed = 0
    for visit, email, given in due:
        reminder_id = _claim(open_uow, visit, worker, email)
        if reminder_id is None:
            taken += 1
            continue
        text = reminder_text(
            given,
            local_text(cal, visit.starts_at, visit.ends_at),
            names.get(visit.practitioner_id, "your practitioner"),
        )
        outcome, at = _send(target, _message(sender, email, text))
        sent, failed = sent + (at is not None), failed + (at is None)
        with open_uow() as uow:
            uow.schedule.finish_reminder(reminder_id, outcome, at)
            uow.audit.record(
                ACTOR,
                "reminder.send",
                "appointment",
                visit.id,
                "success",
                {"patient_id": visit.patient_id, "outcome": outcome},
            )
            uow.commit()
    return SendReport(len(due), sent, taken, failed)


def _claim(
    open_uow: Callable[[], UnitOfWork], visit: Appointment, worker: str, to: str
) -> int | None:
    try:
        with open_uow() as uow:
            reminder_id = uow.schedule.claim_reminder(visit.id or 0, KIND, worker, to)
            uow.commit()
            return reminder_id
    except Conflict:
        return None


def _send(target: SmtpTarget, message: EmailMessage) -> tuple[str, dt.datetime | None]:
    connect = smtplib.SMTP_SSL if target.ssl else smtplib.SMTP
    try:
        with connect(target.host, target.port, timeout=30) as smtp:
            if target.username and target.password:
                smtp.login(target.username, target.password)
            smtp.send_message(message)
    except (OSError, smtplib.SMTPException) as exc:
        return f"failed: {type(exc).__name__}: {exc}", None
    return "sent", dt.datetime.now(dt.UTC)
