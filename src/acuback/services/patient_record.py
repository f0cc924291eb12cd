"""The patient record as the clinic shows it: every part read in one transaction.

Each part is read through its own use case (so the permission checks and the audit entries are
exactly theirs: `patient.read`, `appointment.list`, and for roles that read clinical records
`intake.list`, `plan.list` (summaries: the full plan loads when opened), `session.list`,
`outcome.list`, `adverse_event.list`, `trajectory.read`), with the commit left to the end:
one transaction instead of one per part. Should a later part be refused, the refusal rolls
the earlier, not yet shown, reads back and only the denial is kept.
"""

from __future__ import annotations

from dataclasses import dataclass

from acuback.clinical.screening import ScreeningResult
from acuback.records import (
    AdverseEvent,
    Appointment,
    Intake,
    OutcomeMeasurement,
    Patient,
    TreatmentSession,
    UnitOfWork,
)
from acuback.records.summaries import PlanSummary
from acuback.services.access import Actor, can
from acuback.services.charting import list_adverse_events, list_sessions
from acuback.services.intakes import list_intakes, stored_screening
from acuback.services.outcomes import TrajectoryReport, list_outcomes, patient_trajectory
from acuback.services.people import get_patient
from acuback.services.plans import plan_summaries
from acuback.services.schedule import list_patient_appointments

__all__ = ["ClinicalRecord", "PatientRecord", "patient_record"]


@dataclass(frozen=True)
class ClinicalRecord:
    """The clinical parts of a record, each oldest first as its use case lists it."""

    intakes: tuple[Intake, ...]
    plans: tuple[PlanSummary, ...]  # summaries: the full plan loads when opened
    charts: tuple[TreatmentSession, ...]  # as they stand now (amendments applied)
    outcomes: tuple[OutcomeMeasurement, ...]
    adverse_events: tuple[AdverseEvent, ...]
    trajectory: TrajectoryReport

    @property
    def latest_screening(self) -> tuple[Intake, ScreeningResult] | None:
        """The newest intake and its stored screening (as `intakes.latest_screening`)."""
        return (self.intakes[-1], stored_screening(self.intakes[-1])) if self.intakes else None

    @property
    def accepted_plan(self) -> PlanSummary | None:
        """The accepted plan listed last (as `plans.accepted_plan`)."""
        accepted = [plan for plan in self.plans if plan.status == "accepted"]
        return accepted[-1] if accepted else None


@dataclass(frozen=True)
class PatientRecord:
    patient: Patient
    appointments: tuple[Appointment, ...]
    clinical: ClinicalRecord | None  # None for a role that does not read clinical records


def patient_record(uow: UnitOfWork, actor: Actor, patient_id: int) -> PatientRecord:
    """Read a patient's record, with the clinical parts when `actor` may read them."""
    patient = get_patient(uow, actor, patient_id)
    appointments = list_patient_appointments(uow, actor, patient_id)
    clinical = None
    if can(actor, "clinical.read", patient_id):
        clinical = ClinicalRecord(
            tuple(list_intakes(uow, actor, patient_id)),
            tuple(plan_summaries(uow, actor, patient_id, limit=None)[0]),
            tuple(list_sessions(uow, actor, patient_id)),
            tuple(list_outcomes(uow, actor, patient_id)),
            tuple(list_adverse_events(uow, actor, patient_id)),
            patient_trajectory(uow, actor, patient_id),
        )
    return PatientRecord(patient, tuple(appointments), clinical)
