"""De-identified aggregates for researchers: counts, responder rates and mean change.

No identifier leaves this module: no patient id, name, date of birth or date of care; groups
are conditions (the latest intake's diagnoses, or `unspecified`) and dispositions. Groups with
fewer than `min_cell` patients show their count but no rates or means (small-cell suppression,
so a figure cannot point at one person).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass

from acuback.clinical.instruments import load_instruments
from acuback.clinical.outcomes import classify_response
from acuback.records import UnitOfWork
from acuback.services.access import Actor, audit, authorize

__all__ = ["MIN_CELL", "GroupFigures", "ResearchAggregates", "research_aggregates"]

MIN_CELL = 3
_PAGE = 500


@dataclass(frozen=True)
class GroupFigures:
    """One instrument in one condition group: baseline-to-latest change per patient."""

    instrument: str
    condition: str
    patients: int
    suppressed: bool
    responders: int | None
    responder_rate: float | None
    mean_change: float | None  # mean of baseline minus latest score (positive: better)


@dataclass(frozen=True)
class ResearchAggregates:
    patients: int
    by_disposition: dict[str, int]
    by_condition: dict[str, int]
    sessions_signed: int
    adverse_events: dict[str, int]
    outcomes: tuple[GroupFigures, ...]
    min_cell: int


def research_aggregates(
    uow: UnitOfWork, actor: Actor, min_cell: int = MIN_CELL
) -> ResearchAggregates:
    """Aggregate the whole clinic (see the module docstring)."""
    authorize(uow, actor, "research.aggregate", entity="research")
    dispositions: Counter[str] = Counter()
    conditions: Counter[str] = Counter()
    events: Counter[str] = Counter()
    changes: dict[tuple[str, str], list[tuple[float, bool]]] = defaultdict(list)
    signed = total = 0
    responders = {s.id for s in load_instruments().instruments if s.responder is not None}
    for offset in range(0, uow.patients.count(), _PAGE):
        for patient in uow.patients.all(limit=_PAGE, offset=offset):
            pid = patient.id or 0
            total += 1
            intakes = uow.intakes.for_patient(pid)
            condition = "unspecified"
            if intakes:
                dispositions[intakes[-1].disposition] += 1
                condition = ",".join(sorted(intakes[-1].payload.get("diagnoses") or [])) or (
                    "unspecified"
                )
            conditions[condition] += 1
            signed += sum(s.status == "signed" for s in uow.sessions.for_patient(pid))
            events.update(e.type for e in uow.adverse_events.for_patient(pid))
            series: dict[str, list[float]] = defaultdict(list)
            for item in uow.outcomes.for_patient(pid):
                if item.instrument in responders and item.score is not None:
                    series[item.instrument].append(item.score)
            for instrument, scores in series.items():
                if len(scores) >= 2:
                    result = classify_response(instrument, scores[0], scores[-1])
                    changes[(instrument, condition)].append((result.improvement, result.responder))
    figures = tuple(_figures(key, values, min_cell) for key, values in sorted(changes.items()))
    audit(uow, actor, "research.aggregate", "research", None, {"patients": total})
    uow.commit()
    return ResearchAggregates(
        total, dict(dispositions), dict(conditions), signed, dict(events), figures, min_cell
    )


def _figures(key: tuple[str, str], values: list[tuple[float, bool]], min_cell: int) -> GroupFigures:
    instrument, condition = key
    n = len(values)
    if n < min_cell:
        return GroupFigures(instrument, condition, n, True, None, None, None)
    count = sum(responder for _, responder in values)
    mean = round(sum(change for change, _ in values) / n, 2)
    return GroupFigures(instrument, condition, n, False, count, round(count / n, 3), mean)
