"""The browser tests' own set-up: Playwright drives Debian's Chromium, not a downloaded one."""

from __future__ import annotations

import importlib.util
import re
import subprocess
from typing import Any

import pytest

from .steps import CHROMIUM


def test_playwright_is_installed() -> None:
    if importlib.util.find_spec("playwright") is None:
        pytest.fail(
            "the browser tests need Playwright: pip install 'playwright>=1.45' (or the test "
            "extras); never `playwright install`, the tests use Debian's Chromium",
            pytrace=False,
        )


def test_the_browser_is_debians_chromium(browser: Any, page: Any) -> None:
    printed = subprocess.run([CHROMIUM, "--version"], capture_output=True, text=True, check=True)
    found = re.search(r"\d+(\.\d+){3}", printed.stdout)
    assert found, printed.stdout
    assert browser.version == found.group(0), "Playwright must launch /usr/bin/chromium"
    response = page.goto("/api/v1/health")
    assert response is not None
    assert response.status == 200


def test_a_present_program_needs_no_install(monkeypatch: pytest.MonkeyPatch) -> None:
    from .. import system_packages

    monkeypatch.setattr(system_packages, "_apt", _no_apt)
    system_packages.ensure_debian_package("sh", "dash")
    system_packages.ensure_debian_package(lambda: True, "anything")


def test_a_missing_package_without_root_fails_with_the_command(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from .. import system_packages

    monkeypatch.setattr(system_packages, "_apt", _no_apt)
    monkeypatch.setattr("os.geteuid", lambda: 1000)
    with pytest.raises(pytest.fail.Exception, match=r"apt-get install -y no-such-package"):
        system_packages.ensure_debian_package("/no/such/program", "no-such-package")


def _no_apt(*args: str) -> Any:
    raise AssertionError(f"apt-get must not run here: {args}")
