"""Reading a packaged clinical data file (`clinical/data/*.yaml`) into its validated model.

One loader, so every file's errors read alike: a `KnowledgeError` naming the file, the record
(by its id field, when the error lies in one of the file's records) and the field path.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from acuback.clinical.data_snapshot import read_yaml
from acuback.errors import KnowledgeError

__all__ = ["error_location", "load_data_file"]

M = TypeVar("M", bound=BaseModel)


def error_location(error: Mapping[str, Any]) -> str:
    """A pydantic error's location as a field path: `rules[3].when.age_min`."""
    text = ""
    for part in error["loc"]:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text


def load_data_file(name: str, model: type[M], records: str, id_key: str) -> M:
    """`clinical/data/<name>` validated as `model`; `records` is the key of the file's list of
    records and `id_key` the field that names a record in errors."""
    where = f"clinical/data/{name}"
    try:
        raw = read_yaml(name)  # the snapshot's copy while fresh (a lean `acuback plan`)
    except Exception as exc:
        import yaml  # loaded already: only PyYAML's own parse of a changed file fails here

        if isinstance(exc, yaml.YAMLError):
            raise KnowledgeError(where, "-", "-", f"not valid YAML: {exc}") from None
        raise
    try:
        return model.model_validate(raw)
    except ValidationError as exc:
        first = exc.errors()[0]
        loc = first["loc"]
        record = "-"
        if len(loc) > 1 and loc[0] == records and isinstance(loc[1], int):
            entry = raw[records][loc[1]]
            record = str(entry.get(id_key, loc[1]) if isinstance(entry, dict) else loc[1])
        raise KnowledgeError(where, record, error_location(first) or "-", first["msg"]) from None
