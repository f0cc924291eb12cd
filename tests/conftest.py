"""Shared fixtures: the packaged knowledge base, the location of the reference files, and the
PostgreSQL server the database tests share."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine

from acuback.knowledge import KnowledgeBase, load_knowledge

REPO = Path(__file__).resolve().parents[1]
# CI and developers have the steering repo's shared/ folder beside the checkout.
REFERENCE = REPO.parent / "shared" / "reference"


@pytest.fixture(scope="session")
def kb() -> KnowledgeBase:
    return load_knowledge()


@pytest.fixture(scope="session")
def reference_dir() -> Path:
    if not REFERENCE.is_dir():
        pytest.skip(f"reference files not found at {REFERENCE}")
    return REFERENCE


# Test databases ---------------------------------------------------------------------------
# The one PostgreSQL server of a run, for every tier that needs one; databases on it come
# from tests/databases.py.


@pytest.fixture(scope="session")
def postgres_admin() -> Iterator[Engine]:
    """An AUTOCOMMIT engine on a PostgreSQL server's maintenance database, found or started by
    tests/postgres_server.py; none is a failure with instructions, never a skip."""
    # Imported here so that tiers without a database never load the server finder.
    from .postgres_server import INSTALL_HINT, admin_engine

    engine, stop, notes = admin_engine()
    if engine is None:
        pytest.fail(f"{INSTALL_HINT} (tried: {notes})", pytrace=False)
    yield engine
    engine.dispose()
    stop()
