"""The screening rule table as typed data, and a clinic's policy file that may tighten it.

The packaged table is `data/screening_rules.yaml` (its header documents the fields). A clinic
policy is YAML text with two optional keys:

```yaml
rules: [...]            # extra rules, same shape as the packaged ones, with new ids
dispositions:           # raise a packaged rule's disposition, e.g. antiplatelet: clearance
  antiplatelet: clearance
```

A policy may only tighten: lowering any packaged disposition (and so ever lowering an emergency
or refer) is refused with `InputError`. Nothing here reads a file path: the caller passes the
policy text (the CLI reads the file named by `ACUBACK_POLICY`).
"""

from __future__ import annotations

from functools import lru_cache
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from acuback.clinical.data_files import error_location, load_data_file
from acuback.clinical.intake import Duration, Finding, PainRegion, Side
from acuback.errors import InputError
from acuback.knowledge.models import FlagKind, Region

__all__ = [
    "DISPOSITIONS",
    "POSITION_WORDS",
    "AvoidFlag",
    "AvoidPointSpec",
    "Disposition",
    "DispositionText",
    "Policy",
    "Position",
    "Rule",
    "RuleConstraints",
    "RuleTable",
    "When",
    "effective_rules",
    "load_rule_table",
    "parse_policy",
    "rank",
]

Disposition = Literal["emergency", "refer", "clearance", "defer", "caution", "proceed"]
DISPOSITIONS: tuple[str, ...] = Disposition.__args__  # type: ignore[attr-defined]
_RANK = {code: index for index, code in enumerate(DISPOSITIONS)}
LegSign = Literal["radiates_below_knee", "leg_numbness", "leg_weakness"]
# `side_lying` (on the side or well supported, as in pregnancy) is a kind of lying down and
# the stricter of the two: when rules give both, it wins.
Position = Literal["lying", "side_lying"]
POSITION_WORDS = {"lying": "lying down", "side_lying": "lying on the side or well supported"}


def rank(disposition: str) -> int:
    """0 for emergency (most severe) up to 5 for proceed."""
    return _RANK[disposition]


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class When(_Frozen):
    """A rule's condition: every key given must hold (see the data file header)."""

    any_finding: tuple[Finding, ...] = ()
    all_findings: tuple[Finding, ...] = ()
    age_min: int | None = None
    age_max: int | None = None
    pregnant: bool | None = None
    pregnancy_weeks_min: int | None = None
    first_treatment: bool | None = None
    leg_signs_any: tuple[LegSign, ...] = ()
    leg_signs_all: tuple[LegSign, ...] = ()
    pain_side_in: tuple[Side, ...] = ()
    pain_regions_any: tuple[PainRegion, ...] = ()
    no_finding: tuple[Finding, ...] = ()
    unrecognised_medication: bool | None = None
    duration_in: tuple[Duration, ...] = ()
    diagnosis_needs_workup: bool | None = None
    any: tuple[When, ...] = ()
    always: bool | None = None

    @model_validator(mode="after")
    def _not_empty(self) -> When:
        if not self.model_fields_set:
            raise ValueError("an empty condition would match every intake; use always: true")
        return self


class AvoidPointSpec(_Frozen):
    code: str
    reason: str = Field(min_length=3)


class AvoidFlag(_Frozen):
    kind: FlagKind
    reason: str = Field(min_length=3)


class RuleConstraints(_Frozen):
    """What a matching rule adds to the screening constraints."""

    avoid_points: tuple[AvoidPointSpec, ...] = ()
    avoid_flags: tuple[AvoidFlag, ...] = ()
    avoid_regions: tuple[Region | Literal["treatment_area"], ...] = ()
    avoid_methods: tuple[str, ...] = ()
    max_depth_mm: dict[str, float] = Field(default_factory=dict)
    position: Position | None = None
    max_needles: int | None = Field(default=None, ge=1)
    notes: tuple[str, ...] = ()

    @model_validator(mode="after")
    def _positive_depths(self) -> RuleConstraints:
        for key, value in self.max_depth_mm.items():
            if value <= 0:
                raise ValueError(f"max_depth_mm[{key!r}] must be > 0")
        return self


class Rule(_Frozen):
    id: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    when: When
    disposition: Disposition
    practitioner: str = Field(min_length=10)
    patient: str = Field(min_length=10)
    constraints: RuleConstraints = RuleConstraints()
    sources: tuple[str, ...] = Field(min_length=1)
    verified: bool = True


class DispositionText(_Frozen):
    code: Disposition
    practitioner: str
    patient: str


class RuleTable(_Frozen):
    dispositions: tuple[DispositionText, ...]
    treatment_areas: dict[PainRegion, tuple[Region, ...]]
    rules: tuple[Rule, ...]

    @model_validator(mode="after")
    def _consistent(self) -> RuleTable:
        if tuple(d.code for d in self.dispositions) != DISPOSITIONS:
            raise ValueError(f"dispositions must be listed in this order: {DISPOSITIONS}")
        ids = [rule.id for rule in self.rules]
        duplicates = sorted({i for i in ids if ids.count(i) > 1})
        if duplicates:
            raise ValueError(f"duplicate rule ids: {', '.join(duplicates)}")
        return self

    def text(self, disposition: str) -> DispositionText:
        return self.dispositions[rank(disposition)]


class Policy(_Frozen):
    """A clinic's tightening of the packaged rule table."""

    rules: tuple[Rule, ...] = ()
    dispositions: dict[str, Disposition] = Field(default_factory=dict)


@lru_cache(maxsize=1)
def load_rule_table() -> RuleTable:
    """The packaged rule table, validated (cached; read on first use)."""
    return load_data_file("screening_rules.yaml", RuleTable, records="rules", id_key="id")


def parse_policy(text: str, name: str = "policy") -> Policy:
    """Validate a clinic policy (YAML text) against the packaged table; `name` labels errors."""
    import yaml

    try:
        raw = yaml.safe_load(text) or {}
    except yaml.YAMLError as exc:
        raise InputError(name, f"not valid YAML: {exc}") from None
    if not isinstance(raw, dict):
        raise InputError(name, "must be a YAML mapping", "rules, dispositions")
    try:
        policy = Policy.model_validate(raw)
    except ValidationError as exc:
        first = exc.errors()[0]
        raise InputError(f"{name}: {error_location(first)}", first["msg"]) from None
    table = load_rule_table()
    packaged = {rule.id: rule for rule in table.rules}
    for index, rule in enumerate(policy.rules):
        if rule.id in packaged or [r.id for r in policy.rules].count(rule.id) > 1:
            raise InputError(f"{name}: rules[{index}].id", f"{rule.id!r} is already used")
    for rule_id, disposition in policy.dispositions.items():
        if rule_id not in packaged:
            raise InputError(f"{name}: dispositions", f"unknown rule {rule_id!r}", sorted(packaged))
        floor = packaged[rule_id].disposition
        if rank(disposition) > rank(floor):
            raise InputError(
                f"{name}: dispositions.{rule_id}",
                f"may only raise the packaged disposition {floor!r}, not lower it to "
                f"{disposition!r}",
                DISPOSITIONS[: rank(floor) + 1],
            )
    return policy


def effective_rules(policy: Policy | None) -> tuple[Rule, ...]:
    """The packaged rules with the policy's raised dispositions, then the policy's own rules."""
    rules = load_rule_table().rules
    if policy is None:
        return rules
    raised = tuple(
        rule.model_copy(update={"disposition": policy.dispositions[rule.id]})
        if rule.id in policy.dispositions
        else rule
        for rule in rules
    )
    return raised + policy.rules
