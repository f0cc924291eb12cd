"""Encounter, Procedure, AdverseEvent and Provenance from signed session charts."""

from __future__ import annotations

from typing import Any

from acuback.interop.fhir.codes import (
    ACT_CODE,
    AE_SERIOUSNESS,
    AE_SEVERITY,
    CPT,
    PROCEDURES,
    PROVENANCE_PARTICIPANT,
    UCUM,
    Urls,
)
from acuback.interop.fhir.people import practitioner_id, ref
from acuback.knowledge import load_knowledge
from acuback.records import AdverseEvent, NeedleInsertion, TreatmentSession

__all__ = ["adverse_event_resource", "procedure_id", "session_resources"]

_SEVERITY = {"mild": "mild", "moderate": "moderate", "serious": "severe"}


def procedure_id(session: TreatmentSession) -> str:
    return f"proc-{session.id}"


def _body_site(urls: Urls, needle: NeedleInsertion, retention: int | None) -> dict[str, Any]:
    point = load_knowledge().points.get(needle.point)
    coding: dict[str, Any] = {"system": urls.code_system("acupoint"), "code": needle.point}
    if point is not None:
        coding["display"] = f"{point.pinyin} ({point.english})"
    extensions: list[dict[str, Any]] = [
        {"url": urls.extension("needle-laterality"), "valueCode": needle.side},
        {
            "url": urls.extension("needle-depth"),
            "valueQuantity": {"value": needle.depth_mm, "unit": "mm", "system": UCUM, "code": "mm"},
        },
    ]
    minutes = needle.retention_minutes if needle.retention_minutes is not None else retention
    if minutes is not None:
        extensions.append(
            {
                "url": urls.extension("needle-retention"),
                "valueQuantity": {"value": minutes, "unit": "min", "system": UCUM, "code": "min"},
            }
        )
    return {"extension": extensions, "coding": [coding], "text": f"{needle.point} {needle.side}"}


def session_resources(
    urls: Urls, patient: str, session: TreatmentSession, conditions: list[str], signer: int
) -> list[dict[str, Any]]:
    """A signed chart as its Encounter, Procedure and the Provenance of its signature."""
    practitioner = ref("Practitioner", practitioner_id(session.practitioner_id))
    encounter: dict[str, Any] = {
        "resourceType": "Encounter",
        "id": f"enc-{session.id}",
        "status": "finished",
        "class": {"system": ACT_CODE, "code": "AMB", "display": "ambulatory"},
        "subject": ref("Patient", patient),
        "participant": [{"individual": practitioner}],
        "period": {"start": session.session_date.isoformat()},
    }
    if session.appointment_id is not None:
        encounter["appointment"] = [ref("Appointment", f"appt-{session.appointment_id}")]
    electro = any(n.stimulation == "electro" for n in session.needles)
    kind = "electroacupuncture" if electro else "acupuncture"
    code = {
        "coding": [
            {"system": urls.code_system("procedure"), "code": kind, "display": PROCEDURES[kind]},
            {"system": CPT, "code": "97813" if electro else "97810"},
        ],
        "text": PROCEDURES[kind],
    }
    procedure: dict[str, Any] = {
        "resourceType": "Procedure",
        "id": procedure_id(session),
        "status": "completed",
        "code": code,
        "subject": ref("Patient", patient),
        "encounter": ref("Encounter", f"enc-{session.id}"),
        "performedDateTime": session.session_date.isoformat(),
        "performer": [{"actor": practitioner}],
    }
    if session.needles:
        procedure["bodySite"] = [
            _body_site(urls, needle, session.retention_minutes) for needle in session.needles
        ]
    if conditions:
        procedure["reasonReference"] = [ref("Condition", c) for c in conditions]
    if session.notes.strip():
        procedure["note"] = [{"text": session.notes}]
    provenance = {
        "resourceType": "Provenance",
        "id": f"prov-{session.id}",
        "target": [ref("Procedure", procedure_id(session)), ref("Encounter", f"enc-{session.id}")],
        "recorded": session.signed_at.isoformat() if session.signed_at else None,
        "agent": [
            {
                "type": {"coding": [{"system": PROVENANCE_PARTICIPANT, "code": "author"}]},
                "who": ref("Practitioner", practitioner_id(signer)),
            }
        ],
    }
    return [encounter, procedure, provenance]


def adverse_event_resource(urls: Urls, patient: str, event: AdverseEvent) -> dict[str, Any]:
    serious = "serious" if event.severity == "serious" else "non-serious"
    return {
        "resourceType": "AdverseEvent",
        "id": f"ae-{event.id}",
        "actuality": "actual",
        "event": {
            "coding": [{"system": urls.code_system("adverse-event-type"), "code": event.type}],
            "text": event.description or event.type.replace("_", " "),
        },
        "subject": ref("Patient", patient),
        "encounter": ref("Encounter", f"enc-{event.session_id}"),
        "date": event.occurred_at.isoformat(),
        "seriousness": {"coding": [{"system": AE_SERIOUSNESS, "code": serious}]},
        "severity": {"coding": [{"system": AE_SEVERITY, "code": _SEVERITY[event.severity]}]},
        "suspectEntity": [{"instance": ref("Procedure", f"proc-{event.session_id}")}],
    }
