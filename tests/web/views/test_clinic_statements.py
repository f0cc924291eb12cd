"""The clinic pages run a constant number of SQL statements however many patients they show.

`/clinic` names every patient of today's appointments and alerts; the patient record reads
every part of one patient. Statements are counted with SQLAlchemy's `before_cursor_execute`
event on the app's engine, for a small and a ten times larger case (SQLite and PostgreSQL).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import Engine, event

from acuback.records import Appointment, Patient, UnitOfWork

from .conftest import Browser, page


@contextmanager
def counted(engine: Engine) -> Iterator[list[int]]:
    """[statements, commits] run on `engine` inside the block."""
    counts = [0, 0]

    def statement(*_args: Any) -> None:
        counts[0] += 1

    def commit(*_args: Any) -> None:
        counts[1] += 1

    event.listen(engine, "before_cursor_execute", statement)
    event.listen(engine, "commit", commit)
    try:
        yield counts
    finally:
        event.remove(engine, "before_cursor_execute", statement)
        event.remove(engine, "commit", commit)


def _book_today(engine: Engine, practitioner_id: int, count: int) -> list[int]:
    """`count` new patients, each with an appointment later today with `practitioner_id`."""
    ids = []
    with UnitOfWork(engine) as uow:
        for index in range(count):
            patient = uow.patients.add(
                Patient(given_name="Count", family_name=f"Names{index:03d}", sex="male")
            )
            assert patient.id is not None
            start = datetime.combine(date.today(), time(index % 24), tzinfo=UTC)
            uow.appointments.add(
                Appointment(
                    patient_id=patient.id,
                    practitioner_id=practitioner_id,
                    starts_at=start,
                    ends_at=start + timedelta(minutes=30),
                )
            )
            ids.append(patient.id)
        uow.commit()
    return ids


def _mei_practitioner(engine: Engine) -> int:
    with UnitOfWork(engine) as uow:
        practitioner_id = uow.users.get_by_username("mei").practitioner_id
    assert practitioner_id is not None
    return practitioner_id


def test_the_clinic_page_names_patients_in_constant_statements(
    browser: Browser, web_engine: Engine
) -> None:
    client = browser("mei")
    mei = _mei_practitioner(web_engine)
    costs, named = [], []
    for more in (5, 45):
        _book_today(web_engine, mei, more)
        with counted(web_engine) as counts:
            soup = page(client.get("/clinic"))
        costs.append(counts[0])
        links = soup.select('table.appointments a[href^="/clinic/patients/"]')
        named.append(sum("Names" in a.get_text() for a in links))
    assert named[0] >= 5  # every booked patient is named
    assert named[1] >= named[0] + 45
    assert costs[0] == costs[1]


def test_the_patient_record_is_one_transaction(browser: Browser, web_engine: Engine) -> None:
    client = browser("mei")
    listing = page(client.get("/clinic/patients?q=Fenwick"))
    link = listing.select_one('table.patients a[href^="/clinic/patients/"]')
    assert link is not None
    url = str(link["href"])
    assert re.fullmatch(r"/clinic/patients/\d+", url)
    with counted(web_engine) as counts:
        soup = page(client.get(url))
    assert soup.select("ol.timeline li[data-kind=session]")  # the clinical parts are there
    assert counts[1] == 1
