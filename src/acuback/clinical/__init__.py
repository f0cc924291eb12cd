"""The clinical core: intake, safety screening, planning, instruments and outcomes.

Pure functions over the knowledge base and packaged data; nothing is read at import.
"""

from acuback.clinical.coverage import CoverageDecision, check_visit_coverage
from acuback.clinical.instruments import (
    INSTRUMENT_IDS,
    Instrument,
    InstrumentCatalog,
    InstrumentId,
    VisitRule,
    instrument,
    load_instruments,
)
from acuback.clinical.intake import FINDINGS, Intake, parse_intake
from acuback.clinical.medications import MedicationReading, match_medications, read_medications
from acuback.clinical.outcomes import (
    Measurement,
    ResponderResult,
    Trajectory,
    Verdict,
    assess_trajectory,
    classify_response,
)
from acuback.clinical.plan_model import Plan
from acuback.clinical.planning import plan
from acuback.clinical.scoring import Score, score
from acuback.clinical.screening import Constraints, Reason, ScreeningResult, screen
from acuback.clinical.screening_rules import Policy, parse_policy

__all__ = [
    "FINDINGS",
    "INSTRUMENT_IDS",
    "Constraints",
    "CoverageDecision",
    "Instrument",
    "InstrumentCatalog",
    "InstrumentId",
    "Intake",
    "Measurement",
    "MedicationReading",
    "Plan",
    "Policy",
    "Reason",
    "ResponderResult",
    "Score",
    "ScreeningResult",
    "Trajectory",
    "Verdict",
    "VisitRule",
    "assess_trajectory",
    "check_visit_coverage",
    "classify_response",
    "instrument",
    "load_instruments",
    "match_medications",
    "parse_intake",
    "parse_policy",
    "plan",
    "read_medications",
    "score",
    "screen",
]
