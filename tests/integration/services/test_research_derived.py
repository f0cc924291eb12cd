"""The research aggregates read the derived rows of migration 0010 (`intakes.condition`,
`intakes.newest`, `outcome_series`); they must equal the same figures computed from scratch
from the records themselves (every patient's intakes and measurements in the order
`for_patient` gives them), on a clinic with ties, unscored and single measurements, patients
without an intake, and after intakes and measurements are added, changed and deleted.

The reference computes each group's figures with the service's own `_figures` (the formula is
not what is tested here, the rows it is fed are), from the per-patient series grouped the way
the database groups them, so that the comparison is exact, float for float.
"""

from __future__ import annotations

import json
import random
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import asdict
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import select

from acuback.clinical.instruments import load_instruments
from acuback.clinical.intake import parse_intake
from acuback.clinical.outcomes import classify_response
from acuback.clinical.screening import screen
from acuback.interop.disclosure import suppress_counts
from acuback.knowledge import load_knowledge
from acuback.records import Intake, OutcomeMeasurement, Patient, Practitioner, UnitOfWork, User
from acuback.records.tables import IntakeRow, OutcomeRow, OutcomeSeriesRow
from acuback.services import Actor
from acuback.services.research import ResearchAggregates, _figures, research_aggregates

START = datetime(2026, 1, 5, 9, tzinfo=UTC)
Work = Callable[[], UnitOfWork]


def _intake(uow: UnitOfWork, patient_id: int, at: datetime, diagnoses: list[str]) -> int:
    kb = load_knowledge()
    data = {
        "age": 50,
        "sex": "female",
        "pain": {"regions": ["lower_back"], "onset_weeks": 10, "nrs": 6},
        "diagnoses": diagnoses,
    }
    form = parse_intake(data, conditions=kb.conditions)
    screening = screen(form, kb)
    record = Intake(patient_id=patient_id, submitted_at=at, payload=form, screening=screening)
    stored = uow.intakes.add(record)
    assert stored.id is not None
    return stored.id


def _outcome(
    uow: UnitOfWork, patient_id: int, instrument: str, day: date, score: float | None
) -> int:
    record = OutcomeMeasurement(
        patient_id=patient_id,
        instrument=instrument,
        measured_on=day,
        responses=[] if score is None else score,
        score=score,
    )
    stored = uow.outcomes.add(record)
    assert stored.id is not None
    return stored.id


def _clinic(work: Work, patients: int = 24, seed: int = 7) -> tuple[Actor, list[int]]:
    """A researcher and `patients` patients with random intakes and NRS/RMDQ series."""
    rng = random.Random(seed)
    codes = sorted(load_knowledge().conditions)
    with work() as uow:
        uow.practitioners.add(Practitioner(name="P", qualification="Q"))
        researcher = uow.users.add(User(username="lab", password_hash="stub", role="researcher"))
        ids: list[int] = []
        for index in range(patients):
            patient = uow.patients.add(Patient(given_name="R", family_name=f"S{index}", sex="male"))
            assert patient.id is not None
            ids.append(patient.id)
            at = START + timedelta(days=rng.randrange(30))
            for _ in range(rng.choice((0, 1, 1, 2, 3))):  # some share a time: the id decides
                _intake(uow, patient.id, at, rng.sample(codes[:4], rng.choice((0, 1, 1, 2))))
                at += timedelta(days=rng.choice((0, 0, 3)))
            for instrument, top in (("nrs", 10), ("rmdq", 24)):
                day = date(2026, 1, 5)
                for _ in range(rng.choice((0, 1, 2, 2, 3, 4))):
                    score = None if rng.random() < 0.15 else float(rng.randint(0, top))
                    _outcome(uow, patient.id, instrument, day, score)
                    day += timedelta(days=rng.choice((0, 7)))  # same day: the id decides
        uow.commit()
    return Actor.of(researcher), ids


def _from_scratch(uow: UnitOfWork, min_cell: int) -> tuple[object, ...]:
    """The figures `research_aggregates` publishes, from every patient's own records."""
    dispositions: Counter[str] = Counter()
    conditions: Counter[str] = Counter()
    pairs: dict[tuple[str, str], Counter[tuple[float, float]]] = defaultdict(Counter)
    responders = sorted(s.id for s in load_instruments().instruments if s.responder is not None)
    for patient in uow.patients.all(limit=1000):
        assert patient.id is not None
        intakes = uow.intakes.for_patient(patient.id)
        condition = "unspecified"
        if intakes:
            newest = intakes[-1]
            condition = ",".join(sorted(newest.payload.diagnoses)) or "unspecified"
            dispositions[newest.disposition] += 1
        conditions[condition] += 1
        for instrument in responders:
            scores = [m.score for m in uow.outcomes.for_patient(patient.id, instrument)]
            kept = [s for s in scores if s is not None]
            if len(kept) >= 2:
                pairs[(instrument, condition)][(kept[0], kept[-1])] += 1
    figures = []
    for key, counted in sorted(pairs.items()):
        values = []
        for (first, last), n in sorted(counted.items()):
            result = classify_response(key[0], first, last)
            values.append((result.improvement, result.responder, n))
        figures.append(_figures(key, values, min_cell))
    shown = (suppress_counts(dispositions, min_cell), suppress_counts(conditions, min_cell))
    return (*shown, tuple(figures))


def _published(result: ResearchAggregates) -> tuple[object, ...]:
    return (result.by_disposition, result.by_condition, result.outcomes)


def _check(work: Work, actor: Actor) -> None:
    """The service's figures equal the reference, at two small-cell thresholds, as JSON too."""
    for min_cell in (1, 3):
        with work() as uow:
            got = research_aggregates(uow, actor, min_cell)
            expected = _from_scratch(uow, min_cell)
        assert _published(got) == expected
        assert got.outcomes, "the clinic must have outcome groups to compare"
        as_json = json.dumps(_published_json(got), sort_keys=True)
        assert as_json == json.dumps(_published_json_of(expected), sort_keys=True)


def _published_json(result: ResearchAggregates) -> list[object]:
    return [result.by_disposition, result.by_condition, [asdict(f) for f in result.outcomes]]


def _published_json_of(expected: tuple[object, ...]) -> list[object]:
    dispositions, conditions, figures = expected
    assert isinstance(figures, tuple)
    return [dispositions, conditions, [asdict(f) for f in figures]]


def test_the_aggregates_equal_a_computation_from_scratch(uow: Work) -> None:
    actor, _ = _clinic(uow)
    _check(uow, actor)


def test_the_aggregates_stay_true_as_intakes_and_measurements_change(uow: Work) -> None:
    actor, ids = _clinic(uow)
    codes = sorted(load_knowledge().conditions)
    with uow() as work:
        # A newer intake with another diagnosis moves the patient's series to its condition;
        # one at the same time as the newest wins by its id.
        _intake(work, ids[0], START + timedelta(days=90), [codes[5]])
        newest = work.intakes.for_patient(ids[1])
        at = newest[-1].submitted_at if newest else START
        assert at is not None
        _intake(work, ids[1], at, [codes[6], codes[4]])
        # A changed score, a measurement moved to another date and one to another instrument.
        # (An NRS score, 0 to 10, is an RMDQ score too: the instrument may change.)
        for patient, change in ((ids[2], "score"), (ids[3], "date"), (ids[4], "instrument")):
            _outcome(work, patient, "nrs", date(2026, 1, 1), 8.0)
            first = work.outcomes.for_patient(patient, "nrs")[0]
            update: dict[str, object] = {
                "score": {"score": 1.0, "responses": 1.0},
                "date": {"measured_on": date(2026, 6, 1)},
                "instrument": {"instrument": "rmdq"},
            }[change]
            work.outcomes.update(first.model_copy(update=update))
        # The practitioner of an intake changes (all an intake may change).
        intake = next(i for p in ids for i in work.intakes.for_patient(p))
        practitioner = work.practitioners.all()[0].id
        work.intakes.update(intake.model_copy(update={"practitioner_id": practitioner}))
        work.commit()
    _check(uow, actor)
    with uow() as work:
        # No path deletes rows yet; one that does calls the same recomputations after it.
        _delete_newest_intake(work, ids[5:8])
        _delete_first_outcome(work, ids[8:11])
        work.commit()
    _check(uow, actor)


def _delete_newest_intake(work: UnitOfWork, patients: list[int]) -> None:
    for patient in patients:
        intakes = work.intakes.for_patient(patient)
        if intakes:
            work.session.delete(work.session.get(IntakeRow, intakes[-1].id))
    work.intakes.mark_newest(patients)


def _delete_first_outcome(work: UnitOfWork, patients: list[int]) -> None:
    for patient in patients:
        series = work.outcomes.for_patient(patient)
        if series:
            work.session.delete(work.session.get(OutcomeRow, series[0].id))
    work.outcomes.refresh_series(patients)


def test_the_derived_rows_are_what_a_rebuild_writes(uow: Work) -> None:
    """After the writes, the derived rows equal a rebuild of every patient from scratch."""
    _, ids = _clinic(uow, patients=12, seed=3)
    with uow() as work:
        before = _derived(work)
        assert sum(1 for _, _, newest in before[0] if newest) == len(
            {p for p, _, _ in before[0]}
        ), "exactly one newest intake per patient with an intake"
        work.session.execute(IntakeRow.__table__.update().values(newest=False))
        work.session.execute(OutcomeSeriesRow.__table__.delete())
        work.intakes.mark_newest(ids)
        assert _derived(work) == before
        work.rollback()


def _derived(work: UnitOfWork) -> tuple[list[tuple[object, ...]], list[tuple[object, ...]]]:
    intakes = work.session.execute(
        select(IntakeRow.patient_id, IntakeRow.condition, IntakeRow.newest).order_by(IntakeRow.id)
    )
    series = work.session.execute(
        select(OutcomeSeriesRow).order_by(OutcomeSeriesRow.patient_id, OutcomeSeriesRow.instrument)
    )
    rows = [
        (s.patient_id, s.instrument, s.first_score, s.last_score, s.scores, s.condition)
        for (s,) in series
    ]
    return [tuple(row) for row in intakes], rows


@pytest.mark.parametrize("seed", [11, 12])
def test_other_clinics_too(uow: Work, seed: int) -> None:
    actor, _ = _clinic(uow, patients=30, seed=seed)
    _check(uow, actor)
