"""Signed, expiring bearer tokens for the JSON API (itsdangerous, HMAC-SHA1 over a salt).

A token carries the user id and is valid for `TOKEN_LIFETIME_SECONDS`; the user must still
exist and be active when it is used (checked by the dependency that reads it).
"""

from __future__ import annotations

from itsdangerous import BadSignature, URLSafeTimedSerializer

__all__ = ["TOKEN_LIFETIME_SECONDS", "TokenSigner"]

TOKEN_LIFETIME_SECONDS = 8 * 60 * 60


class TokenSigner:
    """Make and read bearer tokens with one secret key."""

    def __init__(self, key: str, lifetime: int = TOKEN_LIFETIME_SECONDS) -> None:
        self._serializer = URLSafeTimedSerializer(key, salt="acuback.api-token")
        self.lifetime = lifetime

    def issue(self, user_id: int) -> str:
        return self._serializer.dumps({"uid": user_id})

    def read(self, token: str) -> int | None:
        """The user id in a valid, unexpired token; None for anything else."""
        try:
            data = self._serializer.loads(token, max_age=self.lifetime)
        except BadSignature:  # SignatureExpired is a BadSignature
            return None
        uid = data.get("uid") if isinstance(data, dict) else None
        return uid if isinstance(uid, int) and not isinstance(uid, bool) else None
