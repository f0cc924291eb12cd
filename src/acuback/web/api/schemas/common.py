"""Types shared by the API schemas: ids within the database's range, bounded text without NUL."""

from __future__ import annotations

from typing import Annotated

from fastapi import Path
from pydantic import AfterValidator, BaseModel, ConfigDict, Field

from acuback.records.bounds import MAX_NOTE

__all__ = ["MAX_ID", "Id", "In", "Out", "PathId", "Text", "Version"]

MAX_ID = 2_147_483_647  # the largest id an INTEGER column holds on PostgreSQL


def _no_nul(value: str) -> str:
    if "\x00" in value:
        raise ValueError("must not contain the NUL character")
    return value


Text = Annotated[str, AfterValidator(_no_nul), Field(max_length=MAX_NOTE)]
"""Free text: no NUL, at most MAX_NOTE characters (records/bounds.py); fields with a tighter
limit in the records models are checked there too."""
Id = Annotated[int, Field(ge=1, le=MAX_ID)]
PathId = Annotated[int, Path(ge=1, le=MAX_ID)]
Version = Annotated[int, Field(ge=0, le=MAX_ID, description="the version you read")]


class In(BaseModel):
    """A request body: unknown keys are errors."""

    model_config = ConfigDict(extra="forbid")


class Out(BaseModel):
    """A response body, read from a record or a result object."""

    model_config = ConfigDict(from_attributes=True)
