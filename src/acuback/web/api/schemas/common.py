"""Types shared by the API schemas: ids within the database's range, bounded text without NUL."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Path
from pydantic import AfterValidator, BaseModel, ConfigDict, Field

from acuback.records.bounds import MAX_NOTE

__all__ = ["MAX_ID", "Id", "In", "Name", "Out", "PathId", "Text", "Version", "bounded"]

MAX_ID = 2_147_483_647  # the largest id an INTEGER column holds on PostgreSQL


def _no_nul(value: str) -> str:
    if "\x00" in value:
        raise ValueError("must not contain the NUL character")
    return value


NO_NUL = "^[^\\u0000]*$"  # declared in the schema; _no_nul checks it
Text = Annotated[
    str, AfterValidator(_no_nul), Field(max_length=MAX_NOTE, json_schema_extra={"pattern": NO_NUL})
]
"""Free text: no NUL, at most MAX_NOTE characters (records/bounds.py). A field with a tighter
limit in the records models declares the same limit here (`bounded`), so that the schema states
every rule the validation applies to one field."""
Name = Annotated[Text, Field(min_length=1, max_length=200)]
"""A name or title: not empty, at most 200 characters (the records models' limit)."""


def bounded(max_length: int, min_length: int = 0) -> Any:
    """Text with the records model's length limits, for `Annotated[Text, bounded(...)]`."""
    return Field(min_length=min_length, max_length=max_length)


Id = Annotated[int, Field(ge=1, le=MAX_ID)]
PathId = Annotated[int, Path(ge=1, le=MAX_ID)]
Version = Annotated[int, Field(ge=0, le=MAX_ID, description="the version you read")]


class In(BaseModel):
    """A request body: unknown keys are errors."""

    model_config = ConfigDict(extra="forbid")


class Out(BaseModel):
    """A response body, read from a record or a result object."""

    model_config = ConfigDict(from_attributes=True)
