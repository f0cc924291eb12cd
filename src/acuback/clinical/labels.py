"""The words a person reads for a code: screening rules and needle responses (`data/labels.yaml`).

Every page, badge, alert and chart that shows a rule id or a response code asks `rule_label` or
`response_label`; a code the file does not list (a clinic policy's own rule) reads as its id
in words, so a person never sees `infection_fever` or `de_qi`.
"""

from __future__ import annotations

from functools import lru_cache
from importlib.resources import files

import yaml
from pydantic import BaseModel, ConfigDict, ValidationError

from acuback.errors import KnowledgeError

__all__ = ["Labels", "load_labels", "response_label", "rule_label"]

_FILE = "clinical/data/labels.yaml"


class Labels(BaseModel):
    """Everything in `data/labels.yaml`: code -> label, per kind of code."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    rules: dict[str, str]
    responses: dict[str, str]


@lru_cache(maxsize=1)
def load_labels() -> Labels:
    """Read and validate `data/labels.yaml` once per process."""
    text = (files("acuback.clinical") / "data" / "labels.yaml").read_text(encoding="utf-8")
    try:
        return Labels.model_validate(yaml.safe_load(text))
    except ValidationError as exc:
        first = exc.errors()[0]
        field = ".".join(str(part) for part in first["loc"]) or "-"
        raise KnowledgeError(_FILE, field, field, first["msg"]) from None


def _words(code: str) -> str:
    return code.replace("_", " ").capitalize()


def rule_label(rule: str) -> str:
    """The label of a screening rule id ("infection_fever" -> "Fever (possible infection)")."""
    return load_labels().rules.get(rule) or _words(rule)


def response_label(response: str) -> str:
    """The label of a needle response code ("de_qi" -> "De qi (the needle sensation)")."""
    return load_labels().responses.get(response) or response
