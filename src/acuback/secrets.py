"""Secrets from the environment: the refusal of weak ones and the public development stand-ins.

Two secrets matter: ACUBACK_SECRET_KEY signs session cookies and API tokens, ACUBACK_AUDIT_KEY
keys the audit log's hash chain (records/audit.py). They must differ, so that a leaked session
key does not also let someone rewrite the audit log. Outside development (ACUBACK_ENVIRONMENT)
both must be set to strong values, else the app and the CLI refuse to start with one line
(`UnsafeSecret`, exit 2). In development a missing secret is replaced by a fixed public value and
a warning says so.

"Strong" is judged without knowing how the value was made: at least 32 characters, at least 10
distinct ones, not one short piece repeated, and an estimated entropy (the Shannon entropy of its
character frequencies times its length) of at least 96 bits. `secrets.token_urlsafe(48)` scores
about 280 bits; 32 spaces, one character repeated, or "password" four times are refused.
"""

from __future__ import annotations

import math
import warnings
from collections import Counter
from functools import lru_cache

from acuback.errors import ConfigurationError
from acuback.settings import Settings

__all__ = [
    "DEVELOPMENT_AUDIT_KEY",
    "DEVELOPMENT_KEY",
    "MIN_ENTROPY_BITS",
    "MIN_KEY_LENGTH",
    "UnsafeSecret",
    "audit_key",
    "estimated_entropy_bits",
    "secret_key",
    "weakness",
]

DEVELOPMENT_KEY = "acuback-development-key-not-secret"  # public on purpose: development only
DEVELOPMENT_AUDIT_KEY = "acuback-development-audit-key-not-secret"  # likewise
MIN_KEY_LENGTH = 32
MIN_DISTINCT = 10
MIN_ENTROPY_BITS = 96.0
_HOW = "e.g. python -c 'import secrets; print(secrets.token_urlsafe(48))'"


class UnsafeSecret(ConfigurationError):
    """A secret is missing, public or weak where a real one is required."""


def estimated_entropy_bits(value: str) -> float:
    """Shannon entropy of the character frequencies times the length (an upper-bound guess)."""
    if not value:
        return 0.0
    counts, size = Counter(value), len(value)
    return -size * sum(n / size * math.log2(n / size) for n in counts.values())


def _repeats(value: str) -> bool:
    """True if the value is one shorter piece repeated (e.g. "abab...")."""
    size = len(value)
    return any(
        size % period == 0 and value == value[:period] * (size // period)
        for period in range(1, size // 2 + 1)
    )


def weakness(value: str | None, public: tuple[str, ...] = ()) -> str | None:
    """Why `value` is not a safe secret, or None if it is."""
    if not value:
        return "is not set"
    if value in public:
        return "is the public development value"
    if len(value) < MIN_KEY_LENGTH:
        return f"is shorter than {MIN_KEY_LENGTH} characters"
    if len(set(value)) < MIN_DISTINCT or _repeats(value):
        return "repeats too few characters to be random"
    if estimated_entropy_bits(value) < MIN_ENTROPY_BITS:
        return f"has an estimated entropy below {MIN_ENTROPY_BITS:.0f} bits"
    return None


def _resolve(name: str, value: str | None, environment: str, development: str) -> str:
    problem = weakness(value, (DEVELOPMENT_KEY, DEVELOPMENT_AUDIT_KEY))
    if problem and environment != "development":
        raise UnsafeSecret(
            f"{name} {problem}: a random value of at least {MIN_KEY_LENGTH} characters is "
            f"required in the {environment} environment ({_HOW})"
        )
    if not value:
        warnings.warn(
            f"{name} is not set: using the public development key (fine for development only)",
            stacklevel=3,
        )
        return development
    return value


def secret_key(settings: Settings) -> str:
    """The key that signs cookies and tokens (see the module docstring)."""
    return _resolve(
        "ACUBACK_SECRET_KEY", settings.secret_key, settings.environment, DEVELOPMENT_KEY
    )


def audit_key(settings: Settings) -> bytes:
    """The key of the audit chain's HMAC; refused if it equals the session key."""
    return _audit_key(settings.audit_key, settings.secret_key, settings.environment)


@lru_cache(maxsize=8)
def _audit_key(value: str | None, session_key: str | None, environment: str) -> bytes:
    # Cached: every unit of work asks, and the development warning should show once.
    if value and value == session_key and environment != "development":
        raise UnsafeSecret(
            "ACUBACK_AUDIT_KEY must differ from ACUBACK_SECRET_KEY: one leaked key must not "
            "also open the audit log"
        )
    key = _resolve("ACUBACK_AUDIT_KEY", value, environment, DEVELOPMENT_AUDIT_KEY)
    return key.encode("utf-8")
