"""iCalendar feeds: a patient's visits, a practitioner's calendar, and the practitioner's
private feed address (a secret token in the URL, for a phone that cannot log in).

The token is 32 random bytes; only its SHA-256 is stored, so a copy of the database does not
open the feeds; revoking a practitioner's feed makes every earlier address answer 404.
A patient's feed names the practitioner; a practitioner's names the patient and the kind of
visit; neither carries clinical notes.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets

from acuback.errors import NotFound
from acuback.interop.calendar import CalendarEvent, calendar_ics
from acuback.records import Appointment, UnitOfWork
from acuback.services.access import Actor, audit, authorize, refuse
from acuback.services.scheduling import clinic_calendar

__all__ = [
    "create_feed",
    "feed_calendar",
    "patient_calendar",
    "practitioner_calendar",
    "revoke_feed",
]

# A practitioner's feed: from 90 days back to a year ahead.
FEED_PAST, FEED_AHEAD = dt.timedelta(days=90), dt.timedelta(days=366)


def _sequence(visit: Appointment) -> int:
    # The optimistic-lock version starts at 1 and grows with every update.
    return max(visit.version - 1, 0)


def patient_calendar(uow: UnitOfWork, actor: Actor, patient_id: int) -> bytes:
    authorize(uow, actor, "schedule.read", entity="appointment", patient_id=patient_id)
    uow.patients.get(patient_id)
    cal = clinic_calendar(uow)
    names = {p.id: p.name for p in uow.practitioners.all()}
    events = [
        CalendarEvent(
            a.id or 0,
            a.starts_at,
            a.ends_at,
            f"Acupuncture visit with {names.get(a.practitioner_id, 'the clinic')}",
            a.status == "cancelled",
            _sequence(a),
        )
        for a in uow.appointments.for_patient(patient_id)
    ]
    audit(uow, actor, "calendar.read", "patient", patient_id, {"count": len(events)})
    return calendar_ics("Acupuncture visits", cal.zone, events)


def practitioner_calendar(uow: UnitOfWork, actor: Actor, practitioner_id: int) -> bytes:
    # "own" scopes are a patient's records: a patient may not read a practitioner's diary.
    authorize(
        uow, actor, "schedule.read", entity="practitioner_calendar", entity_id=practitioner_id
    )
    return _practitioner_ics(uow, actor.username, practitioner_id)


def _practitioner_ics(uow: UnitOfWork, who: str, practitioner_id: int) -> bytes:
    practitioner = uow.practitioners.get(practitioner_id)
    cal = clinic_calendar(uow)
    now = dt.datetime.now(dt.UTC)
    visits = uow.appointments.between(now - FEED_PAST, now + FEED_AHEAD, practitioner_id)
    names = uow.schedule.patient_names(a.patient_id for a in visits)
    rooms = uow.schedule.rooms()
    events = [
        CalendarEvent(
            a.id or 0,
            a.starts_at,
            a.ends_at,
            f"{names.get(a.patient_id, 'Patient')} ({a.kind})",
            a.status == "cancelled",
            _sequence(a),
            rooms.get(a.room_id) if a.room_id else None,
        )
        for a in visits
    ]
    detail = {"count": len(events), "practitioner_id": practitioner_id}
    uow.audit.record(who, "calendar.read", "practitioner", practitioner_id, "success", detail)
    return calendar_ics(f"acuback: {practitioner.name}", cal.zone, events)


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _may_manage(uow: UnitOfWork, actor: Actor, practitioner_id: int) -> None:
    authorize(uow, actor, "calendar.feed", entity="calendar_feed", entity_id=practitioner_id)
    if actor.role == "practitioner" and actor.practitioner_id != practitioner_id:
        refuse(uow, actor, "calendar.feed", entity="calendar_feed", entity_id=practitioner_id)


def create_feed(uow: UnitOfWork, actor: Actor, practitioner_id: int) -> str:
    """A new private feed token (earlier ones are revoked); shown once, stored hashed."""
    _may_manage(uow, actor, practitioner_id)
    uow.schedule.revoke_feeds(practitioner_id, dt.datetime.now(dt.UTC))
    token = secrets.token_urlsafe(32)
    uow.schedule.add_feed(practitioner_id, _hash(token))
    audit(uow, actor, "calendar.feed.create", "practitioner", practitioner_id)
    return token


def revoke_feed(uow: UnitOfWork, actor: Actor, practitioner_id: int) -> int:
    _may_manage(uow, actor, practitioner_id)
    count = uow.schedule.revoke_feeds(practitioner_id, dt.datetime.now(dt.UTC))
    audit(uow, actor, "calendar.feed.revoke", "practitioner", practitioner_id, {"count": count})
    return count


def feed_calendar(uow: UnitOfWork, token: str) -> bytes:
    """The practitioner's calendar for a valid feed token; anything else is NotFound."""
    owner = uow.schedule.feed_owner(_hash(token)) if 20 <= len(token) <= 100 else None
    if owner is None:
        raise NotFound("calendar feed", "this address")
    return _practitioner_ics(uow, f"feed:{owner}", owner)
