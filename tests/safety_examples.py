"""The examples of issue 9 ("Safety, second pass") and the disposition each must get, shared by
the CLI, API and page tests: a 72-year-old with chronic low back pain, NRS 5, and one medication
entry as people write it (anticoagulants: caution, shallow needling, no major-vessel points;
systemic corticosteroids: clearance, clinical-standards.md 5.1 and the corticotherapy rule)."""

from __future__ import annotations

ANTICOAGULANT_ENTRIES = (
    "blood thinner",
    "takes blood thinners (not sure of the name)",
    "anticoagulant tablets (name unknown)",
    "on anticoagulation",
    "DOAC",
    "NOAC",
    "Xarelto20mg",
    "eliquis5mg",
    "Warfarin-5mg",
    "warfrin 3mg",
    "apixiban 5 mg",
    "Coumadine",
    "Marcoumar",
)
STEROID_ENTRIES = (
    "prednisolone 20mg daily (for a skin rash)",
    "prednisolone 5mg + nasal spray",
    "Deltacortril 5mg",
)
EXPECTED = {
    **dict.fromkeys(ANTICOAGULANT_ENTRIES, "caution"),
    **dict.fromkeys(STEROID_ENTRIES, "clearance"),
}


def older_patient(medication: str) -> dict[str, object]:
    """Intake v1 of the issue's 72-year-old with one medication entry."""
    return {
        "age": 72,
        "sex": "male",
        "pain": {"regions": ["lower_back"], "onset_weeks": 30, "nrs": 5},
        "medications": [medication],
    }
