"""Repositories for session charts (with their needles and amendments) and adverse events.

A chart is an aggregate: the session row and its needle rows are written together. Once signed,
neither is ever modified again; `amend()` appends an amendment and `effective()` shows the chart
with its amendments applied in order.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from typing import Any

from sqlalchemy import case, func, select
from sqlalchemy.orm.attributes import flag_modified

from acuback.errors import Conflict, InputError
from acuback.records.models import (
    AdverseEvent,
    SessionAmendment,
    TreatmentSession,
    validated,
)
from acuback.records.repositories.base import Repository
from acuback.records.summaries import in_chunks
from acuback.records.tables import (
    AdverseEventRow,
    AmendmentRow,
    AppointmentRow,
    NeedleRow,
    PatientRow,
    PlanRow,
    PractitionerRow,
    SessionRow,
    UserRow,
)
from acuback.records.tables.base import utcnow

__all__ = ["AdverseEventRepository", "SessionRepository"]

# What an amendment may not touch: identity, ownership and the signature itself.
UNAMENDABLE = frozenset(
    {"id", "version", "patient_id", "practitioner_id", "status", "signed_at", "signed_by"}
)


class SessionRepository(Repository[TreatmentSession, SessionRow]):
    kind = "session"
    row_type = SessionRow
    record_type = TreatmentSession
    fixed_fields = frozenset({"patient_id", "status", "signed_at", "signed_by"})
    managed_fields = frozenset({"needles"})

    def add(self, record: TreatmentSession) -> TreatmentSession:
        """Store a new draft chart with its needles."""
        if record.status != "draft":
            raise InputError("status", "a new session is a draft; sign it with sign()", "draft")
        return super().add(record)

    def count_signed(self) -> int:
        """How many charts the clinic has signed: one statement."""
        statement = select(func.count()).where(SessionRow.status == "signed")
        return self.session.scalar(statement.select_from(SessionRow)) or 0

    def update(self, record: TreatmentSession) -> TreatmentSession:
        """Rewrite a draft chart and its needles; a signed chart refuses (use `amend`)."""
        if self._row(record.id).status == "signed":
            raise Conflict(f"session {record.id} is signed; record the change as an amendment")
        return super().update(record)

    def sign(
        self, chart: TreatmentSession, user_id: int, at: datetime | None = None
    ) -> TreatmentSession:
        """Sign and lock a draft read at `chart.version`.

        Refused while needles in and out are not both counted and equal: a needle that went in
        and did not come out may still be in the patient (the forgotten-needle event).
        """
        row = self._locked_row(chart)
        if row.status == "signed":
            raise Conflict(f"session {chart.id} is already signed")
        if row.needles_in is None or row.needles_out is None:
            raise Conflict(f"session {chart.id}: count needles in and out before signing")
        if row.needles_in != row.needles_out:
            raise Conflict(
                f"session {chart.id}: {row.needles_in} needles in but {row.needles_out} out; "
                "find every needle before signing"
            )
        self._require(UserRow, "user", user_id)
        row.status, row.signed_by, row.signed_at = "signed", user_id, at or utcnow()
        self.flush()
        return self._record(row)

    def amend(
        self,
        session_id: int,
        amended_by: int,
        reason: str,
        changes: dict[str, Any],
        at: datetime | None = None,
        *,
        version: int | None = None,
    ) -> SessionAmendment:
        """Append an amendment to a signed chart; the values are validated as a whole chart.

        Like every update, an amendment moves the chart's version on, and one made to the chart
        as read at `version` is refused (Conflict) when someone amended it meanwhile.
        """
        chart_row = self._row(session_id)
        if version is not None and chart_row.version != version:
            raise Conflict(
                f"session {session_id} was amended by someone else (now version "
                f"{chart_row.version}, yours {version}); reload it and apply your change again"
            )
        if chart_row.status != "signed":
            raise Conflict(f"session {session_id} is a draft; edit it directly")
        if not reason.strip():
            raise InputError("reason", "say why the signed chart is amended")
        if not changes:
            raise InputError("changes", "an amendment changes at least one field")
        for name in changes:
            if name in UNAMENDABLE or name not in TreatmentSession.model_fields:
                allowed = sorted(set(TreatmentSession.model_fields) - UNAMENDABLE)
                raise InputError(f"changes.{name}", "cannot be amended", allowed)
        self._require(UserRow, "user", amended_by)
        merged = validated(TreatmentSession, {**self.effective(session_id).model_dump(), **changes})
        stored = merged.model_dump(mode="json", include=set(changes))
        row = AmendmentRow(
            session_id=session_id,
            amended_at=at or utcnow(),
            amended_by=amended_by,
            reason=reason.strip(),
            changes=stored,
        )
        self.session.add(row)
        # Rewriting an unchanged column makes the UPDATE that moves the version on (and fails
        # for a concurrent amendment that read the same version).
        flag_modified(chart_row, "signed_at")
        self.flush()
        return SessionAmendment.model_validate(row, from_attributes=True)

    def amendments(self, session_id: int) -> list[SessionAmendment]:
        """The amendments of a chart, oldest first."""
        self._row(session_id)
        statement = (
            select(AmendmentRow)
            .where(AmendmentRow.session_id == session_id)
            .order_by(AmendmentRow.amended_at, AmendmentRow.id)
        )
        rows = self.session.scalars(statement)
        return [SessionAmendment.model_validate(row, from_attributes=True) for row in rows]

    def effective(self, session_id: int) -> TreatmentSession:
        """The chart as it stands now: the signed original with its amendments applied."""
        return _amended(self.get(session_id), self.amendments(session_id))

    def effective_for_patient(self, patient_id: int) -> list[TreatmentSession]:
        """A patient's charts as `effective` gives each, in the order of `for_patient`: the
        charts, their needles and all their amendments in three statements."""
        charts = self.for_patient(patient_id)
        statement = (
            select(AmendmentRow)
            .join(SessionRow, SessionRow.id == AmendmentRow.session_id)
            .where(SessionRow.patient_id == patient_id)
            .order_by(AmendmentRow.amended_at, AmendmentRow.id)
        )
        amendments: dict[int, list[SessionAmendment]] = {}
        for row in self.session.scalars(statement):
            amendment = SessionAmendment.model_validate(row, from_attributes=True)
            amendments.setdefault(amendment.session_id, []).append(amendment)
        return [_amended(chart, amendments.get(chart.id or 0, [])) for chart in charts]

    def signed_dates(self, patient_ids: Iterable[int]) -> dict[int, list[date]]:
        """Per patient, the dates of their signed charts (the originals), in the order of
        `for_patient`; no chart is built and no needle read. Patients without one are left out."""
        found: dict[int, list[date]] = {}
        for chunk in in_chunks(patient_ids):
            statement = (
                select(SessionRow.patient_id, SessionRow.session_date)
                .where(SessionRow.patient_id.in_(chunk), SessionRow.status == "signed")
                .order_by(SessionRow.patient_id, SessionRow.session_date, SessionRow.id)
            )
            for patient_id, day in self.session.execute(statement):
                found.setdefault(patient_id, []).append(day)
        return found

    def reaching(self, patient_ids: Iterable[int], usual: int) -> list[int]:
        """The ids (ascending) of these patients with at least as many signed charts as the
        smallest reassessment point they can have: `usual`, or their accepted plans' smallest
        `reassess_after_sessions` when that is lower. Counted on the indexes of migrations
        0008 and 0011 alone, no payload read; one statement per chunk of ids."""
        planned = (
            select(func.min(PlanRow.reassess_after_sessions))
            .where(PlanRow.patient_id == SessionRow.patient_id, PlanRow.status == "accepted")
            .scalar_subquery()
        )
        smallest = case((planned < usual, planned), else_=usual)
        found: list[int] = []
        for chunk in in_chunks(patient_ids):
            statement = (
                select(SessionRow.patient_id)
                .where(SessionRow.status == "signed", SessionRow.patient_id.in_(chunk))
                .group_by(SessionRow.patient_id)
                .having(func.count() >= smallest)
            )
            found.extend(self.session.scalars(statement))
        return sorted(found)

    def for_patient(self, patient_id: int) -> list[TreatmentSession]:
        """A patient's charts by session date, oldest first (the originals, not amended)."""
        statement = (
            select(SessionRow)
            .where(SessionRow.patient_id == patient_id)
            .order_by(SessionRow.session_date, SessionRow.id)
        )
        return self._records(statement)

    def _columns(self, record: TreatmentSession, exclude: frozenset[str]) -> dict[str, Any]:
        columns = super()._columns(record, exclude)
        columns["needles"] = [
            NeedleRow(position=index, **needle.model_dump(exclude={"id", "version"}))
            for index, needle in enumerate(record.needles)
        ]
        return columns

    def _check_references(self, record: TreatmentSession) -> None:
        self._require(PatientRow, "patient", record.patient_id)
        self._require(PractitionerRow, "practitioner", record.practitioner_id)
        self._require(AppointmentRow, "appointment", record.appointment_id)
        self._require(PlanRow, "plan", record.plan_id)


def _amended(chart: TreatmentSession, amendments: Iterable[SessionAmendment]) -> TreatmentSession:
    """`chart` with `amendments` applied in the order given."""
    for amendment in amendments:
        chart = validated(TreatmentSession, {**chart.model_dump(), **amendment.changes})
    return chart


class AdverseEventRepository(Repository[AdverseEvent, AdverseEventRow]):
    """Adverse events: recorded against a session, also after it was signed."""

    kind = "adverse event"
    row_type = AdverseEventRow
    record_type = AdverseEvent
    fixed_fields = frozenset({"session_id", "patient_id"})

    def for_patient(self, patient_id: int) -> list[AdverseEvent]:
        return self._records(
            select(AdverseEventRow)
            .where(AdverseEventRow.patient_id == patient_id)
            .order_by(AdverseEventRow.occurred_at, AdverseEventRow.id)
        )

    def count_by_type(self) -> dict[str, int]:
        """How many adverse events of each type the clinic has recorded: one statement."""
        statement = select(AdverseEventRow.type, func.count()).group_by(AdverseEventRow.type)
        return {str(kind): int(count) for kind, count in self.session.execute(statement)}

    def for_session(self, session_id: int) -> list[AdverseEvent]:
        return self._records(
            select(AdverseEventRow)
            .where(AdverseEventRow.session_id == session_id)
            .order_by(AdverseEventRow.occurred_at, AdverseEventRow.id)
        )

    def _check_references(self, record: AdverseEvent) -> None:
        session = self.session.get(SessionRow, record.session_id)
        self._require(SessionRow, "session", record.session_id)
        if session is not None and session.patient_id != record.patient_id:
            raise InputError("patient_id", f"session {record.session_id} is another patient's")
