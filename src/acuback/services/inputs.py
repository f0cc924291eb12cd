"""Checks on free-form input that every face shares (JSON bodies, forms, files).

Text may not hold the NUL character: PostgreSQL refuses it in text and JSON columns, SQLite
would store it, so it is refused everywhere, naming the field.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from acuback.errors import InputError

__all__ = ["reject_nul"]


def reject_nul(value: Any, field: str) -> None:
    """Raise `InputError` naming the first string (key or value) inside `value` with a NUL."""
    if isinstance(value, str):
        if "\x00" in value:
            raise InputError(field, "must not contain the NUL character")
    elif isinstance(value, Mapping):
        for key, item in value.items():
            reject_nul(key, field)
            reject_nul(item, f"{field}.{key}" if field else str(key))
    elif isinstance(value, list | tuple):
        for index, item in enumerate(value):
            reject_nul(item, f"{field}[{index}]")
