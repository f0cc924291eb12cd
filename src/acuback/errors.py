"""The error hierarchy shared by every layer.

Each error carries enough structure for an entrypoint to print one clear line (the CLI) or a
field-level response (the API) without parsing message text.
"""

from __future__ import annotations

from collections.abc import Iterable

__all__ = [
    "AcubackError",
    "AmbiguousCode",
    "ConfigurationError",
    "Conflict",
    "Forbidden",
    "InputError",
    "KnowledgeError",
    "NotFound",
]


class AcubackError(Exception):
    """Base class: every error acuback raises on purpose."""


class InputError(AcubackError, ValueError):
    """Bad input from a user or file: names the field and, where known, the allowed values."""

    def __init__(self, field: str, problem: str, allowed: Iterable[str] | str | None = None):
        self.field = field
        self.problem = problem
        self.allowed: tuple[str, ...] | str | None = (
            allowed if isinstance(allowed, str) or allowed is None else tuple(allowed)
        )
        super().__init__(self.message)

    @property
    def message(self) -> str:
        text = f"{self.field}: {self.problem}" if self.field else self.problem
        if isinstance(self.allowed, str):
            text += f" (allowed: {self.allowed})"
        elif self.allowed:
            text += f" (allowed: {', '.join(self.allowed)})"
        return text


class AmbiguousCode(InputError):
    """A code that names more than one point (the old Bladder numbering): names each reading.

    `readings` holds (code, what it is) pairs; the codes are the allowed values, so the user
    is told exactly what to write instead.
    """

    def __init__(self, field: str, code: str, readings: Iterable[tuple[str, str]]):
        self.code = code
        self.readings = tuple(readings)
        text = ", or ".join(f"{key} ({meaning})" for key, meaning in self.readings)
        super().__init__(
            field, f"{code!r} is ambiguous: {text}", tuple(key for key, _ in self.readings)
        )


class KnowledgeError(AcubackError):
    """The packaged knowledge base is inconsistent: names the file, the record and the field."""

    def __init__(self, file: str, record: str, field: str, problem: str):
        self.file = file
        self.record = record
        self.field = field
        self.problem = problem
        super().__init__(f"{file}: record {record!r}, field {field!r}: {problem}")


class NotFound(AcubackError, LookupError):
    """A thing asked for by its key does not exist; `suggestions` lists the nearest keys."""

    def __init__(self, kind: str, key: str, suggestions: Iterable[str] = ()):
        self.kind = kind
        self.key = key
        self.suggestions = tuple(suggestions)
        text = f"unknown {kind} {key!r}"
        if self.suggestions:
            text += f"; did you mean {', '.join(self.suggestions)}?"
        super().__init__(text)


class Conflict(AcubackError):
    """A write lost a race or would break a rule that protects stored data."""


class Forbidden(AcubackError):
    """The caller's role does not allow this action."""


class ConfigurationError(AcubackError):
    """The installation's configuration is unsafe or incomplete (a missing or weak secret):
    entrypoints refuse to start with one line (the CLI exits 2)."""
