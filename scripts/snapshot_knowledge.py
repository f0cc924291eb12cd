"""Rewrite the files derived from the knowledge sources; run after editing any of them.

- src/acuback/knowledge/data/snapshot.json: the parsed YAML, so a cold load skips YAML parsing;
- src/acuback/clinical/data/snapshot.json: the parsed YAML of the clinical data files, so
  `acuback plan` and `screen` skip YAML parsing (also rewrite it after editing clinical/data);
- src/acuback/cli/point_pages.dat: what `acuback points show` prints for every point, for the
  CLI's quick path (also rewrite it after changing how a point is shown).

Run: python scripts/snapshot_knowledge.py  (in the editable install of this checkout)
"""

from __future__ import annotations

import json
from pathlib import Path

import yaml

from acuback.cli.quick import PAGES as INSTALLED_PAGES
from acuback.cli.quick import write_pages
from acuback.clinical.data_snapshot import SNAPSHOT as CLINICAL_SNAPSHOT
from acuback.clinical.data_snapshot import write_snapshot
from acuback.knowledge.snapshot import SNAPSHOT, read_sources, source_digest

SRC = Path(__file__).resolve().parents[1] / "src" / "acuback"
DATA = SRC / "knowledge" / "data"
CLINICAL = SRC / "clinical" / "data"
PAGES = SRC / "cli" / Path(INSTALLED_PAGES).name


def main() -> None:
    sources = read_sources(DATA)
    files = {name: yaml.safe_load(content.decode("utf-8")) for name, content in sources.items()}
    payload = {"sha256": source_digest(sources), "files": files}
    (DATA / SNAPSHOT).write_text(json.dumps(payload, ensure_ascii=False, separators=(",", ":")))
    print(f"wrote {DATA / SNAPSHOT} ({len(sources)} files)")
    clinical = CLINICAL / CLINICAL_SNAPSHOT
    print(f"wrote {clinical} ({write_snapshot(clinical)} files)")
    print(f"wrote {PAGES} ({write_pages(str(PAGES))} points)")


if __name__ == "__main__":
    main()
