"""One way to embed the SVG we generate: inline, CSP-clean, named, its data points readable."""

from __future__ import annotations

import re

import pytest
from bs4 import BeautifulSoup
from markupsafe import Markup
from tests.web.views.conftest import Browser, page

from acuback.web.views.figures import body_map, inline_svg

STYLED = (
    '<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" '
    'xmlns:xlink="http://www.w3.org/1999/xlink" viewBox="0 0 10 10"><title>old</title>'
    "<style>.hl{fill:#d0281f;stroke:#fff} text{font-family:Arial}</style>"
    '<defs><clipPath id="c"><rect width="5" height="5"/></clipPath></defs>'
    '<circle id="p" class="hl" cx="1" cy="1" r="1" style="opacity:.5" clip-path="url(#c)"/>'
    '<use xlink:href="#p"/><text>hi</text></svg>'
)


def test_inline_svg_folds_styles_prefixes_ids_and_names_the_figure() -> None:
    out = inline_svg(STYLED, "fig-", "A red point")
    assert isinstance(out, Markup)  # placed without |safe
    soup = BeautifulSoup(out, "html.parser")
    svg = soup.find("svg")
    assert soup.find("style") is None
    assert soup.select("[style]") == []
    circle = soup.find("circle")
    assert (circle["fill"], circle["stroke"], circle["opacity"]) == ("#d0281f", "#fff", ".5")
    assert soup.find("text")["font-family"] == "Arial"
    assert circle["id"] == "fig-p"
    assert circle["clip-path"] == "url(#fig-c)"
    assert soup.find("use")["xlink:href"] == "#fig-p"
    assert (svg["role"], svg["aria-label"]) == ("img", "A red point")
    assert [t.get_text() for t in svg.find_all("title")] == ["A red point"]


def test_the_body_map_names_the_points_it_marks() -> None:
    figure, unplaced = body_map(["BL23", "XX99"], "Body map of the plan")
    svg = BeautifulSoup(figure, "html.parser").find("svg")
    assert svg["aria-label"] == "Body map of the plan, with BL23 marked"
    assert unplaced == ["XX99"]


def _figures(soup: BeautifulSoup) -> list[BeautifulSoup]:
    assert soup.select('img[src^="data:"]') == [], "figures are inline, not data-URI images"
    return soup.select("main svg")


def _clinic_pages(browser: Browser) -> list[str]:
    client = browser("mei")
    record = str(
        page(client.get("/clinic/patients?q=Fenwick")).select_one("table.patients a")["href"]
    )
    soup = page(client.get(record))
    plan = soup.find("a", href=re.compile(r"^/clinic/plans/\d+$"))["href"]
    session = soup.find("a", href=re.compile(r"^/clinic/sessions/\d+$"))["href"]
    return [record, str(plan), str(session), f"{record}/sessions/new", "/evidence"]


@pytest.mark.parametrize("who", ["mei", "ada"])
def test_every_figure_on_every_page_is_inline_named_and_styled_by_attributes(
    browser: Browser, who: str
) -> None:
    urls = _clinic_pages(browser) if who == "mei" else ["/portal", "/portal/home-points"]
    client = browser(who)
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        figures = _figures(page(response))
        assert figures, f"no figure on {url}"
        for svg in figures:
            assert svg["role"] == "img", url
            name = svg["aria-label"]
            assert name, url
            assert svg.find("title").get_text() == name, url
            assert svg.find("style") is None, url
            assert svg.select("[style]") == [], url
    record = page(browser("mei").get(urls[0])) if who == "mei" else page(client.get("/portal"))
    assert record.select("svg circle[data-score]"), "the progress chart's points stay readable"
