"""FHIR over the API: a patient's Bundle (application/fhir+json), who may take it, and the
public conformance resources at their canonical URLs."""

from __future__ import annotations

from collections.abc import Callable

from fastapi.testclient import TestClient

Auth = Callable[[str], dict[str, str]]
FHIR_JSON = "application/fhir+json"


def test_a_practitioner_exports_a_patient_bundle(
    client: TestClient, auth: Auth, patient_ids: dict[str, int]
) -> None:
    response = client.get(f"/api/v1/patients/{patient_ids['Fenwick']}/fhir", headers=auth("mei"))
    assert response.status_code == 200
    assert response.headers["content-type"].startswith(FHIR_JSON)
    bundle = response.json()
    assert (bundle["resourceType"], bundle["type"]) == ("Bundle", "collection")
    patient = bundle["entry"][0]["resource"]
    assert patient["resourceType"] == "Patient"
    assert patient["name"][0]["family"] == "Fenwick"


def test_a_patient_takes_only_their_own_and_others_none(
    client: TestClient, auth: Auth, patient_ids: dict[str, int]
) -> None:
    ada, other = patient_ids["Fenwick"], patient_ids["Moreau"]
    assert client.get(f"/api/v1/patients/{ada}/fhir", headers=auth("ada")).status_code == 200
    assert client.get(f"/api/v1/patients/{other}/fhir", headers=auth("ada")).status_code == 403
    for role in ("researcher", "reception", "admin"):
        assert client.get(f"/api/v1/patients/{ada}/fhir", headers=auth(role)).status_code == 403
    assert client.get(f"/api/v1/patients/{ada}/fhir").status_code == 401
    assert client.get("/api/v1/patients/999999/fhir", headers=auth("mei")).status_code == 404


def test_metadata_and_our_code_systems_are_public_at_their_urls(client: TestClient) -> None:
    metadata = client.get("/api/v1/fhir/metadata")
    assert metadata.status_code == 200
    assert metadata.headers["content-type"].startswith(FHIR_JSON)
    statement = metadata.json()
    assert statement["resourceType"] == "CapabilityStatement"
    assert statement["fhirVersion"] == "4.0.1"
    exported = {r["type"] for r in statement["rest"][0]["resource"]}
    assert {"Patient", "Procedure", "Observation", "Provenance"} <= exported
    handling = {
        r["type"]: r["documentation"]
        for r in statement["rest"][0]["resource"]
        if "documentation" in r
    }
    assert handling["Observation"] == "In an imported Bundle: imported."
    assert "imported onto the patient" in handling["MedicationStatement"]
    assert "MedicationStatement" in exported
    assert handling["Procedure"].startswith("In an imported Bundle: skipped: treatment sessions")
    system = client.get("/api/v1/fhir/CodeSystem/acupoint").json()
    assert system["url"] == "http://localhost:8000/api/v1/fhir/CodeSystem/acupoint"
    extension = client.get("/api/v1/fhir/StructureDefinition/needle-depth").json()
    assert extension["url"].endswith("/api/v1/fhir/StructureDefinition/needle-depth")
    assert client.get("/api/v1/fhir/CodeSystem/nope").status_code == 404


def test_a_bundle_posted_creates_a_patient_and_a_repeat_is_only_a_proposal(
    client: TestClient, auth: Auth
) -> None:
    patient = {
        "resourceType": "Patient",
        "name": [{"family": "Posted", "given": ["Petra"]}],
        "gender": "female",
        "birthDate": "1970-05-06",
    }
    score = {
        "resourceType": "Observation",
        "status": "final",
        "code": {"coding": [{"system": "http://loinc.org", "code": "72514-3"}]},
        "effectiveDateTime": "2026-03-01",
        "valueQuantity": {"value": 6},
    }
    bundle = {
        "resourceType": "Bundle",
        "type": "collection",
        "entry": [{"resource": patient}, {"resource": score}],
    }
    mei = auth("mei")
    dry = client.post("/api/v1/fhir?dry_run=true", json=bundle, headers=mei)
    assert dry.status_code == 200, dry.text
    assert dry.json()["dry_run"] is True
    done = client.post("/api/v1/fhir", json=bundle, headers=mei)
    assert done.status_code == 201
    body = done.json()
    assert body["created"] is True
    assert body["imported"] == ["Patient/", "Observation/"]
    again = client.post("/api/v1/fhir", json=bundle, headers=mei)
    assert again.status_code == 422
    assert body["patient"] in again.text
    assert client.post("/api/v1/fhir", json=bundle, headers=auth("researcher")).status_code == 403
    broken = client.post("/api/v1/fhir", content=b'{"resourceType": "Bun', headers=mei)
    assert broken.status_code == 422
    assert broken.json()["field"] == "body"
    assert broken.json()["problem"].startswith("not valid JSON")
    assert "Traceback" not in broken.text


def test_a_posted_bundle_with_an_unknown_type_is_422_and_changes_nothing(
    client: TestClient, auth: Auth
) -> None:
    patient = {
        "resourceType": "Patient",
        "name": [{"family": "Refused", "given": ["Rhea"]}],
        "gender": "female",
        "birthDate": "1966-01-02",
    }
    warfarin = {
        "resourceType": "MedicationStatement",
        "status": "active",
        "subject": {"reference": "Patient/x"},
        "medicationCodeableConcept": {"text": "warfarin 5 mg daily"},
    }
    basic = {"resourceType": "Basic", "code": {"text": "a note"}}
    entries = [{"resource": r} for r in (patient, warfarin, basic)]
    bundle = {"resourceType": "Bundle", "type": "collection", "entry": entries}
    mei = auth("mei")
    refused = client.post("/api/v1/fhir", json=bundle, headers=mei)
    assert refused.status_code == 422
    assert refused.json()["field"] == "entry[2].resource.resourceType"
    assert "Basic is not imported" in refused.json()["problem"]
    dry = client.post(
        "/api/v1/fhir?dry_run=true", json={**bundle, "entry": entries[:2]}, headers=mei
    )
    assert dry.status_code == 200  # so the 422 above created no patient to match against
    assert dry.json()["skipped"] == []
    (medicine,) = dry.json()["history"]
    assert medicine == {
        "resource": "MedicationStatement/",
        "reads": "warfarin 5 mg daily",
        "for_intake": True,
    }
