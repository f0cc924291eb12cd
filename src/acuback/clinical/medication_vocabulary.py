"""The medication vocabulary: drug classes that change safety, as typed data.

`data/medications.yaml` (its header says how an entry is read) lists each class with its
class words, its ATC groups and their drugs (generic names, brands, a dose above which a drug
is read as a painkiller). `medications.py` reads free text against it.
"""

from __future__ import annotations

from functools import lru_cache

from pydantic import BaseModel, ConfigDict, Field

from acuback.clinical.data_files import load_data_file
from acuback.clinical.intake import Finding

__all__ = [
    "AtcGroup",
    "Drug",
    "DrugClass",
    "Vocabulary",
    "load_drug_classes",
    "load_vocabulary",
]


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Drug(_Frozen):
    name: str
    brands: tuple[str, ...] = ()
    max_dose_mg: float | None = Field(default=None, gt=0)


class AtcGroup(_Frozen):
    atc: str = Field(pattern=r"^[A-Z]\d\d[A-Z]{2}$")
    group: str
    drugs: tuple[Drug, ...] = Field(min_length=1)
    sources: tuple[str, ...] = Field(min_length=1)
    verified: bool = True


class DrugClass(_Frozen):
    """A drug class from `data/medications.yaml` (see its header)."""

    model_config = ConfigDict(frozen=True, extra="forbid", populate_by_name=True)

    key: str = Field(alias="class")
    finding: Finding
    label: str
    class_words: tuple[str, ...] = Field(min_length=1)
    non_systemic: tuple[str, ...] = ()
    systemic: tuple[str, ...] = ()
    groups: tuple[AtcGroup, ...] = Field(min_length=1)
    sources: tuple[str, ...] = Field(min_length=1)
    verified: bool = True

    @property
    def atc(self) -> tuple[str, ...]:
        return tuple(g.atc for g in self.groups)


class Vocabulary(_Frozen):
    none_words: tuple[str, ...] = ()
    separators: tuple[str, ...] = ()
    indication_words: tuple[str, ...] = ()
    classes: tuple[DrugClass, ...] = Field(min_length=1)


@lru_cache(maxsize=1)
def load_vocabulary() -> Vocabulary:
    """The packaged medication vocabulary, validated (cached; read on first use)."""
    return load_data_file("medications.yaml", Vocabulary, records="classes", id_key="class")


def load_drug_classes() -> tuple[DrugClass, ...]:
    return load_vocabulary().classes
