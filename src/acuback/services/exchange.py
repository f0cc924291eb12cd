"""Use cases that move data in and out of the clinic: FHIR export and the research export.

`fhir_patient_bundle` checks `fhir.export` for the patient (a patient may take their own),
builds the Bundle of `acuback.interop.fhir` and audits it. `fhir_import` checks `fhir.import`,
reads a Bundle into one unit of work and commits it whole with its audit entry, or (dry run,
or any error) rolls everything back.

`research_export` checks the `research.export` permission, builds the tables of
`acuback.interop.research_export` with the clinic's research key, writes them with the data
dictionary, and audits what was written (tables and row counts, never a key or a value).
The key is ACUBACK_RESEARCH_KEY, else derived from ACUBACK_SECRET_KEY (HMAC-SHA256 with a fixed
label, so it is as secret as that key and changes with it); with neither set there is no
export, because pseudonyms from a public key could be reversed by anyone.
"""

from __future__ import annotations

import hashlib
import hmac
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from acuback.errors import InputError
from acuback.interop.fhir import Urls, patient_bundle
from acuback.interop.fhir.importer import ImportReport, import_bundle
from acuback.interop.progress import SILENT, Progress
from acuback.interop.research_export import ResearchKeys, build_tables
from acuback.interop.research_files import FORMATS, write_tables
from acuback.records import UnitOfWork
from acuback.services.access import Actor, audit, authorize
from acuback.settings import Settings

__all__ = [
    "MIN_RESEARCH_KEY",
    "ExportSummary",
    "fhir_import",
    "fhir_patient_bundle",
    "fhir_urls",
    "research_export",
    "research_keys",
]

MIN_RESEARCH_KEY = 32
_DEVELOPMENT_KEY = "acuback-development-key-not-secret"  # as web/security/keys.py: never used


@dataclass(frozen=True)
class ExportSummary:
    files: tuple[Path, ...]
    rows: dict[str, int]
    format: str
    #: the fewest patients sharing one (sex, age) in the export (None: no patients); the
    #: export is not k-anonymous (dictionary.json's `disclosure`), this says how far from it
    smallest_sex_age_group: int | None = None


def research_keys(settings: Settings) -> ResearchKeys:
    """The clinic's research keys (see the module docstring); InputError when there is none."""
    if settings.research_key is not None:
        secret = settings.research_key.get_secret_value()
        if len(secret) < MIN_RESEARCH_KEY:
            raise InputError(
                "ACUBACK_RESEARCH_KEY", f"must be at least {MIN_RESEARCH_KEY} characters"
            )
        return ResearchKeys(secret.encode())
    base = settings.secret_key
    if not base or base == _DEVELOPMENT_KEY or len(base) < MIN_RESEARCH_KEY:
        raise InputError(
            "ACUBACK_RESEARCH_KEY",
            "not set, and no ACUBACK_SECRET_KEY to derive it from: set a random value of "
            f"at least {MIN_RESEARCH_KEY} characters and keep it",
        )
    derived = hmac.new(base.encode(), b"acuback research key v1", hashlib.sha256).digest()
    return ResearchKeys(derived)


def research_export(
    uow: UnitOfWork,
    actor: Actor,
    keys: ResearchKeys,
    out: Path,
    fmt: str = "parquet",
    progress: Progress = SILENT,
) -> ExportSummary:
    """Write the de-identified export of the whole clinic into the folder `out`."""
    if fmt not in FORMATS:
        raise InputError("--format", f"unknown {fmt!r}", FORMATS)
    authorize(uow, actor, "research.export", entity="research")
    tables = build_tables(uow, keys, progress)
    files = write_tables(tables, out, fmt, progress)
    rows = {name: len(table) for name, table in tables.items()}
    groups = Counter((row["sex"], row["age"]) for row in tables["patients"])
    smallest = min(groups.values(), default=None)
    detail = {"format": fmt, "rows": rows, "smallest_sex_age_group": smallest}
    audit(uow, actor, "research.export", "research", None, detail)
    return ExportSummary(tuple(files), rows, fmt, smallest)


def fhir_urls(settings: Settings) -> Urls:
    """The clinic's FHIR URLs, under ACUBACK_BASE_URL (stable, whatever host a request used)."""
    return Urls(settings.base_url)


def fhir_patient_bundle(
    uow: UnitOfWork, actor: Actor, patient_id: int, urls: Urls
) -> dict[str, Any]:
    """The patient's record as a FHIR R4 collection Bundle (JSON), audited."""
    authorize(
        uow, actor, "fhir.export", entity="patient", entity_id=patient_id, patient_id=patient_id
    )
    bundle = patient_bundle(uow, patient_id, urls)
    detail = {"patient_id": patient_id, "entries": len(bundle.get("entry", []))}
    audit(uow, actor, "patient.fhir_export", "patient", patient_id, detail)
    return bundle


def fhir_import(
    uow: UnitOfWork,
    actor: Actor,
    bundle: object,
    urls: Urls,
    *,
    into: str | None = None,
    new: bool = False,
    dry_run: bool = False,
    progress: Progress = SILENT,
) -> ImportReport:
    """Import a Bundle (see `acuback.interop.fhir.importer`) in one transaction."""
    authorize(uow, actor, "fhir.import", entity="patient")
    report = import_bundle(uow, bundle, urls, into, new, actor.user_id, progress)
    if dry_run:
        uow.rollback()
        return report
    detail = {
        "patient": report.patient,
        "created": report.created,
        "imported": len(report.imported),
        "skipped": len(report.skipped),
    }
    audit(uow, actor, "patient.fhir_import", "patient", report.patient, detail)
    return report
