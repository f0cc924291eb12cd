"""A small seeded clinic for the records tests: a practitioner, a patient and their users."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

import pytest

from acuback.records import Patient, Practitioner, UnitOfWork, User


@dataclass(frozen=True)
class Clinic:
    practitioner_id: int
    patient_id: int
    other_patient_id: int
    practitioner_user_id: int


@pytest.fixture
def clinic(uow: Callable[[], UnitOfWork]) -> Clinic:
    with uow() as work:
        practitioner = work.practitioners.add(
            Practitioner(
                name="Mei Lin",
                qualification="MSc Acupuncture",
                licence_number="BAcC-1234",
                licence_body="British Acupuncture Council",
                licence_expiry=date(2027, 3, 31),
                years_in_practice=12,
                specialties=("back pain", "electroacupuncture"),
            )
        )
        patient = work.patients.add(
            Patient(
                given_name="Ada",
                family_name="Lovelace",
                sex="female",
                birth_date=date(1980, 12, 10),
            )
        )
        other = work.patients.add(Patient(given_name="Alan", family_name="Turing", sex="male"))
        user = work.users.add(
            User(
                username="mei",
                password_hash="$argon2id$stub",
                role="practitioner",
                practitioner_id=practitioner.id,
            )
        )
        work.commit()
    assert practitioner.id
    assert patient.id
    assert other.id
    assert user.id
    return Clinic(practitioner.id, patient.id, other.id, user.id)
