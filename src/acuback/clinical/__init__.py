"""The clinical core: intake, safety screening, planning, instruments and outcomes.

Pure functions over the knowledge base and packaged data; nothing is read at import.

The public names are imported lazily: `acuback plan` on the command line imports only the
modules the plan uses (issue 16 point 4).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from acuback.lazy import lazy_attributes

if TYPE_CHECKING:
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

_HOME = {
    "INSTRUMENT_IDS": "acuback.clinical.instruments",
    "Instrument": "acuback.clinical.instruments",
    "InstrumentCatalog": "acuback.clinical.instruments",
    "InstrumentId": "acuback.clinical.instruments",
    "Score": "acuback.clinical.scoring",
    "VisitRule": "acuback.clinical.instruments",
    "instrument": "acuback.clinical.instruments",
    "load_instruments": "acuback.clinical.instruments",
    "score": "acuback.clinical.scoring",
    "FINDINGS": "acuback.clinical.intake",
    "Intake": "acuback.clinical.intake",
    "parse_intake": "acuback.clinical.intake",
    "MedicationReading": "acuback.clinical.medications",
    "match_medications": "acuback.clinical.medications",
    "read_medications": "acuback.clinical.medications",
    "CoverageDecision": "acuback.clinical.coverage",
    "Measurement": "acuback.clinical.outcomes",
    "ResponderResult": "acuback.clinical.outcomes",
    "Trajectory": "acuback.clinical.outcomes",
    "Verdict": "acuback.clinical.outcomes",
    "assess_trajectory": "acuback.clinical.outcomes",
    "check_visit_coverage": "acuback.clinical.coverage",
    "classify_response": "acuback.clinical.outcomes",
    "Plan": "acuback.clinical.plan_model",
    "plan": "acuback.clinical.planning",
    "Constraints": "acuback.clinical.screening",
    "Reason": "acuback.clinical.screening",
    "ScreeningResult": "acuback.clinical.screening",
    "screen": "acuback.clinical.screening",
    "Policy": "acuback.clinical.screening_rules",
    "parse_policy": "acuback.clinical.screening_rules",
}

__getattr__ = lazy_attributes(__name__, _HOME)
