"""What every repository shares: get by id, add, versioned update, error translation.

A repository takes an open SQLAlchemy `Session`, accepts and returns the frozen domain records
of `acuback.records.models`, and never commits: the unit of work does. Database errors leave
as `acuback.errors` types: an unknown id is `NotFound`, a lost race or a broken protection
rule is `Conflict`, a reference to a missing row is `NotFound` for that row.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import Any, ClassVar, Generic, TypeVar

from sqlalchemy import Connection, Select, select
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from acuback.errors import Conflict, InputError, NotFound
from acuback.records.models import VersionedRecord
from acuback.records.summaries import in_chunks
from acuback.records.tables import Base, PatientRow

__all__ = ["Repository", "lock_patients", "translate_errors"]

R = TypeVar("R", bound=VersionedRecord)
T = TypeVar("T", bound=Base)


@contextmanager
def translate_errors(kind: str) -> Iterator[None]:
    """Turn the database's verdict on a flush or commit into an acuback error."""
    try:
        yield
    except StaleDataError:
        raise Conflict(
            f"this {kind} was changed by someone else while you edited it; "
            "reload it and apply your change again"
        ) from None
    except IntegrityError as exc:
        raise Conflict(f"the {kind} could not be saved: {_first_line(exc.orig)}") from None
    except OperationalError as exc:
        # SQLite refuses a write from a transaction whose snapshot another writer overtook.
        if "locked" in str(exc.orig) or "busy" in str(exc.orig):
            raise Conflict(f"the {kind} is being written by someone else; try again") from None
        raise


def lock_patients(connection: Connection | Session, patient_ids: Iterable[int]) -> None:
    """Lock these patients' rows until the transaction ends, so that two transactions
    recomputing one patient's derived rows (`repositories.derived`) take turns, the second
    reading what the first committed. PostgreSQL: `FOR NO KEY UPDATE`, in id order (no
    deadlock between two lockers), which does not wait for the key-share locks that inserting
    a row referencing the patient takes; SQLite has no row locks and needs none (a write
    transaction holds the database: `BEGIN IMMEDIATE`)."""
    for chunk in in_chunks(patient_ids):
        statement = (
            select(PatientRow.id)
            .where(PatientRow.id.in_(chunk))
            .order_by(PatientRow.id)
            .with_for_update(key_share=True)
        )
        connection.execute(statement).all()


def _first_line(error: BaseException | None) -> str:
    return str(error).strip().splitlines()[0] if error else "constraint violated"


class Repository(Generic[R, T]):
    """Base of the repositories: `kind` names the thing in errors, the rest maps rows."""

    kind: ClassVar[str]
    row_type: type[T]
    record_type: type[R]
    # Fields a stored record keeps for life: an update that changes one is refused.
    fixed_fields: ClassVar[frozenset[str]] = frozenset()
    # Fields the repository writes itself (relations, derived values): not copied on update.
    managed_fields: ClassVar[frozenset[str]] = frozenset()
    # Columns written beside a record's fields (copies kept for queries): never read back
    # into a record.
    derived_columns: ClassVar[frozenset[str]] = frozenset()

    def __init__(self, session: Session) -> None:
        self.session = session

    def get(self, record_id: int) -> R:
        """The record with this id; `NotFound` if there is none."""
        return self._record(self._row(record_id))

    def add(self, record: R) -> R:
        """Store a new record (its `id` must be None) and return it as stored."""
        if record.id is not None:
            raise InputError("id", "a new record has no id yet; use update() for a stored one")
        self._check_references(record)
        columns = self._columns(record, exclude=self.managed_fields)
        # None on a new record means "not given": let the column default (a timestamp) apply.
        row = self.row_type(**{name: value for name, value in columns.items() if value is not None})
        self.session.add(row)
        self.flush()
        stored = self._stored(row, record)
        self._written(record)
        return stored

    def update(self, record: R) -> R:
        """Write `record` over the stored row, if the row is still at `record.version`."""
        row = self._locked_row(record)
        self._check_fixed(record, row)
        self._check_references(record)
        for name, value in self._columns(record, exclude=self.managed_fields).items():
            setattr(row, name, value)
        self.flush()
        stored = self._record(row)
        self._written(record)
        return stored

    def flush(self) -> None:
        with translate_errors(self.kind):
            self.session.flush()

    # -- helpers for subclasses -------------------------------------------------------------

    def _row(self, record_id: int | None) -> T:
        row = self.session.get(self.row_type, record_id) if record_id is not None else None
        if row is None:
            raise NotFound(self.kind, str(record_id))
        return row

    def _locked_row(self, record: R) -> T:
        """The stored row for `record`, after checking nobody changed it since it was read."""
        row = self._row(record.id)
        stored = row.version  # type: ignore[attr-defined]
        if stored != record.version:
            raise Conflict(
                f"{self.kind} {record.id} was changed by someone else (now version {stored}, "
                f"yours {record.version}); reload it and apply your change again"
            )
        return row

    def _record(self, row: T) -> R:
        return self.record_type.model_validate(row, from_attributes=True)

    def _stored(self, row: T, record: R) -> R:
        """The record `add` returns for the row it just wrote from `record` (a subclass whose
        JSON columns hold models may take them from `record` instead of parsing them back)."""
        return self._record(row)

    def _written(self, record: R) -> None:
        """After `add` or `update` stored `record`: keep the rows derived from it true, in the
        same transaction (none here)."""

    def _row_values(self, row: T) -> dict[str, Any]:
        """The row's columns by name, as stored (for a `_record` that parses some of them),
        but for the derived ones (which a database write may also have left unloaded)."""
        columns = row.__table__.columns
        return {c.key: getattr(row, c.key) for c in columns if c.key not in self.derived_columns}

    def _records(self, statement: Select[T]) -> list[R]:
        return [self._record(row) for row in self.session.scalars(statement)]

    def _columns(self, record: R, exclude: frozenset[str]) -> dict[str, Any]:
        return record.model_dump(exclude={"id", "version", *exclude})

    def _check_fixed(self, record: R, row: T) -> None:
        stored = self._record(row)  # compare records, not a model with the JSON of a column
        for name in self.fixed_fields:
            if getattr(record, name) != getattr(stored, name):
                raise InputError(name, f"cannot be changed once the {self.kind} is stored")

    def _check_references(self, record: R) -> None:
        """Subclasses name the rows a record points to, so a bad id is a clear NotFound."""

    def _require(self, row_type: type[Base], kind: str, record_id: int | None) -> None:
        if record_id is not None and self.session.get(row_type, record_id) is None:
            raise NotFound(kind, str(record_id))
