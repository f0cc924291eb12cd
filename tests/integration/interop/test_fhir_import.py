"""FHIR import on SQLite and PostgreSQL: export -> import into an empty database -> export gives
the same Bundle; a match is proposed, never merged silently; bad input changes nothing."""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from fhir.resources.R4B.bundle import Bundle

from acuback.cli.app import main
from acuback.errors import InputError
from acuback.interop.fhir import Urls, patient_bundle
from acuback.interop.fhir.codes import ICD10CM
from acuback.knowledge import load_knowledge
from acuback.records import Patient, UnitOfWork, User, make_engine, upgrade
from acuback.services import Actor
from acuback.services.exchange import fhir_import
from acuback.services.intakes import submit_intake
from acuback.services.outcomes import record_outcome

from ...medplum import medplum_validate

URLS = Urls("https://clinic.example")
VERIFICATION = "http://terminology.hl7.org/CodeSystem/condition-ver-status"
CLINICAL = "http://terminology.hl7.org/CodeSystem/condition-clinical"
MEI = Actor(None, "mei", "practitioner")
RMDQ = [True] * 9 + [False] * 15


def _database(new_url: Callable[[], str]) -> str:
    url = new_url()
    upgrade(url)
    engine = make_engine(url)
    with UnitOfWork(engine) as uow:
        uow.users.add(User(username="mei", password_hash="stub", role="practitioner"))
        uow.commit()
    engine.dispose()
    return url


def _source(new_url: Callable[[], str]) -> tuple[str, dict[str, Any]]:
    """A patient with scores of four instruments (answers for three), and its export."""
    url = _database(new_url)
    engine = make_engine(url)
    with UnitOfWork(engine) as uow:
        patient = uow.patients.add(
            Patient(
                given_name="Ines",
                family_name="Quarry",
                sex="female",
                birth_date=date(1961, 4, 2),
                phone="0700 900123",
                email="ines@example.org",
            )
        )
        uow.commit()
        pid = patient.id or 0
        record_outcome(uow, MEI, pid, "nrs", 7, date(2026, 1, 5))
        record_outcome(uow, MEI, pid, "rmdq", RMDQ, date(2026, 1, 5))
        record_outcome(uow, MEI, pid, "peg", [6, 5, 7], date(2026, 2, 2))
        record_outcome(uow, MEI, pid, "nrs", 3, date(2026, 2, 2))
        bundle = patient_bundle(uow, pid, URLS)
    engine.dispose()
    return url, bundle


def _import(url: str, bundle: object, **options: Any) -> Any:
    engine = make_engine(url)
    try:
        with UnitOfWork(engine) as uow:
            return fhir_import(uow, MEI, bundle, URLS, **options)
    finally:
        engine.dispose()


def _export_first(url: str) -> dict[str, Any]:
    engine = make_engine(url)
    try:
        with UnitOfWork(engine) as uow:
            (patient, *_) = uow.patients.all()
            return patient_bundle(uow, patient.id or 0, URLS)
    finally:
        engine.dispose()


def _counts(url: str) -> tuple[int, int]:
    engine = make_engine(url)
    try:
        with UnitOfWork(engine) as uow:
            patients = uow.patients.all(limit=100)
            outcomes = sum(len(uow.outcomes.for_patient(p.id or 0)) for p in patients)
            return len(patients), outcomes
    finally:
        engine.dispose()


def test_export_import_export_is_identical(new_url: Callable[[], str]) -> None:
    _, exported = _source(new_url)
    kinds = [e["resource"]["resourceType"] for e in exported["entry"]]
    assert kinds.count("Observation") == 4
    assert kinds.count("QuestionnaireResponse") == 4
    target = _database(new_url)
    report = _import(target, exported)
    assert report.created
    assert len(report.imported) == 9  # the patient, 4 observations, 4 answer sets
    assert report.skipped == []
    assert _export_first(target) == exported


def test_a_dry_run_reports_and_writes_nothing(new_url: Callable[[], str]) -> None:
    _, exported = _source(new_url)
    target = _database(new_url)
    report = _import(target, exported, dry_run=True)
    assert len(report.imported) == 9
    assert _counts(target) == (0, 0)


def test_a_match_is_proposed_and_merged_only_when_confirmed(new_url: Callable[[], str]) -> None:
    source, exported = _source(new_url)
    with pytest.raises(InputError, match=r"the Patient matches .*Ines Quarry, born 1961-04-02"):
        _import(source, exported)
    assert _counts(source) == (1, 4)
    public_id = exported["entry"][0]["resource"]["id"]
    added = _import(source, exported, into=public_id)
    assert (added.created, added.patient) == (False, public_id)
    assert _counts(source) == (1, 8)
    separate = _import(source, exported, new=True)
    assert separate.created
    assert separate.patient != public_id
    assert _counts(source) == (2, 12)


def _with(bundle: dict[str, Any], change: Callable[[dict[str, Any]], None]) -> dict[str, Any]:
    changed = copy.deepcopy(bundle)
    change(changed)
    return changed


def test_bad_input_names_the_problem_and_changes_nothing(new_url: Callable[[], str]) -> None:
    _, exported = _source(new_url)
    target = _database(new_url)
    basic = {"resource": {"resourceType": "Basic", "code": {"text": "a note"}}}
    encounter = {
        "resource": {
            "resourceType": "Encounter",
            "status": "finished",
            "class": {"code": "AMB"},
            "period": {"start": "May"},
        }
    }
    cases = [
        (_with(exported, lambda b: b["entry"].append(basic)), "Basic is not imported"),
        (_with(exported, lambda b: b["entry"].append(encounter)), "period.start"),
        (_with(exported, lambda b: b["entry"][0]["resource"].update(gender="robot")), "gender"),
        (_with(exported, lambda b: b["entry"].pop(0)), "needs exactly one Patient"),
        ({"resourceType": "Patient"}, "not a FHIR Bundle"),
    ]
    for bundle, message in cases:
        with pytest.raises(InputError, match=message):
            _import(target, bundle)
    assert _counts(target) == (0, 0)


def test_a_score_that_disagrees_with_its_answers_is_skipped(new_url: Callable[[], str]) -> None:
    _, exported = _source(new_url)

    def wrong_rmdq(bundle: dict[str, Any]) -> None:
        for entry in bundle["entry"]:
            resource = entry["resource"]
            if resource["resourceType"] == "Observation" and "RMDQ" in resource["code"]["text"]:
                resource["valueQuantity"]["value"] = 20

    report = _import(_database(new_url), _with(exported, wrong_rmdq))
    reasons = [s["why"] for s in report.skipped]
    assert "its value 20 differs from the score of its answers (9.0)" in reasons
    assert "no Observation derives from it" in reasons


def test_the_cli_imports_and_refuses_a_truncated_bundle(
    new_url: Callable[[], str],
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    request: pytest.FixtureRequest,
) -> None:
    from acuback.settings import get_settings

    # Our own codes (the RMDQ has no LOINC code) are recognised under this clinic's base URL.
    monkeypatch.setenv("ACUBACK_BASE_URL", URLS.base)
    get_settings.cache_clear()
    request.addfinalizer(get_settings.cache_clear)
    _, exported = _source(new_url)
    target = _database(new_url)
    whole = tmp_path / "bundle.json"
    whole.write_text(json.dumps(exported))
    truncated = tmp_path / "truncated.json"
    truncated.write_text(whole.read_text()[:500])
    code = main(["fhir", "import", str(truncated), "--as", "mei", "--db", target])
    _, err = capsys.readouterr()
    assert code == 2
    assert err.startswith("acuback: BUNDLE: ")
    assert "is not valid JSON" in err
    assert len(err.strip().splitlines()) == 1
    code = main(["fhir", "import", str(whole), "--as", "mei", "--db", target, "--dry-run"])
    out, _ = capsys.readouterr()
    assert (code, _counts(target)) == (0, (0, 0))
    assert out.startswith("would import 9 resources for patient")
    code = main(["fhir", "import", str(whole), "--as", "mei", "--db", target, "--json"])
    out, _ = capsys.readouterr()
    assert code == 0
    assert json.loads(out)["created"] is True
    assert _counts(target) == (1, 4)


def _history_bundle() -> dict[str, Any]:
    """A foreign Bundle: a disc herniation (ICD-10-CM), a refuted diabetes, a stopped and a
    current anticoagulant."""
    patient = {
        "resourceType": "Patient",
        "id": "ext-1",
        "gender": "male",
        "name": [{"family": "Oberon", "given": ["Tam"]}],
        "birthDate": "1958-09-30",
    }
    disc = {
        "resourceType": "Condition",
        "id": "c1",
        "subject": {"reference": "Patient/ext-1"},
        "code": {"coding": [{"system": ICD10CM, "code": "M51.26"}]},
        "recordedDate": "2025-11-03",
    }
    other = {
        "resourceType": "Condition",
        "id": "c2",
        "subject": {"reference": "Patient/ext-1"},
        "code": {"coding": [{"system": ICD10CM, "code": "E11.9"}]},
        "verificationStatus": {"coding": [{"system": VERIFICATION, "code": "refuted"}]},
    }
    warfarin = {
        "resourceType": "MedicationStatement",
        "id": "m1",
        "status": "stopped",
        "subject": {"reference": "Patient/ext-1"},
        "medicationCodeableConcept": {"coding": [{"display": "Warfarin 5 mg"}]},
    }
    xarelto = {
        "resourceType": "MedicationStatement",
        "id": "m2",
        "status": "active",
        "subject": {"reference": "Patient/ext-1"},
        "medicationCodeableConcept": {"text": "Xarelto 20 mg daily"},
        "dateAsserted": "2025-11-03T09:00:00+00:00",
    }
    return {
        "resourceType": "Bundle",
        "type": "collection",
        "entry": [{"resource": r} for r in (patient, disc, other, warfarin, xarelto)],
    }


PAIN = {"regions": ["lower_back"], "onset_weeks": 20.0, "nrs": 6}


def _imported_items(url: str) -> int:
    engine = make_engine(url)
    try:
        with UnitOfWork(engine) as uow:
            return sum(len(uow.imported.for_patient(p.id or 0)) for p in uow.patients.all())
    finally:
        engine.dispose()


def test_conditions_and_medicines_are_stored_and_the_next_intake_screens_them(
    new_url: Callable[[], str],
) -> None:
    target = _database(new_url)
    # A dry run, and a Bundle with one resource we do not import, store nothing at all.
    dry = _import(target, _history_bundle(), dry_run=True)
    assert len(dry.history) == 4
    basic = {"resource": {"resourceType": "Basic", "code": {"text": "a note"}}}
    with pytest.raises(InputError, match="Basic is not imported"):
        _import(target, _with(_history_bundle(), lambda b: b["entry"].append(basic)))
    assert _imported_items(target) == 0
    assert _counts(target) == (0, 0)
    report = _import(target, _history_bundle())
    assert report.imported == [
        "Patient/ext-1",
        "Condition/c1",
        "Condition/c2",
        "MedicationStatement/m1",
        "MedicationStatement/m2",
    ]
    assert report.skipped == []
    reads = {h["resource"]: (h["reads"], h["for_intake"]) for h in report.history}
    assert reads == {
        "Condition/c1": (f"herniated_disc ({_name('herniated_disc')}); ICD-10-CM M51.26", True),
        "Condition/c2": (f"no knowledge-base condition for {ICD10CM}|E11.9; status refuted", False),
        "MedicationStatement/m1": ("Warfarin 5 mg; status stopped", False),
        "MedicationStatement/m2": ("Xarelto 20 mg daily", True),
    }
    engine = make_engine(target)
    try:
        with UnitOfWork(engine) as uow:
            (stored,) = uow.patients.all()
            pid = stored.id or 0
            assert uow.intakes.for_patient(pid) == []  # no intake is invented
            assert len(uow.imported.for_patient(pid)) == 4
            mei = Actor.of(uow.users.get_by_username("mei"))
            form = {"age": 68, "sex": "male", "pain": PAIN, "medications": ["paracetamol"]}
            intake = submit_intake(uow, mei, pid, form, policy=None)
        with UnitOfWork(engine) as uow:
            items = {i.source: i.intake_id for i in uow.imported.for_patient(pid)}
    finally:
        engine.dispose()
    # The current medicine and the known diagnosis are on the intake, and screened.
    assert intake.payload.diagnoses == ("herniated_disc",)
    assert intake.payload.medications == ("paracetamol", "Xarelto 20 mg daily")
    assert "anticoagulant_therapy" in {m.finding for m in intake.screening.medications}
    assert items == {
        "Condition/c1": intake.id,
        "Condition/c2": None,
        "MedicationStatement/m1": None,
        "MedicationStatement/m2": intake.id,
    }


def test_imported_history_exports_as_it_came_and_round_trips(new_url: Callable[[], str]) -> None:
    first = _database(new_url)
    _import(first, _history_bundle())
    exported = _export_first(first)
    Bundle.model_validate(exported)
    assert medplum_validate(exported) == []
    kinds = [e["resource"]["resourceType"] for e in exported["entry"]]
    assert kinds == [
        "Patient",
        "Condition",
        "Condition",
        "MedicationStatement",
        "MedicationStatement",
    ]
    second = _database(new_url)
    report = _import(second, exported)
    assert len(report.imported) == 5
    assert _export_first(second) == exported
    # Importing the same again onto the same patient adds nothing.
    public_id = exported["entry"][0]["resource"]["id"]
    again = _import(second, exported, into=public_id)
    assert again.imported == [f"Patient/{public_id}"]
    assert {s["why"] for s in again.skipped} == {"already imported for the patient"}
    assert _export_first(second) == exported


def _name(code: str) -> str:
    return load_knowledge().conditions[code].name


def test_the_cli_refuses_an_unknown_type_and_an_invalid_resource_in_one_line(
    new_url: Callable[[], str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _, exported = _source(new_url)
    target = _database(new_url)
    basic = {"resource": {"resourceType": "Basic", "code": {"text": "a note"}}}
    cases = {
        "unknown": (_with(exported, lambda b: b["entry"].append(basic)), "Basic is not imported"),
        "invalid": (
            _with(exported, lambda b: b["entry"][1]["resource"].update(effectiveDateTime="soon")),
            "entry.1.resource",
        ),
    }
    for name, (bundle, message) in cases.items():
        path = tmp_path / f"{name}.json"
        path.write_text(json.dumps(bundle))
        code = main(["fhir", "import", str(path), "--as", "mei", "--db", target])
        _, err = capsys.readouterr()
        assert code == 2, name
        assert message in err
        assert len(err.strip().splitlines()) == 1
    assert _counts(target) == (0, 0)


def test_partial_dates_are_refused_or_skipped_not_guessed(new_url: Callable[[], str]) -> None:
    _, exported = _source(new_url)
    target = _database(new_url)
    year_only = _with(exported, lambda b: b["entry"][0]["resource"].update(birthDate="1961"))
    with pytest.raises(InputError, match="1961 is not a full date"):
        _import(target, year_only)
    month_only = _with(
        exported, lambda b: b["entry"][1]["resource"].update(effectiveDateTime="2026-01")
    )
    report = _import(target, month_only)
    assert {"resource": "Observation/obs-1", "why": "no effectiveDateTime with a full date"} in (
        report.skipped
    )


def test_an_uncoded_condition_and_a_referenced_medicine_export_valid(
    new_url: Callable[[], str],
) -> None:
    bare = _with(_history_bundle(), lambda b: b.update(entry=b["entry"][:1]))
    bare["entry"] += [
        {
            "resource": {
                "resourceType": "Condition",
                "id": "c9",
                "subject": {"reference": "Patient/ext-1"},
                "clinicalStatus": {"coding": [{"system": CLINICAL, "code": "resolved"}]},
            }
        },
        {
            "resource": {
                "resourceType": "MedicationStatement",
                "id": "m9",
                "status": "active",
                "subject": {"reference": "Patient/ext-1"},
                "medicationReference": {"display": "Apixaban 5 mg"},
            }
        },
    ]
    target = _database(new_url)
    report = _import(target, bare)
    assert [(h["reads"], h["for_intake"]) for h in report.history] == [
        ("no knowledge-base condition for an uncoded condition; status resolved", False),
        ("Apixaban 5 mg", True),
    ]
    exported = _export_first(target)
    Bundle.model_validate(exported)
    assert medplum_validate(exported) == []
    again = _database(new_url)
    _import(again, exported)
    assert _export_first(again) == exported
