"""Our own full export of a demo patient, imported into an empty database and exported again,
on SQLite and PostgreSQL.

Round-tripped exactly: the Patient, every Condition and MedicationStatement (stored as
imported items, since an intake needs the pain questions a Bundle does not carry; exported
again as they came), every Observation and every QuestionnaireResponse (their ids are
renumbered in order, because `obs-N` and `qr-N` come from the record ids of each database,
and the demo clinic's ids interleave across patients).
Not round-tripped, and reported as skipped with the reason: Practitioner and PractitionerRole,
Encounter, Appointment, Procedure, Provenance, CarePlan, AdverseEvent (the sending clinic's own
practice, charted and signed there).
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import Any

from acuback.interop.fhir import Urls, patient_bundle
from acuback.records import UnitOfWork, User, make_engine, upgrade
from acuback.services import Actor
from acuback.services.exchange import fhir_import

URLS = Urls("https://clinic.example")
MEI = Actor(None, "mei", "practitioner")
ROUND_TRIPPED = (
    "Patient",
    "Condition",
    "MedicationStatement",
    "Observation",
    "QuestionnaireResponse",
)


def _kinds(bundle: dict[str, Any]) -> set[str]:
    return {e["resource"]["resourceType"] for e in bundle["entry"]}


def _chosen_exports(url: str) -> list[dict[str, Any]]:
    """The exports of the demo patient whose Bundle holds the most kinds of resource, and of
    the first whose Bundle holds a medicine."""
    engine = make_engine(url)
    try:
        with UnitOfWork(engine) as uow:
            bundles = [patient_bundle(uow, p.id or 0, URLS) for p in uow.patients.all(limit=100)]
    finally:
        engine.dispose()
    richest = max(bundles, key=lambda b: len(_kinds(b)))
    medicated = next(b for b in bundles if "MedicationStatement" in _kinds(b))
    return [richest, medicated]


def _empty(new_url: Callable[[], str]) -> str:
    url = new_url()
    upgrade(url)
    engine = make_engine(url)
    with UnitOfWork(engine) as uow:
        uow.users.add(User(username="mei", password_hash="stub", role="practitioner"))
        uow.commit()
    engine.dispose()
    return url


def _round_tripped(bundle: dict[str, Any]) -> list[dict[str, Any]]:
    """The entries of the parts we import, with obs-N/qr-N renumbered in order of appearance."""
    entries = [e for e in bundle["entry"] if e["resource"]["resourceType"] in ROUND_TRIPPED]
    order: dict[str, str] = {}
    for entry in entries:
        if entry["resource"]["resourceType"] == "Observation":
            order.setdefault(entry["resource"]["id"].removeprefix("obs-"), str(len(order) + 1))
    text = re.sub(r"\b(obs|qr)-(\d+)\b", lambda m: f"{m[1]}-#{order[m[2]]}", json.dumps(entries))
    result: list[dict[str, Any]] = json.loads(text)
    return result


def test_our_full_export_imports_and_exports_the_same(
    clinic_url: str, new_url: Callable[[], str]
) -> None:
    richest, medicated = _chosen_exports(clinic_url)
    assert {"Practitioner", "Condition", "Procedure", "CarePlan", "Observation"} <= _kinds(richest)
    histories = [_round_trip(exported, new_url) for exported in (richest, medicated)]
    assert [len(h) for h in histories] == [
        sum(
            e["resource"]["resourceType"] in ("Condition", "MedicationStatement")
            for e in b["entry"]
        )
        for b in (richest, medicated)
    ]
    assert all(histories)


def _round_trip(exported: dict[str, Any], new_url: Callable[[], str]) -> list[dict[str, Any]]:
    """Import `exported` into an empty database, export it again, compare; the import's
    history entries (its Conditions and MedicationStatements)."""
    kinds = _kinds(exported)
    target = _empty(new_url)
    engine = make_engine(target)
    try:
        with UnitOfWork(engine) as uow:
            report = fhir_import(uow, MEI, exported, URLS)
        with UnitOfWork(engine) as uow:
            (patient,) = uow.patients.all()
            again = patient_bundle(uow, patient.id or 0, URLS)
    finally:
        engine.dispose()
    assert report.created
    expected = _round_tripped(exported)
    assert len(report.imported) == len(expected)
    assert _round_tripped(again) == expected
    skipped = {s["resource"].split("/")[0] for s in report.skipped}
    assert skipped == kinds - set(ROUND_TRIPPED)
    # Each diagnosis reads as the knowledge-base condition it was exported from, and the
    # patient's next intake takes in the diagnoses and the medicines.
    conditions = [h for h in report.history if str(h["resource"]).startswith("Condition/")]
    for entry in conditions:
        code = str(entry["resource"]).removeprefix("Condition/cond-").replace("-", "_")
        assert str(entry["reads"]).startswith(f"{code} (")
    assert all(h["for_intake"] for h in report.history)
    return list(report.history)
