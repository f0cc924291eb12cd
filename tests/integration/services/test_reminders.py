"""Reminders over real SMTP (a local aiosmtpd server): each due reminder arrives exactly once,
even with three senders at the same time and a rerun; a claim left by a crash is not resent."""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from email import message_from_string
from typing import Any

import pytest
from aiosmtpd.controller import Controller

from acuback.cli.reminders import send_due_reminders
from acuback.records import Appointment
from acuback.services.people import create_patient
from acuback.services.reminders import SmtpTarget

from .conftest import DemoClinic


class Inbox:
    def __init__(self) -> None:
        self.messages: list[tuple[list[str], str]] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802
        self.messages.append((list(envelope.rcpt_tos), envelope.content.decode()))
        return "250 OK"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
def smtp() -> Iterator[tuple[Inbox, SmtpTarget]]:
    inbox, port = Inbox(), _free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    yield inbox, SmtpTarget("127.0.0.1", port, ssl=False)
    controller.stop()


def _visit_soon(demo: DemoClinic, email: str, hours: int) -> int:
    mei = demo.actor("mei")
    with demo.uow() as uow:
        patient = create_patient(
            uow, mei, {"given_name": "Remi", "family_name": "Nder", "sex": "female", "email": email}
        )
        start = datetime.now(UTC).replace(microsecond=0) + timedelta(hours=hours)
        visit = uow.appointments.add(
            Appointment(
                patient_id=patient.id or 0,
                practitioner_id=mei.practitioner_id or 1,
                starts_at=start,
                ends_at=start + timedelta(minutes=45),
            )
        )
        uow.commit()
        return visit.id or 0


def test_each_due_reminder_arrives_exactly_once(
    demo: DemoClinic, smtp: tuple[Inbox, SmtpTarget]
) -> None:
    inbox, target = smtp
    tag = datetime.now(UTC).strftime("%H%M%S%f")
    due = [f"due{i}-{tag}@example.org" for i in range(3)]
    for i, email in enumerate(due):
        _visit_soon(demo, email, hours=2 + i)
    later = f"later-{tag}@example.org"
    _visit_soon(demo, later, hours=24 * 5)  # not due yet
    crashed = f"crashed-{tag}@example.org"
    crashed_visit = _visit_soon(demo, crashed, hours=3)
    with demo.uow() as uow:  # a sender that claimed this one, then died before sending
        uow.schedule.claim_reminder(crashed_visit, "email", "dead-sender", crashed)
        uow.commit()

    senders = [
        threading.Thread(target=send_due_reminders, args=(demo.uow, target, "clinic@example.org"))
        for _ in range(3)
    ]
    for sender in senders:
        sender.start()
    for sender in senders:
        sender.join(timeout=120)
    rerun = send_due_reminders(demo.uow, target, "clinic@example.org")
    assert rerun.sent == 0

    received = [to for tos, _ in inbox.messages for to in tos]
    for email in due:
        assert received.count(email) == 1, email
    assert later not in received
    assert crashed not in received
    assert len(received) == len(set(received))  # nobody, demo patients included, got two
    with demo.uow() as uow:
        rows = {(a, o) for a, _, o, _ in uow.schedule.reminder_rows()}
    assert (crashed_visit, "claimed") in rows


def test_reminder_text_has_the_time_and_no_clinical_content(
    demo: DemoClinic, smtp: tuple[Inbox, SmtpTarget]
) -> None:
    inbox, target = smtp
    email = f"text-{datetime.now(UTC):%H%M%S%f}@example.org"
    visit = _visit_soon(demo, email, hours=4)
    send_due_reminders(demo.uow, target, "clinic@example.org")
    (raw,) = [body for tos, body in inbox.messages if email in tos]
    message = message_from_string(raw)
    text = str(message.get_payload(decode=True), "utf-8")
    with demo.uow() as uow:
        start = uow.appointments.get(visit).starts_at
    assert f"{start:%H:%M}" in text  # the clinic's zone is UTC in the demo
    assert message["Subject"] == "Reminder of your appointment"
    for clinical in ("pain", "needle", "diagnos", "plan", "intake", "screen", "treatment"):
        assert clinical not in text.lower(), clinical


def test_cli_sends_through_the_smtp_url_and_refuses_without_one(
    demo: DemoClinic,
    demo_db_url: str,
    smtp: tuple[Inbox, SmtpTarget],
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    from acuback.cli import main
    from acuback.settings import get_settings

    inbox, target = smtp
    email = f"cli-{datetime.now(UTC):%H%M%S%f}@example.org"
    _visit_soon(demo, email, hours=5)
    monkeypatch.delenv("ACUBACK_SMTP_URL", raising=False)
    get_settings.cache_clear()
    assert main(["reminders", "send", "--db", demo_db_url]) == 2
    assert "ACUBACK_SMTP_URL" in capsys.readouterr().err
    monkeypatch.setenv("ACUBACK_SMTP_URL", f"smtp://{target.host}:{target.port}")
    get_settings.cache_clear()
    try:
        assert main(["reminders", "send", "--db", demo_db_url, "--json"]) == 0
    finally:
        get_settings.cache_clear()
    assert [tos for tos, _ in inbox.messages].count([email]) == 1
