"""Safety screening: from an intake to a disposition, its reasons and planning constraints.

`screen(intake)` evaluates every rule of the packaged table (`screening_rules.py`), plus a
clinic policy when given, and returns a `ScreeningResult` (SPEC section 3). The disposition is
the most severe of the matching rules' dispositions, in the order emergency > refer > clearance
> defer > caution > proceed. Constraints gather what the matching rules add, expanded against
the knowledge base: a rule that avoids a safety flag (say `lumbosacral`) avoids every point
carrying it, and the method contraindications of `methods.yaml` that match the intake's
findings remove those methods. An emergency has no constraints: nothing is to be needled. The
function is pure and deterministic.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from pydantic import BaseModel, ConfigDict, Field

from acuback.clinical.intake import Intake
from acuback.clinical.labels import rule_label
from acuback.clinical.medications import (
    MedicationMatch,
    MedicationReading,
    UnrecognisedMedication,
    read_medications,
)
from acuback.clinical.screening_rules import (
    Disposition,
    Policy,
    Position,
    Rule,
    When,
    effective_rules,
    load_rule_table,
    rank,
)
from acuback.knowledge import KnowledgeBase, load_knowledge

__all__ = [
    "AvoidPoint",
    "Constraints",
    "Reason",
    "ScreeningResult",
    "StartBackSummary",
    "findings_of",
    "screen",
]


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Reason(_Frozen):
    """One matching rule: why the disposition is what it is."""

    rule: str
    disposition: Disposition
    message: str
    patient_message: str
    sources: tuple[str, ...]
    verified: bool = True


class AvoidPoint(_Frozen):
    code: str
    reason: str
    rule: str
    flag: str | None = None  # the point flag that brought it in; None when the rule names it


class Constraints(_Frozen):
    """What planning must respect. `max_depth_mm` is keyed by point code or `"*"` (all points);
    `max_needles` counts needles (a point needled on both sides is two)."""

    avoid_points: tuple[AvoidPoint, ...] = ()
    avoid_regions: tuple[str, ...] = ()
    avoid_methods: tuple[str, ...] = ()
    max_depth_mm: dict[str, float] = Field(default_factory=dict)
    position: Position | None = None
    max_needles: int | None = None
    notes: tuple[str, ...] = ()
    # why each region and method is avoided: used for the plan's `excluded`, not printed
    region_reasons: dict[str, str] = Field(default_factory=dict, exclude=True, repr=False)
    method_reasons: dict[str, str] = Field(default_factory=dict, exclude=True, repr=False)

    def point_reason(self, code: str) -> str | None:
        for avoid in self.avoid_points:
            if avoid.code == code:
                return avoid.reason
        return None

    def depth_limit(self, code: str) -> float | None:
        limits = [v for k, v in self.max_depth_mm.items() if k in ("*", code)]
        return min(limits) if limits else None


class StartBackSummary(_Frozen):
    score: int
    distress: int
    risk_group: str
    sources: tuple[str, ...] = ()


class ScreeningResult(_Frozen):
    disposition: Disposition
    reasons: tuple[Reason, ...]
    constraints: Constraints
    next_step: str
    patient_message: str
    medications: tuple[MedicationMatch, ...] = ()
    # entries the recogniser could not read: never dropped, the practitioner asks the patient
    unrecognised_medications: tuple[UnrecognisedMedication, ...] = ()
    startback: StartBackSummary | None = None


# ----- evaluation -----------------------------------------------------------------------------


@dataclass(frozen=True)
class _Facts:
    intake: Intake
    findings: frozenset[str]
    workup: tuple[str, ...]  # diagnoses whose condition needs a physician's work-up
    unread: bool = False  # a medication entry the recogniser could not read


def findings_of(intake: Intake, medications: Iterable[MedicationMatch] = ()) -> frozenset[str]:
    """The intake's findings plus those its medications imply."""
    return frozenset(intake.findings) | {m.finding for m in medications}


def _holds(when: When, facts: _Facts) -> bool:
    intake, found = facts.intake, facts.findings
    if when.any_finding and found.isdisjoint(when.any_finding):
        return False
    if when.all_findings and not found.issuperset(when.all_findings):
        return False
    if when.age_min is not None and intake.age < when.age_min:
        return False
    if when.age_max is not None and intake.age > when.age_max:
        return False
    if when.pregnant is not None and intake.pregnant != when.pregnant:
        return False
    if when.pregnancy_weeks_min is not None and (
        intake.pregnancy_weeks is None or intake.pregnancy_weeks < when.pregnancy_weeks_min
    ):
        return False
    if when.first_treatment is not None and intake.first_treatment != when.first_treatment:
        return False
    if when.leg_signs_any and not any(getattr(intake.pain, s) for s in when.leg_signs_any):
        return False
    if when.leg_signs_all and not all(getattr(intake.pain, s) for s in when.leg_signs_all):
        return False
    if when.pain_side_in and intake.pain.side not in when.pain_side_in:
        return False
    if when.pain_regions_any and not set(when.pain_regions_any) & set(intake.pain.regions):
        return False
    if when.no_finding and not found.isdisjoint(when.no_finding):
        return False
    if when.unrecognised_medication is not None and facts.unread != when.unrecognised_medication:
        return False
    if when.duration_in and intake.duration not in when.duration_in:
        return False
    if (
        when.diagnosis_needs_workup is not None
        and bool(facts.workup) != when.diagnosis_needs_workup
    ):
        return False
    if when.any and not any(_holds(sub, facts) for sub in when.any):
        return False
    return when.always is not False


@dataclass
class _Builder:
    """Accumulates constraints in rule order; first reason given for a key wins."""

    points: dict[str, AvoidPoint] = field(default_factory=dict)
    regions: dict[str, str] = field(default_factory=dict)
    methods: dict[str, str] = field(default_factory=dict)
    depth: dict[str, float] = field(default_factory=dict)
    position: Position | None = None
    max_needles: int | None = None
    notes: dict[str, None] = field(default_factory=dict)

    def add_rule(self, rule: Rule, facts: _Facts, kb: KnowledgeBase) -> None:
        spec = rule.constraints
        for avoid in spec.avoid_points:
            self.points.setdefault(
                avoid.code, AvoidPoint(code=avoid.code, reason=avoid.reason, rule=rule.id)
            )
        for flag in spec.avoid_flags:
            for flagged in _flag_points(kb, flag.kind, flag.reason, rule.id):
                self.points.setdefault(flagged.code, flagged)
        areas = load_rule_table().treatment_areas
        for region in spec.avoid_regions:
            expanded = (
                [r for p in facts.intake.pain.regions for r in areas[p]]
                if region == "treatment_area"
                else [region]
            )
            for item in expanded:
                self.regions.setdefault(item, _because(rule))
        for method in spec.avoid_methods:
            self.methods.setdefault(method, _because(rule))
        for key, limit in spec.max_depth_mm.items():
            self.depth[key] = min(limit, self.depth.get(key, limit))
        if spec.position and self.position != "side_lying":
            self.position = spec.position
        if spec.max_needles is not None:
            self.max_needles = min(spec.max_needles, self.max_needles or spec.max_needles)
        self.notes.update(dict.fromkeys(spec.notes))

    def add_methods(self, facts: _Facts, kb: KnowledgeBase) -> None:
        states = facts.findings | ({"pregnancy"} if facts.intake.pregnant else set())
        for method in kb.methods.values():
            for contra in method.contraindications:
                if contra.finding not in states:
                    continue
                if contra.severity == "avoid":
                    self.methods.setdefault(
                        method.code, f"{contra.finding.replace('_', ' ')}: {contra.reason}"
                    )
                else:
                    self.notes[f"{method.name}: {contra.reason}"] = None

    def build(self) -> Constraints:
        return Constraints(
            avoid_points=tuple(sorted(self.points.values(), key=lambda a: a.code)),
            avoid_regions=tuple(sorted(self.regions)),
            avoid_methods=tuple(sorted(self.methods)),
            max_depth_mm=dict(sorted(self.depth.items())),
            position=self.position,
            max_needles=self.max_needles,
            notes=tuple(self.notes),
            region_reasons=dict(sorted(self.regions.items())),
            method_reasons=dict(sorted(self.methods.items())),
        )


def _because(rule: Rule) -> str:
    return f"not with {rule.id.replace('_', ' ')} (screening rule: {rule_label(rule.id)})"


_FLAG_INDEX: dict[int, tuple[KnowledgeBase, dict[str, tuple[str, ...]]]] = {}


def _flag_index(kb: KnowledgeBase) -> dict[str, tuple[str, ...]]:
    """Point codes by safety-flag kind, sorted; computed once per knowledge base."""
    cached = _FLAG_INDEX.get(id(kb))
    if cached is not None and cached[0] is kb:
        return cached[1]
    index: dict[str, list[str]] = {}
    for point in kb.points.values():
        for flag in point.flags:
            index.setdefault(flag.kind, []).append(point.code)
    frozen = {kind: tuple(sorted(set(codes))) for kind, codes in index.items()}
    _FLAG_INDEX[id(kb)] = (kb, frozen)
    return frozen


_FLAG_POINTS: dict[tuple[int, str, str, str], tuple[KnowledgeBase, tuple[AvoidPoint, ...]]] = {}


def _flag_points(kb: KnowledgeBase, kind: str, reason: str, rule: str) -> tuple[AvoidPoint, ...]:
    """The avoid entries a flag rule expands to; frozen, so built once and shared."""
    key = (id(kb), kind, reason, rule)
    cached = _FLAG_POINTS.get(key)
    if cached is None or cached[0] is not kb:
        points = tuple(
            AvoidPoint(code=code, reason=reason, rule=rule, flag=kind)
            for code in _flag_index(kb).get(kind, ())
        )
        cached = _FLAG_POINTS[key] = (kb, points)
    return cached[1]


def _startback(intake: Intake) -> StartBackSummary | None:
    if intake.startback is None:
        return None
    from acuback.clinical.scoring import score_startback

    score = score_startback(list(intake.startback))
    return StartBackSummary(
        score=int(score.value),
        distress=int(score.subscores.get("distress", 0)),
        risk_group=score.category or "",
        sources=score.sources,
    )


def _medication_notes(builder: _Builder, reading: MedicationReading) -> None:
    """Say what each entry was read as, so the practitioner can confirm it."""
    for match in reading.matches:
        read = f"; {match.read_as}" if match.read_as else ""
        drug = "" if match.via == "class_word" else f" ({match.drug})"
        builder.notes[f"Medication {match.text!r}: {match.label}{drug}{read}."] = None
    for note in reading.notes:
        builder.notes[note] = None
    for entry in reading.unrecognised:
        builder.notes[f"Medication {entry.text!r}: {entry.message}."] = None


def screen(
    intake: Intake, kb: KnowledgeBase | None = None, policy: Policy | None = None
) -> ScreeningResult:
    """Screen an intake against the packaged rules (and a clinic policy, if given)."""
    kb = kb if kb is not None else load_knowledge()
    reading = read_medications(intake.medications)
    medications = reading.matches
    workup = tuple(
        d for d in intake.diagnoses if d in kb.conditions and kb.conditions[d].needs_workup
    )
    facts = _Facts(intake, findings_of(intake, medications), workup, bool(reading.unrecognised))
    reasons: list[Reason] = []
    builder = _Builder()
    for rule in effective_rules(policy):
        if not _holds(rule.when, facts):
            continue
        reasons.append(
            Reason(
                rule=rule.id,
                disposition=rule.disposition,
                message=rule.practitioner.strip(),
                patient_message=rule.patient.strip(),
                sources=rule.sources,
                verified=rule.verified,
            )
        )
        builder.add_rule(rule, facts, kb)
    builder.add_methods(facts, kb)
    for code in workup:
        condition = kb.conditions[code]
        builder.notes[f"{condition.name}: {condition.workup_reason}"] = None
    _medication_notes(builder, reading)
    reasons.sort(key=lambda r: rank(r.disposition))  # stable: rule order within a level
    disposition = reasons[0].disposition if reasons else "proceed"
    text = load_rule_table().text(disposition)
    # an emergency is not treated at all: needling limits would only read as if it were
    constraints = Constraints() if disposition == "emergency" else builder.build()
    return ScreeningResult(
        disposition=disposition,
        reasons=tuple(reasons),
        constraints=constraints,
        next_step=text.practitioner.strip(),
        patient_message=text.patient.strip(),
        medications=medications,
        unrecognised_medications=reading.unrecognised,
        startback=_startback(intake),
    )
