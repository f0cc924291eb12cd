"""The clinical data snapshot is a faithful, fresh copy of the YAML files (or it is ignored)."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest

from acuback.clinical import data_snapshot
from acuback.clinical.data_snapshot import SNAPSHOT, parse_yaml, read_yaml, snapshot_payload

DATA = Path(data_snapshot.__file__).parent / "data"
YAML_FILES = sorted(p.name for p in DATA.glob("*.yaml"))


def stored() -> dict[str, Any]:
    return dict(json.loads((DATA / SNAPSHOT).read_text(encoding="utf-8")))


def test_the_snapshot_is_fresh_and_covers_every_file() -> None:
    assert sorted(stored()) == YAML_FILES
    assert stored() == snapshot_payload(), (
        "clinical/data/snapshot.json is stale: run python scripts/snapshot_knowledge.py"
    )


@pytest.mark.parametrize("name", YAML_FILES)
def test_each_copy_is_what_pyyaml_reads(name: str) -> None:
    parsed = parse_yaml(name)
    assert data_snapshot._same(read_yaml(name), parsed)
    assert read_yaml(name) is stored_entry(name)  # the snapshot's copy, not a new parse


def stored_entry(name: str) -> Any:
    return data_snapshot._stored()[name]["data"]


def test_a_stale_or_missing_copy_is_ignored(monkeypatch: pytest.MonkeyPatch) -> None:
    fake = {"data": {"rules": "not these"}, "sha256": "0" * 64}
    monkeypatch.setattr(data_snapshot, "_stored", lambda: {"screening_rules.yaml": fake})
    assert data_snapshot._same(
        read_yaml("screening_rules.yaml"), parse_yaml("screening_rules.yaml")
    )
    assert data_snapshot._same(read_yaml("protocols.yaml"), parse_yaml("protocols.yaml"))


@pytest.mark.parametrize("content", [b"", b"[1, 2", b"\xff", b"{}"], ids=str)
def test_a_broken_snapshot_file_is_ignored(
    content: bytes, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "course.yaml").write_bytes((DATA / "course.yaml").read_bytes())
    (tmp_path / SNAPSHOT).write_bytes(content)
    monkeypatch.setattr(data_snapshot, "_data", lambda: tmp_path)
    data_snapshot._stored.cache_clear()
    try:
        assert data_snapshot._same(read_yaml("course.yaml"), parse_yaml("course.yaml"))
    finally:
        data_snapshot._stored.cache_clear()


@pytest.mark.parametrize(
    ("text", "why"),
    [("when: 2024-01-31\n", dt.date), ("1: one\n", int), ("x: !!set {a}\n", set)],
    ids=["date", "number key", "set"],
)
def test_content_json_cannot_hold_is_refused(
    text: str, why: type, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "odd.yaml").write_text(text, encoding="utf-8")
    monkeypatch.setattr(data_snapshot, "_data", lambda: tmp_path)
    assert any(
        isinstance(v, why) for v in (*parse_yaml("odd.yaml"), *parse_yaml("odd.yaml").values())
    )
    with pytest.raises(ValueError, match=r"odd\.yaml: JSON cannot hold"):
        snapshot_payload()


def test_types_are_told_apart() -> None:
    assert not data_snapshot._same({"a": 1}, {"a": 1.0})
    assert not data_snapshot._same([True], [1])
    assert not data_snapshot._same({"a": 1, "b": 2}, {"b": 2, "a": 1})
    assert data_snapshot._same({"a": [1, "x", None, 2.5]}, {"a": [1, "x", None, 2.5]})
