"""What acuback publishes about its FHIR: CodeSystems, extension StructureDefinitions and the
CapabilityStatement (`GET /fhir/metadata`), each validated by the fhir.resources R4B models."""

from __future__ import annotations

from typing import Any

from acuback.clinical.instruments import load_instruments
from acuback.interop.fhir.codes import (
    CODE_SYSTEMS,
    EXTENSIONS,
    LATERALITY,
    PROCEDURES,
    ExtensionSpec,
    Urls,
)
from acuback.interop.fhir.importer import IMPORT_HANDLING
from acuback.interop.fhir.resources import checked
from acuback.knowledge import load_knowledge
from acuback.records.vocabulary import ADVERSE_EVENT_TYPES

__all__ = ["EXPORTED_TYPES", "capability_statement", "code_system", "structure_definition"]

FHIR_VERSION = "4.0.1"
PUBLISHED = "2026-12-01"
EXPORTED_TYPES = (
    "Patient",
    "Practitioner",
    "PractitionerRole",
    "Condition",
    "MedicationStatement",
    "Encounter",
    "Appointment",
    "Procedure",
    "Observation",
    "QuestionnaireResponse",
    "CarePlan",
    "AdverseEvent",
    "Provenance",
)


def _concepts(name: str) -> list[dict[str, str]]:
    if name == "acupoint":
        kb = load_knowledge()
        return [
            {"code": code, "display": f"{point.pinyin} ({point.english})"}
            for code, point in sorted(kb.points.items())
        ]
    if name == "condition":
        return [{"code": c.code, "display": c.name} for c in load_knowledge().conditions.values()]
    if name == "instrument":
        return [{"code": s.id, "display": s.name} for s in load_instruments().instruments]
    table = {
        "procedure": PROCEDURES,
        "laterality": LATERALITY,
        "adverse-event-type": {t: t.replace("_", " ") for t in ADVERSE_EVENT_TYPES},
    }[name]
    return [{"code": code, "display": display} for code, display in table.items()]


def code_system(urls: Urls, name: str) -> dict[str, Any]:
    """Our code system `name` (one of `codes.CODE_SYSTEMS`) as a complete CodeSystem."""
    title, description = CODE_SYSTEMS[name]
    concepts = _concepts(name)
    return checked(
        {
            "resourceType": "CodeSystem",
            "id": name,
            "url": urls.code_system(name),
            "version": "1",
            "name": "".join(part.title() for part in name.split("-")),
            "title": title,
            "status": "active",
            "date": PUBLISHED,
            "publisher": "acuback",
            "description": description,
            "caseSensitive": True,
            "content": "complete",
            "count": len(concepts),
            "concept": concepts,
        }
    )


def structure_definition(urls: Urls, spec: ExtensionSpec) -> dict[str, Any]:
    """The StructureDefinition of one of our extensions (a simple, single-valued one)."""
    url = urls.extension(spec.name)
    elements = [
        {
            "id": "Extension",
            "path": "Extension",
            "short": spec.title,
            "definition": spec.description,
            "min": 0,
            "max": "1",
        },
        {"id": "Extension.extension", "path": "Extension.extension", "max": "0"},
        {"id": "Extension.url", "path": "Extension.url", "fixedUri": url},
        {
            "id": "Extension.value[x]",
            "path": "Extension.value[x]",
            "min": 1,
            "type": [{"code": spec.value_type}],
        },
    ]
    return checked(
        {
            "resourceType": "StructureDefinition",
            "id": spec.name,
            "url": url,
            "version": "1",
            "name": "".join(part.title() for part in spec.name.split("-")),
            "title": spec.title,
            "status": "active",
            "date": PUBLISHED,
            "publisher": "acuback",
            "description": spec.description,
            "fhirVersion": FHIR_VERSION,
            "kind": "complex-type",
            "abstract": False,
            "context": [{"type": "element", "expression": spec.context}],
            "type": "Extension",
            "baseDefinition": "http://hl7.org/fhir/StructureDefinition/Extension",
            "derivation": "constraint",
            "differential": {"element": elements},
        }
    )


def extension_definitions(urls: Urls) -> list[dict[str, Any]]:
    return [structure_definition(urls, spec) for spec in EXTENSIONS]


def capability_statement(urls: Urls, version: str) -> dict[str, Any]:
    """What the server does: patient bundles out (read), Bundles in (create, transaction)."""
    resources: list[dict[str, Any]] = [
        {
            "type": name,
            "interaction": [{"code": "read"}],
            "documentation": f"In an imported Bundle: {IMPORT_HANDLING[name]}.",
        }
        for name in EXPORTED_TYPES
    ]
    resources += [
        {"type": name, "documentation": f"In an imported Bundle: {IMPORT_HANDLING[name]}."}
        for name in IMPORT_HANDLING
        if name not in EXPORTED_TYPES
    ]
    resources += [
        {"type": "CodeSystem", "interaction": [{"code": "read"}]},
        {"type": "StructureDefinition", "interaction": [{"code": "read"}]},
    ]
    return checked(
        {
            "resourceType": "CapabilityStatement",
            "id": "acuback",
            "url": f"{urls.fhir}/metadata",
            "name": "AcubackCapabilities",
            "title": "acuback FHIR R4 capabilities",
            "status": "active",
            "date": PUBLISHED,
            "publisher": "acuback",
            "description": (
                "Exports a patient's record as a collection Bundle at "
                "/api/v1/patients/{id}/fhir; imports a collection Bundle posted to "
                f"{urls.fhir} (each resource type says what becomes of it); publishes its "
                f"code systems and extensions under {urls.fhir}."
            ),
            "kind": "instance",
            "software": {"name": "acuback", "version": version},
            "implementation": {"description": "acuback", "url": urls.fhir},
            "fhirVersion": FHIR_VERSION,
            "format": ["application/fhir+json"],
            "rest": [{"mode": "server", "resource": resources}],
        }
    )
