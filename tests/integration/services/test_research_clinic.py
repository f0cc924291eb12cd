"""The clinic's outcome records for the evidence figure: pseudonymised, audited, guarded.

The reference for the numbers is the core's own computation (`evidence.clinic.clinic_summary`)
on the same scores read straight from the records with the real patient ids and dates: the
service's pseudonyms and date shift must not change a single figure.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable

import pytest
from sqlalchemy import text

from acuback.errors import Forbidden, InputError
from acuback.evidence.clinic import OutcomeRecord, clinic_summary
from acuback.records import OutcomeMeasurement
from acuback.services.research import PSEUDO_EPOCH, clinic_outcome_records, clinic_scales

from .conftest import DemoClinic

PSEUDONYM = re.compile(r"p-[0-9a-f]{12}")


def _identified(demo: DemoClinic, instrument: str) -> tuple[OutcomeRecord, ...]:
    """Every stored score of `instrument` with its real patient id and date."""
    with demo.uow() as uow:
        patients = [p.id or 0 for p in uow.patients.all(limit=500)]
        return tuple(
            OutcomeRecord(str(pid), m.measured_on, m.instrument, m.score)
            for pid in patients
            for m in uow.outcomes.for_patient(pid, instrument)
            if m.score is not None
        )


def _records(demo: DemoClinic, username: str, instrument: str) -> tuple[OutcomeRecord, ...]:
    actor = demo.actor(username)
    with demo.uow() as uow:
        return clinic_outcome_records(uow, actor, instrument)


@pytest.mark.parametrize("instrument", ["nrs", "rmdq"])
def test_the_figures_equal_the_core_on_the_identified_scores(
    demo: DemoClinic, instrument: str
) -> None:
    expected = clinic_summary(_identified(demo, instrument), instrument, clinic_scales())
    got = clinic_summary(_records(demo, "mei", instrument), instrument, clinic_scales())
    assert got.n_patients == expected.n_patients >= 3
    assert sorted(got.improvements) == sorted(expected.improvements)
    assert got.mean_improvement == pytest.approx(expected.mean_improvement)
    assert got.ci == pytest.approx(expected.ci)
    assert (got.responders, got.responder_ci) == (expected.responders, expected.responder_ci)


def test_no_identifier_leaves_the_service(demo: DemoClinic) -> None:
    records = _records(demo, "researcher", "nrs")
    assert records
    with demo.engine.connect() as connection:
        rows = connection.execute(
            text("SELECT id, public_id, given_name, family_name, email, phone FROM patients")
        )
        identifiers = {str(value) for row in rows for value in row if value is not None}
        days = {
            row[0]
            for row in connection.execute(text("SELECT measured_on FROM outcome_measurements"))
        }
    assert all(PSEUDONYM.fullmatch(r.patient) for r in records)
    assert {r.patient for r in records}.isdisjoint(identifiers)
    # Dates are shifted per patient: each series starts on the epoch; no real date remains.
    assert {str(r.date) for r in records}.isdisjoint({str(day) for day in days})
    firsts: dict[str, object] = {}
    for record in records:
        firsts.setdefault(record.patient, record.date)
    assert set(firsts.values()) == {PSEUDO_EPOCH}


def test_pseudonyms_are_new_on_every_call_and_patients_with_one_score_are_left_out(
    demo: DemoClinic, fresh_patient: Callable[[], int]
) -> None:
    patient_id = fresh_patient()
    with demo.uow() as uow:
        uow.outcomes.add(
            OutcomeMeasurement(
                patient_id=patient_id,
                instrument="nrs",
                measured_on=demo.today,
                responses=6,
                score=6.0,
            )
        )
        uow.commit()
    first, second = _records(demo, "mei", "nrs"), _records(demo, "admin", "nrs")
    assert {r.patient for r in first}.isdisjoint({r.patient for r in second})
    counts = Counter(record.patient for record in _identified(demo, "nrs"))
    assert counts[str(patient_id)] == 1
    assert len(first) == sum(n for n in counts.values() if n >= 2)
    assert min(Counter(record.patient for record in first).values()) >= 2


def test_a_small_cohort_is_suppressed(demo: DemoClinic) -> None:
    patients = len({r.patient for r in _records(demo, "mei", "rmdq")})
    actor = demo.actor("mei")
    with demo.uow() as uow:
        assert clinic_outcome_records(uow, actor, "rmdq", min_cell=patients + 1) == ()
        assert clinic_outcome_records(uow, actor, "odi") == ()  # no ODI series in the demo


@pytest.mark.parametrize("username", ["ada", "reception"])
def test_patients_and_reception_are_refused_and_the_refusal_is_audited(
    demo: DemoClinic, username: str
) -> None:
    actor = demo.actor(username)
    with demo.uow() as uow, pytest.raises(Forbidden):
        clinic_outcome_records(uow, actor, "nrs")
    with demo.uow() as uow:
        last = uow.audit.entries(actor=username, limit=1)[0]
    assert (last.action, last.outcome) == ("research.aggregate", "denied")


def test_each_read_is_audited_with_the_instrument_and_count(demo: DemoClinic) -> None:
    patients = len({r.patient for r in _records(demo, "daniel", "rmdq")})
    with demo.uow() as uow:
        last = uow.audit.entries(actor="daniel", entity="outcomes", limit=1)[0]
    assert (last.action, last.outcome) == ("research.aggregate", "success")
    assert last.detail["instrument"] == "rmdq"
    assert last.detail["patients"] == patients
    assert last.detail["suppressed"] is False


def test_an_unknown_instrument_names_the_field(demo: DemoClinic) -> None:
    actor = demo.actor("mei")
    with demo.uow() as uow, pytest.raises(InputError) as error:
        clinic_outcome_records(uow, actor, "startback")
    assert error.value.field == "instrument"
