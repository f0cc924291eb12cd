"""A JSON snapshot of the parsed YAML sources, so a cold load skips the slow YAML parse.

The YAML files stay the one source of truth: the snapshot records the SHA-256 of the exact
source bytes it was made from and is used only when that digest still matches; otherwise the
YAML is parsed as usual. `scripts/snapshot_knowledge.py` rewrites it, and a data test fails
while it is stale.
"""

from __future__ import annotations

import json
from importlib.resources.abc import Traversable
from typing import Any

from acuback.errors import KnowledgeError
from acuback.fingerprint import fingerprint

__all__ = ["SNAPSHOT", "parse_sources", "read_sources", "source_digest", "source_names"]

SNAPSHOT = "snapshot.json"
_TOP = ("bibliography.yaml", "meridians.yaml", "aliases.yaml", "conditions.yaml", "methods.yaml")


def source_names(root: Traversable) -> list[str]:
    """The YAML files the knowledge base is built from, relative to `root`, in a fixed order."""
    points = sorted(e.name for e in (root / "points").iterdir() if e.name.endswith(".yaml"))
    return [*_TOP, *(f"points/{name}" for name in points)]


def read_sources(root: Traversable) -> dict[str, bytes]:
    """The bytes of every source file, keyed by its name relative to `root`."""
    return {name: root.joinpath(*name.split("/")).read_bytes() for name in source_names(root)}


def source_digest(sources: dict[str, bytes]) -> str:
    return fingerprint(sources.items())


def _parse_yaml(name: str, content: bytes) -> Any:
    import yaml  # only when the snapshot is stale: `acuback plan` starts without it

    loader: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    try:
        return yaml.load(content.decode("utf-8"), Loader=loader)
    except yaml.YAMLError as exc:
        raise KnowledgeError(name, "-", "-", f"not valid YAML: {exc}") from exc


def parse_sources(root: Traversable) -> dict[str, Any]:
    """Parsed content of every source file: from the snapshot when fresh, else from YAML."""
    sources = read_sources(root)
    snapshot = root / SNAPSHOT
    if snapshot.is_file():
        stored = json.loads(snapshot.read_text(encoding="utf-8"))
        if stored.get("sha256") == source_digest(sources):
            return dict(stored["files"])
    return {name: _parse_yaml(name, content) for name, content in sources.items()}
