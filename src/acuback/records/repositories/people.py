"""Repositories for user accounts, practitioners and patients."""

from __future__ import annotations

import secrets
from collections.abc import Iterable
from datetime import date

from sqlalchemy import (
    ColumnElement,
    Integer,
    Select,
    and_,
    func,
    literal_column,
    or_,
    select,
    table,
)

from acuback.errors import Conflict, NotFound
from acuback.records.models import Patient, Practitioner, User
from acuback.records.patient_search import FTS_TABLE, MIN_INDEXED, search_fields
from acuback.records.repositories.base import Repository
from acuback.records.summaries import in_chunks
from acuback.records.tables import PatientRow, PractitionerRow, UserRow

__all__ = ["PatientRepository", "PractitionerRepository", "UserRepository", "new_public_id"]


def new_public_id() -> str:
    """A random patient identifier that reveals nothing (not a count, not a name): 16 hex."""
    return secrets.token_hex(8)


class UserRepository(Repository[User, UserRow]):
    kind = "user"
    row_type = UserRow
    record_type = User
    fixed_fields = frozenset({"username", "created_at"})

    def get_by_username(self, username: str) -> User:
        """The user whose username is `username` ignoring case (`MEI` is `mei`)."""
        same = func.lower(UserRow.username) == username.lower()
        row = self.session.scalar(select(UserRow).where(same))
        if row is None:
            raise NotFound("user", username)
        return self._record(row)

    def all(self) -> list[User]:
        return self._records(select(UserRow).order_by(UserRow.username))

    def add(self, record: User) -> User:
        taken = select(UserRow.id).where(func.lower(UserRow.username) == record.username.lower())
        if self.session.scalar(taken) is not None:
            raise Conflict(f"username {record.username!r} is already taken")
        return super().add(record)

    def totp(self, user_id: int) -> tuple[str | None, str | None, int | None]:
        """The user's TOTP secret, pending (unconfirmed) secret and last accepted time step."""
        row = self._row(user_id)
        return row.totp_secret, row.totp_pending, row.totp_last_step

    def set_totp(
        self, user_id: int, secret: str | None, pending: str | None, last_step: int | None
    ) -> None:
        """Replace the TOTP state (it is not part of the versioned `User` record)."""
        row = self._row(user_id)
        row.totp_secret, row.totp_pending, row.totp_last_step = secret, pending, last_step
        self.session.flush()

    def _check_references(self, record: User) -> None:
        self._require(PatientRow, "patient", record.patient_id)
        self._require(PractitionerRow, "practitioner", record.practitioner_id)


class PractitionerRepository(Repository[Practitioner, PractitionerRow]):
    kind = "practitioner"
    row_type = PractitionerRow
    record_type = Practitioner

    def all(self) -> list[Practitioner]:
        return self._records(select(PractitionerRow).order_by(PractitionerRow.name))

    def licences_expiring(self, before: date) -> list[Practitioner]:
        """Practitioners whose licence expires before `before` (or has expired)."""
        statement = (
            select(PractitionerRow)
            .where(PractitionerRow.licence_expiry < before)
            .order_by(PractitionerRow.licence_expiry)
        )
        return self._records(statement)


class PatientRepository(Repository[Patient, PatientRow]):
    kind = "patient"
    row_type = PatientRow
    record_type = Patient
    fixed_fields = frozenset({"public_id", "created_at"})

    def add(self, record: Patient) -> Patient:
        """Store a new patient; a `public_id` is made unless one is given."""
        if record.public_id is None:
            record = record.model_copy(update={"public_id": new_public_id()})
        return super().add(record)

    def get_many(self, patient_ids: Iterable[int]) -> dict[int, Patient]:
        """The patients with these ids, by id (ascending); `NotFound` names the first missing."""
        wanted = sorted(set(patient_ids))
        found: dict[int, Patient] = {}
        for chunk in in_chunks(wanted):
            statement = select(PatientRow).where(PatientRow.id.in_(chunk))
            found.update((p.id, p) for p in self._records(statement) if p.id is not None)
        for patient_id in wanted:
            if patient_id not in found:
                raise NotFound(self.kind, str(patient_id))
        return {patient_id: found[patient_id] for patient_id in wanted}

    def get_by_public_id(self, public_id: str) -> Patient:
        row = self.session.scalar(select(PatientRow).where(PatientRow.public_id == public_id))
        if row is None:
            raise NotFound("patient", public_id)
        return self._record(row)

    def all(self, limit: int = 100, offset: int = 0, after: int | None = None) -> list[Patient]:
        """Patients by family then given name, a page at a time: those after the patient
        `after` (keyset paging: the page is read from the index, whatever its depth), or
        after skipping `offset` (kept for callers that count pages; it reads what it skips)."""
        key = (PatientRow.family_name, PatientRow.given_name, PatientRow.id)
        statement = select(PatientRow).order_by(*key).limit(limit)
        if after is not None:
            family, given = (
                select(column).where(PatientRow.id == after).scalar_subquery() for column in key[:2]
            )
            same_name = and_(PatientRow.family_name == family, PatientRow.given_name == given)
            statement = statement.where(
                or_(
                    PatientRow.family_name > family,
                    and_(PatientRow.family_name == family, PatientRow.given_name > given),
                    and_(same_name, PatientRow.id > after),
                )
            )
        elif offset:
            statement = statement.offset(offset)
        return self._records(statement)

    def count(self) -> int:
        return self.session.scalar(select(func.count()).select_from(PatientRow)) or 0

    def search(self, text: str, limit: int = 50) -> list[Patient]:
        """Patients whose name, public id, phone or e-mail contains `text` (any case), or who
        were born on `text` (YYYY-MM-DD): through the search index (`records.patient_search`)."""
        needle = text.strip().lower()
        escaped = needle.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        matches: list[ColumnElement[bool]] = []
        if self.session.get_bind().dialect.name == "sqlite" and len(needle) >= MIN_INDEXED:
            phrase = '"' + needle.replace('"', '""') + '"'  # FTS5: the text as one phrase
            rowid = literal_column("rowid", Integer)
            in_index = literal_column(FTS_TABLE).op("MATCH")(phrase)
            found: Select[int] = select(rowid).select_from(table(FTS_TABLE)).where(in_index)
            matches.append(PatientRow.id.in_(found))
        else:
            pattern = f"%{escaped}%"
            matches.extend(field.like(pattern, escape="\\") for field in search_fields())
        born = _iso_date(needle)
        if born is not None:
            matches.append(PatientRow.birth_date == born)
        statement = (
            select(PatientRow)
            .where(or_(*matches))
            .order_by(PatientRow.family_name, PatientRow.given_name, PatientRow.id)
            .limit(limit)
        )
        return self._records(statement)


def _iso_date(text: str) -> date | None:
    """`text` as a date when it is one in YYYY-MM-DD form."""
    try:
        return date.fromisoformat(text) if len(text) == 10 else None
    except ValueError:
        return None
