"""The research export's data dictionary and the files it writes (Parquet via pyarrow, or CSV).

The dictionary is data (`data/research_dictionary.yaml`, see its header), loaded once into
frozen models. `write_tables` refuses a table or column the dictionary does not describe, or
one it describes that is missing, so `dictionary.json` always covers every column written.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Mapping, Sequence
from datetime import date
from functools import lru_cache
from importlib.resources import files
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict

from acuback.errors import AcubackError
from acuback.interop.progress import SILENT, Progress

__all__ = [
    "FORMATS",
    "Column",
    "Dictionary",
    "TableSpec",
    "arrow_schema",
    "arrow_table",
    "load_dictionary",
    "write_dictionary",
    "write_tables",
]

FORMATS = ("parquet", "csv")
ColumnType = Literal["string", "integer", "number", "boolean", "date"]
Row = Mapping[str, Any]


class Column(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    type: ColumnType
    unit: str | None
    meaning: str


class TableSpec(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    meaning: str
    columns: dict[str, Column]


class Dictionary(BaseModel):
    """Every table of the export and every column of each, in order."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    disclosure: str
    tables: dict[str, TableSpec]


@lru_cache(maxsize=1)
def load_dictionary() -> Dictionary:
    """The packaged data dictionary (read once, on first use)."""
    text = (files("acuback.interop") / "data" / "research_dictionary.yaml").read_text("utf-8")
    return Dictionary.model_validate(yaml.safe_load(text))


def write_tables(
    tables: Mapping[str, Sequence[Row]], out: Path, fmt: str, progress: Progress = SILENT
) -> list[Path]:
    """Write each table as `<name>.parquet|csv` and `dictionary.json` into `out`."""
    dictionary = load_dictionary()
    if set(tables) != set(dictionary.tables):
        raise AcubackError(f"export tables {sorted(tables)} differ from the dictionary's")
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for name, spec in dictionary.tables.items():
        rows = tables[name]
        for row in rows:
            if list(row) != list(spec.columns):
                raise AcubackError(f"table {name}: columns {list(row)} differ from the dictionary")
        path = out / f"{name}.{fmt}"
        (_write_parquet if fmt == "parquet" else _write_csv)(path, spec, rows)
        written.append(path)
        progress.advance(f"wrote {name}")
    return [*written, write_dictionary(out)]


def write_dictionary(out: Path) -> Path:
    """`dictionary.json`: the packaged dictionary as JSON, beside the tables it describes."""
    target = out / "dictionary.json"
    text = json.dumps(load_dictionary().model_dump(), indent=2, ensure_ascii=False)
    target.write_text(text + "\n", encoding="utf-8")
    return target


def _write_csv(path: Path, spec: TableSpec, rows: Sequence[Row]) -> None:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(spec.columns)
        for row in rows:
            writer.writerow(_csv_cell(value) for value in row.values())


def _csv_cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


_ARROW_TYPES = {
    "string": "string",
    "integer": "int64",
    "number": "float64",
    "boolean": "bool_",
    "date": "date32",
}


def arrow_schema(table: str) -> Any:
    """The Arrow schema of one export table, each field with its unit and meaning."""
    import pyarrow as pa

    spec = load_dictionary().tables[table]
    return pa.schema(
        [
            pa.field(name, getattr(pa, _ARROW_TYPES[column.type])(), metadata=_metadata(column))
            for name, column in spec.columns.items()
        ]
    )


def arrow_table(table: str, rows: Sequence[Row]) -> Any:
    """One export table's rows as an Arrow table of the dictionary's schema."""
    import pyarrow as pa

    schema = arrow_schema(table)
    arrays = [pa.array([row[field.name] for row in rows], type=field.type) for field in schema]
    return pa.Table.from_arrays(arrays, schema=schema)


def _write_parquet(path: Path, spec: TableSpec, rows: Sequence[Row]) -> None:
    import pyarrow.parquet as pq

    pq.write_table(arrow_table(path.stem, rows), path)


def _metadata(column: Column) -> dict[str, str]:
    return {"unit": column.unit or "", "meaning": column.meaning}
