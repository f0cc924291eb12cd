"""The secret key that signs tokens and session cookies, and the refusal of an unsafe one.

ACUBACK_SECRET_KEY must be set to a long random value outside development
(`Settings.environment`, from ACUBACK_ENVIRONMENT, default `development`). In development
without a key, a fixed, public development key is used and a warning printed; anywhere else the
app refuses to start.
"""

from __future__ import annotations

import warnings

from acuback.settings import Settings

__all__ = ["DEVELOPMENT_KEY", "MIN_KEY_LENGTH", "UnsafeSecretKey", "environment", "secret_key"]

DEVELOPMENT_KEY = "acuback-development-key-not-secret"  # public on purpose: development only
MIN_KEY_LENGTH = 32


class UnsafeSecretKey(RuntimeError):
    """Raised at start-up outside development when the secret key is missing or weak."""


def environment(settings: Settings) -> str:
    return settings.environment


def secret_key(settings: Settings) -> str:
    """The signing key; raises `UnsafeSecretKey` for a missing, default or short key in a
    non-development environment."""
    key = settings.secret_key
    env = environment(settings)
    unsafe = not key or key == DEVELOPMENT_KEY or len(key) < MIN_KEY_LENGTH
    if unsafe and env != "development":
        raise UnsafeSecretKey(
            f"ACUBACK_SECRET_KEY must be a random value of at least {MIN_KEY_LENGTH} characters "
            f"in the {env} environment (e.g. python -c 'import secrets; "
            "print(secrets.token_urlsafe(48))')"
        )
    if not key:
        warnings.warn(
            "ACUBACK_SECRET_KEY is not set: using the public development key",
            stacklevel=2,
        )
        return DEVELOPMENT_KEY
    return key
