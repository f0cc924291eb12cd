"""Badges for a patient record's header, built from a stored screening result.

One badge for the disposition, then one per reason that limits treatment (caution and above),
e.g. "Pregnant 20 weeks: LI4 SP6 BL60 BL67 GB21 avoided" or "Pacemaker or implant: no
electroacupuncture". A badge names the points its rule lists one by one (flags such as
`pregnancy_forbidden`), summarises whole regions (`lumbosacral points`), and the methods the
rule's packaged constraints avoid; constraints no reason accounts for (a clinic policy, a method
contraindication) get badges of their own, so nothing the screening forbids goes unshown.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from acuback.clinical.intake import Intake as IntakeForm
from acuback.clinical.labels import rule_label
from acuback.clinical.screening import ScreeningResult
from acuback.clinical.screening_rules import Policy, effective_rules

__all__ = ["Badge", "screening_badges"]

# Flags whose points are few and named on the badge; other flags are summarised as regions.
_NAMED_FLAGS = frozenset({"pregnancy_forbidden", "pregnancy_caution"})
_SHOWN = ("emergency", "refer", "clearance", "defer", "caution")


@dataclass(frozen=True)
class Badge:
    """One header badge: `kind` is a disposition (for the colour), `text` what it says,
    `detail` the full reason (shown on hover and in the details list)."""

    kind: str
    text: str
    detail: str = ""


def _label(rule: str, payload: IntakeForm) -> str:
    if rule.startswith("pregnancy"):
        weeks = payload.pregnancy_weeks
        return f"Pregnant {weeks} weeks" if weeks is not None else "Pregnant"
    return rule_label(rule)


def _compact(codes: list[str]) -> str:
    """`BL31 BL32 BL33 BL34 LI4` -> `BL31-BL34 LI4`: runs of three or more on one channel."""
    out: list[str] = []
    run: list[tuple[str, int]] = []

    def flush() -> None:
        if len(run) >= 3:
            out.append(f"{run[0][0]}{run[0][1]}-{run[-1][0]}{run[-1][1]}")
        else:
            out.extend(f"{prefix}{number}" for prefix, number in run)
        run.clear()

    for code in codes:
        match = re.fullmatch(r"([A-Z]+)(\d+)", code)
        if match is None:
            flush()
            out.append(code)
            continue
        item = (match.group(1), int(match.group(2)))
        if run and (run[-1][0] != item[0] or run[-1][1] + 1 != item[1]):
            flush()
        run.append(item)
    flush()
    return " ".join(out)


def _rule_methods(policy: Policy | None) -> dict[str, tuple[str, ...]]:
    return {rule.id: rule.constraints.avoid_methods for rule in effective_rules(policy)}


def _parts(rule: str, screening: ScreeningResult, methods: tuple[str, ...]) -> list[str]:
    named = [
        a.code
        for a in screening.constraints.avoid_points
        if a.rule == rule and (a.flag is None or a.flag in _NAMED_FLAGS)
    ]
    regions = sorted(
        {
            a.flag.replace("_", " ")
            for a in screening.constraints.avoid_points
            if a.rule == rule and a.flag is not None and a.flag not in _NAMED_FLAGS
        }
    )
    parts = []
    if named:
        parts.append(_compact(named) + " avoided")
    if regions:
        parts.append(", ".join(regions) + " points avoided")
    parts += [f"no {method.replace('_', ' ')}" for method in methods]
    return parts


def screening_badges(
    screening: ScreeningResult, payload: IntakeForm, policy: Policy | None
) -> list[Badge]:
    """The header badges for a screening (disposition first), see the module docstring;
    `policy` is the clinic's, whose rules may avoid methods of their own."""
    badges = [Badge(screening.disposition, screening.disposition.capitalize(), screening.next_step)]
    rule_methods = _rule_methods(policy)
    avoided = set(screening.constraints.avoid_methods)
    explained: set[str] = set()
    seen: dict[str, Badge] = {}
    for reason in screening.reasons:
        if reason.disposition not in _SHOWN:
            continue
        label = _label(reason.rule, payload)
        methods = tuple(m for m in rule_methods.get(reason.rule, ()) if m in avoided)
        explained.update(methods)
        parts = _parts(reason.rule, screening, methods)
        text = f"{label}: {'; '.join(parts)}" if parts else label
        if label in seen:  # pregnancy and its third-month rule share one badge
            old = seen[label]
            extra = "; ".join(p for p in parts if p not in old.text)
            text = f"{old.text}; {extra}" if extra else old.text
            reason_text = f"{old.detail} {reason.message}"
            seen[label] = Badge(old.kind, text, reason_text)
            continue
        seen[label] = Badge(reason.disposition, text, reason.message)
    badges += seen.values()
    for method in sorted(avoided - explained):
        badges.append(Badge("caution", f"No {method.replace('_', ' ')}", "screening constraint"))
    limits = screening.constraints.max_depth_mm
    if "*" in limits:
        badges.append(Badge("caution", f"All points: at most {limits['*']:g} mm deep"))
    return badges
