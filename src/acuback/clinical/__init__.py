"""The clinical core: intake, safety screening, planning, instruments and outcomes.

Pure functions over the knowledge base and packaged data; nothing is read at import.
"""

from acuback.clinical.instruments import (
    INSTRUMENT_IDS,
    Instrument,
    InstrumentCatalog,
    InstrumentId,
    Score,
    VisitRule,
    instrument,
    load_instruments,
    score,
)
from acuback.clinical.outcomes import (
    CoverageDecision,
    Measurement,
    ResponderResult,
    Trajectory,
    Verdict,
    assess_trajectory,
    check_visit_coverage,
    classify_response,
)

__all__ = [
    "INSTRUMENT_IDS",
    "CoverageDecision",
    "Instrument",
    "InstrumentCatalog",
    "InstrumentId",
    "Measurement",
    "ResponderResult",
    "Score",
    "Trajectory",
    "Verdict",
    "VisitRule",
    "assess_trajectory",
    "check_visit_coverage",
    "classify_response",
    "instrument",
    "load_instruments",
    "score",
]
