"""Security headers on every response, and a last-resort error page that keeps them.

Content-Security-Policy allows only the app's own origin (no inline script, no CDN, no
framing); X-Content-Type-Options nosniff; X-Frame-Options DENY; a strict Referrer-Policy; a
Permissions-Policy that turns off sensors the app never uses; HSTS only over HTTPS (RFC 6797
ignores it over plain HTTP). An exception that escapes the app becomes a plain 500 with these
headers and no details, and is logged.
"""

from __future__ import annotations

import logging

from starlette.types import ASGIApp, Message, Receive, Scope, Send

__all__ = ["SECURITY_HEADERS", "HttpMiddleware", "SecurityHeadersMiddleware", "with_headers"]

log = logging.getLogger("acuback.web")

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
)
SECURITY_HEADERS: dict[str, str] = {
    "content-security-policy": CSP,
    "x-content-type-options": "nosniff",
    "x-frame-options": "DENY",
    "referrer-policy": "strict-origin-when-cross-origin",
    "permissions-policy": "camera=(), microphone=(), geolocation=(), payment=(), usb=()",
    "cross-origin-opener-policy": "same-origin",
}
HSTS = "max-age=31536000; includeSubDomains"


class HttpMiddleware:
    """Base of the app's own ASGI middlewares: an HTTP request goes to `http`; anything else
    (lifespan, websockets) passes through untouched."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        await self.http(scope, receive, send)

    async def http(self, scope: Scope, receive: Receive, send: Send) -> None:
        raise NotImplementedError


def with_headers(message: Message, added: list[tuple[bytes, bytes]]) -> Message:
    """The response-start `message` with the `added` headers after its own."""
    return {**message, "headers": [*message.get("headers", []), *added]}


class SecurityHeadersMiddleware(HttpMiddleware):
    async def http(self, scope: Scope, receive: Receive, send: Send) -> None:
        extra = dict(SECURITY_HEADERS)
        if scope.get("scheme") == "https":
            extra["strict-transport-security"] = HSTS
        started = False

        async def send_with_headers(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
                present = {name.lower() for name, _ in message.get("headers", [])}
                added = [(name.encode(), value.encode()) for name, value in extra.items()]
                message = with_headers(message, [h for h in added if h[0] not in present])
            await send(message)

        try:
            await self.app(scope, receive, send_with_headers)
        except Exception:
            log.exception("unhandled error on %s %s", scope.get("method"), scope.get("path"))
            if started:
                raise
            body = b'{"detail":"internal error"}'
            await send_with_headers(
                {
                    "type": "http.response.start",
                    "status": 500,
                    "headers": [
                        (b"content-type", b"application/json"),
                        (b"content-length", str(len(body)).encode()),
                    ],
                }
            )
            await send_with_headers({"type": "http.response.body", "body": body})
