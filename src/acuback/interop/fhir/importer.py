"""Read a FHIR R4 Bundle from another system into one patient's records, all or nothing.

What is imported: one Patient (matched or created); Observations of the instruments we know
(by the LOINC score code of instruments.yaml or our own instrument code), with their answers
from the QuestionnaireResponse they derive from (when answers are present the clinical core
scores them and the Observation's value must agree; without answers the value must lie in the
instrument's range); Conditions and MedicationStatements, stored as imported items that the
patient's next intake takes in (`acuback.interop.fhir.history` says which and why). A
Condition or medicine already on the patient (imported before, or on an intake) is skipped.
The other types our own export holds (practitioners, encounters, procedures, plans...) are
reported as skipped with the reason, so that our own Bundle imports. Every resource is
validated by the R4B models; a type we neither export nor import, an invalid resource, or a
Bundle that is not JSON is an error naming the entry, and nothing is written (the caller
rolls the unit of work back).

The patient is never merged silently: a Patient whose identifier, or name and birth date,
matches a stored one is a proposal, and the import goes ahead only with `into` set to that
patient's public id (or `new=True` for a separate patient).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from acuback.clinical.instruments import Instrument, load_instruments
from acuback.clinical.scoring import score
from acuback.errors import InputError
from acuback.interop.fhir.codes import LOINC, Urls
from acuback.interop.fhir.history import (
    HISTORY_TYPES,
    condition_item,
    for_intake,
    medication_item,
    reading,
)
from acuback.interop.fhir.resources import parse
from acuback.interop.progress import SILENT, Progress
from acuback.records import ImportedItem, OutcomeMeasurement, Patient, UnitOfWork
from acuback.records.models import validated

__all__ = ["IMPORTED_TYPES", "IMPORT_HANDLING", "KNOWN_TYPES", "ImportReport", "import_bundle"]

IMPORTED_TYPES = ("Patient", "Observation", "QuestionnaireResponse", *HISTORY_TYPES)
# Types our export holds that an import does not write, and why (records of the sending
# clinic's own practice: its people, visits, needling, plans and signatures).
_WHY_SKIPPED = {
    "Practitioner": "practitioners are set up in this clinic, not imported",
    "PractitionerRole": "practitioners are set up in this clinic, not imported",
    "Encounter": "visits are charted in this clinic, not imported",
    "Appointment": "appointments are booked in this clinic, not imported",
    "Procedure": "treatment sessions are charted and signed in this clinic, not imported",
    "Provenance": "signatures belong to the charts, which are not imported",
    "CarePlan": "plans are made from an intake in this clinic, not imported",
    "AdverseEvent": "adverse events belong to sessions, which are not imported",
}
KNOWN_TYPES = (*IMPORTED_TYPES, *_WHY_SKIPPED)
#: what an import does with each type it accepts (the CapabilityStatement publishes it)
IMPORT_HANDLING = {
    **dict.fromkeys(IMPORTED_TYPES, "imported"),
    **dict.fromkeys(
        HISTORY_TYPES,
        "imported onto the patient; the next intake takes in current medicines and "
        "knowledge-base diagnoses that are not resolved or refuted",
    ),
    **{kind: f"skipped: {why}" for kind, why in _WHY_SKIPPED.items()},
}
_PATIENT_FIELDS = {  # our field -> the FHIR element it came from, for error messages
    "given_name": "name.given",
    "family_name": "name.family",
    "sex": "gender",
    "birth_date": "birthDate",
    "phone": "telecom",
    "email": "telecom",
    "public_id": "identifier",
}


@dataclass
class ImportReport:
    """What an import did (or, on a dry run, would do)."""

    patient: str = ""
    created: bool = False
    imported: list[str] = field(default_factory=list)
    skipped: list[dict[str, str]] = field(default_factory=list)
    #: per imported Condition or MedicationStatement: what it reads as and whether the next
    #: intake takes it in
    history: list[dict[str, str | bool]] = field(default_factory=list)


def _resources(data: object) -> list[dict[str, Any]]:
    if not isinstance(data, dict) or data.get("resourceType") != "Bundle":
        raise InputError("bundle", "not a FHIR Bundle (resourceType must be Bundle)")
    bundle = parse(data, "bundle")
    resources = []
    for index, entry in enumerate(bundle.get("entry", [])):
        resource = entry.get("resource")
        kind = resource.get("resourceType") if isinstance(resource, dict) else None
        if kind not in KNOWN_TYPES:
            raise InputError(
                f"entry[{index}].resource.resourceType", f"{kind} is not imported", KNOWN_TYPES
            )
        resources.append(resource)
    patients = [r for r in resources if r["resourceType"] == "Patient"]
    if len(patients) != 1:
        raise InputError("bundle", f"needs exactly one Patient, found {len(patients)}")
    return resources


def _patient_record(urls: Urls, resource: dict[str, Any]) -> Patient:
    names = resource.get("name") or [{}]
    name = names[0]
    given = (name.get("given") or [""])[0]
    telecom = {t.get("system"): t.get("value") for t in resource.get("telecom", [])}
    system = urls.identifier("patient")
    ours = [i["value"] for i in resource.get("identifier", []) if i.get("system") == system]
    birth = resource.get("birthDate")
    if birth and len(birth) != len("YYYY-MM-DD"):  # FHIR allows a year or a month alone
        raise InputError("Patient.birthDate", f"{birth} is not a full date (YYYY-MM-DD)")
    fields = {
        "public_id": ours[0] if ours else None,
        "given_name": given,
        "family_name": name.get("family") or "",
        "sex": resource.get("gender", ""),
        "birth_date": date.fromisoformat(birth) if birth else None,
        "phone": telecom.get("phone"),
        "email": telecom.get("email"),
    }
    try:
        return validated(Patient, fields)
    except InputError as exc:
        where = _PATIENT_FIELDS.get(exc.field, exc.field)
        raise InputError(f"Patient.{where}", exc.problem, exc.allowed) from None


def _candidates(uow: UnitOfWork, incoming: Patient) -> list[Patient]:
    found: dict[str, Patient] = {}
    if incoming.public_id:
        try:
            match = uow.patients.get_by_public_id(incoming.public_id)
            found[str(match.public_id)] = match
        except LookupError:
            pass
    for match in uow.patients.search(f"{incoming.given_name} {incoming.family_name}"):
        if incoming.birth_date is not None and match.birth_date == incoming.birth_date:
            found[str(match.public_id)] = match
    return list(found.values())


def _target(
    uow: UnitOfWork, incoming: Patient, into: str | None, new: bool
) -> tuple[Patient, bool]:
    matches = _candidates(uow, incoming)
    if into is not None:
        chosen = [m for m in matches if m.public_id == into]
        if not chosen:
            raise InputError("--into", f"{into} is not a patient this bundle matches")
        return chosen[0], False
    if matches and not new:
        shown = "; ".join(
            f"{m.public_id} ({m.given_name} {m.family_name}, born {m.birth_date or 'unknown'})"
            for m in matches
        )
        raise InputError(
            "--into",
            f"the Patient matches {shown}: rerun with --into <id> to add to that record, "
            "or --new for a separate patient",
        )
    if new and incoming.public_id and any(m.public_id == incoming.public_id for m in matches):
        incoming = incoming.model_copy(update={"public_id": None})
    return uow.patients.add(incoming), True


def _instrument(code: dict[str, Any], urls: Urls) -> Instrument | None:
    codes = {(c.get("system"), c.get("code")) for c in code.get("coding", [])}
    for spec in load_instruments().instruments:
        if (urls.code_system("instrument"), spec.id) in codes:
            return spec
        if spec.loinc.score is not None and (LOINC, spec.loinc.score) in codes:
            return spec
    return None


def _answers(response: dict[str, Any], spec: Instrument) -> object:
    values: dict[int, object] = {}
    for item in response.get("item", []):
        answer = (item.get("answer") or [{}])[0]
        value = next((v for k, v in answer.items() if k.startswith("value")), None)
        values[int(item["linkId"])] = value
    answers = [values.get(index) for index in range(1, max(spec.items, len(values)) + 1)]
    return answers[0] if spec.id == "nrs" else answers


def _observation(
    urls: Urls, resource: dict[str, Any], responses: dict[str, dict[str, Any]], pid: int
) -> OutcomeMeasurement | str:
    """The measurement of one Observation, or why it is skipped."""
    spec = _instrument(resource.get("code", {}), urls)
    if spec is None:
        return "not an instrument acuback knows (nrs, peg, rmdq, startback, odi)"
    value = (resource.get("valueQuantity") or {}).get("value")
    when = resource.get("effectiveDateTime")
    if when is None or len(when) < len("YYYY-MM-DD"):
        return "no effectiveDateTime with a full date"
    derived = [ref.get("reference", "") for ref in resource.get("derivedFrom", [])]
    answers_of = next((responses[r] for r in derived if r in responses), None)
    answers = None if answers_of is None else _answers(answers_of, spec)
    if answers is not None:
        result = float(score(spec.id, answers).value)
        if value is not None and float(value) != result:
            return f"its value {value} differs from the score of its answers ({result})"
        value = result
    if value is None or not spec.score.min <= float(value) <= spec.score.max:
        return f"no score within {spec.score.min}-{spec.score.max}"
    return OutcomeMeasurement(
        patient_id=pid,
        instrument=spec.id,
        measured_on=date.fromisoformat(when[:10]),
        responses=[] if answers is None else answers,
        score=float(value),  # []: no answers came
    )


def _already(uow: UnitOfWork, patient_id: int) -> tuple[set[str], set[tuple[object, ...]]]:
    """What the patient already has: diagnosis codes and medicine texts of their intakes, and
    the imported items (as keys of `_key`)."""
    on_intakes: set[str] = set()
    for intake in uow.intakes.for_patient(patient_id):
        on_intakes |= {f"condition:{code}" for code in intake.payload.diagnoses}
        on_intakes |= {f"medication:{text.strip().lower()}" for text in intake.payload.medications}
    return on_intakes, {_key(item) for item in uow.imported.for_patient(patient_id)}


def _key(item: ImportedItem) -> tuple[object, ...]:
    return (item.kind, json.dumps(item.concept, sort_keys=True), item.status, item.verification)


def _history(
    uow: UnitOfWork, item: ImportedItem, report: ImportReport, label: str, known: tuple[Any, Any]
) -> None:
    on_intakes, imported = known
    kept = f"condition:{item.code}" if item.kind == "condition" else ""
    if item.kind == "medication":
        kept = f"medication:{item.text.strip().lower()}"
    if kept in on_intakes and for_intake(item):
        report.skipped.append({"resource": label, "why": "already on the patient's intake"})
    elif _key(item) in imported:
        report.skipped.append({"resource": label, "why": "already imported for the patient"})
    else:
        imported.add(_key(item))
        uow.imported.add(item)
        report.imported.append(label)
        entry: dict[str, str | bool] = {"resource": label, "reads": reading(item)}
        report.history.append({**entry, "for_intake": for_intake(item)})


def import_bundle(
    uow: UnitOfWork,
    data: object,
    urls: Urls,
    into: str | None = None,
    new: bool = False,
    user_id: int | None = None,
    progress: Progress = SILENT,
) -> ImportReport:
    """Write the bundle's patient, measurements, conditions and medicines into `uow` (not
    committed: the caller does); `user_id` is who imports, `progress` hears of each entry."""
    resources = _resources(data)
    progress.start(len(resources), "importing")
    report = ImportReport()
    (incoming,) = [r for r in resources if r["resourceType"] == "Patient"]
    patient, report.created = _target(uow, _patient_record(urls, incoming), into, new)
    pid = patient.id or 0
    report.patient = str(patient.public_id)
    report.imported.append(f"Patient/{incoming.get('id', '')}")
    responses = {
        f"QuestionnaireResponse/{r.get('id')}": r
        for r in resources
        if r["resourceType"] == "QuestionnaireResponse"
    }
    known = _already(uow, pid)
    used: set[str] = set()
    for resource in resources:
        label = f"{resource['resourceType']}/{resource.get('id', '')}"
        kind = resource["resourceType"]
        progress.advance(f"importing {kind}")
        if kind in _WHY_SKIPPED:
            report.skipped.append({"resource": label, "why": _WHY_SKIPPED[kind]})
        elif kind == "Condition":
            _history(uow, condition_item(urls, resource, pid, user_id), report, label, known)
        elif kind == "MedicationStatement":
            _history(uow, medication_item(resource, pid, user_id), report, label, known)
        elif kind == "Observation":
            outcome = _observation(urls, resource, responses, pid)
            if isinstance(outcome, str):
                report.skipped.append({"resource": label, "why": outcome})
                continue
            uow.outcomes.add(outcome)
            report.imported.append(label)
            used.update(r.get("reference", "") for r in resource.get("derivedFrom", []))
    for key in responses:
        if key in used:
            report.imported.append(key)
        else:
            report.skipped.append({"resource": key, "why": "no Observation derives from it"})
    return report
