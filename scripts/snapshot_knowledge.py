"""Rewrite src/acuback/knowledge/data/snapshot.json from the YAML sources.

Run after editing any knowledge YAML file: python scripts/snapshot_knowledge.py
"""

from __future__ import annotations

import json
from pathlib import Path

from acuback.knowledge.snapshot import SNAPSHOT, _bytes, source_digest, source_names

DATA = Path(__file__).resolve().parents[1] / "src" / "acuback" / "knowledge" / "data"


def main() -> None:
    names = source_names(DATA)
    sources = _bytes(DATA, names)
    import yaml

    files = {name: yaml.safe_load(content.decode("utf-8")) for name, content in sources.items()}
    payload = {"sha256": source_digest(sources), "files": files}
    (DATA / SNAPSHOT).write_text(json.dumps(payload, ensure_ascii=False, separators=(",", ":")))
    print(f"wrote {DATA / SNAPSHOT} ({len(names)} files)")


if __name__ == "__main__":
    main()
