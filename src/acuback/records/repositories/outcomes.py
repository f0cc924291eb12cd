"""The repository of outcome measurements: a patient's series and the clinic-wide figures."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from sqlalchemy import func, select

from acuback.errors import InputError
from acuback.records.models import OutcomeMeasurement
from acuback.records.repositories.base import Repository
from acuback.records.repositories.derived import refresh_series
from acuback.records.summaries import OutcomeScore, in_chunks
from acuback.records.tables import OutcomeRow, OutcomeSeriesRow, PatientRow, SessionRow

__all__ = ["OutcomeRepository"]


class OutcomeRepository(Repository[OutcomeMeasurement, OutcomeRow]):
    kind = "outcome measurement"
    row_type = OutcomeRow
    record_type = OutcomeMeasurement
    fixed_fields = frozenset({"patient_id"})

    def _written(self, record: OutcomeMeasurement) -> None:
        self.refresh_series([record.patient_id])

    def refresh_series(self, patient_ids: Iterable[int]) -> None:
        """After these patients' measurements (or their newest intake) were added, changed or
        deleted: rebuild their `outcome_series` rows (`repositories.derived`)."""
        refresh_series(self.session, patient_ids)

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

    def change_groups(self, instruments: Iterable[str]) -> list[tuple[str, str, float, float, int]]:
        """(instrument, condition group of the newest intake, first score, last score, patients)
        over every patient with at least two scored measurements of one of `instruments`
        (first and last in the order of `for_patient`): one statement over the derived
        `outcome_series` (migration 0010), grouped inside the database, so that a row comes
        back per distinct combination, not per patient (scores repeat a lot)."""
        series = OutcomeSeriesRow
        group = (series.instrument, series.condition, series.first_score, series.last_score)
        statement = (
            select(*group, func.count())
            .where(series.instrument.in_(sorted(set(instruments))), series.scores >= 2)
            .group_by(*group)
            .order_by(*group)
        )
        return [
            (str(i), str(condition), float(first), float(last), int(n))
            for i, condition, first, last, n in self.session.execute(statement)
        ]

    def _check_references(self, record: OutcomeMeasurement) -> None:
        self._require(PatientRow, "patient", record.patient_id)
        session = self.session.get(SessionRow, record.session_id) if record.session_id else None
        self._require(SessionRow, "session", record.session_id)
        if session is not None and session.patient_id != record.patient_id:
            raise InputError(
                "session_id", f"session {record.session_id} belongs to another patient"
            )
