"""The record fields the documents read, one small function each.

Intakes, screenings and plans are stored as payload dicts today; these functions are the only
places the documents look inside them, so that a typed payload changes these lines only.
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
    return tuple(str(code) for code in intake.payload.get("diagnoses") or ())


def intake_medications(intake: Intake) -> tuple[str, ...]:
    """The medicines as the patient or practitioner entered them (free text)."""
    return tuple(str(text) for text in intake.payload.get("medications") or ())


def intake_pregnant(intake: Intake) -> bool:
    return intake.payload.get("pregnancy_weeks") is not None


def screening_disposition(intake: Intake) -> str:
    return intake.disposition


def screening_reasons(intake: Intake) -> list[Mapping[str, Any]]:
    """The screening's reasons (rule, message, sources), as stored with the intake."""
    return list(intake.screening.get("reasons") or ())


def screening_cautions(intake: Intake) -> list[Mapping[str, Any]]:
    """The screening's caution reasons for this patient (what changes how they are treated)."""
    return [r for r in screening_reasons(intake) if r.get("disposition") == "caution"]


def screening_notes(intake: Intake) -> list[str]:
    """The screening's notes for planning and needling (constraints.notes)."""
    return [str(n) for n in (intake.screening.get("constraints") or {}).get("notes") or ()]


def plan_points(plan: Plan) -> list[Mapping[str, Any]]:
    return list(plan.payload.get("points") or ())


def plan_self_care(plan: Plan) -> list[Mapping[str, Any]]:
    return list(plan.payload.get("self_care") or ())


def plan_course(plan: Plan) -> Mapping[str, Any]:
    return dict(plan.payload.get("course") or {})
