"""CLI commands over the knowledge base: points, meridians, conditions."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer

from acuback.cli.output import JsonOption, emit, json_text
from acuback.errors import InputError, NotFound

if TYPE_CHECKING:
    from acuback.knowledge import Condition, KnowledgeBase, Meridian, Point

__all__ = ["point_page", "register"]

points_app = typer.Typer(help="Acupuncture points: show, search, list, map.", no_args_is_help=True)


def _kb() -> KnowledgeBase:
    from acuback.knowledge import load_knowledge

    return load_knowledge()


def _point_data(kb: KnowledgeBase, point: Point) -> dict[str, Any]:
    data = point.model_dump(mode="json")
    data["max_safe_depth_mm"] = point.max_safe_depth_mm
    data["aliases"] = [
        {"text": a.text, "system": a.system, "codes": list(a.codes)}
        for a in kb.aliases_for(point.code)
    ]
    return data


def _point_text(kb: KnowledgeBase, point: Point) -> str:
    depth = f"{point.depth_mm.min:g}-{point.depth_mm.max:g} mm"
    lines = [
        f"{point.code}  {point.pinyin} ({point.pinyin_ascii})  {point.hanzi}  {point.english}",
        f"Meridian: {point.meridian}    Region: {point.region}",
        f"Location: {point.location}",
        f"Needling: {point.angle}{', ' + point.direction if point.direction else ''}, {depth}",
    ]
    if point.max_safe_depth_mm is not None:
        lines.append(f"Maximum safe depth: {point.max_safe_depth_mm:g} mm")
    if point.levels:
        lines.append(f"Levels: {', '.join(point.levels)}")
    if point.categories:
        lines.append(f"Categories: {', '.join(point.categories)}")
    aliases = kb.aliases_for(point.code)
    if aliases:
        lines.append("Aliases: " + "; ".join(f"{a.text} ({a.system})" for a in aliases))
    lines += [f"Caution: {c}" for c in point.cautions]
    lines += [f"Flag: {f.kind} [{', '.join(f.sources)}]" for f in point.flags]
    lines.append(
        f"Sources: {', '.join(point.sources)}" + ("" if point.verified else " (unverified)")
    )
    return "\n".join(lines)


def point_page(kb: KnowledgeBase, point: Point, as_json: bool) -> str:
    """What `points show` prints for one point (the quick path serves the same pages)."""
    return json_text(_point_data(kb, point)) if as_json else _point_text(kb, point)


@points_app.command("show")
def show(
    code: str = typer.Argument(..., help="Point code, e.g. BL23, bl-23, EX-B2."),
    as_json: bool = JsonOption,
) -> None:
    """Show one point with its names, location, needling, aliases, cautions and sources."""
    kb = _kb()
    typer.echo(point_page(kb, kb.point(code), as_json))


@points_app.command("search")
def search(
    text: str = typer.Argument(..., help="Code, pinyin, hanzi, English name, alias or body area."),
    limit: int = typer.Option(20, min=1, max=500, help="At most this many results."),
    as_json: bool = JsonOption,
) -> None:
    """Search points; exact matches first."""
    from acuback.knowledge.search import search_points

    hits = search_points(_kb(), text, limit)
    rows = [
        {
            "code": h.point.code,
            "score": h.score,
            "matched": h.matched,
            "pinyin": h.point.pinyin,
            "english": h.point.english,
        }
        for h in hits
    ]

    def render() -> str:
        if not rows:
            return f"No point matches {text!r}."
        return "\n".join(
            f"{r['code']:<8} {r['pinyin']:<16} {r['english']:<28} {r['matched']}" for r in rows
        )

    emit(rows, as_json, render)


@points_app.command("list")
def list_points(
    meridian: str | None = typer.Option(
        None, help="Meridian code (BL, GV ...) or extra group (EX-B)."
    ),
    region: str | None = typer.Option(None, help="Body region, e.g. lower_back."),
    as_json: bool = JsonOption,
) -> None:
    """List points, optionally by meridian and body region."""
    from acuback.knowledge.models import REGIONS

    kb = _kb()
    points = list(kb.points.values())
    if meridian is not None:
        wanted = meridian.strip().upper()
        groups = sorted({p.meridian for p in points if p.code.startswith("EX-")})
        if wanted.startswith("EX"):
            if wanted not in groups and wanted != "EX":
                raise InputError("--meridian", f"unknown extra-point group {meridian!r}", groups)
        else:
            try:
                wanted = kb.meridian(meridian).code
            except NotFound:
                allowed = [*kb.meridians, *groups]
                raise InputError("--meridian", f"unknown meridian {meridian!r}", allowed) from None
        points = [
            p
            for p in points
            if p.meridian == wanted or (wanted == "EX" and p.code.startswith("EX-"))
        ]
    if region is not None:
        if region not in REGIONS:
            raise InputError("--region", f"unknown region {region!r}", REGIONS)
        points = [p for p in points if p.region == region]
    rows = [
        {"code": p.code, "pinyin": p.pinyin, "english": p.english, "region": p.region}
        for p in points
    ]
    emit(
        rows,
        as_json,
        lambda: "\n".join(
            f"{r['code']:<8} {r['pinyin']:<16} {r['english']:<30} {r['region']}" for r in rows
        ),
    )


@points_app.command("map")
def map_points(
    codes: list[str] = typer.Argument(..., help="Point codes to highlight and label."),
    out: Path = typer.Option(..., "--out", help="Where to write the SVG figure."),
    no_labels: bool = typer.Option(
        False, "--no-labels", help="Mark the points without writing their codes beside them."
    ),
    as_json: bool = JsonOption,
) -> None:
    """Draw the body map (front and back) with the given points highlighted and labelled."""
    from acuback.cli.files import output_path, write_output
    from acuback.knowledge.bodymap_svg import render_map

    output_path(out, "--out")
    kb = _kb()
    canonical = [kb.point(code).code for code in codes]
    write_output(out, render_map(canonical, labels=not no_labels).encode(), "--out")
    emit(
        {"out": str(out), "codes": canonical},
        as_json,
        lambda: f"Wrote {out} with {', '.join(canonical)}.",
    )


def _meridian_line(m: Meridian) -> str:
    if m.kind == "regular":
        return (
            f"{m.circulation_order:>2}. {m.code:<8} {m.english:<28} {m.limb} {m.polarity}, "
            f"paired with {m.paired}, {m.point_count} points"
        )
    own = f"{m.point_count} points" if m.has_own_points else "no points of its own"
    c = m.confluent
    opening = (
        f"opening point {c.opening_point} with {c.coupled_point} ({c.coupled_vessel})" if c else ""
    )
    return f"    {m.code:<8} {m.english:<28} {own}; {opening}"


def meridians(as_json: bool = JsonOption) -> None:
    """List the 20 pathways: 12 regular meridians in circulation order, then 8 vessels."""
    kb = _kb()
    items = sorted(
        kb.meridians.values(), key=lambda m: (m.kind != "regular", m.circulation_order or 0)
    )
    rows = [m.model_dump(mode="json", exclude_none=True) for m in items]
    emit(rows, as_json, lambda: "\n".join(_meridian_line(m) for m in items))


def _condition_line(c: Condition) -> str:
    workup = "  [physician work-up first]" if c.needs_workup else ""
    return f"{c.code:<28} {', '.join(c.icd10cm):<18} {c.name}{workup}"


def conditions(as_json: bool = JsonOption) -> None:
    """List the back-pain conditions with their ICD-10-CM codes."""
    kb = _kb()
    rows = [c.model_dump(mode="json", exclude_none=True) for c in kb.conditions.values()]
    emit(rows, as_json, lambda: "\n".join(_condition_line(c) for c in kb.conditions.values()))


def register(app: typer.Typer) -> None:
    """Add this module's commands to the top-level app."""
    app.add_typer(points_app, name="points")
    app.command("meridians")(meridians)
    app.command("conditions")(conditions)
