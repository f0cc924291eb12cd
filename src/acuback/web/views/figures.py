"""The one way pages embed an SVG figure we generated: inline, as markup, ready for the CSP.

Every figure (body map, progress chart, forest plot, the clinic beside the trials) goes through
`inline_svg`, which returns `Markup`, so templates place it without `|safe` and user text never
takes this path. Why inline rather than a `data:` URI image: the page's Content-Security-Policy
(`style-src 'self'`) forbids inline styles, so `<style>` rules and `style` attributes are folded
into SVG presentation attributes; inline, the figure's elements stay in the page, where tests and
assistive technology can read them (each score of the progress chart is a
`circle[data-score]`), and where one accessible name (`role="img"`, a `<title>` and
`aria-label`) describes the figure. Ids are prefixed so that two figures on one page do not
clash. Only simple selectors (`*`, a tag, `.class`) are folded: the figures we draw use no
others, and anything else is dropped rather than guessed.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Iterable, Sequence

from markupsafe import Markup

from acuback.web.views.charts import (
    ChartedSession,
    ScoredMeasurement,
    progress_chart,
    scores_by_instrument,
    session_pain,
)

__all__ = ["body_map", "inline_svg", "progress_figure"]

_SVG = "http://www.w3.org/2000/svg"
_XLINK = "http://www.w3.org/1999/xlink"
_RULE = re.compile(r"([^{}]+)\{([^{}]*)\}")
_SIMPLE = re.compile(r"\*|[A-Za-z][\w-]*|\.[\w-]+")
_URL_REF = re.compile(r"url\(#([^)]+)\)")


def _declarations(text: str) -> dict[str, str]:
    pairs = (part.partition(":") for part in text.split(";"))
    return {name.strip(): value.strip() for name, sep, value in pairs if sep and name.strip()}


def _css_rules(root: ET.Element) -> list[tuple[str, dict[str, str]]]:
    """Remove the `<style>` and `<metadata>` elements; return the simple rules, types first."""
    rules: list[tuple[str, dict[str, str]]] = []
    for parent in list(root.iter()):
        for child in list(parent):
            if child.tag in (f"{{{_SVG}}}style", f"{{{_SVG}}}metadata"):
                css = re.sub(r"/\*.*?\*/", "", child.text or "", flags=re.S)
                for selectors, body in _RULE.findall(css):
                    for selector in (s.strip() for s in selectors.split(",")):
                        if _SIMPLE.fullmatch(selector):
                            rules.append((selector, _declarations(body)))
                parent.remove(child)
    return sorted(rules, key=lambda rule: rule[0].startswith("."))  # classes beat types


def _prefix_ids(root: ET.Element, prefix: str) -> None:
    ids = {el.get("id") for el in root.iter() if el.get("id")}
    for el in root.iter():
        for key, value in list(el.attrib.items()):
            if key == "id":
                el.set(key, prefix + value)
            elif key in (f"{{{_XLINK}}}href", "href") and value[1:] in ids:
                el.set(key, f"#{prefix}{value[1:]}")
            elif "url(#" in value:
                el.set(key, _URL_REF.sub(lambda m: f"url(#{prefix}{m.group(1)})", value))


def _name(root: ET.Element, title: str) -> None:
    """Give the figure its accessible name: the first `<title>` (replaced) and `aria-label`."""
    node = root.find(f"{{{_SVG}}}title")
    if node is None:
        node = ET.Element(f"{{{_SVG}}}title")
        root.insert(0, node)
    node.text = title
    root.set("role", "img")
    root.set("aria-label", title)


def inline_svg(svg: str, prefix: str, title: str) -> Markup:
    """An SVG document we generated, as markup to place inside a page.

    No inline styles remain (the CSP allows none), ids carry `prefix`, and `title` (a sentence
    describing the figure, such as the points it marks) becomes its accessible name.
    """
    ET.register_namespace("", _SVG)
    ET.register_namespace("xlink", _XLINK)
    root = ET.fromstring(svg.strip().encode("utf-8"))
    rules = _css_rules(root)
    for el in root.iter():
        tag, classes = el.tag.rpartition("}")[2], (el.get("class") or "").split()
        for selector, declarations in rules:
            if (selector == "*" and el is root) or selector == tag or selector[1:] in classes:
                el.attrib.update(declarations)
        el.attrib.update(_declarations(el.attrib.pop("style", "")))
    _prefix_ids(root, prefix)
    _name(root, title)
    return Markup(ET.tostring(root, encoding="unicode"))  # generated from validated data only


def body_map(
    codes: Sequence[str], title: str = "Body map, front and back", prefix: str = "map-"
) -> tuple[Markup, list[str]]:
    """The body map with the placeable `codes` marked, and the codes it cannot place.

    The accessible name is `title` followed by the points marked ("... with BL23, GB30
    marked"), so a screen reader (and a test) learns which points the map shows.
    """
    from acuback.knowledge.bodymap import placed_codes
    from acuback.knowledge.bodymap_svg import render_map

    placed = placed_codes()
    shown = list(dict.fromkeys(code for code in codes if code in placed))
    marked = ", ".join(shown) if shown else "no points"
    figure = inline_svg(render_map(shown), prefix, f"{title}, with {marked} marked")
    return figure, [code for code in codes if code not in placed]


def progress_figure(
    measurements: Iterable[ScoredMeasurement], sessions: Iterable[ChartedSession], title: str
) -> Markup:
    """The progress chart of a patient's questionnaires and session pain, ready to place."""
    svg = progress_chart(
        scores_by_instrument(measurements), sessions=session_pain(sessions), title=title
    )
    return inline_svg(svg, "progress-", title)
