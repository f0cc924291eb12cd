"""The body map: placements are real points, land on the figure, mirror, and sit anatomically."""

from __future__ import annotations

import ast
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from pydantic import ValidationError

from acuback.errors import InputError, KnowledgeError, NotFound
from acuback.knowledge import bodymap, load_knowledge
from acuback.knowledge.bodymap import Marker, midline_x, place, placed_codes
from acuback.knowledge.bodymap_svg import render_map

SVG = "{http://www.w3.org/2000/svg}"

# The points issue 2 asks the map to carry (back, neck and upper-back treatment).
REQUIRED = (
    [f"BL{n}" for n in (*range(10, 36), *range(41, 55), 36, 37, 40, 57, 58, 60, 62, 1, 2)]
    + [f"GV{n}" for n in range(1, 21)]
    + ["GB20", "GB21", "GB29", "GB30", "GB31", "GB34", "GB39", "GB40", "GB41"]
    + ["SI3", *(f"SI{n}" for n in range(9, 16)), "TE5", "TE15"]
    + ["LI4", "LI10", "LI11", "LI15", "LU7", "KI3", "KI6", "SP6", "SP9", "ST36", "LR3"]
    + ["CV4", "CV6", "CV12", "EX-B1", "EX-B2", "EX-B7", "EX-B8"]
    + ["EX-UE7", "EX-UE8", "EX-HN3", "EX-HN15"]
)


def _real_codes() -> set[str]:
    """Every point of the knowledge base, the map's definition of a real point."""
    return set(load_knowledge().points)


def _inside(x: float, y: float, poly: tuple[tuple[float, float], ...]) -> bool:
    """Even-odd ray casting."""
    hit = False
    for (x0, y0), (x1, y1) in zip(poly, poly[1:] + poly[:1], strict=True):
        if (y0 > y) != (y1 > y) and x < x0 + (y - y0) * (x1 - x0) / (y1 - y0):
            hit = not hit
    return hit


def _one(code: str, side: int = 1) -> Marker:
    """The marker of a single-location point on the viewer's right (side=1) or left."""
    markers = place(code)
    return max(markers, key=lambda m: side * m.x)


def _half_width(view: bodymap.View, y: float) -> float:
    """Distance from the midline to the nearest outline crossing at height y."""
    mid = midline_x(view)
    poly = bodymap.silhouette(view)
    xs = [
        x0 + (y - y0) * (x1 - x0) / (y1 - y0)
        for (x0, y0), (x1, y1) in zip(poly, poly[1:] + poly[:1], strict=True)
        if (y0 <= y < y1 or y1 <= y < y0)
    ]
    return min(abs(x - mid) for x in xs)


def test_every_placed_code_is_a_real_point() -> None:
    assert placed_codes() <= _real_codes()


def test_the_points_back_treatment_uses_are_placed() -> None:
    assert set(REQUIRED) - placed_codes() == set()


@pytest.mark.parametrize("view", bodymap.VIEWS)
def test_every_marker_lands_on_the_figure(view: bodymap.View) -> None:
    poly = bodymap.silhouette(view)
    xs, ys = [p[0] for p in poly], [p[1] for p in poly]
    markers = [m for code in placed_codes() for m in place(code) if m.view == view]
    assert markers
    for m in markers:
        assert min(xs) <= m.x <= max(xs), m
        assert min(ys) <= m.y <= max(ys), m
        assert _inside(m.x, m.y, poly), f"{m.code} at ({m.x:.1f}, {m.y:.1f}) is off the body"


def test_bilateral_points_mirror_about_the_midline() -> None:
    for code in placed_codes():
        markers = place(code)
        for m in markers:
            mid = midline_x(m.view)
            mirrored = [o for o in markers if o.view == m.view and abs(o.y - m.y) < 1e-6]
            assert any(abs((o.x - mid) + (m.x - mid)) < 1e-6 for o in mirrored), code


def test_midline_points_are_single_and_bilateral_ones_paired() -> None:
    assert len(place("GV4")) == 1
    assert len(place("BL23")) == 2
    assert len(place("EX-UE7")) == 4  # two per hand
    assert len(place("EX-B2")) == 2 * 17  # T1 to L5, both sides


def test_bl23_sits_on_the_inner_bladder_line_above_bl25() -> None:
    svg = ET.fromstring(render_map(["BL23"]))
    lines = sorted(
        float(re.match(r"M([\d.]+),", p.get("d", ""))[1])  # type: ignore[index]
        for p in svg.iter(f"{SVG}path")
        if p.get("class") == "bl-line"
    )
    mid = midline_x("back")
    inner, outer = sorted({round(abs(x - mid), 1) for x in lines})
    bl23, bl25 = _one("BL23"), _one("BL25")
    assert bl23.y < bl25.y
    assert inner - 0.1 <= bl23.x - mid < outer
    assert _one("EX-B2").x < bl23.x < _one("BL52").x


def test_back_points_sit_at_their_anatomical_levels() -> None:
    # The Governor vessel runs down the spine in order, and shares levels with the shu points.
    gv = [_one(f"GV{n}").y for n in range(20, 0, -1)]
    assert gv == sorted(gv)
    assert _one("GV4").y == pytest.approx(_one("BL23").y)
    assert _one("GV3").y == pytest.approx(_one("BL25").y) == pytest.approx(_one("EX-B7").y)
    assert _one("EX-B7").x > _one("BL52").x  # Yaoyan lies lateral to the outer line
    # BL23 is at the waist: narrower there than at the chest (SI11) and the hips (GB30).
    waist = _half_width("back", _one("BL23").y)
    assert waist < _half_width("back", _one("SI11").y)
    assert waist < _half_width("back", _one("GB30").y)
    # Down the back of the body: neck, waist, buttock, knee, ankle.
    order = ["GB20", "GV14", "BL23", "GB30", "BL36", "BL40", "BL57", "BL60"]
    ys = [_one(c).y for c in order]
    assert ys == sorted(ys)
    # GB30 lies over the buttock, beyond the sacral points and inside the hip.
    assert _one("BL34").x < _one("GB30").x < _one("GB31").x


@pytest.mark.parametrize("labels", [True, False])
def test_svg_parses_and_marks_each_code(labels: bool) -> None:
    codes = ["BL23", "BL40", "GB30", "EX-B2", "LI4", "ST36"]
    root = ET.fromstring(render_map(codes, labels=labels))
    groups = {str(g.get("data-code")): g for g in root.iter(f"{SVG}g") if g.get("data-code")}
    assert set(groups) == set(codes)
    for code, group in groups.items():
        assert group.findtext(f"{SVG}title") == code
        assert len(group.findall(f"{SVG}circle")) == len(place(code))
        texts = [t.text for t in group.iter(f"{SVG}text")]
        assert texts == ([code] if labels else [])


def test_other_points_are_drawn_faintly() -> None:
    root = ET.fromstring(render_map(["BL23"]))
    faint = {
        c.findtext(f"{SVG}title") for c in root.iter(f"{SVG}circle") if c.get("class") == "faint"
    }
    assert faint == placed_codes() - {"BL23"}


def test_level_ticks_are_labelled() -> None:
    root = ET.fromstring(render_map([]))
    levels = {t.text for t in root.iter(f"{SVG}text") if t.get("class") == "level"}
    assert levels == {"C7", "T12", "L5"}


def test_codes_in_common_spellings_are_accepted_once() -> None:
    root = ET.fromstring(render_map(["bl23", "BL-23", "Bl 23", "ex-b2", "EX B7"]))
    codes = [g.get("data-code") for g in root.iter(f"{SVG}g") if g.get("data-code")]
    assert codes == ["BL23", "EX-B2", "EX-B7"]


def test_unknown_code_is_not_found_with_suggestions() -> None:
    with pytest.raises(NotFound) as info:
        render_map(["BL99"])
    assert info.value.key == "BL99"
    assert info.value.suggestions


def test_real_but_unplaced_code_names_itself_and_the_placed_codes() -> None:
    unplaced = sorted(_real_codes() - placed_codes())[0]
    with pytest.raises(InputError) as info:
        render_map(["BL23", unplaced])
    assert unplaced in info.value.problem
    allowed = info.value.allowed
    assert isinstance(allowed, str)
    named: set[str] = set()
    for item in allowed.split(", "):
        first, _, last = item.partition(" to ")
        if not last:
            named.add(first)
            continue
        prefix = first.rstrip("0123456789")
        lo, hi = int(first[len(prefix) :]), int(last[len(prefix) :])
        named.update(f"{prefix}{n}" for n in range(lo, hi + 1))
    assert named == placed_codes()


def test_a_spec_needs_exactly_one_base() -> None:
    with pytest.raises(ValidationError):
        bodymap.Spec(view="back")
    with pytest.raises(ValidationError):
        bodymap.Spec(view="back", level="L2", landmark="vertex")
    with pytest.raises(ValidationError):
        bodymap.Spec(view="back", between=("L2", "L3"))


def test_a_bad_placement_refuses_to_load() -> None:
    fig = bodymap.load_figure()
    stray = bodymap.Spec(view="back", landmark="no_such_landmark")
    with pytest.raises(KnowledgeError, match="no_such_landmark"):
        bodymap._check(fig.model_copy(update={"points": {"BL23": stray}}))
    lopsided = bodymap.Spec(view="back", level="L2", lateral_cun=1.5)  # bilateral missing
    with pytest.raises(KnowledgeError, match="bilateral"):
        bodymap._check(fig.model_copy(update={"points": {"BL23": lopsided}}))
    with pytest.raises(KnowledgeError, match="BL99"):  # placed, but no such point
        bodymap._check(fig.model_copy(update={"points": {"BL99": fig.points["BL23"]}}))


def test_the_model_does_not_import_the_drawing() -> None:
    tree = ast.parse(Path(bodymap.__file__).read_text(encoding="utf-8"))
    imported: set[str] = (
        set()
    )  # "a.b" for `import a.b`, and "a.b" and "a.b.c" for `from a.b import c`
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            imported.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom):
            module = "." * node.level + (node.module or "")
            imported.add(module)
            imported.update(f"{module}.{a.name}" for a in node.names)
    assert "acuback.knowledge.load_knowledge" in imported  # the walk does see imports
    assert not any(name.endswith("bodymap_svg") for name in imported)
