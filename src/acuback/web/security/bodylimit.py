"""A limit on the size of a request body, enforced as the bytes arrive, before any parsing.

A declared Content-Length over the limit is answered 413 without the app seeing the body. A
body without one (chunked) or one that lies is counted as it streams: past the limit the app's
reading fails, whatever it was about to answer is replaced by the same 413, and at most the
limit plus one chunk was ever held in memory. Before answering, the rest of the body (up to
DRAIN_BYTES) is read and thrown away, so that a client still sending gets the 413 instead of a
connection reset; a body larger still is cut off by closing the connection. The limit is
`Settings.max_body_bytes` (ACUBACK_MAX_BODY_BYTES, default 1 MiB).
"""

from __future__ import annotations

import json

from starlette.types import ASGIApp, Message, Receive, Scope, Send

__all__ = ["DRAIN_BYTES", "BodyLimitMiddleware", "BodyTooLarge"]

DRAIN_BYTES = 64 * 1024 * 1024


class BodyTooLarge(Exception):
    """Raised into the app from `receive` once the body passes the limit."""


def _size(limit: int) -> str:
    return f"{limit // 1024 // 1024} MB" if limit % (1024 * 1024) == 0 else f"{limit} bytes"


class BodyLimitMiddleware:
    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes
        self.body = json.dumps(
            {"detail": f"The request body is larger than the limit of {_size(max_bytes)}."}
        ).encode()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = dict(scope.get("headers", [])).get(b"content-length")
        if declared is not None and (not declared.isdigit() or int(declared) > self.max_bytes):
            await self._refuse(receive, send, 0, more=True)
            return
        seen, too_large, started, more = 0, False, False, True

        async def counted_receive() -> Message:
            nonlocal seen, too_large, more
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                more = bool(message.get("more_body", False))
                if seen > self.max_bytes:
                    too_large = True
                    raise BodyTooLarge
            return message

        async def guarded_send(message: Message) -> None:
            nonlocal started
            if too_large:
                return  # the app's answer to a body it could not read is replaced below
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, counted_receive, guarded_send)
        except BodyTooLarge:
            pass
        except Exception:
            if not too_large:
                raise
        if too_large and not started:
            await self._refuse(receive, send, seen, more=more)

    async def _refuse(self, receive: Receive, send: Send, seen: int, *, more: bool) -> None:
        while more and seen <= DRAIN_BYTES:
            message = await receive()
            seen += len(message.get("body", b""))
            more = message["type"] == "http.request" and message.get("more_body", False)
        headers = [
            (b"content-type", b"application/json"),
            (b"content-length", str(len(self.body)).encode()),
            (b"connection", b"close"),
        ]
        await send({"type": "http.response.start", "status": 413, "headers": headers})
        await send({"type": "http.response.body", "body": self.body})
