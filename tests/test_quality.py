"""Static checks run as tests, so the README's one test command covers them too."""

from __future__ import annotations

import ast
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]

pytestmark = pytest.mark.quality


def _run(*command: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(command, cwd=REPO, capture_output=True, text=True, check=False)


def _tool(name: str) -> str:
    found = shutil.which(name, path=str(REPO / ".venv" / "bin")) or shutil.which(name)
    if found is None:
        pytest.fail(f"{name} is not installed: pip install -e '.[test]'")
    return found


def test_ruff_lint() -> None:
    done = _run(_tool("ruff"), "check", "src", "tests", "bench")
    assert done.returncode == 0, done.stdout + done.stderr


def test_ruff_format() -> None:
    done = _run(_tool("ruff"), "format", "--check", "src", "tests", "bench")
    assert done.returncode == 0, done.stdout + done.stderr


def test_mypy_strict() -> None:
    done = _run(sys.executable, "-m", "mypy")
    assert done.returncode == 0, done.stdout + done.stderr


def test_import_layers() -> None:
    done = _run(_tool("lint-imports"))
    assert done.returncode == 0, done.stdout + done.stderr


# ----- sizes and formatter markers (issue 10 point 6: let the formatter decide) ---------------

_FMT_MARKER = re.compile(r"#\s*fmt:\s*(skip|off)\b")
MODULE_LINES = 400
FUNCTION_LINES = 60


def _python_files(*roots: str) -> list[Path]:
    found = (p for root in roots for p in (REPO / root).rglob("*.py"))
    return sorted(p for p in found if ".venv" not in p.parts)


def _src_modules() -> list[Path]:
    return [p for p in _python_files("src") if "migrations" not in p.parts]


def _long_functions(path: Path) -> dict[str, int]:
    """`module:function` -> length in lines, for every def (methods and nested ones too)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    name = path.relative_to(REPO / "src").as_posix()
    return {
        f"{name}:{node.name}": (node.end_lineno or node.lineno) - node.lineno + 1
        for node in ast.walk(tree)
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
        and (node.end_lineno or node.lineno) - node.lineno + 1 > FUNCTION_LINES
    }


def test_no_formatter_markers() -> None:
    found = [
        f"{path.relative_to(REPO)}:{number}"
        for path in _python_files("src", "tests", "bench")
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if _FMT_MARKER.search(line)
    ]
    assert not found, "ruff format decides the layout; remove: " + ", ".join(found)


def test_modules_stay_under_400_lines() -> None:
    modules = _src_modules()
    assert len(modules) > 100  # the walk found the package
    long = {
        path.relative_to(REPO).as_posix(): count
        for path in modules
        if (count := len(path.read_text(encoding="utf-8").splitlines())) > MODULE_LINES
    }
    assert not long, f"split along a real seam (over {MODULE_LINES} lines): {long}"


def test_functions_stay_under_60_lines() -> None:
    long: dict[str, int] = {}
    for path in _src_modules():
        long |= _long_functions(path)
    assert not long, f"split along a real seam (over {FUNCTION_LINES} lines): {long}"
