"""Databases for the interop tests: a seeded demo clinic and empty targets, per back end.

`backend` is parametrised over SQLite and PostgreSQL; `new_url()` gives one more empty database
of that kind (whole PostgreSQL databases, not schemas: pg_dump and pg_restore work on a
database). `clinic_url` is a migrated demo clinic with a few audit entries, module-scoped
because seeding takes a while; tests that write make their own copy or their own database.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import ExitStack
from datetime import UTC, date, datetime

import pytest

from acuback.records import AdverseEvent, UnitOfWork, make_engine, upgrade
from acuback.services.demo import seed_demo

from ...databases import BACKENDS, fresh_database_url


@pytest.fixture(scope="module", params=BACKENDS)
def backend(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture(scope="module")
def module_stack() -> Iterator[ExitStack]:
    with ExitStack() as stack:
        yield stack


@pytest.fixture(scope="module")
def new_url(
    backend: str,
    request: pytest.FixtureRequest,
    tmp_path_factory: pytest.TempPathFactory,
    module_stack: ExitStack,
) -> Callable[[], str]:
    """Make another empty database of `backend`; all are dropped at the end of the module."""

    class _Param:
        param = backend

        def getfixturevalue(self, name: str) -> object:
            return request.getfixturevalue(name)

    def make() -> str:
        fake = _Param()
        return module_stack.enter_context(
            fresh_database_url(fake, tmp_path_factory, "interop")  # type: ignore[arg-type]
        )

    return make


def seed_clinic(url: str) -> None:
    """Migrate `url`, seed the demo clinic into it and add a few audit entries."""
    upgrade(url)
    engine = make_engine(url)
    try:
        with UnitOfWork(engine) as uow:
            seed_demo(uow, lambda password: f"stub:{password}", date(2026, 3, 2))
        with UnitOfWork(engine) as uow:
            for index in range(5):
                uow.audit.record("mei", "read", "patient", index, detail={"n": index})
            # The demo has no adverse event: one with free text, which must never leave.
            session = next(
                s
                for p in uow.patients.all(limit=100)
                for s in uow.sessions.for_patient(p.id or 0)
                if s.status == "signed"
            )
            uow.adverse_events.add(
                AdverseEvent(
                    session_id=session.id or 0,
                    patient_id=session.patient_id,
                    occurred_at=datetime(2026, 2, 20, 10, 30, tzinfo=UTC),
                    type="bleeding_haematoma",
                    severity="mild",
                    action_taken="Pressed the Zanzibar site for two minutes",
                    description="Bruise noticed by Quentinella after BL40",
                )
            )
            uow.commit()
    finally:
        engine.dispose()


@pytest.fixture(scope="module")
def clinic_url(new_url: Callable[[], str]) -> str:
    url = new_url()
    seed_clinic(url)
    return url
