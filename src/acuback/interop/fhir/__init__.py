"""FHIR R4 (fhir.resources' R4B classes; the only package that imports fhir.resources).

`patient_bundle` exports a patient's record; `conformance` publishes our CodeSystems,
extension StructureDefinitions and the CapabilityStatement; `codes.Urls` holds the URLs.
"""

from __future__ import annotations

from acuback.interop.fhir.codes import CODE_SYSTEMS, EXTENSIONS, Urls
from acuback.interop.fhir.conformance import (
    capability_statement,
    code_system,
    extension_definitions,
    structure_definition,
)
from acuback.interop.fhir.export import patient_bundle

__all__ = [
    "CODE_SYSTEMS",
    "EXTENSIONS",
    "Urls",
    "capability_statement",
    "code_system",
    "extension_definitions",
    "patient_bundle",
    "structure_definition",
]
