"""Schemathesis against the app's own OpenAPI document (in process, through ASGI), signed in as
a practitioner: valid and invalid requests to every operation, bounded and derandomized, each
response checked against what the document declares, with every check on: no 5xx; status,
content type, body schema and headers as declared; invalid requests refused; valid requests
accepted.

Valid requests accepted (`positive_data_acceptance`): a request the schema calls valid may still
break a rule that no JSON Schema can state: one between two fields (an appointment ends after it
starts), one about stored state or secrets (the current password, an authenticator code, a date
not in the past), or one the clinical core checks against its data (an Intake v1, a FHIR
Bundle). Those rules are RULES_NO_SCHEMA_STATES below, each by operation and the `field` its 422
names, with the reason; any other 422 to a schema-valid request fails the test (a missing
`minLength`, pattern or range in the schema). Both refusals of a body larger than the limit (413,
a transport limit) count as refusals, not as failures.

Driven programmatically (its pytest plugin is off in addopts, `-p no:schemathesis`, so it does
not touch the other tests). Bounded: EXAMPLES requests per operation (74 operations), derandomized
(the same requests every run, no example database); measured on two cores shared with other
work: 2.6 minutes at a load average of about 5, 5.4 minutes at about 9.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import schemathesis
from fastapi import FastAPI, Query
from fastapi.responses import JSONResponse
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, Phase, given, settings
from schemathesis import checks
from schemathesis.config import SchemathesisConfig
from schemathesis.core.failures import FailureGroup
from schemathesis.core.transport import Response
from schemathesis.generation.case import Case
from schemathesis.openapi.checks import RejectedPositiveData
from schemathesis.schemas import APIOperation

from acuback.clinical.intake import Intake
from acuback.records import UnitOfWork, make_engine, upgrade
from acuback.services.demo import seed_demo
from acuback.settings import Settings
from acuback.web.app import create_app

from .conftest import DEMO_PASSWORDS, SECRET, seed_hash

EXAMPLES = 25  # per operation, valid and invalid requests together
CHECKS = [
    checks.not_a_server_error,
    checks.status_code_conformance,
    checks.content_type_conformance,
    checks.response_schema_conformance,
    checks.response_headers_conformance,
    checks.negative_data_rejection,
    checks.positive_data_acceptance,
]
# The defaults of the two data checks, and 413: a body over the limit is refused before parsing.
CONFIG = SchemathesisConfig.from_dict(
    {
        "checks": {
            "positive_data_acceptance": {
                "expected-statuses": ["2xx", "401", "403", "404", "409", "413", "429"]
            },
            "negative_data_rejection": {
                "expected-statuses": ["400", "401", "403", "404", "409", "413", "422", "429"]
            },
        }
    }
)
_INTAKE = "the Intake v1, checked by the clinical core against the knowledge base"
_CHART = "a chart rule across fields (increments within the face-to-face minutes, electro)"
# (method, path) -> {field named by the 422: why no schema can state the rule}
RULES_NO_SCHEMA_STATES: dict[tuple[str, str], dict[str, str]] = {
    ("POST", "/api/v1/auth/password"): {"current_password": "must be the stored password"},
    ("POST", "/api/v1/auth/totp/confirm"): {"code": "the code the authenticator shows now"},
    ("POST", "/api/v1/auth/totp/disable"): {"code": "the code the authenticator shows now"},
    ("POST", "/api/v1/patients/{patient_id}/outcomes"): {
        "responses": "their number and range depend on the instrument"
    },
    ("POST", "/api/v1/intakes"): dict.fromkeys(Intake.model_fields, _INTAKE),
    ("POST", "/api/v1/plans/{plan_id}/accept"): {"points": "re-checked against the screening"},
    ("GET", "/api/v1/appointments"): {"end": "after start"},
    ("POST", "/api/v1/appointments"): {"Appointment": "ends after it starts, within 12 hours"},
    ("PATCH", "/api/v1/appointments/{appointment_id}"): {
        "Appointment": "ends after it starts, within 12 hours"
    },
    ("POST", "/api/v1/sessions"): {"TreatmentSession": _CHART, "NeedleInsertion": _CHART},
    ("PUT", "/api/v1/sessions/{session_id}"): {
        "TreatmentSession": _CHART,
        "NeedleInsertion": _CHART,
    },
    ("POST", "/api/v1/sessions/{session_id}/amendments"): {
        "changes": "the changed chart fields are checked as a chart"
    },
    ("POST", "/api/v1/sessions/{session_id}/adverse-events"): {
        "AdverseEvent": "type 'other' needs a description"
    },
    ("POST", "/api/v1/users"): {"User": "a patient user links to a patient, others do not"},
    ("POST", "/api/v1/fhir"): {"bundle": "a FHIR R4 Bundle, checked with fhir.resources"},
    ("POST", "/api/v1/plans/{plan_id}/course"): {"first_day": "today or later"},
}
# These end the sign-in they are sent with: each request gets a sign-in of its own.
ENDS_THE_SIGN_IN = {
    ("POST", "/api/v1/auth/logout"),
    ("POST", "/api/v1/auth/logout-everywhere"),
    ("DELETE", "/api/v1/auth/tokens/{login_id}"),
}
Headers = Callable[[], dict[str, str]]


def fuzz(app: FastAPI, headers: Headers, examples: int, fresh: Headers | None = None) -> list[str]:
    """One line per failing operation (its distinct failures), for every operation of `app`."""
    failures: list[str] = []
    schema = schemathesis.openapi.from_asgi("/openapi.json", app, config=CONFIG)
    for result in schema.get_all_operations():
        operation = result.ok()
        key = (operation.method.upper(), operation.path)
        sign_in = fresh if fresh is not None and key in ENDS_THE_SIGN_IN else headers
        found = _fuzz_operation(operation, sign_in, examples)
        failures += [f"{key[0]} {key[1]}: {title}" for title in sorted(found)]
    return failures


def _fuzz_operation(operation: APIOperation, headers: Headers, examples: int) -> set[str]:
    found: set[str] = set()
    strategy = operation.as_strategy(schemathesis.GenerationMode.POSITIVE) | (
        operation.as_strategy(schemathesis.GenerationMode.NEGATIVE)
    )
    rules = RULES_NO_SCHEMA_STATES.get((operation.method.upper(), operation.path), {})

    @given(case=strategy)
    @settings(
        max_examples=examples,
        deadline=None,
        derandomize=True,
        database=None,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    def run(case: Case) -> None:
        sent = headers()
        response = case.call(headers=sent)
        try:
            case.validate_response(response, checks=CHECKS, headers=sent)
        except FailureGroup as group:  # collected: the test reports every operation's
            kept = [f for f in group.exceptions if not _a_stated_rule(f, response, rules)]
            found.update(f"- {f.code} {f.title}" for f in kept)

    run()
    return found


def _a_stated_rule(failure: Exception, response: Response, rules: dict[str, str]) -> bool:
    """A valid request refused by one of the operation's rules that no schema can state."""
    if not isinstance(failure, RejectedPositiveData) or response.status_code != 422:
        return False
    field = str(response.json().get("field") or "")
    return field.split(".")[0].split("[")[0] in rules


@pytest.fixture(scope="module")
def app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[FastAPI]:
    url = f"sqlite:///{Path(tmp_path_factory.mktemp('fuzz')) / 'fuzz.sqlite3'}"
    upgrade(url)
    engine = make_engine(url)
    with UnitOfWork(engine) as uow:
        seed_demo(uow, seed_hash)
    application = create_app(
        Settings(database_url=url, secret_key=SECRET), engine=engine, migrate=False
    )
    with TestClient(application):  # runs the lifespan: the app's state is ready
        yield application
    engine.dispose()


def _sign_in(app: FastAPI) -> dict[str, str]:
    form = {"username": "mei", "password": DEMO_PASSWORDS["mei"]}
    with TestClient(app) as client:
        token = client.post("/api/v1/auth/token", data=form).json()["access_token"]
    return {"Authorization": f"Bearer {token}"}


@pytest.mark.slow
def test_schemathesis_finds_nothing(app: FastAPI) -> None:
    practitioner = _sign_in(app)
    assert fuzz(app, lambda: practitioner, EXAMPLES, fresh=lambda: _sign_in(app)) == []


def _toy() -> FastAPI:
    toy = FastAPI()

    @toy.get("/teapot", responses={200: {"description": "fine"}})
    def teapot() -> object:
        return JSONResponse({"detail": "I am a teapot"}, status_code=418)

    @toy.get("/name", response_model=None, responses={422: {"description": "bad input"}})
    def name(given: str = Query(max_length=5)) -> JSONResponse:
        if len(given) < 3:  # a rule the schema does not state (no minLength)
            return JSONResponse({"detail": "given: too short", "field": "given"}, 422)
        return JSONResponse({"given": given})

    return toy


def test_the_run_reports_undeclared_statuses_and_rules() -> None:
    """The harness itself can fail: a status the endpoint does not declare, and a schema-valid
    request refused by a rule its schema does not state (a short name without minLength)."""
    failures = sorted(fuzz(_toy(), dict, 25))
    assert failures == [
        "GET /name: - ST202 Schema-valid request rejected",
        "GET /teapot: - ST103 Undocumented status code",
        "GET /teapot: - ST202 Schema-valid request rejected",
    ], failures
