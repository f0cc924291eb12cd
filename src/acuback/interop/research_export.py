"""The de-identified research export: one table per kind, keyed pseudonyms, shifted dates.

`ResearchKeys(secret)` turns the clinic's research key into pseudonyms (HMAC-SHA256 of
"<kind>:<id>", 20 hex digits: stable for one clinic, unlinkable across clinics whose keys
differ) and a per-patient date shift of 1 to 365 days back (HMAC of the patient's id with a
second key derived from the secret, so it is fixed for a clinic and secret without the key).
`build_tables` reads the records of every patient and returns rows in the column order of
the data dictionary (`research_files`). Nothing free-text, no name, contact, birth date or
exact date leaves: see the dictionary's header. Responders come from the clinical core
(`classify_response`, the MCID rules of instruments.yaml), not from stored verdicts.

Stored payloads are read through `_intake_facts` alone, so that typed records can replace
the dicts in one place.
"""

from __future__ import annotations

import hashlib
import hmac
from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from acuback.clinical.instruments import load_instruments
from acuback.clinical.intake import duration_of
from acuback.clinical.medications import match_medications
from acuback.clinical.outcomes import classify_response
from acuback.clinical.scoring import score
from acuback.interop.progress import SILENT, Progress
from acuback.records import (
    AdverseEvent,
    Intake,
    OutcomeMeasurement,
    Patient,
    Plan,
    TreatmentSession,
    UnitOfWork,
)

__all__ = ["AGE_TOP_CODE", "ResearchKeys", "build_tables"]

AGE_TOP_CODE = 90  # ages over 89 are reported as 90 (as HIPAA Safe Harbor groups them)
_PAGE = 200
Row = dict[str, Any]


class ResearchKeys:
    """Pseudonyms and date shifts from one clinic secret (see the module docstring)."""

    def __init__(self, secret: bytes) -> None:
        if len(secret) < 16:
            raise ValueError("a research key needs at least 16 bytes")
        self._names = hmac.new(secret, b"acuback research pseudonyms", hashlib.sha256).digest()
        self._shift = hmac.new(secret, b"acuback research date shift", hashlib.sha256).digest()

    def key(self, kind: str, record_id: int | None) -> str | None:
        if record_id is None:
            return None
        mac = hmac.new(self._names, f"{kind}:{record_id}".encode(), hashlib.sha256)
        return mac.hexdigest()[:20]

    def shift_days(self, patient_id: int) -> int:
        mac = hmac.new(self._shift, f"patient:{patient_id}".encode(), hashlib.sha256).digest()
        return 1 + int.from_bytes(mac[:8], "big") % 365


@dataclass(frozen=True)
class IntakeFacts:
    """What the export reads of an intake payload (Intake v1 of the SPEC)."""

    age: int
    sex: str
    regions: tuple[str, ...]
    side: str
    onset_weeks: float
    nrs: int
    radiates_below_knee: bool
    leg_numbness: bool
    leg_weakness: bool
    diagnoses: tuple[str, ...]
    findings: tuple[str, ...]
    pregnant: bool
    medications: tuple[str, ...]
    expectation: int | None
    prior_acupuncture: bool | None
    startback: tuple[object, ...] | None


def _intake_facts(intake: Intake) -> IntakeFacts:
    form, pain = intake.payload, intake.payload.pain
    return IntakeFacts(
        age=form.age,
        sex=form.sex,
        regions=tuple(pain.regions),
        side=pain.side,
        onset_weeks=float(pain.onset_weeks),
        nrs=pain.nrs,
        radiates_below_knee=pain.radiates_below_knee,
        leg_numbness=pain.leg_numbness,
        leg_weakness=pain.leg_weakness,
        diagnoses=tuple(form.diagnoses),
        findings=tuple(form.findings),
        pregnant=form.pregnancy_weeks is not None,
        medications=tuple(form.medications),
        expectation=form.expectation,
        prior_acupuncture=form.prior_acupuncture,
        startback=None if form.startback is None else tuple(form.startback),
    )


def _startback_group(answers: tuple[object, ...] | None) -> str | None:
    """The STarT Back risk group of intake answers (None when the form was not answered)."""
    return None if answers is None else score("startback", list(answers)).category


@dataclass(frozen=True)
class _Chart:
    """One patient's records, as the export needs them."""

    patient: Patient
    intakes: list[Intake]
    plans: list[Plan]
    sessions: list[TreatmentSession]  # signed, amendments applied
    outcomes: list[OutcomeMeasurement]
    events: list[AdverseEvent]


def _joined(codes: tuple[str, ...] | list[str]) -> str:
    return ";".join(codes)


def _age(age: int) -> int:
    return min(age, AGE_TOP_CODE)


class _Builder:
    def __init__(self, keys: ResearchKeys, years: dict[int, int | None]) -> None:
        self.keys = keys
        self.years = years  # practitioner id -> years in practice
        self.tables: dict[str, list[Row]] = {
            name: [] for name in ("patients", "intakes", "courses", "sessions", "outcomes")
        }
        self.tables["adverse_events"] = []
        self.rules = {s.id for s in load_instruments().instruments if s.responder is not None}

    def add(self, chart: _Chart) -> None:
        pid = chart.patient.id or 0
        shift = timedelta(days=-self.keys.shift_days(pid))
        facts = {intake.id: _intake_facts(intake) for intake in chart.intakes}
        first = facts[chart.intakes[0].id]
        self.tables["patients"].append(
            {
                "patient_key": self.keys.key("patient", pid),
                "sex": chart.patient.sex,
                "age": _age(first.age),
                "prior_acupuncture": first.prior_acupuncture,
                "intakes": len(chart.intakes),
                "sessions_signed": len(chart.sessions),
            }
        )
        for intake in chart.intakes:
            self.tables["intakes"].append(self._intake(intake, facts[intake.id], pid, shift))
        self._courses(chart, facts, shift)
        for session in chart.sessions:
            self.tables["sessions"].append(self._session(session, pid, shift))
        for item in chart.outcomes:
            if item.score is not None:
                self.tables["outcomes"].append(self._outcome(item, pid, shift))
        for event in chart.events:
            self.tables["adverse_events"].append(self._event(event, pid, shift))

    def _intake(self, intake: Intake, facts: IntakeFacts, pid: int, shift: timedelta) -> Row:
        classes = sorted({match.drug_class for match in match_medications(facts.medications)})
        submitted = intake.submitted_at.date() if intake.submitted_at else None
        return {
            "intake_key": self.keys.key("intake", intake.id),
            "patient_key": self.keys.key("patient", pid),
            "practitioner_key": self.keys.key("practitioner", intake.practitioner_id),
            "submitted_on": None if submitted is None else submitted + shift,
            "age": _age(facts.age),
            "sex": facts.sex,
            "regions": _joined(facts.regions),
            "side": facts.side,
            "onset_weeks": facts.onset_weeks,
            "chronicity": duration_of(facts.onset_weeks),
            "nrs": facts.nrs,
            "radiates_below_knee": facts.radiates_below_knee,
            "leg_numbness": facts.leg_numbness,
            "leg_weakness": facts.leg_weakness,
            "diagnoses": _joined(facts.diagnoses),
            "findings": _joined(facts.findings),
            "pregnant": facts.pregnant,
            "drug_classes": _joined(classes),
            "expectation": facts.expectation,
            "prior_acupuncture": facts.prior_acupuncture,
            "disposition": intake.disposition,
        }

    def _courses(
        self, chart: _Chart, facts: dict[int | None, IntakeFacts], shift: timedelta
    ) -> None:
        treated = Counter(s.plan_id or 0 for s in chart.sessions)
        plans = [p for p in chart.plans if p.status == "accepted" or treated[p.id or 0]]
        starts = {i.id: i.submitted_at.date() if i.submitted_at else None for i in chart.intakes}
        for index, course in enumerate(plans):
            start = starts.get(course.intake_id) or date.min
            end = date.max
            if index + 1 < len(plans):
                end = starts.get(plans[index + 1].intake_id) or date.max
            scores: dict[str, list[float]] = defaultdict(list)
            for item in chart.outcomes:
                if item.score is not None and start <= item.measured_on < end:
                    scores[item.instrument].append(item.score)
            base = self._course_base(chart, course, facts[course.intake_id], start, shift)
            attended = {"sessions_attended": treated[course.id or 0]}
            instruments: list[str | None] = [*sorted(scores)] or [None]
            for instrument in instruments:
                scored = self._scored(instrument, scores.get(instrument or "", []))
                self.tables["courses"].append({**base, **scored, **attended})

    def _course_base(
        self, chart: _Chart, course: Plan, facts: IntakeFacts, start: date, shift: timedelta
    ) -> Row:
        intake = next(i for i in chart.intakes if i.id == course.intake_id)
        practitioner = intake.practitioner_id
        if practitioner is None:
            signers = Counter(s.practitioner_id for s in chart.sessions if s.plan_id == course.id)
            practitioner = signers.most_common(1)[0][0] if signers else None
        return {
            "course_key": self.keys.key("course", course.id),
            "patient_key": self.keys.key("patient", chart.patient.id),
            "practitioner_key": self.keys.key("practitioner", practitioner),
            "plan_status": course.status,
            "started_on": None if start == date.min else start + shift,
            "diagnoses": _joined(facts.diagnoses),
            "chronicity": duration_of(facts.onset_weeks),
            "expectation": facts.expectation,
            "prior_acupuncture": facts.prior_acupuncture,
            "condition": facts.diagnoses[0] if facts.diagnoses else "unspecified",
            "startback": _startback_group(facts.startback),
            "practitioner_years": self.years.get(practitioner or 0),
        }

    def _scored(self, instrument: str | None, scores: list[float]) -> Row:
        row: Row = {"instrument": instrument, "scores": len(scores), "baseline": None}
        row.update(final=None, change=None, responder=None)
        if scores:
            row.update(baseline=scores[0], final=scores[-1])
        if instrument in self.rules and len(scores) >= 2:
            result = classify_response(instrument, scores[0], scores[-1])
            row.update(change=result.improvement, responder=result.responder)
        return row

    def _session(self, session: TreatmentSession, pid: int, shift: timedelta) -> Row:
        return {
            "session_key": self.keys.key("session", session.id),
            "patient_key": self.keys.key("patient", pid),
            "practitioner_key": self.keys.key("practitioner", session.practitioner_id),
            "course_key": self.keys.key("course", session.plan_id),
            "session_on": session.session_date + shift,
            "points": _joined([needle.point for needle in session.needles]),
            "needles": len(session.needles),
            "electro": any(needle.stimulation == "electro" for needle in session.needles),
            "needles_in": session.needles_in,
            "needles_out": session.needles_out,
            "retention_minutes": session.retention_minutes,
            "needle_gauge_mm": session.needle_gauge_mm,
            "needle_length_mm": session.needle_length_mm,
            "moxibustion": bool(session.moxibustion),
            "tui_na": bool(session.tui_na),
            "pain_before": session.pain_before,
            "pain_after": session.pain_after,
        }

    def _outcome(self, item: OutcomeMeasurement, pid: int, shift: timedelta) -> Row:
        return {
            "outcome_key": self.keys.key("outcome", item.id),
            "patient_key": self.keys.key("patient", pid),
            "session_key": self.keys.key("session", item.session_id),
            "instrument": item.instrument,
            "measured_on": item.measured_on + shift,
            "score": item.score,
        }

    def _event(self, event: AdverseEvent, pid: int, shift: timedelta) -> Row:
        return {
            "event_key": self.keys.key("adverse_event", event.id),
            "patient_key": self.keys.key("patient", pid),
            "session_key": self.keys.key("session", event.session_id),
            "occurred_on": event.occurred_at.date() + shift,
            "type": event.type,
            "severity": event.severity,
        }


def build_tables(
    uow: UnitOfWork, keys: ResearchKeys, progress: Progress = SILENT
) -> dict[str, list[Row]]:
    """Every table of the export for the whole clinic (patients without an intake are left out)."""
    years = {p.id or 0: p.years_in_practice for p in uow.practitioners.all()}
    builder = _Builder(keys, years)
    total = uow.patients.count()
    progress.start(total + 6, "reading records")
    after: int | None = None  # keyset paging: each page read by key, not by skipping
    while page := uow.patients.all(limit=_PAGE, after=after):
        after = page[-1].id
        for patient in page:
            pid = patient.id or 0
            intakes = uow.intakes.for_patient(pid)
            if intakes:
                sessions = uow.sessions.effective_for_patient(pid)
                builder.add(
                    _Chart(
                        patient,
                        intakes,
                        uow.plans.for_patient(pid),
                        [s for s in sessions if s.status == "signed"],
                        uow.outcomes.for_patient(pid),
                        uow.adverse_events.for_patient(pid),
                    )
                )
            progress.advance("reading records")
    return builder.tables
