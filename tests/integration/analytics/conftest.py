"""A synthetic cohort shared by the analytics tests (written once per run, small)."""

from __future__ import annotations

from pathlib import Path

import pytest

from acuback.analytics.synth import write_cohort

COHORT_SESSIONS = 80_000
COHORT_SEED = 2026


@pytest.fixture(scope="session")
def cohort(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("cohort")
    write_cohort(out, COHORT_SESSIONS, COHORT_SEED)
    return out
