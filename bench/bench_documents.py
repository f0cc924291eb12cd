"""Printing documents: the time to issue each one as a PDF beside serving its page as HTML.

Run: python bench/bench_documents.py [--samples 5]

Seeds the demo clinic into a temporary SQLite database and, in-process (Starlette's
TestClient, signed in as the demo practitioner `mei`, the patient `ada` for the portal), takes
`--samples` sequential GETs of each document's PDF endpoint and of the page its button sits
on; prints the medians, their ratio, and the PDF sizes. Each PDF GET renders, stores and
audits a new document (WeasyPrint, PDF/UA-1), exactly as a user's click does. The first
document of the run also pays for loading Pango and the fonts: it is rendered once before
timing. Wall-clock on a shared machine: read the medians, not the extremes.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from fastapi.testclient import TestClient

from acuback.records import UnitOfWork, make_engine, upgrade
from acuback.services.demo import DEMO_LOGINS, seed_demo
from acuback.settings import Settings
from acuback.web.app import create_app
from acuback.web.security.passwords import hash_password

PASSWORDS = {login.username: login.password for login in DEMO_LOGINS}


def _median_ms(call: Callable[[], int], samples: int) -> tuple[float, int]:
    times, size = [], 0
    for _ in range(samples):
        start = time.perf_counter()
        size = call()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times), size


def _login(client: TestClient, username: str) -> None:
    page = client.get("/login")
    token = page.text.split('name="csrf_token" value="')[1].split('"')[0]
    data = {"username": username, "password": PASSWORDS[username], "csrf_token": token}
    response = client.post("/login", data=data, follow_redirects=False)
    assert response.status_code == 303, response.text


def _get(client: TestClient, url: str) -> Callable[[], int]:
    def call() -> int:
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code, response.text[:200])
        return len(response.content)

    return call


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--samples", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite:///{Path(folder) / 'bench.sqlite3'}"
        upgrade(url)
        with UnitOfWork(url=url) as uow:
            seed_demo(uow, hash_password)
            uow.commit()
        with UnitOfWork(url=url) as uow:
            fenwick = uow.patients.search("Fenwick")[0].id or 0
            duval = uow.patients.search("Duval")[0].id or 0
            plan = next(p for p in uow.plans.for_patient(fenwick) if p.status == "accepted").id
            session = [s for s in uow.sessions.for_patient(fenwick) if s.status == "signed"][-1].id
            intake = uow.intakes.for_patient(duval)[-1].id
        engine = make_engine(url)
        settings = Settings(database_url=url, secret_key="bench-secret-key-0123456789abcdef0123")
        app = create_app(settings, engine=engine, migrate=False)
        p, s, i = (
            f"/api/v1/plans/{plan}",
            f"/api/v1/sessions/{session}",
            f"/api/v1/intakes/{intake}",
        )
        rows = [
            ("referral", "mei", f"/clinic/intakes/{intake}", f"{i}/referral.pdf"),
            ("handout", "mei", f"/clinic/plans/{plan}", f"{p}/handout.pdf"),
            ("consent", "mei", f"/clinic/plans/{plan}", f"{p}/consent.pdf"),
            ("course report", "mei", f"/clinic/plans/{plan}", f"{p}/course-report.pdf"),
            ("superbill", "mei", f"/clinic/sessions/{session}", f"{s}/superbill.pdf"),
            ("portal handout", "ada", "/portal/home-points", f"{p}/handout.pdf"),
        ]
        clients: dict[str, TestClient] = {}
        with TestClient(app) as mei, TestClient(app) as ada:
            clients = {"mei": mei, "ada": ada}
            for name, client in clients.items():
                _login(client, name)
            _get(mei, rows[0][3])()  # warm-up: Pango, fonts, templates
            print(
                f"{'document':<16}{'page HTML ms':>14}{'PDF ms':>10}{'PDF/HTML':>10}{'PDF KB':>9}"
            )
            for label, user, page, pdf in rows:
                html_ms, _ = _median_ms(_get(clients[user], page), args.samples)
                pdf_ms, size = _median_ms(_get(clients[user], pdf), args.samples)
                print(
                    f"{label:<16}{html_ms:>14.1f}{pdf_ms:>10.1f}{pdf_ms / html_ms:>10.1f}"
                    f"{size / 1024:>9.1f}"
                )
        engine.dispose()
    print(f"medians of {args.samples} sequential GETs each, in-process TestClient, SQLite")
    return 0


if __name__ == "__main__":
    sys.exit(main())
