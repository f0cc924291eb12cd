"""Browser fixtures: the demo clinic served on a free local port, driven by Debian's Chromium.

One live server per test session (a fresh SQLite file, a test secret key, the demo clinic
seeded), run by uvicorn in a background thread and awaited through /api/v1/health. One
headless Chromium per session (the Debian package `chromium`, installed by the tests when
missing; Playwright's own browser download is never used), and a fresh browser context per
test, so no cookie leaks between tests. Every test here is marked `browser`.

A page records its console errors and uncaught exceptions (`page_errors(page)`); a
Content-Security-Policy violation fails the test that caused it. On failure the test's page
is saved as a screenshot under the test's tmp path; with ACUBACK_BROWSER_SCREENSHOTS=<folder>
every test's last page is saved there too (to look at the flows).
"""

from __future__ import annotations

import importlib.util
import os
import re
import socket
import threading
import time
import urllib.request
from collections.abc import Callable, Generator, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from ..system_packages import ensure_debian_package
from .steps import CHROMIUM, TIMEOUT_MS, log_in, page_errors, watch

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
SECRET = "browser-test-secret-key-that-is-long-enough-0123456789"
SHOTS_ENV = "ACUBACK_BROWSER_SCREENSHOTS"  # a folder: keep each test's last page as a PNG
_REPORTS = pytest.StashKey[dict[str, pytest.TestReport]]()

# Without Playwright the flow modules cannot be imported: collect only test_setup.py, whose
# test then fails with the command that installs it (a failure, never a silent skip).
collect_ignore = (
    []
    if importlib.util.find_spec("playwright")
    else [p.name for p in Path(__file__).parent.glob("test_*.py") if p.name != "test_setup.py"]
)


def pytest_configure(config: pytest.Config) -> None:
    # Also declared in pyproject.toml once the lead adds it; registering twice is harmless.
    config.addinivalue_line("markers", "browser: end-to-end tests in headless Chromium")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    here = Path(__file__).parent
    for item in items:
        if here in Path(str(item.fspath)).parents:
            item.add_marker(pytest.mark.browser)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Any:
    report = yield
    item.stash.setdefault(_REPORTS, {})[report.when] = report
    return report


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _wait_healthy(url: str, thread: threading.Thread, seconds: float = 20.0) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if not thread.is_alive():
            pytest.fail("the test server stopped while starting (see the log above)")
        try:
            with urllib.request.urlopen(f"{url}/api/v1/health", timeout=1) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.05)
    pytest.fail(f"the test server did not answer {url}/api/v1/health within {seconds} s")


@pytest.fixture(scope="session")
def demo_logins() -> dict[str, str]:
    """Demo usernames and passwords, read from the demo's own cast."""
    from acuback.services.demo import DEMO_LOGINS

    return {login.username: login.password for login in DEMO_LOGINS}


def _quick_hash(password: str) -> str:
    """argon2id with small cost parameters: the demo seeds in a blink, and a login still
    verifies through the app's own code (the parameters travel inside the hash)."""
    from argon2 import PasswordHasher

    return PasswordHasher(time_cost=1, memory_cost=8192, parallelism=1).hash(password)


@dataclass(frozen=True)
class DemoRecord:
    """The stored ids of one demo patient (for visiting pages; the tests never write here)."""

    patient: int
    intakes: tuple[int, ...]
    plans: tuple[int, ...]
    sessions: tuple[int, ...]
    appointments: tuple[int, ...]
    outcomes: tuple[int, ...] = ()


@dataclass(frozen=True)
class DemoClinic:
    database_url: str
    data_dir: Path
    patients: dict[str, DemoRecord]  # by family name
    practitioners: tuple[int, ...] = ()


@pytest.fixture(scope="session")
def demo_clinic(tmp_path_factory: pytest.TempPathFactory) -> DemoClinic:
    """The demo clinic seeded into a fresh SQLite file, with each demo patient's ids."""
    from acuback.records import UnitOfWork, make_engine, upgrade
    from acuback.services.demo import seed_demo

    folder = tmp_path_factory.mktemp("browser-server")
    url = f"sqlite:///{folder / 'clinic.sqlite3'}"
    upgrade(url)
    engine = make_engine(url)
    try:
        with UnitOfWork(engine) as uow:
            seed_demo(uow, _quick_hash)
        with UnitOfWork(engine) as uow:
            patients = {
                p.family_name: DemoRecord(
                    patient=p.id or 0,
                    intakes=tuple(i.id or 0 for i in uow.intakes.for_patient(p.id or 0)),
                    plans=tuple(x.id or 0 for x in uow.plans.for_patient(p.id or 0)),
                    sessions=tuple(x.id or 0 for x in uow.sessions.for_patient(p.id or 0)),
                    appointments=tuple(a.id or 0 for a in uow.appointments.for_patient(p.id or 0)),
                    outcomes=tuple(o.id or 0 for o in uow.outcomes.for_patient(p.id or 0)),
                )
                for p in uow.patients.all(limit=1000)
            }
            practitioners = tuple(p.id or 0 for p in uow.practitioners.all())
    finally:
        engine.dispose()
    return DemoClinic(url, folder, patients, practitioners)


@pytest.fixture(scope="session")
def demo_patients(demo_clinic: DemoClinic) -> dict[str, DemoRecord]:
    """Each demo patient's stored ids, by family name."""
    return demo_clinic.patients


@pytest.fixture(scope="session")
def live_server(demo_clinic: DemoClinic) -> Iterator[str]:
    """The base URL of the demo clinic, served by uvicorn on a free port of 127.0.0.1."""
    import uvicorn

    from acuback.settings import Settings
    from acuback.web.app import create_app

    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("ACUBACK_SECRET_KEY", SECRET)
        settings = Settings(database_url=demo_clinic.database_url, data_dir=demo_clinic.data_dir)
        app = create_app(settings)
    port = _free_port()
    config = uvicorn.Config(
        app, host="127.0.0.1", port=port, log_level="warning", access_log=False, lifespan="on"
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, name="acuback-test-server", daemon=True)
    thread.start()
    base = f"http://127.0.0.1:{port}"
    try:
        _wait_healthy(base, thread)
        yield base
    finally:
        server.should_exit = True
        thread.join(timeout=10)


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    """Headless Debian Chromium, launched by Playwright (never its downloaded browsers)."""
    ensure_debian_package(CHROMIUM, "chromium")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        pytest.fail(
            "the browser tests need Playwright: pip install 'playwright>=1.45' "
            "(never `playwright install`: the tests use Debian's Chromium)",
            pytrace=False,
        )
    os.environ.setdefault("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1")
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        yield launched
        launched.close()


@pytest.fixture(scope="session")
def login_states(
    browser: Any, live_server: str, demo_logins: dict[str, str]
) -> Callable[[str], dict[str, Any]]:
    """`login_states(user)`: the cookies of a login through the form, made once per session.

    Each demo user logs in once through the form and later contexts start from that browser
    state (a login per test would cost a page load and an argon2id check each time, and add
    to the login rate limiter's count); the login form itself has its own tests.
    """
    states: dict[str, dict[str, Any]] = {}

    def state(username: str) -> dict[str, Any]:
        if username not in states:
            context = browser.new_context(base_url=live_server)
            try:
                page = context.new_page()
                page.set_default_timeout(TIMEOUT_MS)
                log_in(page, username, demo_logins[username])
                states[username] = context.storage_state()
            finally:
                context.close()
        return states[username]

    return state


def _screenshots(pages: list[Any], folder: Path, stem: str) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for index, page in enumerate(pages):
        try:
            page.screenshot(path=str(folder / f"{stem}-{index}.png"), full_page=True)
        except Exception:  # the page may be gone; a screenshot is a courtesy
            continue


@pytest.fixture
def new_page(
    browser: Any,
    live_server: str,
    login_states: Callable[[str], dict[str, Any]],
    request: pytest.FixtureRequest,
    tmp_path: Path,
) -> Generator[Callable[..., Any], None, None]:
    """`new_page(user=None, **context_options)`: a page in a fresh context on the live server,
    signed in as the demo `user` when given.

    Tests that need two people at once (or JavaScript off) call it more than once.
    """
    contexts: list[Any] = []
    pages: list[Any] = []

    def make(user: str | None = None, **options: Any) -> Any:
        if user is not None:
            options["storage_state"] = login_states(user)
        context = browser.new_context(
            base_url=live_server, viewport={"width": 1280, "height": 900}, **options
        )
        contexts.append(context)
        page = watch(context.new_page())
        pages.append(page)
        return page

    yield make
    reports = request.node.stash.get(_REPORTS, {})
    failed = any(report.failed for report in reports.values())
    if failed:
        _screenshots(pages, tmp_path, "failure")
        print(f"screenshots of the failing pages: {tmp_path}")
    elif os.environ.get(SHOTS_ENV):
        name = re.sub(r"[^\w.-]+", "_", request.node.name)
        _screenshots(pages, Path(os.environ[SHOTS_ENV]), name)
    csp = [text for page in pages for text in page_errors(page) if "Content Security" in text]
    for context in contexts:
        context.close()
    if csp and not failed:
        pytest.fail(f"Content-Security-Policy violations: {csp}", pytrace=False)


@pytest.fixture
def page(new_page: Callable[..., Any]) -> Any:
    """A page in a fresh browser context (JavaScript on), not logged in."""
    return new_page()
