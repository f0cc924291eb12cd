"""Typed payloads: intakes and plans come back as the core's models, rows written before the
payload version (migration 0003) still read, and a payload that does not read is an error."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import pytest
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, select, update

from acuback.clinical.intake import Intake as IntakeForm
from acuback.clinical.intake import parse_intake
from acuback.clinical.plan_model import Plan as PlanResult
from acuback.clinical.planning import plan
from acuback.clinical.screening import ScreeningResult, screen
from acuback.errors import Conflict
from acuback.records import Intake, Plan, UnitOfWork, make_engine, upgrade
from acuback.records.migrate import alembic_config
from acuback.records.payloads import PAYLOAD_VERSION
from acuback.records.tables import IntakeRow, PatientRow, PlanRow

from .conftest import Clinic

UoW = Callable[[], UnitOfWork]

# An intake as the clinic submitted it before 0003: defaults left out, onset a whole number.
AS_GIVEN: dict[str, Any] = {
    "age": 52,
    "sex": "male",
    "pain": {"regions": ["lower_back"], "onset_weeks": 20, "nrs": 5},
}
FORM = parse_intake(AS_GIVEN)
SCREENING = screen(FORM)
PLAN = plan(FORM)


def _old_rows(engine: Engine, patient_id: int) -> tuple[int, int]:
    """An intake and a plan written the way the code before 0003 wrote them (no version)."""
    with engine.begin() as connection:
        intake_id = connection.execute(
            IntakeRow.__table__.insert().values(
                patient_id=patient_id,
                submitted_at=datetime(2026, 1, 5, 9, tzinfo=UTC),
                payload=AS_GIVEN,
                screening=SCREENING.model_dump(mode="json"),
                disposition=SCREENING.disposition,
                version=1,
            )
        ).inserted_primary_key[0]
        plan_id = connection.execute(
            PlanRow.__table__.insert().values(
                patient_id=patient_id,
                intake_id=intake_id,
                payload=PLAN.model_dump(mode="json"),
                status="proposed",
                version=1,
                created_at=datetime(2026, 1, 5, 9, 5, tzinfo=UTC),
            )
        ).inserted_primary_key[0]
    return int(intake_id), int(plan_id)


def test_records_hold_the_core_models_and_write_the_current_version(
    uow: UoW, engine: Engine, clinic: Clinic
) -> None:
    with uow() as work:
        intake = work.intakes.add(
            Intake(patient_id=clinic.patient_id, payload=FORM, screening=SCREENING)
        )
        stored = work.plans.add(
            Plan(patient_id=clinic.patient_id, intake_id=intake.id or 0, payload=PLAN)
        )
        work.commit()
    with uow() as work:
        again = work.intakes.get(intake.id or 0)
        assert isinstance(again.payload, IntakeForm)
        assert isinstance(again.screening, ScreeningResult)
        assert again.payload == FORM
        assert isinstance(work.plans.get(stored.id or 0).payload, PlanResult)
    with engine.connect() as connection:
        row = connection.execute(select(IntakeRow.payload_version, IntakeRow.payload)).one()
        assert row.payload_version == PAYLOAD_VERSION == 2
        assert row.payload["diagnoses"] == []  # the full shape, defaults written out
        assert connection.execute(select(PlanRow.payload_version)).scalar_one() == 2


def test_rows_written_before_the_version_still_read(
    uow: UoW, engine: Engine, clinic: Clinic
) -> None:
    intake_id, plan_id = _old_rows(engine, clinic.patient_id)
    with uow() as work:
        intake = work.intakes.get(intake_id)
        assert intake.payload == FORM
        assert intake.payload.pain.onset_weeks == 20
        assert intake.screening == SCREENING
        old_plan = work.plans.get(plan_id)
        assert old_plan.payload == PLAN
        # Editing an old plan writes it back in the current shape.
        edited = old_plan.payload.model_copy(update={"points": PLAN.points[1:]})
        work.plans.update(old_plan.model_copy(update={"payload": edited}))
        work.commit()
    with engine.connect() as connection:
        assert connection.execute(select(IntakeRow.payload_version)).scalar_one() == 1
        assert connection.execute(select(PlanRow.payload_version)).scalar_one() == PAYLOAD_VERSION


def test_rows_of_the_previous_revision_read_after_migrating(db_url: str) -> None:
    script = ScriptDirectory.from_config(alembic_config())
    before = script.get_revision("0003_payload_version").down_revision
    assert isinstance(before, str)
    upgrade(db_url, before)
    engine = make_engine(db_url)
    try:
        with engine.begin() as connection:
            patient_id = connection.execute(
                PatientRow.__table__.insert().values(
                    public_id="P-OLD",
                    given_name="Old",
                    family_name="Row",
                    sex="male",
                    created_at=datetime(2026, 1, 1, tzinfo=UTC),
                    version=1,
                )
            ).inserted_primary_key[0]
        intake_id, plan_id = _old_rows(engine, int(patient_id))
        upgrade(db_url)
        with UnitOfWork(engine) as work:
            assert work.intakes.get(intake_id).payload == FORM
            assert work.plans.get(plan_id).payload == PLAN
    finally:
        engine.dispose()


def test_a_payload_missing_a_field_is_an_error_not_a_default(
    uow: UoW, engine: Engine, clinic: Clinic
) -> None:
    intake_id, _ = _old_rows(engine, clinic.patient_id)
    no_onset = {**AS_GIVEN, "pain": {"regions": ["lower_back"], "nrs": 5}}
    with engine.begin() as connection:
        connection.execute(update(IntakeRow).values(payload=no_onset))
    with uow() as work, pytest.raises(Conflict, match=r"intake \d+ payload.*pain\.onset_weeks"):
        work.intakes.get(intake_id)


def test_an_unknown_payload_version_is_an_error(uow: UoW, engine: Engine, clinic: Clinic) -> None:
    _, plan_id = _old_rows(engine, clinic.patient_id)
    with engine.begin() as connection:
        connection.execute(update(PlanRow).values(payload_version=9))
    with uow() as work, pytest.raises(Conflict, match="unknown payload version 9"):
        work.plans.get(plan_id)
