"""The risks of acupuncture with their frequencies (clinical-standards 6.6), as data with
their sources: for the consent form and the patient handout (`data/risks.yaml`)."""

from __future__ import annotations

from functools import lru_cache
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from acuback.clinical.data_files import load_data_file

__all__ = ["OverallRate", "Risk", "RiskBook", "load_risks"]


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Risk(_Frozen):
    id: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    effect: str = Field(min_length=5)
    frequency: str = Field(min_length=3)
    kind: Literal["minor", "serious"]
    advice: str | None = None
    sources: tuple[str, ...] = Field(min_length=1)
    verified: bool


class OverallRate(_Frozen):
    text: str = Field(min_length=10)
    frequency: str = Field(min_length=2)
    sources: tuple[str, ...] = Field(min_length=1)
    verified: bool


class RiskBook(_Frozen):
    effects: tuple[Risk, ...] = Field(min_length=1)
    overall: tuple[OverallRate, ...] = ()

    @property
    def minor(self) -> tuple[Risk, ...]:
        return tuple(r for r in self.effects if r.kind == "minor")

    @property
    def serious(self) -> tuple[Risk, ...]:
        return tuple(r for r in self.effects if r.kind == "serious")


@lru_cache(maxsize=1)
def load_risks() -> RiskBook:
    return load_data_file("risks.yaml", RiskBook, "effects", "id")
