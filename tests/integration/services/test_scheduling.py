"""Conflict-free booking on both databases: clashes, hours, time off, rooms, daylight saving,
and 20 simultaneous bookings of one slot of which exactly one succeeds."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from acuback.errors import Conflict, InputError
from acuback.records import Practitioner
from acuback.services import clinic_settings, scheduling
from acuback.services.schedule import book_appointment, update_appointment

from .conftest import DemoClinic

LONDON = ZoneInfo("Europe/London")


def _monday_ahead(weeks: int = 3) -> date:
    day = datetime.now(UTC).date() + timedelta(weeks=weeks)
    return day + timedelta(days=(7 - day.weekday()) % 7)


def _at(day: date, hour: int, minute: int = 0, zone: ZoneInfo | None = None) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=zone or UTC)


@pytest.fixture
def practitioner(demo: DemoClinic) -> int:
    with demo.uow() as uow:
        made = uow.practitioners.add(Practitioner(name="Booking Test", qualification="BSc"))
        uow.commit()
        return made.id or 0


@pytest.fixture
def book(
    demo: DemoClinic, fresh_patient: Callable[[], int], practitioner: int
) -> Callable[..., int]:
    patient = fresh_patient()
    desk = demo.actor("reception")

    def make(start: datetime, minutes: int = 45, **extra: object) -> int:
        data = {
            "patient_id": patient,
            "practitioner_id": practitioner,
            "starts_at": start,
            "ends_at": start + timedelta(minutes=minutes),
            **extra,
        }
        with demo.uow() as uow:
            return book_appointment(uow, desk, data).id or 0

    return make


@pytest.fixture
def london(demo: DemoClinic) -> Iterator[None]:
    admin = demo.actor("admin")
    with demo.uow() as uow:
        clinic_settings.set_clinic_setting(uow, admin, "timezone", "Europe/London")
    yield
    with demo.uow() as uow:
        clinic_settings.set_clinic_setting(uow, admin, "timezone", None)


def test_overlap_is_refused_with_a_sentence_naming_the_clash(book: Callable[..., int]) -> None:
    monday = _monday_ahead()
    first = book(_at(monday, 10))
    with pytest.raises(Conflict, match=rf"practitioner already has appointment {first}"):
        book(_at(monday, 10, 30))
    book(_at(monday, 10, 45))  # touching the end is no overlap


def test_cancelled_frees_the_slot(demo: DemoClinic, book: Callable[..., int]) -> None:
    start = _at(_monday_ahead(), 11)
    first, desk = book(start), demo.actor("reception")
    with demo.uow() as uow:
        version = uow.appointments.get(first).version
        update_appointment(
            uow, desk, first, version, {"status": "cancelled", "cancel_reason": "patient is ill"}
        )
    again = book(start)
    assert again != first


def test_out_of_hours_closed_days_and_nonsense_are_refused(book: Callable[..., int]) -> None:
    monday = _monday_ahead()
    with pytest.raises(Conflict, match="clinic is closed"):
        book(_at(monday, 6))
    with pytest.raises(Conflict, match="clinic is closed"):
        book(_at(monday + timedelta(days=6), 10))  # Sunday
    with pytest.raises(Conflict, match="in the past"):
        book(_at(datetime.now(UTC).date() - timedelta(days=7), 10))
    with pytest.raises(Conflict, match="longest visit"):
        book(_at(monday, 9), minutes=300)
    # The records' own bounds (issue 14: instants 2000 to 2100) refuse it before the slot rules.
    with pytest.raises(InputError, match=r"starts_at.*outside 2000-01-01 to 2100-12-31"):
        book(_at(date(1899, 12, 31), 10))


def test_working_hours_time_off_and_rooms(
    demo: DemoClinic, book: Callable[..., int], practitioner: int
) -> None:
    admin, monday = demo.actor("admin"), _monday_ahead(5)
    with demo.uow() as uow:
        scheduling.set_working_hours(uow, admin, practitioner, {"mon": ["13:00-17:00"]})
        uow.schedule.add_time_off(practitioner, _at(monday, 15), _at(monday, 17), "training")
        room = uow.schedule.add_room(f"Room {practitioner}")
        uow.commit()
    with pytest.raises(Conflict, match="outside the practitioner's working hours"):
        book(_at(monday, 10))
    with pytest.raises(Conflict, match=r"away: time off \(training\)"):
        book(_at(monday, 15, 30))
    book(_at(monday, 13), room_id=room)
    mei = demo.actor("mei")
    other = {
        "patient_id": demo.patient_id("Moreau"),
        "practitioner_id": mei.practitioner_id,
        "starts_at": _at(monday, 13, 15),
        "ends_at": _at(monday, 14),
        "room_id": room,
    }
    with demo.uow() as uow, pytest.raises(Conflict, match="room is taken"):
        book_appointment(uow, mei, other)


def _next_change(zone: ZoneInfo) -> date:
    """The first day from next week on whose local offset differs from the day before."""
    day = datetime.now(UTC).date() + timedelta(days=7)
    while (
        _at(day, 12, zone=zone).utcoffset()
        == _at(day - timedelta(days=1), 12, zone=zone).utcoffset()
    ):
        day += timedelta(days=1)
    return day


def test_a_weekly_time_stays_local_across_a_daylight_saving_change(
    demo: DemoClinic, book: Callable[..., int], london: None
) -> None:
    change = _next_change(LONDON)  # a Sunday in London
    before, after = change - timedelta(days=2), change + timedelta(days=1)  # Fri, Mon
    ids = [book(_at(before, 10, zone=LONDON)), book(_at(after, 10, zone=LONDON))]
    with demo.uow() as uow:
        stored = [uow.appointments.get(i).starts_at for i in ids]
    assert [s.astimezone(LONDON).time() for s in stored] == [time(10), time(10)]
    offsets = {s.astimezone(LONDON).utcoffset() for s in stored}
    assert len(offsets) == 2  # the same local 10:00 is two different UTC hours
    # 07:30 local is closed on either side of the change, whatever the UTC hour.
    with pytest.raises(Conflict, match="clinic is closed"):
        book(_at(after, 7, 30, zone=LONDON))


def test_twenty_simultaneous_bookings_of_one_slot_give_one(
    demo: DemoClinic, fresh_patient: Callable[[], int], practitioner: int
) -> None:
    start, desk = _at(_monday_ahead(7), 9), demo.actor("reception")
    patients = [fresh_patient() for _ in range(20)]
    barrier = threading.Barrier(20)
    outcomes: list[str] = []

    def attempt(patient: int) -> None:
        data = {
            "patient_id": patient,
            "practitioner_id": practitioner,
            "starts_at": start,
            "ends_at": start + timedelta(minutes=45),
        }
        barrier.wait()
        try:
            with demo.uow() as uow:
                book_appointment(uow, desk, data)
            outcomes.append("booked")
        except Conflict as exc:
            outcomes.append("clash" if "already has appointment" in str(exc) else str(exc))

    threads = [threading.Thread(target=attempt, args=(p,)) for p in patients]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sorted(outcomes) == ["booked"] + ["clash"] * 19
    with demo.uow() as uow:
        booked = uow.appointments.between(start, start + timedelta(minutes=1), practitioner)
    assert len(booked) == 1
