"""Rows derived for the research figures, kept true on every write in the writer's transaction.

- `intakes.newest`: true on each patient's newest intake (by submitted_at, then id: the order
  of `IntakeRepository.latest_for`); `intakes.condition` is written with the row itself
  (`records.payloads.condition_group`);
- `outcome_series`: per patient and instrument, the first and last score (by measured_on,
  then id: the order of `OutcomeRepository.for_patient`), the number of scored measurements
  and the condition of the patient's newest intake (`unspecified` without one).

So the clinic-wide figures group a row per patient (or per series) without a window, a
correlated probe or a JSON payload (issue 16). Each function recomputes the given patients
from their rows, whatever the write was (added, changed or deleted), after locking them
(`lock_patients`): two transactions writing one patient's rows take turns, the second
recomputing from what the first committed. A `Session` passed in is flushed first (its
autoflush), so the recomputation sees its pending rows. Migration 0010 fills them for rows
written before; `bench/_web_fixture.py` calls these after its bulk inserts.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from sqlalchemy import Connection, Select, and_, delete, exists, func, insert, or_, select, update
from sqlalchemy.orm import Session, aliased

from acuback.records.repositories.base import lock_patients
from acuback.records.summaries import in_chunks
from acuback.records.tables import IntakeRow, OutcomeRow, OutcomeSeriesRow

__all__ = ["mark_newest", "refresh_series"]

# Core statements on the mapped tables: the ORM need not synchronise objects it never reads.
_NO_SYNC = {"synchronize_session": False}


def mark_newest(connection: Connection | Session, patient_ids: Iterable[int]) -> None:
    """Set `intakes.newest` right for every intake of these patients (one UPDATE per chunk,
    touching only the rows whose flag is wrong)."""
    later = aliased(IntakeRow)
    same_time = and_(later.submitted_at == IntakeRow.submitted_at, later.id > IntakeRow.id)
    has_later = exists().where(
        later.patient_id == IntakeRow.patient_id,
        or_(later.submitted_at > IntakeRow.submitted_at, same_time),
    )
    for chunk in in_chunks(patient_ids):
        lock_patients(connection, chunk)
        # A flag is wrong exactly when it equals "a later intake exists": flip those.
        statement = (
            update(IntakeRow)
            .where(IntakeRow.patient_id.in_(chunk), IntakeRow.newest == has_later)
            .values(newest=~IntakeRow.newest)
            .execution_options(**_NO_SYNC)
        )
        connection.execute(statement)


def refresh_series(connection: Connection | Session, patient_ids: Iterable[int]) -> None:
    """Rebuild these patients' `outcome_series` rows from their scored measurements and their
    newest intake (call `mark_newest` first when their intakes changed)."""
    columns = ("patient_id", "instrument", "first_score", "last_score", "scores", "condition")
    for chunk in in_chunks(patient_ids):
        lock_patients(connection, chunk)
        stale = delete(OutcomeSeriesRow).where(OutcomeSeriesRow.patient_id.in_(chunk))
        connection.execute(stale.execution_options(**_NO_SYNC))
        fresh = insert(OutcomeSeriesRow).from_select(columns, _series(chunk))
        connection.execute(fresh)


def _series(patient_ids: Sequence[int]) -> Select[tuple[int, str, float, float, int, str]]:
    """(patient, instrument, first, last, count, condition) of these patients' scored series."""
    key = (OutcomeRow.patient_id, OutcomeRow.instrument)
    order = (OutcomeRow.measured_on, OutcomeRow.id)
    every: tuple[None, None] = (None, None)  # the whole series, whatever the row
    ranked = (
        select(
            OutcomeRow.patient_id,
            OutcomeRow.instrument,
            func.first_value(OutcomeRow.score)
            .over(partition_by=key, order_by=order, rows=every)
            .label("first"),
            func.last_value(OutcomeRow.score)
            .over(partition_by=key, order_by=order, rows=every)
            .label("last"),
            func.count().over(partition_by=key, order_by=order, rows=every).label("n"),
            func.row_number().over(partition_by=key, order_by=order, rows=every).label("row"),
        )
        .where(OutcomeRow.patient_id.in_(patient_ids), OutcomeRow.score.is_not(None))
        .subquery()
    )
    newest = and_(IntakeRow.patient_id == ranked.c.patient_id, IntakeRow.newest)
    condition = func.coalesce(IntakeRow.condition, "unspecified")
    return (
        select(
            ranked.c.patient_id,
            ranked.c.instrument,
            ranked.c.first,
            ranked.c.last,
            ranked.c.n,
            condition,
        )
        .select_from(ranked.outerjoin(IntakeRow, newest))
        .where(ranked.c.row == 1)
    )
