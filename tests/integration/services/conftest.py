"""A demo clinic per database kind, shared by the tests of one module (seeding is slow).

Tests that change data create what they change (a new patient, a new draft), so they do not
depend on one another. Password hashes are stand-ins: services never see passwords.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date

import pytest
from sqlalchemy import Engine

from acuback.records import UnitOfWork, make_engine, upgrade
from acuback.services import Actor
from acuback.services.demo import seed_demo

from ...databases import BACKENDS, fresh_database_url


@dataclass(frozen=True)
class DemoClinic:
    engine: Engine
    today: date

    def uow(self) -> UnitOfWork:
        return UnitOfWork(self.engine)

    def actor(self, username: str) -> Actor:
        with self.uow() as uow:
            return Actor.of(uow.users.get_by_username(username))

    def patient_id(self, family_name: str) -> int:
        with self.uow() as uow:
            (patient,) = [p for p in uow.patients.all(limit=500) if p.family_name == family_name]
            assert patient.id is not None
            return patient.id


@pytest.fixture(scope="module", params=BACKENDS)
def demo_db_url(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[str]:
    with fresh_database_url(request, tmp_path_factory, "services") as url:
        yield url


@pytest.fixture(scope="module")
def demo(demo_db_url: str) -> Iterator[DemoClinic]:
    upgrade(demo_db_url)
    engine = make_engine(demo_db_url)
    today = date.today()
    with UnitOfWork(engine) as uow:
        seed_demo(uow, lambda password: f"stub:{password}", today)
    yield DemoClinic(engine, today)
    engine.dispose()


@pytest.fixture
def fresh_patient(demo: DemoClinic) -> Callable[[], int]:
    """Make a new patient with a clean intake (proceed) and return its id."""
    from acuback.services.intakes import submit_intake
    from acuback.services.people import create_patient

    def make() -> int:
        mei = demo.actor("mei")
        with demo.uow() as uow:
            patient = create_patient(
                uow, mei, {"given_name": "Test", "family_name": "Person", "sex": "male"}
            )
            assert patient.id is not None
            intake = {
                "age": 40,
                "sex": "male",
                "pain": {"regions": ["lower_back"], "onset_weeks": 20, "nrs": 6},
            }
            submit_intake(uow, mei, patient.id, intake, policy=None)
            return patient.id

    return make
