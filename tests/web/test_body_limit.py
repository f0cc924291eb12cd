"""The request body limit: 413 with one sentence before parsing, for declared and chunked bodies."""

from __future__ import annotations

from collections.abc import Callable, Iterator

from fastapi.testclient import TestClient
from starlette.types import Message, Receive, Scope, Send

from acuback.web.security.bodylimit import BodyLimitMiddleware

Auth = Callable[[str], dict[str, str]]
MB = 1024 * 1024


def _chunks(total: int, size: int = 64 * 1024) -> Iterator[bytes]:
    sent = 0
    while sent < total:
        yield b" " * min(size, total - sent)
        sent += size


def test_a_large_json_body_is_refused_413(client: TestClient, auth: Auth) -> None:
    body = '{"given_name": "' + "x" * (2 * MB) + '", "family_name": "Q", "sex": "female"}'
    response = client.post(
        "/api/v1/patients",
        content=body,
        headers={**auth("reception"), "content-type": "application/json"},
    )
    assert response.status_code == 413
    assert response.json() == {"detail": "The request body is larger than the limit of 1 MB."}
    assert response.headers["x-content-type-options"] == "nosniff"  # still inside the headers


def test_a_chunked_body_without_length_is_counted(client: TestClient, auth: Auth) -> None:
    response = client.post(
        "/api/v1/patients",
        content=_chunks(3 * MB),
        headers={**auth("reception"), "content-type": "application/json"},
    )
    assert "content-length" not in response.request.headers
    assert response.status_code == 413


def test_a_body_under_the_limit_is_parsed_as_before(client: TestClient, auth: Auth) -> None:
    response = client.post(
        "/api/v1/patients", content=b"{" + b" " * 1000, headers=auth("reception")
    )
    assert response.status_code == 422


def test_reading_stops_at_the_limit() -> None:
    """The app behind the limit never gets more than the limit (plus one chunk)."""
    received: list[int] = []

    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        more = True
        while more:
            message: Message = await receive()
            received.append(len(message.get("body", b"")))
            more = message.get("more_body", False)
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": b"ok"})

    limited = TestClient(BodyLimitMiddleware(app, max_bytes=MB))
    response = limited.post("/", content=_chunks(8 * MB))
    assert response.status_code == 413
    assert sum(received) <= MB + 64 * 1024
    declared = limited.post("/", content=b"x" * (MB + 1))
    assert declared.status_code == 413
    assert limited.post("/", content=b"x" * MB).text == "ok"
