"""The words a person reads for a code: screening rules, needle responses and guideline stances
(`data/labels.yaml`), and methods (their names in the knowledge base's `methods.yaml`).

Every page, badge, alert and chart that shows such a code asks `rule_label`, `response_label`,
`stance_label` or `method_label`; a rule or method the files do not list (a clinic policy's own
rule) reads as its code in words, so a person never sees `infection_fever`, `de_qi`, `may_use`
or `moxibustion_indirect`.
"""

from __future__ import annotations

from functools import lru_cache

from pydantic import BaseModel, ConfigDict

from acuback.clinical.data_files import load_data_file
from acuback.knowledge import load_knowledge

__all__ = [
    "Labels",
    "load_labels",
    "method_label",
    "response_label",
    "rule_label",
    "stance_label",
]


class Labels(BaseModel):
    """Everything in `data/labels.yaml`: code -> label, per kind of code."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    rules: dict[str, str]
    responses: dict[str, str]
    stances: dict[str, str]


@lru_cache(maxsize=1)
def load_labels() -> Labels:
    """Read and validate `data/labels.yaml` once per process (the one data-file loader)."""
    return load_data_file("labels.yaml", Labels, records="rules", id_key="id")


def _words(code: str) -> str:
    return code.replace("_", " ").capitalize()


def rule_label(rule: str) -> str:
    """The label of a screening rule id ("infection_fever" -> "Fever (possible infection)")."""
    return load_labels().rules.get(rule) or _words(rule)


def response_label(response: str) -> str:
    """The label of a needle response code ("de_qi" -> "De qi (the needle sensation)")."""
    return load_labels().responses.get(response) or response


def stance_label(stance: str) -> str:
    """The label of a guideline's stance ("may_use" -> "May be used")."""
    return load_labels().stances.get(stance) or _words(stance)


def method_label(method: str) -> str:
    """A method's name in the knowledge base ("tui_na" -> "Tui na (Chinese therapeutic
    massage)"); a code it does not hold reads as the code in words."""
    known = load_knowledge().methods.get(method)
    return known.name if known is not None else _words(method)
