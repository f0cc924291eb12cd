"""The parsed YAML of the clinical data files, from a JSON snapshot while it is fresh.

Parsing `screening_rules.yaml`, `protocols.yaml` and their neighbours with PyYAML costs more
than the whole plan, at every start of `acuback plan`. The YAML files stay the one source of
truth: `data/snapshot.json` holds, for each file, the SHA-256 of its exact bytes and what
`yaml.safe_load` made of them, and a file's copy is used only while that digest still matches;
otherwise (a stale, missing or unreadable snapshot) the file is parsed as before.
`scripts/snapshot_knowledge.py` rewrites the snapshot, refusing any file whose content JSON
would not give back exactly (a date, a number as a key), and a data test fails while it is stale.
"""

from __future__ import annotations

import json
from functools import lru_cache
from importlib.resources import files
from typing import Any

from acuback.fingerprint import fingerprint

__all__ = ["SNAPSHOT", "parse_yaml", "read_yaml", "snapshot_payload", "write_snapshot"]

SNAPSHOT = "snapshot.json"


def _data() -> Any:
    return files("acuback.clinical") / "data"


def parse_yaml(name: str) -> Any:
    """`data/<name>` parsed by PyYAML now, as the loaders always did."""
    import yaml

    return yaml.safe_load(_data().joinpath(name).read_text("utf-8"))


def _digest(name: str, content: bytes) -> str:
    return fingerprint([(name, content)])


@lru_cache(maxsize=1)
def _stored() -> dict[str, Any]:
    try:
        stored = json.loads(_data().joinpath(SNAPSHOT).read_bytes())
    except (OSError, ValueError):
        return {}
    return stored if isinstance(stored, dict) else {}


def read_yaml(name: str) -> Any:
    """The parsed content of `data/<name>`: the snapshot's copy while it is fresh, else PyYAML's."""
    entry = _stored().get(name)
    if isinstance(entry, dict) and "data" in entry:
        try:
            content = _data().joinpath(name).read_bytes()
        except OSError:
            content = None
        if content is not None and entry.get("sha256") == _digest(name, content):
            return entry["data"]
    return parse_yaml(name)


def _same(a: Any, b: Any) -> bool:
    """Equal and of the same types all the way down (1, 1.0 and True are told apart)."""
    if type(a) is not type(b):
        return False
    if isinstance(a, dict):
        return list(a) == list(b) and all(_same(a[k], b[k]) for k in a)
    if isinstance(a, list):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b, strict=True))
    return bool(a == b)


def snapshot_payload() -> dict[str, Any]:
    """What the snapshot holds for every YAML file of `data/`, each checked to survive JSON."""
    payload: dict[str, Any] = {}
    for entry in sorted(_data().iterdir(), key=lambda e: e.name):
        if not entry.name.endswith(".yaml"):
            continue
        parsed = parse_yaml(entry.name)
        try:
            faithful = _same(json.loads(json.dumps(parsed)), parsed)
        except (TypeError, ValueError):
            faithful = False
        if not faithful:
            raise ValueError(f"clinical/data/{entry.name}: JSON cannot hold its content exactly")
        payload[entry.name] = {"sha256": _digest(entry.name, entry.read_bytes()), "data": parsed}
    return payload


def write_snapshot(path: Any) -> int:
    """Write the snapshot of this checkout's data to `path`; returns the number of files."""
    payload = snapshot_payload()
    text = json.dumps(payload, ensure_ascii=False, separators=(",", ":"))
    path.write_text(text, encoding="utf-8")
    return len(payload)
