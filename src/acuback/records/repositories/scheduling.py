"""The clinic calendar's storage: hours, time off, rooms, what is busy, locks.

`lock_booking` is the database's part of conflict-free booking: on PostgreSQL it takes
`SELECT ... FOR UPDATE` on the practitioner's row (and the room's), so two transactions booking
the same practitioner or room run their overlap check one after the other; on SQLite every
transaction already starts with `BEGIN IMMEDIATE` (records/db.py), which serialises writers.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from acuback.clinical.scheduling import Busy, WeeklyHours
from acuback.errors import NotFound
from acuback.records.models import Appointment
from acuback.records.repositories.base import translate_errors
from acuback.records.tables import (
    AppointmentRow,
    CalendarFeedRow,
    HoursRow,
    PatientRow,
    PractitionerRow,
    ReminderRow,
    RoomRow,
    TimeOffRow,
)

__all__ = ["ScheduleRepository"]


class ScheduleRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def hours(self, practitioner_id: int | None) -> dict[int, list[tuple[dt.time, dt.time]]]:
        """Weekly hours: the clinic's (None) or one practitioner's; {} when none are stored."""
        statement = select(HoursRow).where(HoursRow.practitioner_id.is_(None))
        if practitioner_id is not None:
            statement = select(HoursRow).where(HoursRow.practitioner_id == practitioner_id)
        found: dict[int, list[tuple[dt.time, dt.time]]] = {}
        for row in self.session.scalars(statement.order_by(HoursRow.weekday, HoursRow.opens)):
            found.setdefault(row.weekday, []).append((row.opens, row.closes))
        return found

    def set_hours(self, practitioner_id: int | None, hours: WeeklyHours) -> None:
        if practitioner_id is not None:
            self._require(PractitionerRow, "practitioner", practitioner_id)
        old = delete(HoursRow).where(
            HoursRow.practitioner_id.is_(None)
            if practitioner_id is None
            else HoursRow.practitioner_id == practitioner_id
        )
        self.session.execute(old)
        for weekday, intervals in hours.items():
            for opens, closes in intervals:
                self.session.add(
                    HoursRow(
                        practitioner_id=practitioner_id, weekday=weekday, opens=opens, closes=closes
                    )
                )
        self.session.flush()

    def add_time_off(
        self, practitioner_id: int, starts_at: dt.datetime, ends_at: dt.datetime, reason: str
    ) -> int:
        self._require(PractitionerRow, "practitioner", practitioner_id)
        row = TimeOffRow(
            practitioner_id=practitioner_id, starts_at=starts_at, ends_at=ends_at, reason=reason
        )
        self.session.add(row)
        self.session.flush()
        return row.id

    def time_off(self, practitioner_id: int, start: dt.datetime, end: dt.datetime) -> list[Busy]:
        statement = select(TimeOffRow).where(
            TimeOffRow.practitioner_id == practitioner_id,
            TimeOffRow.starts_at < end,
            TimeOffRow.ends_at > start,
        )
        return [
            Busy(row.starts_at, row.ends_at, f"time off ({row.reason})")
            for row in self.session.scalars(statement)
        ]

    # -- rooms ------------------------------------------------------------------------------

    def add_room(self, name: str) -> int:
        row = RoomRow(name=name, active=True)
        self.session.add(row)
        self.session.flush()
        return row.id

    def rooms(self) -> dict[int, str]:
        statement = select(RoomRow).where(RoomRow.active.is_(True)).order_by(RoomRow.name)
        return {row.id: row.name for row in self.session.scalars(statement)}

    # -- reminders --------------------------------------------------------------------------

    def due_reminders(
        self, kind: str, start: dt.datetime, end: dt.datetime
    ) -> list[tuple[Appointment, str, str]]:
        """(appointment, patient email, patient given name) of booked visits starting in
        [start, end) whose patient has an email and that have no `kind` reminder row yet."""
        claimed = select(ReminderRow.id).where(
            ReminderRow.appointment_id == AppointmentRow.id, ReminderRow.kind == kind
        )
        statement = (
            select(AppointmentRow, PatientRow.email, PatientRow.given_name)
            .join(PatientRow, PatientRow.id == AppointmentRow.patient_id)
            .where(
                AppointmentRow.status == "booked",
                AppointmentRow.starts_at >= start,
                AppointmentRow.starts_at < end,
                PatientRow.email.is_not(None),
                ~claimed.exists(),
            )
            .order_by(AppointmentRow.starts_at, AppointmentRow.id)
        )
        return [
            (Appointment.model_validate(row, from_attributes=True), str(email), given)
            for row, email, given in self.session.execute(statement)
        ]

    def claim_reminder(self, appointment_id: int, kind: str, worker: str, to: str) -> int:
        """Insert the claim row; a second claim of the pair fails its unique constraint
        (IntegrityError at flush), which the caller reads as "someone else has it"."""
        row = ReminderRow(
            appointment_id=appointment_id,
            kind=kind,
            claimed_by=worker,
            to_address=to,
            outcome="claimed",
        )
        self.session.add(row)
        with translate_errors("reminder"):
            self.session.flush()
        return row.id

    def finish_reminder(self, reminder_id: int, outcome: str, sent_at: dt.datetime | None) -> None:
        row = self.session.get(ReminderRow, reminder_id)
        if row is None:
            raise NotFound("reminder", str(reminder_id))
        row.outcome, row.sent_at = outcome[:200], sent_at
        self.session.flush()

    def reminder_rows(self) -> list[tuple[int, str, str, dt.datetime | None]]:
        """(appointment id, kind, outcome, sent_at) of every reminder, by id."""
        statement = select(
            ReminderRow.appointment_id, ReminderRow.kind, ReminderRow.outcome, ReminderRow.sent_at
        ).order_by(ReminderRow.id)
        return [tuple(row) for row in self.session.execute(statement)]  # type: ignore[misc]

    # -- private calendar feeds ------------------------------------------------------------

    def add_feed(self, practitioner_id: int, token_hash: str) -> None:
        self._require(PractitionerRow, "practitioner", practitioner_id)
        self.session.add(CalendarFeedRow(practitioner_id=practitioner_id, token_hash=token_hash))
        self.session.flush()

    def revoke_feeds(self, practitioner_id: int, at: dt.datetime) -> int:
        statement = select(CalendarFeedRow).where(
            CalendarFeedRow.practitioner_id == practitioner_id,
            CalendarFeedRow.revoked_at.is_(None),
        )
        rows = list(self.session.scalars(statement))
        for row in rows:
            row.revoked_at = at
        self.session.flush()
        return len(rows)

    def feed_owner(self, token_hash: str) -> int | None:
        """The practitioner of a feed that is not revoked, else None."""
        statement = select(CalendarFeedRow.practitioner_id).where(
            CalendarFeedRow.token_hash == token_hash, CalendarFeedRow.revoked_at.is_(None)
        )
        return self.session.scalar(statement)

    # -- what is busy -----------------------------------------------------------------------

    def lock_booking(self, practitioner_id: int, room_id: int | None) -> None:
        """Serialise bookings of this practitioner and room (see the module docstring)."""
        self._lock(PractitionerRow, "practitioner", practitioner_id)
        if room_id is not None:
            self._lock(RoomRow, "room", room_id)

    def overlapping(
        self,
        start: dt.datetime,
        end: dt.datetime,
        practitioner_id: int,
        room_id: int | None,
        exclude_id: int | None = None,
    ) -> list[Appointment]:
        """Appointments that are not cancelled and overlap [start, end) with this practitioner
        or in this room. A visit starts at most MAX_APPOINTMENT_MINUTES before `start`."""
        who = AppointmentRow.practitioner_id == practitioner_id
        if room_id is not None:
            who = who | (AppointmentRow.room_id == room_id)
        statement = select(AppointmentRow).where(
            who,
            AppointmentRow.status != "cancelled",
            AppointmentRow.starts_at < end,
            AppointmentRow.ends_at > start,
            AppointmentRow.starts_at > start - dt.timedelta(days=1),
        )
        if exclude_id is not None:
            statement = statement.where(AppointmentRow.id != exclude_id)
        return [
            Appointment.model_validate(row, from_attributes=True)
            for row in self.session.scalars(statement.order_by(AppointmentRow.starts_at))
        ]

    def patient_names(self, patient_ids: Iterable[int]) -> dict[int, str]:
        ids = sorted(set(patient_ids))
        if not ids:
            return {}
        statement = select(PatientRow.id, PatientRow.given_name, PatientRow.family_name).where(
            PatientRow.id.in_(ids)
        )
        return {pid: f"{given} {family}" for pid, given, family in self.session.execute(statement)}

    def _lock(self, row_type: type[PractitionerRow] | type[RoomRow], kind: str, key: int) -> None:
        statement = select(row_type.id).where(row_type.id == key)
        if self.session.get_bind().dialect.name == "postgresql":
            statement = statement.with_for_update()
        if self.session.scalar(statement) is None:
            raise NotFound(kind, str(key))

    def _require(self, row_type: type[PractitionerRow], kind: str, key: int) -> None:
        if self.session.get(row_type, key) is None:
            raise NotFound(kind, str(key))
