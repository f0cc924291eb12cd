"""Fixtures for the HTML view tests: browsers logged in through the real login form.

`pages` is an app over the module's seeded demo clinic (the `web_engine` fixture of
tests/web/conftest.py, on SQLite and PostgreSQL); `browser("mei")` returns a new TestClient
(its own cookie jar) that has logged in with the demo password by posting the login form.
`form_token(client, url)` reads the CSRF token from a page's hidden field, as a browser would.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import ExitStack

import pytest
from bs4 import BeautifulSoup
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from acuback.settings import Settings
from acuback.web.app import create_app

from ..conftest import DEMO_PASSWORDS

SECRET = "test-secret-key-for-the-html-views-0123456789"

Browser = Callable[[str], TestClient]


def page(response: object) -> BeautifulSoup:
    """The parsed HTML of a response."""
    return BeautifulSoup(response.text, "html.parser")  # type: ignore[attr-defined]


def body_map_title(soup: BeautifulSoup) -> str:
    """The accessible name of the body map a page shows inline (it names the points marked)."""
    svg = soup.select_one(".bodymap svg")
    assert svg is not None, "no body map"
    assert soup.select(".bodymap img") == [], "the map is inline, not an image"
    title = svg.find("title")
    assert title is not None
    assert svg["aria-label"] == title.get_text()
    return title.get_text()


def form_token(client: TestClient, url: str = "/login") -> str:
    """The CSRF token a page's forms carry (every page has one in the logout or login form)."""
    field = page(client.get(url)).find("input", attrs={"name": "csrf_token"})
    assert field is not None, f"no CSRF field on {url}"
    return str(field["value"])


def new_app(engine: Engine) -> FastAPI:
    settings = Settings(
        database_url=engine.url.render_as_string(hide_password=False), secret_key=SECRET
    )
    return create_app(settings, engine=engine, migrate=False)


def log_in(client: TestClient, username: str, password: str) -> object:
    token = form_token(client, "/login")
    return client.post(
        "/login",
        data={"username": username, "password": password, "csrf_token": token, "next": ""},
        follow_redirects=False,
    )


@pytest.fixture(scope="module")
def pages(web_engine: Engine) -> FastAPI:
    return new_app(web_engine)


@pytest.fixture
def browser(pages: FastAPI) -> Iterator[Browser]:
    with ExitStack() as stack:

        def make(username: str) -> TestClient:
            client = stack.enter_context(TestClient(pages))
            response = log_in(client, username, DEMO_PASSWORDS[username])
            assert response.status_code == 303, response.text  # type: ignore[attr-defined]
            return client

        yield make


@pytest.fixture
def anonymous(pages: FastAPI) -> Iterator[TestClient]:
    with TestClient(pages) as client:
        yield client
