"""The report's factors and model (data/factors.yaml) as typed, validated models."""

from __future__ import annotations

from functools import lru_cache
from importlib.resources import files

import yaml
from pydantic import BaseModel, ConfigDict, Field, model_validator

__all__ = ["AnalysisSpec", "Factor", "ModelSpec", "band_of", "load_analysis_spec"]


class Factor(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    name: str
    label: str
    column: str
    bands: tuple[tuple[str, float | None], ...] = ()
    order: tuple[str, ...] = ()

    @model_validator(mode="after")
    def _bands_rise(self) -> Factor:
        if self.bands:
            limits = [b for _, b in self.bands[:-1]]
            if None in limits or self.bands[-1][1] is not None or limits != sorted(limits):  # type: ignore[type-var]
                raise ValueError("bands rise, and only the last band is open (below: null)")
        return self


class Covariate(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    centre: float
    per: str


class ModelSpec(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    categorical: dict[str, str]
    numeric: dict[str, Covariate]
    binary: tuple[str, ...]
    cluster: str


class AnalysisSpec(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    small_cell: int = Field(ge=1)
    missing_label: str
    factors: tuple[Factor, ...] = Field(min_length=1)
    model: ModelSpec

    def factor(self, name: str) -> Factor:
        return next(f for f in self.factors if f.name == name)

    def label_of(self, column: str) -> str:
        """The label of the factor that reads `column` (for naming model terms)."""
        return next(f.label for f in self.factors if column in (f.name, f.column))


@lru_cache(maxsize=1)
def load_analysis_spec() -> AnalysisSpec:
    text = files("acuback.analytics").joinpath("data", "factors.yaml").read_text("utf-8")
    return AnalysisSpec.model_validate(yaml.safe_load(text))


def band_of(factor: Factor, value: float) -> str:
    """The band label of a number (the same rule the Ibis expression applies)."""
    for label, below in factor.bands:
        if below is None or value < below:
            return label
    raise ValueError(f"{factor.name} has no open last band")
