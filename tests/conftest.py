"""Shared fixtures: the packaged knowledge base and the location of the reference files."""

from __future__ import annotations

from pathlib import Path

import pytest

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
