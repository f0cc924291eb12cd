"""FHIR R4 export of the demo clinic, on SQLite and PostgreSQL.

Every patient's Bundle and every conformance resource we publish passes two validators with
zero errors: fhir.resources' R4B models and, independently, Medplum's validateResource against
the base R4 StructureDefinitions (tests/medplum.py). The Bundle carries what the issue lists,
with the codes the reference verified and text where it found none.
"""

from __future__ import annotations

from typing import Any

import pytest
from fhir.resources.R4B.bundle import Bundle

from acuback.interop.fhir import (
    CODE_SYSTEMS,
    Urls,
    capability_statement,
    code_system,
    extension_definitions,
    patient_bundle,
)
from acuback.records import UnitOfWork, make_engine

from ...medplum import medplum_validate

URLS = Urls("https://clinic.example")


@pytest.fixture(scope="module")
def bundles(clinic_url: str) -> dict[str, dict[str, Any]]:
    engine = make_engine(clinic_url)
    try:
        with UnitOfWork(engine) as uow:
            return {
                p.family_name: patient_bundle(uow, p.id or 0, URLS)
                for p in uow.patients.all(limit=100)
            }
    finally:
        engine.dispose()


def _of(bundle: dict[str, Any], kind: str) -> list[dict[str, Any]]:
    return [e["resource"] for e in bundle["entry"] if e["resource"]["resourceType"] == kind]


def test_every_bundle_passes_both_validators(bundles: dict[str, dict[str, Any]]) -> None:
    assert len(bundles) == 12
    for bundle in bundles.values():
        Bundle.model_validate(bundle)  # fhir.resources R4B
        assert bundle["type"] == "collection"
    assert medplum_validate(list(bundles.values())) == []


def test_published_conformance_resources_pass_medplum() -> None:
    published = [code_system(URLS, name) for name in CODE_SYSTEMS]
    published += [*extension_definitions(URLS), capability_statement(URLS, "test")]
    assert medplum_validate(published) == []
    acupoints = code_system(URLS, "acupoint")
    assert acupoints["url"] == "https://clinic.example/api/v1/fhir/CodeSystem/acupoint"
    assert {"BL23", "EX-B2", "GV4"} <= {c["code"] for c in acupoints["concept"]}


def test_the_medplum_validator_finds_errors() -> None:
    # The check above is worth something only if a broken resource fails it.
    broken = {"resourceType": "Observation", "code": {"text": "x"}, "valueQuantity": {"value": "1"}}
    messages = {error["message"] for error in medplum_validate(broken)}
    assert "Missing required property" in messages


def test_the_bundle_carries_the_record(bundles: dict[str, dict[str, Any]]) -> None:
    bundle = bundles["Fenwick"]
    kinds = {e["resource"]["resourceType"] for e in bundle["entry"]}
    assert kinds >= {
        "Patient",
        "Practitioner",
        "PractitionerRole",
        "Condition",
        "Encounter",
        "Appointment",
        "Procedure",
        "Observation",
        "QuestionnaireResponse",
        "CarePlan",
        "Provenance",
    }
    (patient,) = _of(bundle, "Patient")
    assert patient["name"] == [{"family": "Fenwick", "given": ["Ada"]}]
    (condition, *_) = _of(bundle, "Condition")
    assert condition["code"]["coding"][0]["system"] == "http://hl7.org/fhir/sid/icd-10-cm"
    practitioner = _of(bundle, "Practitioner")[0]
    licence = practitioner["qualification"][1]
    assert {"identifier", "issuer", "period"} <= set(licence)
    procedure = _of(bundle, "Procedure")[0]
    codes = {(c["system"], c["code"]) for c in procedure["code"]["coding"]}
    assert ("http://www.ama-assn.org/go/cpt", "97810") in codes
    site = procedure["bodySite"][0]
    assert site["coding"][0]["system"] == URLS.code_system("acupoint")
    urls = {extension["url"] for extension in site["extension"]}
    assert {URLS.extension("needle-laterality"), URLS.extension("needle-depth")} <= urls
    nrs = [o for o in _of(bundle, "Observation") if o["code"]["coding"][0]["code"] == "72514-3"]
    assert nrs
    assert nrs[0]["code"]["coding"][0]["system"] == "http://loinc.org"
    assert nrs[0]["derivedFrom"][0]["reference"].startswith("QuestionnaireResponse/")
    rmdq = [o for o in _of(bundle, "Observation") if o["code"]["text"] == "RMDQ-24 total score"]
    assert rmdq  # no LOINC code was found for the RMDQ: our own code and plain text
    assert all(c["system"] != "http://loinc.org" for o in rmdq for c in o["code"]["coding"])
    provenance = _of(bundle, "Provenance")[0]
    assert provenance["agent"][0]["who"]["reference"].startswith("Practitioner/")


def test_the_adverse_event_is_exported(bundles: dict[str, dict[str, Any]]) -> None:
    events = [e for b in bundles.values() for e in _of(b, "AdverseEvent")]
    assert len(events) == 1
    assert events[0]["suspectEntity"][0]["instance"]["reference"].startswith("Procedure/")
    assert events[0]["severity"]["coding"][0]["code"] == "mild"
