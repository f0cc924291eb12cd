"""De-identified aggregates for researchers: counts, responder rates and mean change.

No identifier leaves this module: no patient id, name, date of birth or date of care; groups
are conditions (the latest intake's diagnoses, or `unspecified`) and dispositions. One
small-cell rule holds for every figure (`acuback.interop.disclosure`): a count of 1 to
`min_cell - 1` patients (or adverse events) is published as None, with a complementary cell
where one alone would be revealed by the total; an outcome group that small shows neither its
count nor its rates or means.

`clinic_outcome_records` feeds the clinic-beside-the-trials figure (`acuback.evidence.clinic`):
one instrument's scores as `OutcomeRecord`s whose patient is a pseudonym drawn afresh on every
call (so two calls cannot be linked, nor a pseudonym traced to a record) and whose dates are
shifted per patient so that the first measurement falls on `PSEUDO_EPOCH` (order and intervals
kept, the calendar dropped). Only patients with at least two scores are returned (one score
says nothing about change), and nothing at all when fewer than `min_cell` patients have two.
"""

from __future__ import annotations

import secrets
from collections import Counter, defaultdict
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from types import MappingProxyType
from typing import TYPE_CHECKING

from acuback.clinical.instruments import load_instruments
from acuback.clinical.outcomes import classify_response
from acuback.errors import InputError
from acuback.interop.disclosure import MIN_CELL, is_small, suppress_counts
from acuback.records import UnitOfWork
from acuback.services.access import Actor, audit, authorize

if TYPE_CHECKING:
    from acuback.evidence.clinic import ClinicScale, OutcomeRecord

__all__ = [
    "MIN_CELL",
    "PSEUDO_EPOCH",
    "GroupFigures",
    "ResearchAggregates",
    "clinic_outcome_records",
    "clinic_scales",
    "research_aggregates",
]

PSEUDO_EPOCH = date(2000, 1, 1)


@dataclass(frozen=True)
class GroupFigures:
    """One instrument in one condition group: baseline-to-latest change per patient."""

    instrument: str
    condition: str
    patients: int | None  # None: fewer than min_cell (suppressed)
    suppressed: bool
    responders: int | None
    responder_rate: float | None
    mean_change: float | None  # mean of baseline minus latest score (positive: better)


@dataclass(frozen=True)
class ResearchAggregates:
    patients: int
    by_disposition: dict[str, int | None]  # None: a suppressed small cell
    by_condition: dict[str, int | None]
    sessions_signed: int
    adverse_events: dict[str, int | None]
    outcomes: tuple[GroupFigures, ...]
    min_cell: int


def research_aggregates(
    uow: UnitOfWork, actor: Actor, min_cell: int = MIN_CELL
) -> ResearchAggregates:
    """Aggregate the whole clinic (see the module docstring)."""
    authorize(uow, actor, "research.aggregate", entity="research")
    # A fixed number of grouped statements, whatever the size of the clinic; the database
    # counts, and Python sees one row per distinct group (never one per patient).
    total = uow.patients.count()
    dispositions: Counter[str] = Counter()
    conditions: Counter[str] = Counter()
    for disposition, condition, count in uow.intakes.condition_counts():
        dispositions[disposition] += count
        conditions[condition] += count
    if total > conditions.total():
        conditions["unspecified"] += total - conditions.total()
    signed = uow.sessions.count_signed()
    events = Counter(uow.adverse_events.count_by_type())
    changes: dict[tuple[str, str], list[tuple[float, bool, int]]] = defaultdict(list)
    responders = {s.id for s in load_instruments().instruments if s.responder is not None}
    judged: dict[tuple[str, float, float], tuple[float, bool]] = {}  # pairs repeat by group
    for instrument, condition, first, last, count in uow.outcomes.change_groups(responders):
        if (instrument, first, last) not in judged:
            result = classify_response(instrument, first, last)
            judged[(instrument, first, last)] = (result.improvement, result.responder)
        improvement, responder = judged[(instrument, first, last)]
        changes[(instrument, condition)].append((improvement, responder, count))
    figures = tuple(_figures(key, values, min_cell) for key, values in sorted(changes.items()))
    audit(uow, actor, "research.aggregate", "research", None, {"patients": total})
    return ResearchAggregates(
        total,
        suppress_counts(dispositions, min_cell),
        suppress_counts(conditions, min_cell),
        signed,
        suppress_counts(events, min_cell),
        figures,
        min_cell,
    )


def _figures(
    key: tuple[str, str], values: list[tuple[float, bool, int]], min_cell: int
) -> GroupFigures:
    """One group's figures from (improvement, responder, patients) per distinct score pair."""
    instrument, condition = key
    n = sum(patients for _, _, patients in values)
    if is_small(n, min_cell):
        return GroupFigures(instrument, condition, None, True, None, None, None)
    count = sum(patients for _, responder, patients in values if responder)
    mean = round(sum(change * patients for change, _, patients in values) / n, 2)
    return GroupFigures(instrument, condition, n, False, count, round(count / n, 3), mean)


@lru_cache(maxsize=1)
def clinic_scales() -> Mapping[str, ClinicScale]:
    """The instruments the clinic summary reads (those with a responder rule), with their range
    and responder thresholds from `clinical/data/instruments.yaml`."""
    from acuback.evidence.clinic import ClinicScale

    scales: dict[str, ClinicScale] = {
        spec.id: ClinicScale(
            low=spec.score.min,
            high=spec.score.max,
            points=spec.responder.absolute,
            fraction=None if spec.responder.percent is None else spec.responder.percent / 100,
        )
        for spec in load_instruments().instruments
        if spec.responder is not None
    }
    return MappingProxyType(scales)


def clinic_outcome_records(
    uow: UnitOfWork, actor: Actor, instrument: str, min_cell: int = MIN_CELL
) -> tuple[OutcomeRecord, ...]:
    """One instrument's de-identified score series, for `evidence.clinic.clinic_summary`.

    See the module docstring for the pseudonyms, the date shift and the suppression. Records
    come grouped by pseudonym (in random order), each patient's oldest first.
    """
    from acuback.evidence.clinic import OutcomeRecord

    authorize(uow, actor, "research.aggregate", entity="research")
    key = instrument.strip().lower()
    if key not in clinic_scales():
        raise InputError("instrument", f"unknown {instrument!r}", tuple(clinic_scales()))
    series = _score_series(uow, key)
    kept = [scores for scores in series.values() if len(scores) >= 2]
    suppressed = len(kept) < min_cell
    records: list[OutcomeRecord] = []
    if not suppressed:
        for pseudonym, scores in zip(_pseudonyms(len(kept)), kept, strict=True):
            first = scores[0][0]
            records.extend(
                OutcomeRecord(pseudonym, PSEUDO_EPOCH + (day - first), key, score)
                for day, score in scores
            )
    detail = {"instrument": key, "patients": len(kept), "suppressed": suppressed}
    audit(uow, actor, "research.aggregate", "outcomes", None, detail)
    return tuple(sorted(records, key=lambda r: r.patient))  # stable: dates stay in order


def _score_series(uow: UnitOfWork, instrument: str) -> dict[int, list[tuple[date, float]]]:
    """Every patient's scores of `instrument`, oldest first, from one query."""
    series: dict[int, list[tuple[date, float]]] = defaultdict(list)
    for patient_id, measured_on, score in uow.outcomes.scores_of(instrument):
        series[patient_id].append((measured_on, score))
    return series


def _pseudonyms(count: int) -> list[str]:
    """`count` distinct random labels (48 random bits each), new on every call."""
    labels: set[str] = set()
    while len(labels) < count:
        labels.add(f"p-{secrets.token_hex(6)}")
    return list(labels)
