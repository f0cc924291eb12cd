"""The JSON snapshot is a faithful, fresh copy of the YAML sources (or it is ignored)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import yaml

from acuback.knowledge.loader import DATA, build_knowledge
from acuback.knowledge.snapshot import (
    SNAPSHOT,
    parse_sources,
    read_sources,
    source_digest,
    source_names,
)


def test_snapshot_is_fresh() -> None:
    root = Path(str(DATA))
    stored = json.loads((root / SNAPSHOT).read_text(encoding="utf-8"))
    assert stored["sha256"] == source_digest(read_sources(DATA)), (
        "snapshot.json is stale: run python scripts/snapshot_knowledge.py"
    )


def test_snapshot_equals_the_yaml() -> None:
    root = Path(str(DATA))
    parsed = parse_sources(DATA)
    for name in source_names(root):
        assert parsed[name] == yaml.safe_load((root / name).read_text(encoding="utf-8")), name


def test_a_stale_snapshot_is_ignored(tmp_path: Path) -> None:
    root = tmp_path / "data"
    shutil.copytree(Path(str(DATA)), root)
    aliases = root / "aliases.yaml"
    aliases.write_text(
        aliases.read_text(encoding="utf-8").replace("text: Sea of Energy", "text: Sea of Qi"),
        encoding="utf-8",
    )
    texts = {a.text for a in build_knowledge(root).aliases}
    assert "Sea of Qi" in texts
    assert "Sea of Energy" not in texts
