"""Install a missing Debian package for the tests that need a system program.

`ensure_debian_package(check, package)`: `check` is a program name or an absolute path (a
string) or a callable returning True when the thing is present. When it is missing and this
process runs as root on a machine with apt-get, the package is installed (`apt-get update` once
per process, then a quiet non-interactive `apt-get install`). Otherwise the test fails with the
command to run: a missing system package is a failure with instructions, never a silent skip.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import threading
from collections.abc import Callable
from pathlib import Path

import pytest

__all__ = ["ensure_debian_package"]

_lock = threading.Lock()
_updated = False


def _present(check: Callable[[], bool] | str) -> bool:
    if callable(check):
        return bool(check())
    if os.path.isabs(check):
        return Path(check).exists()
    return shutil.which(check) is not None


def _apt(*args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    return subprocess.run(
        ["apt-get", *args], capture_output=True, text=True, env=env, check=False, timeout=900
    )


def _fail(package: str, check: Callable[[], bool] | str, why: str) -> None:
    what = check if isinstance(check, str) else f"the Debian package {package!r}"
    pytest.fail(
        f"{what} is needed by these tests and is missing ({why}). Install it with "
        f"`sudo apt-get update && sudo apt-get install -y {package}` and run the tests again.",
        pytrace=False,
    )


def ensure_debian_package(check: Callable[[], bool] | str, package: str) -> None:
    """Make sure `check` is satisfied, installing Debian's `package` when we can (see module)."""
    global _updated
    if _present(check):
        return
    with _lock:
        if _present(check):  # another thread installed it meanwhile
            return
        if shutil.which("apt-get") is None:
            _fail(package, check, "apt-get is not available on this machine")
        if os.geteuid() != 0:
            _fail(package, check, "the tests can install it only when run as root")
        if not _updated:
            done = _apt("update", "-qq")
            if done.returncode != 0:
                _fail(package, check, f"apt-get update failed: {done.stderr.strip()[-400:]}")
            _updated = True
        done = _apt("install", "-y", "-qq", package)
        if done.returncode != 0:
            _fail(package, check, f"apt-get install failed: {done.stderr.strip()[-400:]}")
    if not _present(check):
        _fail(package, check, f"still missing after installing {package}")
