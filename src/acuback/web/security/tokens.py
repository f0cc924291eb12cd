"""Signed, expiring bearer tokens for the JSON API (itsdangerous, HMAC-SHA1 over a salt).

A token carries the user id and the secret id of its sign-in (records/repositories/logins.py)
and is valid for `TOKEN_LIFETIME_SECONDS`; when it is used the sign-in must still be open (not
logged out or revoked) and the user must still exist and be active (checked by the dependency
that reads it, web/deps.py).
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

    def issue(self, user_id: int, sid: str) -> str:
        return self._serializer.dumps({"uid": user_id, "sid": sid})

    def read(self, token: str) -> tuple[int, str] | None:
        """The user id and sign-in id of a valid, unexpired token; None for anything else."""
        try:
            data = self._serializer.loads(token, max_age=self.lifetime)
        except BadSignature:  # SignatureExpired is a BadSignature
            return None
        uid = data.get("uid") if isinstance(data, dict) else None
        sid = data.get("sid") if isinstance(data, dict) else None
        if not isinstance(uid, int) or isinstance(uid, bool) or not isinstance(sid, str):
            return None
        return uid, sid
