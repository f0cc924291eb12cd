"""What an intake takes in from the patient's FHIR-imported conditions and medicines.

A FHIR import stores another system's Conditions and MedicationStatements on the patient
(`acuback.interop.fhir.history`); the next intake submitted for the patient adds the current
ones to its diagnoses and medicines before it is screened, so that the screening sees them
(an anticoagulant from the hospital's list is screened like one the patient wrote down), and
records on each item the intake that took it in. The intake shows them like any other entry;
the practitioner reads them there.
"""

from __future__ import annotations

from acuback.clinical.intake import Intake as IntakeForm
from acuback.interop.fhir.history import for_intake
from acuback.knowledge import KnowledgeBase
from acuback.records import ImportedItem, UnitOfWork

__all__ = ["mark_taken", "take_in_imported"]


def take_in_imported(
    uow: UnitOfWork, patient_id: int, form: IntakeForm, kb: KnowledgeBase
) -> tuple[IntakeForm, list[ImportedItem]]:
    """The intake with the patient's pending imported items added (those `for_intake`
    allows; a diagnosis or medicine it already names is not repeated), and those items."""
    pending = [
        item
        for item in uow.imported.for_patient(patient_id)
        if item.intake_id is None and for_intake(item)
    ]
    diagnoses = list(form.diagnoses)
    medications = list(form.medications)
    listed = {text.strip().lower() for text in medications}
    for item in pending:
        code = item.code or ""
        if item.kind == "condition" and code in kb.conditions and code not in diagnoses:
            diagnoses.append(code)
        elif item.kind == "medication" and item.text.strip().lower() not in listed:
            listed.add(item.text.strip().lower())
            medications.append(item.text)
    update = {"diagnoses": tuple(diagnoses), "medications": tuple(medications)}
    return form.model_copy(update=update), pending


def mark_taken(uow: UnitOfWork, items: list[ImportedItem], intake_id: int) -> None:
    for item in items:
        uow.imported.taken_into(item, intake_id)
