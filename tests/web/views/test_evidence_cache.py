"""The evidence page draws the clinic figure once per summary it shows, not per request: equal
records give the cached figure again, and a new patient's scores draw a new one."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy import Engine

from acuback.web.views.research import clinic_svg

from .conftest import Browser, page
from .test_page_statements import _add_patients


def _figure(client: TestClient) -> str:
    soup = page(client.get("/evidence"))
    svg = soup.select_one("section.clinic-results figure.clinic svg")
    assert svg is not None
    return str(svg)


def test_the_clinic_figure_is_cached_by_the_data_it_shows(
    browser: Browser, web_engine: Engine
) -> None:
    client = browser("mei")
    clinic_svg.cache_clear()
    first = _figure(client)
    drawn = clinic_svg.cache_info().misses
    assert _figure(client) == first  # the same data: the cached figure, not a new drawing
    assert clinic_svg.cache_info().misses == drawn
    assert clinic_svg.cache_info().hits >= 1
    _add_patients(web_engine, 900, 1)  # one more patient with a baseline and a follow-up
    changed = _figure(client)
    assert clinic_svg.cache_info().misses == drawn + 1
    assert changed != first
