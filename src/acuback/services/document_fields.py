"""The record fields the documents read, one small function each.

Intakes, screenings and plans come from the records as the core's typed models; these functions
are the only places the documents look inside them, handing the templates plain mappings.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from acuback.records import Intake, Patient, Plan, Practitioner

__all__ = [
    "intake_diagnoses",
    "intake_medications",
    "intake_pregnant",
    "licence_words",
    "patient_name",
    "plan_course",
    "plan_points",
    "plan_self_care",
    "screening_cautions",
    "screening_disposition",
    "screening_notes",
    "screening_reasons",
]


def patient_name(patient: Patient) -> str:
    return f"{patient.given_name} {patient.family_name}"


def licence_words(practitioner: Practitioner) -> str:
    """The practitioner's licence as a reader checks it: body, number, expiry."""
    if not practitioner.licence_number:
        return "not recorded"
    words = " ".join(p for p in (practitioner.licence_body, practitioner.licence_number) if p)
    if practitioner.licence_expiry:
        words += f" (valid to {practitioner.licence_expiry.isoformat()})"
    return words


def intake_diagnoses(intake: Intake) -> tuple[str, ...]:
    """Condition codes the intake names (knowledge/data/conditions.yaml keys)."""
    return tuple(intake.payload.diagnoses)


def intake_medications(intake: Intake) -> tuple[str, ...]:
    """The medicines as the patient or practitioner entered them (free text)."""
    return tuple(intake.payload.medications)


def intake_pregnant(intake: Intake) -> bool:
    return intake.payload.pregnancy_weeks is not None


def screening_disposition(intake: Intake) -> str:
    return intake.disposition


def screening_reasons(intake: Intake) -> list[Mapping[str, Any]]:
    """The screening's reasons (rule, message, sources), as stored with the intake."""
    return [reason.model_dump(mode="json") for reason in intake.screening.reasons]


def screening_cautions(intake: Intake) -> list[Mapping[str, Any]]:
    """The screening's caution reasons for this patient (what changes how they are treated)."""
    return [r for r in screening_reasons(intake) if r.get("disposition") == "caution"]


def screening_notes(intake: Intake) -> list[str]:
    """The screening's notes for planning and needling (constraints.notes)."""
    return list(intake.screening.constraints.notes)


def plan_points(plan: Plan) -> list[Mapping[str, Any]]:
    return [point.model_dump(mode="json") for point in plan.payload.points]


def plan_self_care(plan: Plan) -> list[Mapping[str, Any]]:
    return [item.model_dump(mode="json") for item in plan.payload.self_care]


def plan_course(plan: Plan) -> Mapping[str, Any]:
    course = plan.payload.course
    return {} if course is None else course.model_dump(mode="json")
