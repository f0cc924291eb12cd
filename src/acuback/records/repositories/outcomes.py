"""The repository of outcome measurements: a patient's series and the clinic-wide figures."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

from sqlalchemy import and_, func, select

from acuback.errors import InputError
from acuback.records.models import OutcomeMeasurement
from acuback.records.repositories.base import Repository
from acuback.records.repositories.care import IntakeRepository
from acuback.records.summaries import OutcomeScore, in_chunks
from acuback.records.tables import IntakeRow, OutcomeRow, PatientRow, SessionRow

__all__ = ["OutcomeRepository"]


class OutcomeRepository(Repository[OutcomeMeasurement, OutcomeRow]):
    kind = "outcome measurement"
    row_type = OutcomeRow
    record_type = OutcomeMeasurement
    fixed_fields = frozenset({"patient_id"})

    def for_patient(
        self, patient_id: int, instrument: str | None = None, since: date | None = None
    ) -> list[OutcomeMeasurement]:
        """A patient's measurements by date (oldest first), optionally of one instrument."""
        statement = select(OutcomeRow).where(OutcomeRow.patient_id == patient_id)
        if instrument is not None:
            statement = statement.where(OutcomeRow.instrument == instrument)
        if since is not None:
            statement = statement.where(OutcomeRow.measured_on >= since)
        return self._records(statement.order_by(OutcomeRow.measured_on, OutcomeRow.id))

    def scores_for(self, patient_ids: Iterable[int]) -> dict[int, list[OutcomeScore]]:
        """Per patient, every measurement (scored or not) without its answers, by date then id
        (the order of `for_patient`); patients without one are left out."""
        found: dict[int, list[OutcomeScore]] = {}
        columns = (
            OutcomeRow.patient_id,
            OutcomeRow.instrument,
            OutcomeRow.measured_on,
            OutcomeRow.score,
        )
        for chunk in in_chunks(patient_ids):
            statement = (
                select(*columns)
                .where(OutcomeRow.patient_id.in_(chunk))
                .order_by(OutcomeRow.patient_id, OutcomeRow.measured_on, OutcomeRow.id)
            )
            for row in self.session.execute(statement):
                found.setdefault(row[0], []).append(OutcomeScore(*row))
        return found

    def scores_of(self, instrument: str) -> list[tuple[int, date, float]]:
        """(patient_id, measured_on, score) of every scored `instrument` measurement, by
        patient then date: one query, only the three columns, for clinic-wide figures."""
        statement = (
            select(OutcomeRow.patient_id, OutcomeRow.measured_on, OutcomeRow.score)
            .where(OutcomeRow.instrument == instrument, OutcomeRow.score.is_not(None))
            .order_by(OutcomeRow.patient_id, OutcomeRow.measured_on, OutcomeRow.id)
        )
        return [(p, d, float(s)) for p, d, s in self.session.execute(statement) if s is not None]

    def change_groups(self, instruments: Iterable[str]) -> list[tuple[str, Any, float, float, int]]:
        """(instrument, diagnoses of the newest intake as stored or None, first score, last
        score, patients) over every patient with at least two scored measurements of one of
        `instruments` (first and last in the order of `for_patient`): one statement, grouped
        inside the database, so that a row comes back per distinct combination, not per
        patient (scores repeat a lot)."""
        # One window, in the order of the index of migration 0008 (no sort): the first and
        # last score and the count of each series, on the series' first row.
        key = (OutcomeRow.instrument, OutcomeRow.patient_id)
        order = (OutcomeRow.measured_on, OutcomeRow.id)
        every: tuple[None, None] = (None, None)  # the whole series, whatever the row
        series = (
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
                # The same window (frame included) as the others: one pass, no second sort.
                func.row_number().over(partition_by=key, order_by=order, rows=every).label("row"),
            )
            .where(OutcomeRow.instrument.in_(sorted(set(instruments))))
            .where(OutcomeRow.score.is_not(None))
            .subquery()
        )
        ends = select(series).where(series.c.n >= 2, series.c.row == 1).subquery()
        # The newest intake's diagnoses, parsed only for the patients with a change.
        diagnoses = IntakeRow.payload["diagnoses"]
        group = (ends.c.instrument, diagnoses, ends.c.first, ends.c.last)
        newest = and_(IntakeRow.patient_id == ends.c.patient_id, IntakeRepository.is_newest())
        joined = ends.outerjoin(IntakeRow, newest)
        statement = select(*group, func.count()).select_from(joined).group_by(*group)
        return [
            (str(i), codes, float(first), float(last), int(n))
            for i, codes, first, last, n in self.session.execute(statement)
        ]

    def _check_references(self, record: OutcomeMeasurement) -> None:
        self._require(PatientRow, "patient", record.patient_id)
        session = self.session.get(SessionRow, record.session_id) if record.session_id else None
        self._require(SessionRow, "session", record.session_id)
        if session is not None and session.patient_id != record.patient_id:
            raise InputError(
                "session_id", f"session {record.session_id} belongs to another patient"
            )
