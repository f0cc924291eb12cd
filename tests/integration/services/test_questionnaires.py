"""The portal's questionnaires as one use case: scored once, stored together, and the red flags
promised to a practitioner only when a practitioner's dashboard shows them."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from acuback.errors import InputError
from acuback.records import Appointment
from acuback.services import people
from acuback.services.dashboard import red_flags_reach_a_practitioner
from acuback.services.intakes import submit_intake
from acuback.services.questionnaires import submit_questionnaires

from .conftest import DemoClinic

INTAKE = {
    "age": 45,
    "sex": "female",
    "pain": {"regions": ["lower_back"], "onset_weeks": 20, "nrs": 5},
}


def _new_patient(demo: DemoClinic) -> int:
    mei = demo.actor("mei")
    with demo.uow() as uow:
        data = {"given_name": "Rita", "family_name": "Flag", "sex": "female"}
        patient = people.create_patient(uow, mei, data)
        submit_intake(uow, mei, patient.id or 0, INTAKE, policy=None)
    return patient.id or 0


def test_red_flags_are_told_only_to_a_practitioner_with_the_patient(demo: DemoClinic) -> None:
    mei = demo.actor("mei")
    patient_id = _new_patient(demo)
    with demo.uow() as uow:
        result = submit_questionnaires(
            uow, mei, patient_id, {"nrs": 6}, ["saddle_anaesthesia"], policy=None
        )
    assert result.intake is not None
    assert result.screening is not None
    assert result.screening.disposition == "emergency"
    assert [m.instrument for m in result.stored] == ["nrs"]
    assert not result.told  # no appointment: no practitioner's caseload holds the patient
    start = datetime.now(UTC) + timedelta(days=2)
    with demo.uow() as uow:
        uow.appointments.add(
            Appointment(
                patient_id=patient_id,
                practitioner_id=mei.practitioner_id or 0,
                starts_at=start,
                ends_at=start + timedelta(minutes=45),
            )
        )
    with demo.uow() as uow:
        assert red_flags_reach_a_practitioner(uow, patient_id)


def test_a_mistake_stores_nothing(demo: DemoClinic) -> None:
    mei = demo.actor("mei")
    patient_id = _new_patient(demo)
    with demo.uow() as uow, pytest.raises(InputError) as caught:
        submit_questionnaires(uow, mei, patient_id, {"nrs": 6, "peg": [1, 2, 11]}, [], policy=None)
    assert caught.value.field.startswith("responses")
    with demo.uow() as uow:
        assert uow.outcomes.for_patient(patient_id) == []
