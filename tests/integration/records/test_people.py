"""Users, practitioners and patients: CRUD, lookups, and concurrent edits."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import pytest
from pydantic import ValidationError

from acuback.errors import Conflict, InputError, NotFound
from acuback.records import Patient, Practitioner, UnitOfWork, User

from .conftest import Clinic

UoW = Callable[[], UnitOfWork]


def test_patient_add_get_update(uow: UoW) -> None:
    with uow() as work:
        added = work.patients.add(
            Patient(given_name="Grace", family_name="Hopper", sex="female", phone="0123")
        )
        work.commit()
    assert added.id is not None
    assert added.version == 1
    assert added.public_id is not None
    assert len(added.public_id) == 16
    assert added.created_at is not None
    assert added.created_at.utcoffset() is not None
    with uow() as work:
        updated = work.patients.update(added.model_copy(update={"phone": "0999"}))
        work.commit()
    assert updated.version == 2
    with uow() as work:
        assert work.patients.get(added.id) == updated
        assert work.patients.get_by_public_id(added.public_id) == updated


def _failing_request(uow: UoW) -> None:
    with uow() as work:
        work.patients.add(Patient(given_name="Temp", family_name="Orary", sex="other"))
        raise RuntimeError("the request failed")


def test_uncommitted_work_is_rolled_back(uow: UoW) -> None:
    # A unit of work commits when its block ends normally; a failing request rolls back.
    with pytest.raises(RuntimeError, match="failed"):
        _failing_request(uow)
    with uow() as work:
        assert work.patients.count() == 0


def test_unknown_ids_raise_not_found(uow: UoW) -> None:
    with uow() as work:
        with pytest.raises(NotFound, match="patient '404'"):
            work.patients.get(404)
        with pytest.raises(NotFound):
            work.patients.get_by_public_id("nope")
        with pytest.raises(NotFound, match="user 'ghost'"):
            work.users.get_by_username("ghost")


def test_public_id_cannot_change(uow: UoW, clinic: Clinic) -> None:
    with uow() as work:
        patient = work.patients.get(clinic.patient_id)
        with pytest.raises(InputError, match="public_id"):
            work.patients.update(patient.model_copy(update={"public_id": "other"}))


def test_search_patients(uow: UoW, clinic: Clinic) -> None:
    with uow() as work:
        assert [p.id for p in work.patients.search("ada love")] == [clinic.patient_id]
        assert [p.id for p in work.patients.search("TURING")] == [clinic.other_patient_id]
        assert work.patients.search("100%") == []
        assert [p.family_name for p in work.patients.all()] == ["Lovelace", "Turing"]


def test_practitioner_credentials_round_trip(uow: UoW, clinic: Clinic) -> None:
    with uow() as work:
        practitioner = work.practitioners.get(clinic.practitioner_id)
        assert practitioner.licence_body == "British Acupuncture Council"
        assert practitioner.specialties == ("back pain", "electroacupuncture")
        assert work.practitioners.licences_expiring(date(2027, 4, 1)) == [practitioner]
        assert work.practitioners.licences_expiring(date(2027, 3, 1)) == []


def test_users_unique_and_linked(uow: UoW, clinic: Clinic) -> None:
    with uow() as work:
        user = work.users.get_by_username("mei")
        assert user.role == "practitioner"
        assert user.practitioner_id == clinic.practitioner_id
        with pytest.raises(Conflict, match="already taken"):
            work.users.add(User(username="mei", password_hash="x", role="admin"))
    with uow() as work:
        with pytest.raises(NotFound, match="patient '77'"):
            work.users.add(User(username="pat", password_hash="x", role="patient", patient_id=77))
        patient_user = work.users.add(
            User(username="ada", password_hash="x", role="patient", patient_id=clinic.patient_id)
        )
        work.commit()
    assert patient_user.active
    assert patient_user.role == "patient"


def test_records_validate_their_fields() -> None:
    with pytest.raises(ValidationError, match="role"):
        User(username="x1y", password_hash="x", role="superuser")
    with pytest.raises(ValidationError, match="patient_id"):
        User(username="x1y", password_hash="x", role="patient")
    with pytest.raises(ValidationError, match="years_in_practice"):
        Practitioner(name="A", qualification="B", years_in_practice=-1)


def test_stale_record_update_is_a_conflict(uow: UoW, clinic: Clinic) -> None:
    with uow() as first:
        mine = first.patients.get(clinic.patient_id)
    with uow() as second:
        theirs = second.patients.get(clinic.patient_id)
    with uow() as work:
        work.patients.update(mine.model_copy(update={"phone": "111"}))
        work.commit()
    with uow() as work, pytest.raises(Conflict, match="changed by someone else"):
        work.patients.update(theirs.model_copy(update={"phone": "222"}))
    with uow() as work:
        assert work.patients.get(clinic.patient_id).phone == "111"


@pytest.mark.postgres
@pytest.mark.parametrize("db_url", ["postgresql"], indirect=True)
def test_overlapping_units_of_work_conflict(uow: UoW, clinic: Clinic) -> None:
    """Both transactions hold the row at version 1; the second UPDATE matches no row."""
    with uow() as first, uow() as second:
        a = first.patients.get(clinic.patient_id)
        b = second.patients.get(clinic.patient_id)
        first.patients.update(a.model_copy(update={"email": "a@example.org"}))
        first.commit()
        with pytest.raises(Conflict, match="changed by someone else"):
            second.patients.update(b.model_copy(update={"email": "b@example.org"}))
    with uow() as work:
        assert work.patients.get(clinic.patient_id).email == "a@example.org"
