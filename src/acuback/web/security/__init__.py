"""Web security: passwords (argon2id), bearer tokens, cookie sessions with CSRF, login rate
limiting, security headers and the secret-key check."""

from acuback.web.security.headers import SECURITY_HEADERS, SecurityHeadersMiddleware
from acuback.web.security.keys import UnsafeSecretKey, secret_key
from acuback.web.security.passwords import hash_password, needs_rehash, verify_password
from acuback.web.security.ratelimit import LoginRateLimiter
from acuback.web.security.sessions import (
    CSRF_FIELD,
    SessionCookieMiddleware,
    SessionData,
    SessionSigner,
    csrf_token,
    end_session,
    read_session,
    require_csrf,
    start_session,
    verify_csrf,
)
from acuback.web.security.tokens import TokenSigner

__all__ = [
    "CSRF_FIELD",
    "SECURITY_HEADERS",
    "LoginRateLimiter",
    "SecurityHeadersMiddleware",
    "SessionCookieMiddleware",
    "SessionData",
    "SessionSigner",
    "TokenSigner",
    "UnsafeSecretKey",
    "csrf_token",
    "end_session",
    "hash_password",
    "needs_rehash",
    "read_session",
    "require_csrf",
    "secret_key",
    "start_session",
    "verify_csrf",
    "verify_password",
]
