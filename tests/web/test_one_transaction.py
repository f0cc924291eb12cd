"""One transaction per request (issue 10 point 4): the request's unit of work commits once, at
the end; a request that fails after a write leaves nothing written; a refused request still
leaves its audit entry (and nothing else it wrote); a page that shows a refusal after a write
commits nothing either. Routes are added to a fresh app for the failures after a write; the
refusals also go through real routes."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
from fastapi import FastAPI, Request, Response
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from acuback.errors import InputError
from acuback.records import UnitOfWork
from acuback.services.access import Actor, refuse
from acuback.web.deps import UoW
from acuback.web.views.clinic_common import error_page

from .conftest import make_app


def _write_then_fail(uow: UoW) -> None:
    uow.schedule.add_room("written then failed")
    raise InputError("name", "refused after the write")


def _write_then_show_a_refusal(request: Request, uow: UoW) -> Response:
    uow.schedule.add_room("written then shown refused")
    return error_page(request, 409, "Cannot do that now", "a clash, shown on the page")


def _write_then_refuse(uow: UoW) -> None:
    uow.schedule.add_room("written then refused")
    refuse(uow, Actor(None, "tester", "reception"), "clinic.admin", entity="room", entity_id=7)


@pytest.fixture(scope="module")
def app(web_engine: Engine) -> FastAPI:
    app = make_app(web_engine)
    app.add_api_route("/test/write-then-fail", _write_then_fail, methods=["POST"])
    app.add_api_route("/test/write-then-refuse", _write_then_refuse, methods=["POST"])
    app.add_api_route("/test/write-then-page", _write_then_show_a_refusal, methods=["POST"])
    return app


@pytest.fixture(scope="module")
def test_client(app: FastAPI) -> Iterator[TestClient]:
    with TestClient(app) as client:
        yield client


def _rooms(engine: Engine) -> set[str]:
    with UnitOfWork(engine) as uow:
        return set(uow.schedule.rooms().values())


def _denials(engine: Engine, entity: str) -> list[tuple[str, str, str | None]]:
    with UnitOfWork(engine) as uow:
        entries = uow.audit.entries(entity=entity, limit=1000)
    return [(e.actor, e.action, e.entity_id) for e in entries if e.outcome == "denied"]


def test_a_request_that_fails_after_a_write_leaves_nothing_written(
    test_client: TestClient, web_engine: Engine
) -> None:
    response = test_client.post("/test/write-then-fail")
    assert response.status_code == 422, response.text
    assert response.json()["field"] == "name"
    assert "written then failed" not in _rooms(web_engine)


def test_a_page_that_shows_a_refusal_after_a_write_commits_nothing(
    test_client: TestClient, web_engine: Engine
) -> None:
    response = test_client.post("/test/write-then-page")
    assert response.status_code == 409
    assert "a clash, shown on the page" in response.text
    assert "written then shown refused" not in _rooms(web_engine)


def test_a_refused_request_keeps_its_audit_entry_and_nothing_else(
    test_client: TestClient, web_engine: Engine
) -> None:
    before = _denials(web_engine, "room")
    response = test_client.post("/test/write-then-refuse")
    assert response.status_code == 403, response.text
    assert "written then refused" not in _rooms(web_engine)
    assert _denials(web_engine, "room") == [("tester", "clinic.admin", "7"), *before]


def test_a_refused_real_request_is_audited(
    test_client: TestClient, auth: Callable[[str], dict[str, str]], web_engine: Engine
) -> None:
    before = _denials(web_engine, "clinic_settings")
    response = test_client.get("/api/v1/clinic/settings", headers=auth("mei"))
    assert response.status_code == 403, response.text
    after = _denials(web_engine, "clinic_settings")
    assert after == [("mei", "clinic.admin", "1"), *before]


def test_a_failed_login_is_audited_although_the_request_fails(
    test_client: TestClient, web_engine: Engine
) -> None:
    def failures() -> int:
        with UnitOfWork(web_engine) as uow:
            entries = uow.audit.entries(entity="user", actor="nobody-here", limit=1000)
        return sum(1 for e in entries if e.action == "auth.login" and e.outcome == "failed")

    before = failures()
    form = {"username": "nobody-here", "password": "not the password"}
    assert test_client.post("/api/v1/auth/token", data=form).status_code == 401
    assert failures() == before + 1
