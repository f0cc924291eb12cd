"""Condition, Appointment, Observation, QuestionnaireResponse and CarePlan from our records.

Stored payloads are read through `intake_diagnoses` and `plan_course` alone, so that typed
records can replace the dicts in one place.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from acuback.clinical.instruments import instrument
from acuback.interop.fhir.codes import (
    CONDITION_CLINICAL,
    ICD10CM,
    LOINC,
    OBSERVATION_CATEGORY,
    UCUM,
    Urls,
)
from acuback.interop.fhir.people import practitioner_id, ref
from acuback.knowledge import load_knowledge
from acuback.records import Appointment, Intake, OutcomeMeasurement, Plan

__all__ = [
    "CourseShape",
    "appointment_resource",
    "care_plan_resource",
    "condition_id",
    "condition_resource",
    "intake_diagnoses",
    "observation_resources",
    "plan_course",
]

_APPOINTMENT_STATUS = {
    "booked": "booked",
    "attended": "fulfilled",
    "cancelled": "cancelled",
    "no_show": "noshow",
}
_PLAN_STATUS = {"proposed": "draft", "accepted": "active", "superseded": "revoked"}
_ACTIVITY_STATUS = {"proposed": "not-started", "accepted": "in-progress", "superseded": "stopped"}
# Instruments whose answers we export as a QuestionnaireResponse (answers only, never item
# text); the ODI is licensed (instruments.yaml), so only its score leaves.
_RESPONSES = frozenset({"nrs", "peg", "rmdq", "startback"})


def intake_diagnoses(intake: Intake) -> tuple[str, ...]:
    return tuple(intake.payload.diagnoses)


@dataclass(frozen=True)
class CourseShape:
    sessions_per_week: int | None
    weeks: int | None
    total_sessions: int | None


def plan_course(plan: Plan) -> CourseShape:
    course = plan.payload.course
    if course is None:
        return CourseShape(None, None, None)
    return CourseShape(course.sessions_per_week, course.weeks, course.total_sessions)


def condition_id(code: str) -> str:
    return f"cond-{code.replace('_', '-')}"


def condition_resource(urls: Urls, patient: str, code: str, intake: Intake) -> dict[str, Any]:
    """A diagnosis of an intake: ICD-10-CM (the condition's first, most specific code)."""
    condition = load_knowledge().conditions.get(code)
    name = condition.name if condition else code.replace("_", " ")
    coding = [{"system": urls.code_system("condition"), "code": code, "display": name}]
    if condition is not None:
        coding.insert(0, {"system": ICD10CM, "code": condition.icd10cm[0]})
    resource: dict[str, Any] = {
        "resourceType": "Condition",
        "id": condition_id(code),
        "clinicalStatus": {"coding": [{"system": CONDITION_CLINICAL, "code": "active"}]},
        "code": {"coding": coding, "text": name},
        "subject": ref("Patient", patient),
    }
    if intake.submitted_at:
        resource["recordedDate"] = intake.submitted_at.isoformat()
    return resource


def appointment_resource(patient: str, appointment: Appointment) -> dict[str, Any]:
    return {
        "resourceType": "Appointment",
        "id": f"appt-{appointment.id}",
        "status": _APPOINTMENT_STATUS[appointment.status],
        "description": appointment.kind,
        "start": appointment.starts_at.isoformat(),
        "end": appointment.ends_at.isoformat(),
        "participant": [
            {"actor": ref("Patient", patient), "status": "accepted"},
            {
                "actor": ref("Practitioner", practitioner_id(appointment.practitioner_id)),
                "status": "accepted",
            },
        ],
    }


def _answer(value: object) -> dict[str, Any]:
    if isinstance(value, bool):
        return {"valueBoolean": value}
    if isinstance(value, int):
        return {"valueInteger": value}
    if isinstance(value, float):
        return {"valueDecimal": value}
    return {"valueString": str(value)}


def _answers(responses: object) -> list[object]:
    if isinstance(responses, list):
        return responses
    if isinstance(responses, dict):
        return list(responses.values())
    return [] if responses is None else [responses]


def observation_resources(
    urls: Urls, patient: str, item: OutcomeMeasurement
) -> list[dict[str, Any]]:
    """The score as an Observation, and the answers as a QuestionnaireResponse where we may."""
    spec = instrument(item.instrument)
    found: list[dict[str, Any]] = []
    ours = {"system": urls.code_system("instrument"), "code": spec.id, "display": spec.name}
    coding = (
        [ours] if spec.loinc.score is None else [{"system": LOINC, "code": spec.loinc.score}, ours]
    )
    observation: dict[str, Any] = {
        "resourceType": "Observation",
        "id": f"obs-{item.id}",
        "status": "final",
        "category": [{"coding": [{"system": OBSERVATION_CATEGORY, "code": "survey"}]}],
        "code": {"coding": coding, "text": f"{spec.short_name} total score"},
        "subject": ref("Patient", patient),
        "effectiveDateTime": item.measured_on.isoformat(),
    }
    if item.score is not None:
        unit = "%" if spec.score.unit == "%" else "{score}"
        observation["valueQuantity"] = {
            "value": item.score,
            "unit": unit,
            "system": UCUM,
            "code": unit,
        }
    else:
        observation["dataAbsentReason"] = {"text": "not scored"}
    answers = _answers(item.responses)
    if spec.id in _RESPONSES and answers:
        response = {
            "resourceType": "QuestionnaireResponse",
            "id": f"qr-{item.id}",
            "status": "completed",
            "subject": ref("Patient", patient),
            "authored": item.measured_on.isoformat(),
            "item": [
                {"linkId": str(index), "answer": [_answer(value)]}
                for index, value in enumerate(answers, start=1)
                if value is not None
            ],
        }
        observation["derivedFrom"] = [ref("QuestionnaireResponse", f"qr-{item.id}")]
        found.append(response)
    return [observation, *found]


def care_plan_resource(
    urls: Urls, patient: str, plan: Plan, conditions: list[str], procedures: list[str]
) -> dict[str, Any]:
    course = plan_course(plan)
    detail: dict[str, Any] = {
        "kind": "ServiceRequest",
        "code": {"coding": [{"system": urls.code_system("procedure"), "code": "acupuncture"}]},
        "status": {"proposed": "not-started", "accepted": "in-progress"}.get(
            plan.status, "stopped"
        ),
    }
    if course.total_sessions and course.sessions_per_week:
        detail["scheduledTiming"] = {
            "repeat": {
                "count": course.total_sessions,
                "frequency": course.sessions_per_week,
                "period": 1,
                "periodUnit": "wk",
            }
        }
        detail["description"] = (
            f"{course.total_sessions} sessions, {course.sessions_per_week} a week"
            + (f" over {course.weeks} weeks" if course.weeks else "")
        )
    activity: dict[str, Any] = {"detail": detail}
    if procedures:
        activity["outcomeReference"] = [ref("Procedure", p) for p in procedures]
    resource: dict[str, Any] = {
        "resourceType": "CarePlan",
        "id": f"plan-{plan.id}",
        "status": _PLAN_STATUS[plan.status],
        "intent": "plan",
        "title": "Acupuncture course",
        "subject": ref("Patient", patient),
        "activity": [activity],
    }
    if plan.created_at:
        resource["created"] = plan.created_at.isoformat()
    if conditions:
        resource["addresses"] = [ref("Condition", c) for c in conditions]
    return resource
