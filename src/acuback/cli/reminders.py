"""The reminders job runner behind `acuback reminders send` (run it from cron).

One unit of work per step: read what is due; for each reminder, claim it, send the mail, record
the outcome. This is the one command that commits more than once, on purpose: each claim is
committed on its own before its mail goes (`_claim_committed`), so that two runners at the same
time never both send it (the claim's unique row is the guard: services/reminders.py).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from acuback.errors import Conflict
from acuback.records import UnitOfWork
from acuback.services import reminders
from acuback.services.reminders import DueReminder, SmtpTarget

__all__ = ["SendReport", "send_due_reminders"]


@dataclass(frozen=True)
class SendReport:
    due: int
    sent: int
    taken_by_others: int
    failed: int


def send_due_reminders(
    open_uow: Callable[[], UnitOfWork],
    target: SmtpTarget,
    sender: str,
    now: dt.datetime | None = None,
) -> SendReport:
    """Send the reminder of every booked visit due within the clinic's reminder window."""
    with open_uow() as uow:
        due = reminders.due_reminders(uow, sender, now or dt.datetime.now(dt.UTC))
    worker = reminders.worker_name()
    sent = taken = failed = 0
    for reminder in due:
        reminder_id = _claim_committed(open_uow, reminder, worker)
        if reminder_id is None:
            taken += 1
            continue
        outcome, at = reminders.send(target, reminder.message)
        sent, failed = sent + (at is not None), failed + (at is None)
        with open_uow() as uow:
            reminders.record_outcome(uow, reminder, reminder_id, outcome, at)
    return SendReport(len(due), sent, taken, failed)


def _claim_committed(
    open_uow: Callable[[], UnitOfWork], reminder: DueReminder, worker: str
) -> int | None:
    """The exception to one transaction per command: the claim commits now, in its own unit
    of work, before the mail is sent; None when another sender holds it already."""
    try:
        with open_uow() as uow:
            return reminders.claim(uow, reminder, worker)
    except Conflict:
        return None
