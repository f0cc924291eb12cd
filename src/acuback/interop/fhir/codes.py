"""The code systems, identifiers and extensions acuback uses in FHIR R4, and their URLs.

Standard systems where the reference verified the codes (clinical-standards sections 2 and 3):
LOINC for the instrument scores instruments.yaml lists, ICD-10-CM for conditions, CPT for
acupuncture (97810 without, 97813 with electrical stimulation; codes only, the AMA descriptors
are not shipped). SNOMED CT is not used: the reference verified none of the acupuncture or
back-pain concepts it lists ([S] or [U]). Everything else is in code systems of our own,
published at stable URLs under the clinic's FHIR base URL (`<fhir>/CodeSystem/<name>`, where
`<fhir>` is `<ACUBACK_BASE_URL>/api/v1/fhir`), as are the extensions
(`<fhir>/StructureDefinition/<name>`).
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = [
    "CODE_SYSTEMS",
    "CPT",
    "EXTENSIONS",
    "ICD10CM",
    "LOINC",
    "UCUM",
    "ExtensionSpec",
    "Urls",
]

LOINC = "http://loinc.org"
ICD10CM = "http://hl7.org/fhir/sid/icd-10-cm"
CPT = "http://www.ama-assn.org/go/cpt"
UCUM = "http://unitsofmeasure.org"
OBSERVATION_CATEGORY = "http://terminology.hl7.org/CodeSystem/observation-category"
CONDITION_CLINICAL = "http://terminology.hl7.org/CodeSystem/condition-clinical"
CONDITION_VERIFICATION = "http://terminology.hl7.org/CodeSystem/condition-ver-status"
ACT_CODE = "http://terminology.hl7.org/CodeSystem/v3-ActCode"
AE_SEVERITY = "http://terminology.hl7.org/CodeSystem/adverse-event-severity"
AE_SERIOUSNESS = "http://terminology.hl7.org/CodeSystem/adverse-event-seriousness"
PROVENANCE_PARTICIPANT = "http://terminology.hl7.org/CodeSystem/provenance-participant-type"

#: our own code systems: name -> (title, what it holds)
CODE_SYSTEMS = {
    "acupoint": (
        "Acupuncture points",
        "WHO standard acupuncture point codes (WHO 2008) and the "
        "extra points of the acuback knowledge base",
    ),
    "procedure": ("acuback procedures", "Acupuncture procedures charted by acuback"),
    "instrument": ("acuback instruments", "Outcome instruments and their total scores"),
    "condition": ("acuback conditions", "Back-pain condition keys of the acuback knowledge base"),
    "laterality": ("Needle side", "The side a point was needled on"),
    "adverse-event-type": ("acuback adverse event types", "Adverse event types after acupuncture"),
}

PROCEDURES = {
    "acupuncture": "Acupuncture, manual stimulation",
    "electroacupuncture": "Acupuncture with electrical stimulation",
}
LATERALITY = {
    "left": "Left side",
    "right": "Right side",
    "bilateral": "Both sides",
    "midline": "Midline (unpaired point)",
}


@dataclass(frozen=True)
class ExtensionSpec:
    """One extension we define: where it may appear and the type of its value."""

    name: str
    title: str
    context: str
    value_type: str
    description: str


EXTENSIONS = (
    ExtensionSpec(
        "needle-laterality",
        "Needle side",
        "Procedure.bodySite",
        "code",
        "The side the point was needled on (code system laterality).",
    ),
    ExtensionSpec(
        "needle-depth",
        "Needling depth",
        "Procedure.bodySite",
        "Quantity",
        "Depth of insertion in millimetres (UCUM mm).",
    ),
    ExtensionSpec(
        "needle-retention",
        "Needle retention",
        "Procedure.bodySite",
        "Quantity",
        "How long the needle stayed in, in minutes (UCUM min).",
    ),
    ExtensionSpec(
        "years-in-practice",
        "Years in practice",
        "PractitionerRole",
        "integer",
        "How many years the practitioner has practised acupuncture.",
    ),
)


@dataclass(frozen=True)
class Urls:
    """The clinic's URLs: its FHIR base, our code systems, extensions and identifier systems."""

    base: str  # the clinic's web address, e.g. https://clinic.example

    @property
    def fhir(self) -> str:
        return f"{self.base.rstrip('/')}/api/v1/fhir"

    def code_system(self, name: str) -> str:
        return f"{self.fhir}/CodeSystem/{name}"

    def extension(self, name: str) -> str:
        return f"{self.fhir}/StructureDefinition/{name}"

    def identifier(self, name: str) -> str:
        return f"{self.fhir}/sid/{name}"

    def full_url(self, resource_type: str, resource_id: str) -> str:
        return f"{self.fhir}/{resource_type}/{resource_id}"
