"""The secret key that signs tokens and session cookies, and the refusal of an unsafe one.

The rules live in acuback/secrets.py (shared with the audit key); this module keeps the web
layer's names for them.
"""

from __future__ import annotations

from acuback.secrets import DEVELOPMENT_KEY, MIN_KEY_LENGTH, secret_key
from acuback.secrets import UnsafeSecret as UnsafeSecretKey
from acuback.settings import Settings

__all__ = ["DEVELOPMENT_KEY", "MIN_KEY_LENGTH", "UnsafeSecretKey", "environment", "secret_key"]


def environment(settings: Settings) -> str:
    return settings.environment
