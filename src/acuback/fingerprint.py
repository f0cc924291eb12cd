"""A SHA-256 fingerprint of source files: a derived file is trusted only while they are unchanged.

Stdlib only: the CLI's quick path checks a fingerprint before Typer or pydantic are imported.
"""

from __future__ import annotations

TYPE_CHECKING = False  # `typing` itself is not loaded at start-up; mypy reads this as True
if TYPE_CHECKING:
    from collections.abc import Callable, Iterable
    from typing import Any

__all__ = ["fingerprint"]


def _sha256_constructor() -> Callable[[], Any]:
    """CPython's own C SHA-256, the one hashlib falls back to.

    `hashlib` first loads OpenSSL, about 3 ms of start-up that the quick path cannot spare; the
    digest is the same either way.
    """
    for module in ("_sha2", "_sha256"):  # Python >= 3.12, then 3.11
        try:
            constructor: Callable[[], Any] = __import__(module).sha256
        except (ImportError, AttributeError):
            continue
        return constructor
    from hashlib import sha256

    return sha256


def fingerprint(files: Iterable[tuple[str, bytes]]) -> str:
    """Hex SHA-256 over each file's name and bytes, in the order given."""
    digest = _sha256_constructor()()
    for name, content in files:
        digest.update(name.encode() + b"\0" + content + b"\0")
    return str(digest.hexdigest())
