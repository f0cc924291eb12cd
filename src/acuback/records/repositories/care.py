"""Repositories for intakes, plans and appointments (outcome measurements: `outcomes.py`)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from functools import lru_cache
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Insert,
    Subquery,
    and_,
    bindparam,
    func,
    insert,
    or_,
    select,
)

from acuback.errors import Conflict, InputError, NotFound
from acuback.records.models import Appointment, Intake, Plan
from acuback.records.payloads import (
    INTAKE,
    PAYLOAD_VERSION,
    PLAN,
    SCREENING,
    condition_group,
    read_payload,
    write_payload,
)
from acuback.records.repositories.base import Repository, translate_errors
from acuback.records.repositories.derived import mark_newest, refresh_series
from acuback.records.summaries import AcceptedCourse, PlanSummary, in_chunks
from acuback.records.tables import (
    AppointmentRow,
    IntakeRow,
    PatientRow,
    PlanRow,
    PractitionerRow,
    RoomRow,
    UserRow,
)
from acuback.records.tables.base import utcnow

__all__ = [
    "AppointmentRepository",
    "IntakeRepository",
    "PlanRepository",
]


class IntakeRepository(Repository[Intake, IntakeRow]):
    """Intakes keep their payload and screening for life: only the practitioner may change.
    The two JSON columns hold the core's `Intake` and `ScreeningResult` (`records.payloads`)."""

    kind = "intake"
    row_type = IntakeRow
    record_type = Intake
    fixed_fields = frozenset({"patient_id", "submitted_at", "payload", "screening", "disposition"})
    # Columns derived for the research figures (`repositories.derived`), not in the record.
    derived_columns = frozenset({"condition", "newest"})

    def _written(self, record: Intake) -> None:
        # On an update the fixed fields keep the order and the condition as they were (the
        # practitioner alone may change); recomputed all the same, so no write leaves them stale.
        self.mark_newest([record.patient_id])

    def mark_newest(self, patient_ids: Iterable[int]) -> None:
        """After these patients' intakes were added, changed or deleted: set which is each
        one's newest, and rebuild their outcome series (they carry its condition)."""
        ids = list(patient_ids)
        mark_newest(self.session, ids)
        refresh_series(self.session, ids)

    def _record(self, row: IntakeRow) -> Intake:
        values = self._row_values(row)
        version = values.pop("payload_version")
        where = f"intake {row.id}"
        values["payload"] = read_payload(INTAKE, row.payload, version, f"{where} payload")
        values["screening"] = read_payload(SCREENING, row.screening, version, f"{where} screening")
        return Intake.model_validate(values)

    def _columns(self, record: Intake, exclude: frozenset[str]) -> dict[str, Any]:
        columns = super()._columns(record, exclude | {"payload", "screening"})
        columns["payload"] = write_payload(INTAKE, record.payload)
        columns["screening"] = write_payload(SCREENING, record.screening)
        condition = condition_group(columns["payload"].get("diagnoses"))
        return {**columns, "payload_version": PAYLOAD_VERSION, "condition": condition}

    def for_patient(self, patient_id: int) -> list[Intake]:
        """A patient's intakes, oldest first."""
        statement = (
            select(IntakeRow)
            .where(IntakeRow.patient_id == patient_id)
            .order_by(IntakeRow.submitted_at, IntakeRow.id)
        )
        return self._records(statement)

    def latest_for(self, patient_ids: Iterable[int], count: int = 2) -> dict[int, list[Intake]]:
        """Per patient, their newest `count` intakes, oldest first (as `for_patient` orders
        them); patients without an intake are left out. One statement per chunk of ids."""
        found: dict[int, list[Intake]] = {}
        for chunk in in_chunks(patient_ids):
            ranked = self._ranked(chunk)
            statement = (
                select(IntakeRow)
                .join(ranked, ranked.c.id == IntakeRow.id)
                .where(ranked.c.rank <= count)
                .order_by(IntakeRow.patient_id, IntakeRow.submitted_at, IntakeRow.id)
            )
            for intake in self._records(statement):
                found.setdefault(intake.patient_id, []).append(intake)
        return found

    def newest_onsets(
        self, patient_ids: Iterable[int]
    ) -> dict[int, tuple[datetime, str, float | None]]:
        """Per patient, (submitted_at, disposition, the payload's `pain.onset_weeks`) of their
        newest intake (as `latest_for` orders them), read inside the database without parsing
        a payload; patients without an intake are left out. One statement per chunk of ids."""
        found: dict[int, tuple[datetime, str, float | None]] = {}
        onset = IntakeRow.payload[("pain", "onset_weeks")].as_float()
        for chunk in in_chunks(patient_ids):
            ranked = self._ranked(chunk)
            statement = (
                select(IntakeRow.patient_id, IntakeRow.submitted_at, IntakeRow.disposition, onset)
                .join(ranked, ranked.c.id == IntakeRow.id)
                .where(ranked.c.rank == 1)
            )
            for patient_id, at, disposition, weeks in self.session.execute(statement):
                found[patient_id] = (at, disposition, None if weeks is None else float(weeks))
        return found

    def with_disposition_since(
        self, patient_ids: Iterable[int], dispositions: Sequence[str], since: datetime
    ) -> list[int]:
        """The ids (ascending) of these patients with an intake of one of `dispositions`
        submitted at or after `since`; no payload is read. One statement per chunk of ids."""
        found: set[int] = set()
        for chunk in in_chunks(patient_ids):
            # The dispositions are matched here, not in SQL: given them, SQLite's planner
            # walks the clinic-wide disposition index instead of these patients' recent rows.
            statement = select(IntakeRow.patient_id, IntakeRow.disposition).where(
                IntakeRow.patient_id.in_(chunk), IntakeRow.submitted_at >= since
            )
            rows = self.session.execute(statement)
            found.update(pid for pid, disposition in rows if disposition in dispositions)
        return sorted(found)

    @staticmethod
    def _ranked(patient_ids: Sequence[int]) -> Subquery:
        """(id, rank) of these patients' intakes, rank 1 for each one's newest (as
        `latest_for` orders them)."""
        newest_first = (IntakeRow.submitted_at.desc(), IntakeRow.id.desc())
        rank = func.row_number().over(partition_by=IntakeRow.patient_id, order_by=newest_first)
        return (
            select(IntakeRow.id, rank.label("rank"))
            .where(IntakeRow.patient_id.in_(patient_ids))
            .subquery()
        )

    def condition_counts(self) -> list[tuple[str, str, int]]:
        """(disposition, condition group, patients) over every patient's newest intake, grouped
        inside the database from the derived columns (migration 0010; no payload is read):
        one row per distinct pair, not per patient."""
        group = (IntakeRow.disposition, IntakeRow.condition)
        statement = (
            select(*group, func.count()).where(IntakeRow.newest).group_by(*group).order_by(*group)
        )
        return [(d, condition, int(n)) for d, condition, n in self.session.execute(statement)]

    def _check_references(self, record: Intake) -> None:
        self._require(PatientRow, "patient", record.patient_id)
        self._require(PractitionerRow, "practitioner", record.practitioner_id)


class PlanRepository(Repository[Plan, PlanRow]):
    """Plans: edited while proposed; accepting one supersedes the patient's earlier plans."""

    kind = "plan"
    row_type = PlanRow
    record_type = Plan
    fixed_fields = frozenset(
        {"patient_id", "intake_id", "created_at", "status", "accepted_by", "accepted_at"}
    )
    derived_columns = frozenset({"reassess_after_sessions"})  # a copy of the payload's

    def add(self, record: Plan) -> Plan:
        """Store a new plan and return it as stored, in one Core INSERT ... SELECT that writes
        the row only when its intake is the patient's: no ORM object to build, flush and read
        back, and the reference check costs no statement of its own (issue 16). When nothing
        was written, `_check_references` says what is wrong, as for any record."""
        if record.id is not None:
            return super().add(record)  # refused there, as any record with an id
        values = {
            name: value
            for name, value in self._columns(record, exclude=self.managed_fields).items()
            if value is not None  # None on a new record means "not given", as in `super().add`
        }
        values.setdefault("created_at", utcnow())  # the column's default
        values["version"] = 1  # the ORM's first version (tables.base.Versioned)
        statement = _plan_insert(tuple(values))
        with translate_errors(self.kind):  # on the connection: a Core statement, no ORM
            plan_id = self.session.connection().execute(statement, values).scalar()
        if plan_id is None:
            self._check_references(record)
            raise NotFound("intake", str(record.intake_id))  # it passes now: a concurrent change
        fields = {k: v for k, v in values.items() if k not in self.derived_columns}
        del fields["payload_version"]
        return Plan.model_validate({**fields, "id": plan_id, "payload": record.payload})

    def _record(self, row: PlanRow) -> Plan:
        values = self._row_values(row)
        version = values.pop("payload_version")
        values["payload"] = read_payload(PLAN, row.payload, version, f"plan {row.id} payload")
        return Plan.model_validate(values)

    def _columns(self, record: Plan, exclude: frozenset[str]) -> dict[str, Any]:
        columns = super()._columns(record, exclude | {"payload"})
        columns["payload"] = write_payload(PLAN, record.payload)
        course = record.payload.course
        columns["reassess_after_sessions"] = (
            None if course is None else course.reassess_after_sessions
        )
        return {**columns, "payload_version": PAYLOAD_VERSION}

    def update(self, record: Plan) -> Plan:
        """Change a proposed plan; an accepted or superseded plan is kept as it was."""
        if self._row(record.id).status != "proposed":
            raise Conflict(f"plan {record.id} is no longer proposed and cannot be edited")
        return super().update(record)

    def accept(self, plan: Plan, user_id: int, at: datetime | None = None) -> Plan:
        """Accept `plan` (read at `plan.version`) for `user_id`; earlier plans are superseded."""
        row = self._locked_row(plan)
        if row.status != "proposed":
            raise Conflict(f"plan {plan.id} is {row.status}, not proposed")
        self._require(UserRow, "user", user_id)
        earlier = select(PlanRow).where(
            PlanRow.patient_id == row.patient_id,
            PlanRow.id != row.id,
            PlanRow.status != "superseded",
        )
        for other in self.session.scalars(earlier):
            other.status = "superseded"
        row.status, row.accepted_by, row.accepted_at = "accepted", user_id, at or utcnow()
        self.flush()
        return self._record(row)

    def for_patient(self, patient_id: int) -> list[Plan]:
        """A patient's plans, oldest first."""
        statement = (
            select(PlanRow)
            .where(PlanRow.patient_id == patient_id)
            .order_by(PlanRow.created_at, PlanRow.id)
        )
        return self._records(statement)

    def summaries(
        self, patient_id: int, limit: int | None = None, after: tuple[datetime, int] | None = None
    ) -> list[PlanSummary]:
        """A patient's plans as `PlanSummary`s, oldest first (as `for_patient`): at most
        `limit`, those after the (created_at, id) key `after` (keyset paging); no payload is
        read, only its number of points and the screening's disposition."""
        statement = (
            select(
                PlanRow.id,
                PlanRow.patient_id,
                PlanRow.intake_id,
                PlanRow.version,
                PlanRow.created_at,
                PlanRow.status,
                PlanRow.accepted_by,
                PlanRow.accepted_at,
                func.coalesce(self._points_count(), 0),
                PlanRow.payload[("screening", "disposition")].as_string(),
            )
            .where(PlanRow.patient_id == patient_id)
            .order_by(PlanRow.created_at, PlanRow.id)
        )
        if after is not None:
            at, row_id = after
            statement = statement.where(
                or_(PlanRow.created_at > at, and_(PlanRow.created_at == at, PlanRow.id > row_id))
            )
        if limit is not None:
            statement = statement.limit(limit)
        return [PlanSummary(*row) for row in self.session.execute(statement)]

    def _points_count(self) -> ColumnElement[int]:
        points = PlanRow.payload["points"]
        if self.session.get_bind().dialect.name == "postgresql":
            return func.jsonb_array_length(points)
        return func.json_array_length(points)

    def accepted_courses(self, patient_ids: Iterable[int]) -> dict[int, AcceptedCourse]:
        """Per patient, the accepted plan `for_patient` lists last, without its payload but for
        `course.reassess_after_sessions` (its column, migration 0011)."""
        reassess = PlanRow.reassess_after_sessions
        found: dict[int, AcceptedCourse] = {}
        for chunk in in_chunks(patient_ids):
            statement = (
                select(PlanRow.patient_id, PlanRow.id, PlanRow.accepted_at, reassess)
                .where(PlanRow.patient_id.in_(chunk), PlanRow.status == "accepted")
                .order_by(PlanRow.patient_id, PlanRow.created_at, PlanRow.id)
            )
            for patient_id, plan_id, accepted_at, after in self.session.execute(statement):
                found[patient_id] = AcceptedCourse(patient_id, plan_id, accepted_at, after)
        return found

    def _check_references(self, record: Plan) -> None:
        intake = self.session.get(IntakeRow, record.intake_id)  # mostly in the session already
        if intake is None or intake.patient_id != record.patient_id:
            self._require(PatientRow, "patient", record.patient_id)  # the intake's is stored
        self._require(IntakeRow, "intake", record.intake_id)
        if intake is not None and intake.patient_id != record.patient_id:
            raise InputError("intake_id", f"intake {record.intake_id} belongs to another patient")


class AppointmentRepository(Repository[Appointment, AppointmentRow]):
    kind = "appointment"
    row_type = AppointmentRow
    record_type = Appointment

    def between(
        self, start: datetime, end: datetime, practitioner_id: int | None = None
    ) -> list[Appointment]:
        """Appointments starting in [start, end), by start time; optionally one practitioner's."""
        statement = select(AppointmentRow).where(*self._starting(start, end, practitioner_id))
        return self._records(statement.order_by(AppointmentRow.starts_at, AppointmentRow.id))

    def patients_between(
        self, start: datetime, end: datetime, practitioner_id: int | None = None
    ) -> list[int]:
        """The ids (ascending) of patients with an appointment starting in [start, end) that is
        not cancelled; optionally with one practitioner."""
        statement = (
            select(AppointmentRow.patient_id)
            .where(*self._starting(start, end, practitioner_id))
            .where(AppointmentRow.status != "cancelled")
            .distinct()
            .order_by(AppointmentRow.patient_id)
        )
        return list(self.session.scalars(statement))

    @staticmethod
    def _starting(
        start: datetime, end: datetime, practitioner_id: int | None
    ) -> list[ColumnElement[bool]]:
        """Conditions: starting in [start, end), and with `practitioner_id` when given."""
        conditions = [AppointmentRow.starts_at >= start, AppointmentRow.starts_at < end]
        if practitioner_id is not None:
            conditions.append(AppointmentRow.practitioner_id == practitioner_id)
        return conditions

    def for_patient(self, patient_id: int) -> list[Appointment]:
        statement = (
            select(AppointmentRow)
            .where(AppointmentRow.patient_id == patient_id)
            .order_by(AppointmentRow.starts_at, AppointmentRow.id)
        )
        return self._records(statement)

    def _check_references(self, record: Appointment) -> None:
        self._require(PatientRow, "patient", record.patient_id)
        self._require(PractitionerRow, "practitioner", record.practitioner_id)
        self._require(RoomRow, "room", record.room_id)
        self._require(PlanRow, "plan", record.plan_id)


@lru_cache(maxsize=8)
def _plan_insert(names: tuple[str, ...]) -> Insert:
    """INSERT INTO plans (names) SELECT :names FROM intakes WHERE the intake is :intake_id and
    the patient's, RETURNING id; built once per set of columns (building it cost more than
    running it)."""
    columns = PlanRow.__table__.c
    values = {name: bindparam(name, type_=columns[name].type) for name in names}
    chosen = select(*values.values()).where(
        IntakeRow.id == values["intake_id"], IntakeRow.patient_id == values["patient_id"]
    )
    return insert(PlanRow).from_select(names, chosen).returning(PlanRow.id)
