"""The role table of the JSON API, endpoint by endpoint: every operation of the OpenAPI document
has a row (a test fails when one is added without), and every row is sent by each role.

EXPECTED names, per operation, the roles that may use it (the specification, written out by
hand from services/data/permissions.yaml): `public` needs no sign-in, `signed-in` any role.
A role not named must get 403; a role named must get past the permission check (any answer but
401 and 403: 404, 409 and 422 are fine, the request only has to reach the rule). A patient is
sent their own records (ada's), so `patient` in a row means "their own"; other patients'
records are refused in test_api_access.py. Requests are built by REQUESTS (a body that passes
the schema, so that a denial is not hidden behind a 422); operations that end the sign-in they
are sent with (logout) get a sign-in of their own.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from fastapi.testclient import TestClient

from .conftest import DEMO_PASSWORDS

ROLES = {  # role: the demo login
    "admin": "admin",
    "practitioner": "mei",
    "reception": "reception",
    "researcher": "researcher",
    "patient": "ada",
}
STAFF = "admin practitioner reception researcher"
CLINICAL = "practitioner patient"
EXPECTED: dict[str, str] = {
    "GET /api/v1/health": "public",
    "POST /api/v1/auth/token": "public",
    "GET /api/v1/auth/me": "signed-in",
    "POST /api/v1/auth/logout": "signed-in",
    "POST /api/v1/auth/logout-everywhere": "signed-in",
    "GET /api/v1/auth/tokens": "signed-in",
    "DELETE /api/v1/auth/tokens/{login_id}": "signed-in",
    "POST /api/v1/auth/password": "signed-in",
    "POST /api/v1/auth/totp/enrol": STAFF,
    "POST /api/v1/auth/totp/confirm": "signed-in",
    "POST /api/v1/auth/totp/disable": "signed-in",
    "GET /api/v1/patients": "admin practitioner reception",
    "POST /api/v1/patients": "admin practitioner reception",
    "GET /api/v1/patients/{patient_id}": "admin practitioner reception patient",
    "PATCH /api/v1/patients/{patient_id}": "admin practitioner reception",
    "GET /api/v1/patients/{patient_id}/intakes": CLINICAL,
    "GET /api/v1/patients/{patient_id}/plans": CLINICAL,
    "GET /api/v1/patients/{patient_id}/sessions": CLINICAL,
    "GET /api/v1/patients/{patient_id}/sessions/prefill": "practitioner",
    "GET /api/v1/patients/{patient_id}/appointments": "admin practitioner reception patient",
    "GET /api/v1/patients/{patient_id}/outcomes": CLINICAL,
    "POST /api/v1/patients/{patient_id}/outcomes": CLINICAL,
    "GET /api/v1/patients/{patient_id}/trajectory": CLINICAL,
    "POST /api/v1/intakes": CLINICAL,
    "GET /api/v1/intakes/{intake_id}": CLINICAL,
    "GET /api/v1/intakes/{intake_id}/screening": CLINICAL,
    "POST /api/v1/intakes/{intake_id}/plans": "practitioner",
    "GET /api/v1/plans/{plan_id}": CLINICAL,
    "POST /api/v1/plans/{plan_id}/accept": "practitioner",
    "GET /api/v1/appointments": "admin practitioner reception",
    "POST /api/v1/appointments": "admin practitioner reception",
    "PATCH /api/v1/appointments/{appointment_id}": "admin practitioner reception",
    "POST /api/v1/sessions": "practitioner",
    "GET /api/v1/sessions/{session_id}": CLINICAL,
    "PUT /api/v1/sessions/{session_id}": "practitioner",
    "POST /api/v1/sessions/{session_id}/sign": "practitioner",
    "POST /api/v1/sessions/{session_id}/amendments": "practitioner",
    "POST /api/v1/sessions/{session_id}/adverse-events": "practitioner",
    "GET /api/v1/practitioners": "admin practitioner reception patient",
    "POST /api/v1/practitioners": "admin",
    "GET /api/v1/practitioners/{practitioner_id}": "admin practitioner reception patient",
    "PATCH /api/v1/practitioners/{practitioner_id}": "admin",
    "GET /api/v1/dashboard": "admin practitioner",
    "GET /api/v1/research/aggregates": "admin practitioner researcher",
    "GET /api/v1/users": "admin",
    "POST /api/v1/users": "admin",
    "GET /api/v1/audit": "admin",
    "GET /api/v1/patients/{patient_id}/fhir": CLINICAL,
    "GET /api/v1/fhir/metadata": "public",
    "GET /api/v1/fhir/CodeSystem/{name}": "public",
    "GET /api/v1/fhir/StructureDefinition/{name}": "public",
    "POST /api/v1/fhir": "practitioner",
    "GET /api/v1/sessions/{session_id}/billing": CLINICAL,
    "GET /api/v1/sessions/{session_id}/superbill.pdf": CLINICAL,
    "GET /api/v1/documents/{document_id}.pdf": CLINICAL,
    "GET /api/v1/clinic/settings": "admin",
    "PUT /api/v1/clinic/settings": "admin",
    "GET /api/v1/intakes/{intake_id}/referral.pdf": "practitioner",
    "POST /api/v1/intakes/{intake_id}/referrals": "practitioner",
    "GET /api/v1/intakes/{intake_id}/referrals": "practitioner",
    "GET /api/v1/plans/{plan_id}/handout.pdf": CLINICAL,
    "GET /api/v1/plans/{plan_id}/consent.pdf": CLINICAL,
    "GET /api/v1/plans/{plan_id}/course-report.pdf": CLINICAL,
    "GET /api/v1/plans/{plan_id}/course-report": CLINICAL,
    "POST /api/v1/plans/{plan_id}/course": "admin practitioner reception",
    "GET /api/v1/patients/{patient_id}/appointments.ics": "admin practitioner reception patient",
    "GET /api/v1/practitioners/{practitioner_id}/calendar.ics": "admin practitioner reception",
    "POST /api/v1/practitioners/{practitioner_id}/calendar-feed": "admin practitioner",
    "DELETE /api/v1/practitioners/{practitioner_id}/calendar-feed": "admin practitioner",
    "GET /api/v1/calendar-feeds/{token}.ics": "public",
    "PUT /api/v1/clinic/settings/{key}": "admin",
    "PUT /api/v1/clinic/hours": "admin",
    "PUT /api/v1/practitioners/{practitioner_id}/hours": "admin",
    "POST /api/v1/practitioners/{practitioner_id}/time-off": "admin",
    "POST /api/v1/rooms": "admin",
}
_SLOT = {"starts_at": "2030-01-07T10:00:00Z", "ends_at": "2030-01-07T10:30:00Z"}
# The body (or form) of each operation that takes one: valid by its schema.
BODIES: dict[str, dict[str, Any]] = {
    "POST /api/v1/auth/token": {"data": {"username": "mei", "password": DEMO_PASSWORDS["mei"]}},
    "POST /api/v1/auth/password": {
        "json": {"current_password": "not-the-password", "new_password": "a-new-password-1"}
    },
    "POST /api/v1/auth/totp/confirm": {"json": {"code": "000000"}},
    "POST /api/v1/auth/totp/disable": {"json": {"code": "000000"}},
    "POST /api/v1/patients": {
        "json": {"given_name": "Role", "family_name": "Table", "sex": "female"}
    },
    "PATCH /api/v1/patients/{patient_id}": {"json": {"version": 0}},
    "POST /api/v1/patients/{patient_id}/outcomes": {
        "json": {"instrument": "nrs", "responses": [3]}
    },
    "POST /api/v1/intakes": {"json": {"patient_id": "{patient_id}", "intake": {}}},
    "POST /api/v1/plans/{plan_id}/accept": {"json": {"version": 0}},
    "POST /api/v1/appointments": {
        "json": {"patient_id": "{patient_id}", "practitioner_id": 1, **_SLOT}
    },
    "PATCH /api/v1/appointments/{appointment_id}": {"json": {"version": 0}},
    "POST /api/v1/sessions": {"json": {"patient_id": "{patient_id}", "session_date": "2026-01-05"}},
    "PUT /api/v1/sessions/{session_id}": {"json": {"version": 0, "session_date": "2026-01-05"}},
    "POST /api/v1/sessions/{session_id}/sign": {"json": {"version": 0}},
    "POST /api/v1/sessions/{session_id}/amendments": {
        "json": {"version": 0, "reason": "a typo", "changes": {"notes": "corrected"}}
    },
    "POST /api/v1/sessions/{session_id}/adverse-events": {
        "json": {
            "occurred_at": "2026-01-05T10:00:00Z",
            "type": "needle_pain",
            "severity": "mild",
            "action_taken": "needle withdrawn",
        }
    },
    "POST /api/v1/practitioners": {"json": {"name": "Dr Role", "qualification": "LAc"}},
    "PATCH /api/v1/practitioners/{practitioner_id}": {"json": {"version": 0}},
    "POST /api/v1/users": {
        "json": {"username": "role-table", "password": "a-long-password-1", "role": "reception"}
    },
    "POST /api/v1/fhir": {
        "json": {"resourceType": "Bundle", "type": "collection", "entry": []},
        "params": {"dry_run": "true"},
    },
    "PUT /api/v1/clinic/settings": {"json": {"version": 0}},
    "POST /api/v1/intakes/{intake_id}/referrals": {"json": {"note": "please review"}},
    "POST /api/v1/plans/{plan_id}/course": {
        "json": {
            "practitioner_id": 1,
            "first_day": "2030-01-07",
            "weekdays": ["mon"],
            "times": ["10:00"],
        },
        "params": {"dry_run": "true"},
    },
    "PUT /api/v1/clinic/settings/{key}": {"json": {"value": None}},
    "PUT /api/v1/clinic/hours": {"json": {"hours": {"mon": ["08:00-18:00"]}}},
    "PUT /api/v1/practitioners/{practitioner_id}/hours": {
        "json": {"hours": {"mon": ["08:00-18:00"]}}
    },
    "POST /api/v1/practitioners/{practitioner_id}/time-off": {
        "json": {**_SLOT, "reason": "training"}
    },
    "POST /api/v1/rooms": {"json": {"name": "Role table room"}},
    "GET /api/v1/appointments": {
        "params": {"start": "2030-01-01T00:00:00Z", "end": "2030-02-01T00:00:00Z"}
    },
}
ENDS_THE_SIGN_IN = {
    "POST /api/v1/auth/logout",
    "POST /api/v1/auth/logout-everywhere",
    "DELETE /api/v1/auth/tokens/{login_id}",
}
CELLS = [(operation, role) for operation in EXPECTED for role in ROLES]


def test_every_operation_has_a_row(client: TestClient) -> None:
    """An endpoint added without a row here (or a row left for a removed one) fails."""
    document = client.get("/openapi.json").json()
    operations = {
        f"{method.upper()} {path}"
        for path, methods in document["paths"].items()
        for method in methods
        if path.startswith("/api/")
    }
    assert sorted(operations - set(EXPECTED)) == [], "operations without a row"
    assert sorted(set(EXPECTED) - operations) == [], "rows without an operation"


@pytest.fixture(scope="module")
def ids(client: TestClient, auth: Callable[[str], dict[str, str]]) -> dict[str, str]:
    """Real ids to put in the paths: ada's own records, mei's practitioner id."""
    mei, me = auth("mei"), auth("ada")
    ada = client.get("/api/v1/auth/me", headers=me).json()["patient_id"]
    plan = client.get(f"/api/v1/patients/{ada}/plans", headers=mei).json()["items"][0]
    session = client.get(f"/api/v1/patients/{ada}/sessions", headers=mei).json()[0]
    visit = client.get(f"/api/v1/patients/{ada}/appointments", headers=mei).json()[0]
    tokens = client.get("/api/v1/auth/tokens", headers=mei).json()
    return {
        "patient_id": str(ada),
        "intake_id": str(plan["intake_id"]),
        "plan_id": str(plan["id"]),
        "session_id": str(session["id"]),
        "appointment_id": str(visit["id"]),
        "practitioner_id": "1",
        "document_id": "1",
        "login_id": str(tokens[0]["id"]) if tokens else "1",
        "token": "not-a-feed-token",
        "name": "acupoint",
        "key": "timezone",
    }


def _fill(text: str, ids: dict[str, str]) -> str:
    for name, value in ids.items():
        text = text.replace("{" + name + "}", value)
    return text


def _request(operation: str, ids: dict[str, str]) -> tuple[str, str, dict[str, Any]]:
    method, path = operation.split(" ", 1)
    parts: dict[str, Any] = {}
    for kind, value in BODIES.get(operation, {}).items():
        if kind == "json":
            parts[kind] = {
                key: int(_fill(item, ids)) if isinstance(item, str) and "{" in item else item
                for key, item in value.items()
            }
        else:
            parts[kind] = value
    return method, _fill(path, ids), parts


def _sign_in(client: TestClient, username: str) -> dict[str, str]:
    form = {"username": username, "password": DEMO_PASSWORDS[username]}
    token = client.post("/api/v1/auth/token", data=form).json()["access_token"]
    return {"Authorization": f"Bearer {token}"}


@pytest.fixture(scope="module")
def signed_in(client: TestClient) -> Callable[[str], dict[str, str]]:
    """A live sign-in per role, renewed after a cell ended it (logout everywhere)."""
    cache: dict[str, dict[str, str]] = {}

    def live(role: str) -> dict[str, str]:
        if role not in cache or client.get("/api/v1/auth/me", headers=cache[role]).is_error:
            cache[role] = _sign_in(client, ROLES[role])
        return cache[role]

    return live


@pytest.mark.parametrize(("operation", "role"), CELLS)
def test_cell(
    client: TestClient,
    ids: dict[str, str],
    signed_in: Callable[[str], dict[str, str]],
    operation: str,
    role: str,
) -> None:
    allowed = EXPECTED[operation]
    headers = _sign_in(client, ROLES[role]) if operation in ENDS_THE_SIGN_IN else signed_in(role)
    method, path, parts = _request(operation, ids)
    response = client.request(method, path, headers=headers, **parts)
    may = allowed in {"public", "signed-in"} or role in allowed.split()
    if may:
        assert response.status_code not in {401, 403}, (operation, role, response.text)
    else:
        assert response.status_code == 403, (operation, role, response.status_code, response.text)
    if allowed != "public":
        anonymous = client.request(method, path, **parts)
        assert anonymous.status_code == 401, (operation, anonymous.status_code)
