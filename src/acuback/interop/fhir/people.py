"""Patient, Practitioner and PractitionerRole from our records."""

from __future__ import annotations

from typing import Any

from acuback.interop.fhir.codes import Urls
from acuback.records import Patient, Practitioner

__all__ = ["patient_id", "patient_resource", "practitioner_id", "practitioner_resources", "ref"]


def ref(resource_type: str, resource_id: str) -> dict[str, str]:
    return {"reference": f"{resource_type}/{resource_id}"}


def patient_id(patient: Patient) -> str:
    return str(patient.public_id)


def practitioner_id(practitioner_id: int) -> str:
    return f"pr-{practitioner_id}"


def patient_resource(urls: Urls, patient: Patient) -> dict[str, Any]:
    telecom = [
        {"system": system, "value": value}
        for system, value in (("phone", patient.phone), ("email", patient.email))
        if value
    ]
    resource: dict[str, Any] = {
        "resourceType": "Patient",
        "id": patient_id(patient),
        "identifier": [{"system": urls.identifier("patient"), "value": patient.public_id}],
        "name": [{"family": patient.family_name, "given": [patient.given_name]}],
        "gender": patient.sex,  # female | male | other: the same words in FHIR
    }
    if telecom:
        resource["telecom"] = telecom
    if patient.birth_date:
        resource["birthDate"] = patient.birth_date.isoformat()
    return resource


def _qualifications(urls: Urls, practitioner: Practitioner) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = [{"code": {"text": practitioner.qualification}}]
    if practitioner.licence_number or practitioner.licence_body:
        licence: dict[str, Any] = {"code": {"text": "Licence or registration to practise"}}
        if practitioner.licence_number:
            licence["identifier"] = [
                {"system": urls.identifier("licence"), "value": practitioner.licence_number}
            ]
        if practitioner.licence_expiry:
            licence["period"] = {"end": practitioner.licence_expiry.isoformat()}
        if practitioner.licence_body:
            licence["issuer"] = {"display": practitioner.licence_body}
        found.append(licence)
    return found


def practitioner_resources(urls: Urls, practitioner: Practitioner) -> list[dict[str, Any]]:
    """The Practitioner (credentials as qualifications) and their PractitionerRole."""
    pid = practitioner_id(practitioner.id or 0)
    person = {
        "resourceType": "Practitioner",
        "id": pid,
        "identifier": [{"system": urls.identifier("practitioner"), "value": str(practitioner.id)}],
        "name": [{"text": practitioner.name}],
        "qualification": _qualifications(urls, practitioner),
    }
    role: dict[str, Any] = {
        "resourceType": "PractitionerRole",
        "id": f"role-{practitioner.id}",
        "active": True,
        "practitioner": ref("Practitioner", pid),
        "code": [{"text": "Acupuncturist"}],
    }
    if practitioner.specialties:
        role["specialty"] = [{"text": text} for text in practitioner.specialties]
    if practitioner.years_in_practice is not None:
        role["extension"] = [
            {
                "url": urls.extension("years-in-practice"),
                "valueInteger": practitioner.years_in_practice,
            }
        ]
    return [person, role]
