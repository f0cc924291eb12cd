"""Load the packaged data files into one validated, immutable `KnowledgeBase`.

Loading is lazy and cached (`load_knowledge()`), never done at import. Any problem, in one
record or across files, raises `KnowledgeError` naming the file, the record and the field: a
clinical knowledge base that is partly wrong must not load at all.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterable, Mapping
from functools import lru_cache
from importlib.resources import files
from importlib.resources.abc import Traversable
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from acuback.errors import KnowledgeError
from acuback.knowledge.base import KnowledgeBase
from acuback.knowledge.models import (
    Alias,
    Condition,
    Meridian,
    Method,
    Point,
    PointRecord,
    Source,
)
from acuback.knowledge.snapshot import parse_sources

__all__ = ["DATA", "build_knowledge", "load_knowledge", "load_point_file", "read_yaml_records"]

DATA: Traversable = files("acuback.knowledge") / "data"
M = TypeVar("M", bound=BaseModel)


def read_yaml_records(path: Traversable, name: str) -> list[dict[str, Any]]:
    """Read a YAML file holding a list of mappings; `name` is how errors refer to the file."""
    import yaml  # not at import: `acuback plan` reads the knowledge base from its snapshot

    loader: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    try:
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=loader)
    except yaml.YAMLError as exc:
        raise KnowledgeError(name, "-", "-", f"not valid YAML: {exc}") from exc
    return _records(data, name)


def _record_id(raw: Mapping[str, Any], index: int) -> str:
    for key in ("code", "key", "text"):
        if key in raw:
            return str(raw[key])
    return f"#{index + 1}"


def _validate(model: type[M], raw: Mapping[str, Any], file: str, index: int) -> M:
    try:
        return model.model_validate(raw)
    except ValidationError as exc:
        first = exc.errors()[0]
        field = ".".join(str(part) for part in first["loc"]) or "-"
        raise KnowledgeError(file, _record_id(raw, index), field, first["msg"]) from None


def _records(data: Any, name: str) -> list[dict[str, Any]]:
    if not isinstance(data, list) or not all(isinstance(r, dict) for r in data):
        raise KnowledgeError(name, "-", "-", "the file must be a YAML list of mappings")
    return data


def _load_list(parsed: Mapping[str, Any], model: type[M], relative: str) -> list[M]:
    raws = _records(parsed[relative], relative)
    return [_validate(model, raw, relative, i) for i, raw in enumerate(raws)]


def _unique(items: Iterable[M], key: Callable[[M], str], file: str) -> dict[str, M]:
    out: dict[str, M] = {}
    for item in items:
        k = key(item)
        if k in out:
            raise KnowledgeError(file, k, "code", "duplicate key")
        out[k] = item
    return out


def _read_names(root: Traversable = DATA) -> dict[str, dict[str, str]]:
    names: dict[str, dict[str, str]] = {}
    for file in ("point_names.csv", "extra_point_names.csv"):
        text = root.joinpath(file).read_text(encoding="utf-8")
        for row in csv.DictReader(io.StringIO(text)):
            if row["code"] in names:
                raise KnowledgeError(file, row["code"], "code", "duplicate code")
            names[row["code"]] = row
    return names


def _join_names(record: PointRecord, names: Mapping[str, Mapping[str, str]], file: str) -> Point:
    row = names.get(record.code)
    if row is None:
        raise KnowledgeError(file, record.code, "code", "no row in point_names.csv")
    try:
        return Point(
            **record.model_dump(),
            meridian=row["meridian"],
            number=int(row["number"]),
            pinyin=row["pinyin"],
            pinyin_ascii=row["pinyin_ascii"],
            hanzi=row["hanzi"],
            english=row["english"],
            old_code=row["old_code"] or None,
            name_note=row["source_note"],
        )
    except ValidationError as exc:
        first = exc.errors()[0]
        field = ".".join(str(part) for part in first["loc"]) or "-"
        raise KnowledgeError(file, record.code, field, first["msg"]) from None


def _point_list(
    raws: list[dict[str, Any]], file: str, names: Mapping[str, Mapping[str, str]]
) -> list[Point]:
    return [
        _join_names(_validate(PointRecord, raw, file, i), names, file) for i, raw in enumerate(raws)
    ]


def load_point_file(name: str, root: Traversable = DATA) -> list[Point]:
    """Validate one file of `data/points/` on its own (useful while writing it)."""
    file = f"points/{name}"
    return _point_list(read_yaml_records(root / "points" / name, file), file, _read_names(root))


def _load_points(
    parsed: Mapping[str, Any], names: Mapping[str, Mapping[str, str]]
) -> dict[str, Point]:
    points: dict[str, Point] = {}
    for file in (name for name in parsed if name.startswith("points/")):
        for point in _point_list(_records(parsed[file], file), file, names):
            if point.code in points:
                raise KnowledgeError(file, point.code, "code", "duplicate code")
            points[point.code] = point
    order = {code: i for i, code in enumerate(names)}  # names files run LU ... LR, GV, CV, EX
    return {code: points[code] for code in sorted(points, key=order.__getitem__)}


def _old_numbering_aliases(points: Mapping[str, Point]) -> list[Alias]:
    """Aliases from the names file: old Bladder numbering (Bl-54 = BL40), M- codes, GV29."""
    aliases = []
    for point in points.values():
        for old in filter(None, (p.strip() for p in (point.old_code or "").split(";"))):
            aliases.append(
                Alias(
                    text=old.split(" (")[0],
                    system="old_numbering" if old.startswith("Bl-") else "alternative_code",
                    codes=(point.code,),
                    sources=("acupoint_names_reference",),
                    verified=False,
                )
            )
    return aliases


def build_knowledge(root: Traversable = DATA) -> KnowledgeBase:
    """Load, validate and cross-check a data folder (uncached; tests point it at a copy)."""
    parsed = parse_sources(root)
    sources = _unique(
        _load_list(parsed, Source, "bibliography.yaml"), lambda s: s.key, "bibliography.yaml"
    )
    meridians = _unique(
        _load_list(parsed, Meridian, "meridians.yaml"), lambda m: m.code, "meridians.yaml"
    )
    points = _load_points(parsed, _read_names(root))
    aliases = _load_list(parsed, Alias, "aliases.yaml") + _old_numbering_aliases(points)
    conditions = _unique(
        _load_list(parsed, Condition, "conditions.yaml"), lambda c: c.code, "conditions.yaml"
    )
    methods = _unique(_load_list(parsed, Method, "methods.yaml"), lambda m: m.code, "methods.yaml")
    kb = KnowledgeBase(
        sources=sources,
        meridians=meridians,
        points=points,
        aliases=tuple(aliases),
        conditions=conditions,
        methods=methods,
    )
    kb.check()
    return kb


@lru_cache(maxsize=1)
def load_knowledge() -> KnowledgeBase:
    """The packaged knowledge base, loaded and checked once per process."""
    return build_knowledge(DATA)
