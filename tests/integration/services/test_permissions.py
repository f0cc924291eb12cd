"""The permission table, cell by cell: every role x action through a real use case.

EXPECTED is the policy written out by hand (the specification); the test checks both that
the packaged table says exactly this and that the use cases enforce it.
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from datetime import UTC, datetime, time, timedelta
from pathlib import Path
from typing import Any

import pytest

from acuback.errors import Forbidden
from acuback.interop.fhir import Urls
from acuback.interop.research_export import ResearchKeys
from acuback.records import Appointment, TreatmentSession, UnitOfWork
from acuback.services import (
    Actor,
    accounts,
    analytics,
    calendars,
    charting,
    clinic_settings,
    dashboard,
    documents,
    exchange,
    intakes,
    load_permissions,
    outcomes,
    people,
    plans,
    portal_visits,
    research,
    schedule,
)

from ...pdf_support import ensure_weasyprint_libraries
from .conftest import DemoClinic

ALL, OWN = "all", "own"
URLS = Urls("https://clinic.example")
IMPORTED = {
    "resourceType": "Bundle",
    "type": "collection",
    "entry": [
        {
            "resource": {
                "resourceType": "Patient",
                "name": [{"family": "Imported", "given": ["Ina"]}],
                "gender": "female",
            }
        }
    ],
}
EXPECTED: dict[str, dict[str, str]] = {
    "admin": {
        "patient.read": ALL,
        "patient.write": ALL,
        "schedule.read": ALL,
        "schedule.write": ALL,
        "practitioner.read": ALL,
        "practitioner.write": ALL,
        "dashboard.read": ALL,
        "research.aggregate": ALL,
        "research.export": ALL,
        "user.admin": ALL,
        "audit.read": ALL,
        "clinic.admin": ALL,
        "calendar.feed": ALL,
    },
    "practitioner": {
        "patient.read": ALL,
        "patient.write": ALL,
        "clinical.read": ALL,
        "clinical.write": ALL,
        "intake.submit": ALL,
        "session.sign": ALL,
        "outcome.write": ALL,
        "schedule.read": ALL,
        "schedule.write": ALL,
        "practitioner.read": ALL,
        "dashboard.read": ALL,
        "research.aggregate": ALL,
        "fhir.export": ALL,
        "fhir.import": ALL,
        "document.issue": ALL,
        "referral.write": ALL,
        "calendar.feed": ALL,
    },
    "reception": {
        "patient.read": ALL,
        "patient.write": ALL,
        "schedule.read": ALL,
        "schedule.write": ALL,
        "practitioner.read": ALL,
    },
    "patient": {
        "patient.read": OWN,
        "clinical.read": OWN,
        "intake.submit": OWN,
        "outcome.write": OWN,
        "schedule.read": OWN,
        "practitioner.read": ALL,
        "fhir.export": OWN,
        "document.issue": OWN,
        "visit.self_service": OWN,
    },
    "researcher": {"research.aggregate": ALL, "research.export": ALL, "research.analytics": ALL},
}
USERS = {
    "admin": "admin",
    "practitioner": "mei",
    "reception": "reception",
    "patient": "ada",
    "researcher": "researcher",
}
INTAKE = {
    "age": 46,
    "sex": "female",
    "pain": {"regions": ["lower_back"], "onset_weeks": 30, "nrs": 5},
}


def _draft(uow: UnitOfWork, patient_id: int, practitioner_id: int) -> TreatmentSession:
    chart = TreatmentSession(
        patient_id=patient_id,
        practitioner_id=practitioner_id,
        session_date=datetime.now(UTC).date(),
        needles_in=0,
        needles_out=0,
    )
    draft = uow.sessions.add(chart)
    uow.commit()
    return draft


def _signed(uow: UnitOfWork, patient_id: int) -> TreatmentSession:
    """The patient's last signed chart (other cells leave unsigned drafts behind)."""
    return [s for s in uow.sessions.for_patient(patient_id) if s.status == "signed"][-1]


def _own_visit(uow: UnitOfWork, patient_id: int) -> int:
    """A booked visit of `patient_id` a month ahead, stored directly (no slot rules)."""
    start = datetime.now(UTC) + timedelta(days=30)
    visit = Appointment(
        patient_id=patient_id,
        practitioner_id=1,
        starts_at=start,
        ends_at=start + timedelta(minutes=30),
    )
    stored = uow.appointments.add(visit)
    uow.commit()
    return stored.id or 0


def _free_slot(actor: Actor) -> datetime:
    """A Monday a month ahead, in opening hours, at an hour of this user's own (no clash)."""
    day = datetime.now(UTC).date() + timedelta(days=30)
    day += timedelta(days=(7 - day.weekday()) % 7)
    return datetime.combine(day, time(9), tzinfo=UTC) + timedelta(hours=actor.user_id or 0)


def _call(action: str, uow: UnitOfWork, actor: Actor, patient_id: int) -> Any:
    """One representative use case per action, on the records of `patient_id`."""
    start = _free_slot(actor)
    calls: dict[str, Callable[[], Any]] = {
        "patient.read": lambda: people.get_patient(uow, actor, patient_id),
        "patient.write": lambda: people.update_patient(
            uow, actor, patient_id, uow.patients.get(patient_id).version, {"phone": "+44 1"}
        ),
        "clinical.read": lambda: charting.list_sessions(uow, actor, patient_id),
        "clinical.write": lambda: plans.generate_plan(
            uow, actor, uow.intakes.for_patient(patient_id)[0].id or 0, policy=None
        ),
        "intake.submit": lambda: intakes.submit_intake(uow, actor, patient_id, INTAKE, policy=None),
        "session.sign": lambda: charting.sign_session(
            uow, actor, _draft(uow, patient_id, 1).id or 0, 1
        ),
        "outcome.write": lambda: outcomes.record_outcome(uow, actor, patient_id, "nrs", 4),
        "schedule.read": lambda: schedule.list_patient_appointments(uow, actor, patient_id),
        "schedule.write": lambda: schedule.book_appointment(
            uow,
            actor,
            {
                "patient_id": patient_id,
                "practitioner_id": 1,
                "starts_at": start,
                "ends_at": start + timedelta(minutes=30),
            },
        ),
        "practitioner.read": lambda: people.list_practitioners(uow, actor),
        "practitioner.write": lambda: people.create_practitioner(
            uow, actor, {"name": "New Person", "qualification": "MSc"}
        ),
        "dashboard.read": lambda: dashboard.dashboard(uow, actor),
        "research.aggregate": lambda: research.research_aggregates(uow, actor),
        "fhir.export": lambda: exchange.fhir_patient_bundle(uow, actor, patient_id, URLS),
        "fhir.import": lambda: exchange.fhir_import(uow, actor, IMPORTED, URLS, dry_run=True),
        "research.export": lambda: exchange.research_export(
            uow, actor, ResearchKeys(b"k" * 32), Path(tempfile.mkdtemp()), "csv"
        ),
        "research.analytics": lambda: analytics.clinic_analytics(
            uow, actor, ResearchKeys(b"k" * 32)
        ),
        "user.admin": lambda: accounts.list_users(uow, actor),
        "audit.read": lambda: accounts.read_audit(uow, actor, limit=5),
        "referral.write": lambda: documents.issue_referral(
            uow, actor, uow.intakes.for_patient(patient_id)[0].id or 0, "Please see"
        ),
        "clinic.admin": lambda: clinic_settings.get_clinic_settings(uow, actor),
        "document.issue": lambda: documents.issue_superbill(
            uow, actor, _signed(uow, patient_id).id or 0
        ),
        "visit.self_service": lambda: portal_visits.request_new_time(
            uow, actor, _own_visit(uow, patient_id), "Mornings, please"
        ),
        "calendar.feed": lambda: calendars.create_feed(uow, actor, actor.practitioner_id or 1),
    }
    return calls[action]()


@pytest.fixture(scope="module", autouse=True)
def _pdf_libraries() -> None:
    ensure_weasyprint_libraries()  # document.issue prints a superbill


def test_packaged_table_is_the_expected_policy() -> None:
    table = load_permissions()
    for role, expected in EXPECTED.items():
        granted = dict(table.grants[role].items())
        assert granted == expected, role


CELLS = [(role, action) for role in EXPECTED for action in load_permissions().actions]


@pytest.mark.parametrize(("role", "action"), CELLS)
def test_cell(demo: DemoClinic, role: str, action: str) -> None:
    actor = demo.actor(USERS[role])
    own = demo.patient_id("Fenwick")  # the patient user "ada" is this patient
    other = demo.patient_id("Moreau")
    scope = EXPECTED[role].get(action)
    with demo.uow() as uow:
        if scope is None:
            with pytest.raises(Forbidden):
                _call(action, uow, actor, own)
        else:
            _call(action, uow, actor, own)
    if scope == OWN:
        with demo.uow() as uow, pytest.raises(Forbidden):
            _call(action, uow, actor, other)


def test_denied_attempt_is_audited(demo: DemoClinic) -> None:
    researcher = demo.actor("researcher")
    patient_id = demo.patient_id("Moreau")
    with demo.uow() as uow, pytest.raises(Forbidden):
        people.get_patient(uow, researcher, patient_id)
    with demo.uow() as uow:
        entry = uow.audit.entries(actor="researcher", limit=1)[0]
    assert (entry.action, entry.outcome, entry.entity) == ("patient.read", "denied", "patient")
    assert entry.detail["patient_id"] == patient_id


def test_successful_read_is_audited(demo: DemoClinic) -> None:
    mei = demo.actor("mei")
    patient_id = demo.patient_id("Holloway")
    with demo.uow() as uow:
        charting.list_sessions(uow, mei, patient_id)
    with demo.uow() as uow:
        entry = uow.audit.entries(actor="mei", limit=1)[0]
        assert uow.audit.verify().ok
    assert (entry.action, entry.outcome, entry.entity_id) == (
        "session.list",
        "success",
        str(patient_id),
    )
