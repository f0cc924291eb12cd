"""What `screen` and `plan` read and print, without Typer: shared by the full commands
(`cli/clinical.py`) and their lean path (`cli/lean.py`), so both print the same bytes."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from acuback.cli.files import read_input
from acuback.errors import InputError

if TYPE_CHECKING:
    from acuback.clinical.intake import Intake
    from acuback.clinical.plan_model import Plan
    from acuback.clinical.screening import ScreeningResult

__all__ = ["dump", "plan_lines", "read_intake", "screening_lines"]


def read_intake(path: str) -> Intake:
    """The intake in the file `path` (or standard input for `-`), validated; else InputError."""
    from acuback.clinical.intake import parse_intake

    text = read_input(path, "INTAKE")
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise InputError("INTAKE", f"not valid JSON (line {exc.lineno}: {exc.msg})") from None
    return parse_intake(data)


def screening_lines(result: ScreeningResult) -> list[str]:
    lines = [f"Disposition: {result.disposition.upper()}", f"  {result.next_step}"]
    for reason in result.reasons:
        lines.append(f"- [{reason.disposition}] {reason.rule}: {reason.message}")
        lines.append(f"    sources: {', '.join(reason.sources)}")
    c = result.constraints
    if c.avoid_points:
        lines.append("Avoid points: " + ", ".join(a.code for a in c.avoid_points))
    if c.avoid_regions:
        lines.append("Avoid regions: " + ", ".join(c.avoid_regions))
    if c.avoid_methods:
        lines.append("Avoid methods: " + ", ".join(c.avoid_methods))
    if c.max_depth_mm:
        lines.append(
            "Maximum depth: " + ", ".join(f"{k} {v:g} mm" for k, v in c.max_depth_mm.items())
        )
    if c.position:
        lines.append(f"Position: {c.position}")
    if c.max_needles:
        lines.append(f"At most {c.max_needles} needles")
    if result.startback:
        sb = result.startback
        lines.append(f"STarT Back: score {sb.score}, distress {sb.distress}, {sb.risk_group} risk")
    lines += [f"Note: {note}" for note in c.notes]
    lines.append(f"For the patient: {result.patient_message}")
    return lines


def plan_lines(plan: Plan) -> list[str]:
    lines = screening_lines(plan.screening)
    if plan.instead:
        lines.append("Instead:")
        lines += [f"  {text}" for text in plan.instead]
    if plan.points:
        lines.append("Points:")
        for p in plan.points:
            depth = f"{p.depth_mm[0]:g}-{p.depth_mm[1]:g} mm"
            lines.append(
                f"  {p.code:<7} {p.side:<8} {p.role:<8} {p.angle:<13} {depth:<11} {p.name}"
            )
            lines.append(f"          {p.reason} [{', '.join(p.sources)}]")
    if plan.methods:
        lines.append("Methods:")
        for m in plan.methods:
            params = "; ".join(f"{k}: {v}" for k, v in m.parameters.items())
            lines.append(f"  {m.name}: {m.when}" + (f" ({params})" if params else ""))
    if plan.course:
        c = plan.course
        lines.append(
            f"Course: {c.sessions_per_week} per week for {c.weeks} weeks, {c.total_sessions} "
            f"sessions, reassess after {c.reassess_after_sessions}, retain "
            f"{c.retention_minutes} min. {c.extension}"
        )
        lines += [f"  Payer: {r.payer}, {r.rule}: {r.conditions}" for r in c.payer_rules]
    if plan.excluded:
        lines.append("Excluded:")
        lines += [f"  {e.code} ({e.kind}): {e.reason}" for e in plan.excluded]
    if plan.self_care:
        lines.append("Self-care acupressure:")
        lines += [f"  {s.code} {s.name}: {s.how}" for s in plan.self_care]
    if plan.guidelines:
        lines.append("Guidelines:")
        lines += [f"  [{g.stance}] {g.statement}" for g in plan.guidelines]
    lines += [
        f"Note: {note}" for note in plan.notes if note not in plan.screening.constraints.notes
    ]
    return lines


def dump(model: Any) -> Any:
    return model.model_dump(mode="json")
