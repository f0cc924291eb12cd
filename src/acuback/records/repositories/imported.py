"""The conditions and medicines a FHIR import brought, per patient, and the intake that
took them in."""

from __future__ import annotations

from sqlalchemy import select

from acuback.errors import InputError
from acuback.records.models import ImportedItem
from acuback.records.repositories.base import Repository
from acuback.records.tables import ImportedItemRow, IntakeRow, PatientRow, UserRow

__all__ = ["ImportedItemRepository"]


class ImportedItemRepository(Repository[ImportedItem, ImportedItemRow]):
    """What came in stays as it came: only `intake_id` may be set, once."""

    kind = "imported item"
    row_type = ImportedItemRow
    record_type = ImportedItem
    fixed_fields = frozenset(
        {"patient_id", "kind", "code", "text", "status", "verification", "concept", "recorded"}
        | {"source", "imported_at", "imported_by"}
    )

    def for_patient(self, patient_id: int) -> list[ImportedItem]:
        """A patient's imported items in the order they were imported."""
        statement = (
            select(ImportedItemRow)
            .where(ImportedItemRow.patient_id == patient_id)
            .order_by(ImportedItemRow.id)
        )
        return self._records(statement)

    def taken_into(self, item: ImportedItem, intake_id: int) -> ImportedItem:
        """Record that the intake `intake_id` took the item in (once)."""
        if item.intake_id is not None:
            raise InputError("intake_id", f"imported item {item.id} is already on an intake")
        return self.update(item.model_copy(update={"intake_id": intake_id}))

    def _check_references(self, record: ImportedItem) -> None:
        self._require(PatientRow, "patient", record.patient_id)
        self._require(UserRow, "user", record.imported_by)
        self._require(IntakeRow, "intake", record.intake_id)
