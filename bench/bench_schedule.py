"""The calendar pages' server time on a large clinic: 10,000 patients and a year of visits.

Run: python bench/bench_schedule.py [--patients 10000] [--practitioners 30] [--per-day 8]
     [--samples 15] [--seed S]

1. A fresh SQLite database in a temporary folder: migrated, the demo clinic seeded, then
   `--patients` patients in bulk (`_web_fixture.seed_bulk`) and a year of appointments
   (26 weeks back, 26 ahead; `--per-day` visits a weekday per practitioner, 08:00 on, a tenth
   cancelled, past ones attended) written with Core inserts.
2. The app under uvicorn in a subprocess (`_web_fixture.serve`), signed in as the demo
   practitioner `mei` (practitioner 1) with a session cookie, as a browser is.
3. `--samples` sequential GETs (after two warm-ups) of mei's week view for this week, the
   day view of reception's whole clinic for today, and the practitioner's iCalendar feed:
   the app's own time per request (Server-Timing), the client's, and the SQL statements run.
"""

from __future__ import annotations

import argparse
import os
import random
import re
import statistics
import sys
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import httpx
from sqlalchemy import func, insert, select

sys.path.insert(0, str(Path(__file__).resolve().parent))  # the helper module beside this script

from _web_fixture import seed_bulk, serve
from acuback.records import UnitOfWork, make_engine, upgrade
from acuback.records.tables import AppointmentRow, PatientRow, PractitionerRow
from acuback.services.demo import seed_demo
from acuback.web.security.passwords import hash_password

LOGIN = ("mei", "mei-demo-2026")


def year_of_visits(url: str, per_day: int, seed: int) -> int:
    """Add the year of appointments; the number of rows written."""
    rng, engine = random.Random(seed), make_engine(url)
    today, rows = date.today(), []
    try:
        with engine.begin() as conn:
            staff = list(conn.scalars(select(PractitionerRow.id)))
            patients = list(conn.scalars(select(PatientRow.id)))
            next_id = (conn.scalar(select(func.max(AppointmentRow.id))) or 0) + 1
            for offset in range(-26 * 7, 26 * 7):
                day = today + timedelta(days=offset)
                if day.weekday() >= 5:
                    continue
                for practitioner in staff:
                    for slot in range(per_day):
                        start = datetime(day.year, day.month, day.day, 8, tzinfo=UTC)
                        start += timedelta(minutes=60 * slot)
                        status = (
                            "cancelled"
                            if rng.random() < 0.1
                            else ("attended" if offset < 0 else "booked")
                        )
                        rows.append(
                            {
                                "id": next_id,
                                "version": 1,
                                "patient_id": rng.choice(patients),
                                "practitioner_id": practitioner,
                                "starts_at": start,
                                "ends_at": start + timedelta(minutes=45),
                                "status": status,
                                "kind": "treatment",
                            }
                        )
                        next_id += 1
            conn.execute(insert(AppointmentRow), rows)
    finally:
        engine.dispose()
    return len(rows)


def sample(client: httpx.Client, path: str, samples: int) -> tuple[list[float], list[float], int]:
    for _ in range(2):
        client.get(path).raise_for_status()
    app_ms, wall_ms, statements = [], [], -1
    for _ in range(samples):
        start = time.perf_counter()
        answer = client.get(path)
        wall_ms.append((time.perf_counter() - start) * 1000)
        answer.raise_for_status()
        timing = re.search(r"dur=([0-9.]+)", answer.headers.get("server-timing", ""))
        if timing:
            app_ms.append(float(timing.group(1)))
        statements = int(answer.headers.get("x-bench-queries", "-1"))
    return app_ms, wall_ms, statements


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--patients", type=int, default=10_000)
    parser.add_argument("--practitioners", type=int, default=30)
    parser.add_argument("--per-day", type=int, default=8)
    parser.add_argument("--samples", type=int, default=15)
    parser.add_argument("--seed", type=int, default=11)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="acuback-bench-schedule-") as folder:
        url = f"sqlite:///{Path(folder) / 'clinic.sqlite3'}"
        upgrade(url)
        engine = make_engine(url)
        with UnitOfWork(engine) as uow:
            seed_demo(uow, hash_password)  # real hashes: the bench logs in as mei
        begun = time.perf_counter()
        summary = seed_bulk(engine, args.patients, args.practitioners, args.seed)
        engine.dispose()
        bulk_s = time.perf_counter() - begun
        begun = time.perf_counter()
        visits = year_of_visits(url, args.per_day, args.seed)
        visits_s = time.perf_counter() - begun
        with (
            serve(url, Path(folder)) as server,
            httpx.Client(base_url=server.base, timeout=120) as client,
        ):
            page = client.get("/login")
            token = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
            assert token, "no login form"
            username, password = LOGIN
            done = client.post(
                "/login",
                data={"username": username, "password": password, "csrf_token": token.group(1)},
            )
            assert done.status_code == 303, done.text
            week = date.today().isoformat()
            paths = {
                "week view (mei, this week)": f"/clinic/schedule/week?practitioner_id=1&"
                f"week={week}",
                "day view (whole clinic, today)": f"/clinic/schedule?day={week}",
                "calendar.ics (mei, -90 to +366 days)": "/api/v1/practitioners/1/calendar.ics",
            }
            results = {name: sample(client, path, args.samples) for name, path in paths.items()}
    load = os.getloadavg()[0]
    print(
        f"acuback schedule benchmark: {os.cpu_count()} CPUs, load average {load:.1f} "
        "(a shared machine: figures are indicative)"
    )
    print(
        f"clinic: {args.patients:,} bulk patients over {summary.practitioners} practitioners "
        f"({bulk_s:.1f} s), {visits:,} appointments over a year ({visits_s:.1f} s)"
    )
    print(f"{args.samples} sequential GETs each, after two warm-ups; SQLite file")
    print(f"  {'page':40} {'app median ms':>13} {'app max ms':>10} {'client median ms':>16} SQL")
    for name, (app_ms, wall_ms, statements) in results.items():
        median = statistics.median(app_ms) if app_ms else float("nan")
        top = max(app_ms) if app_ms else float("nan")
        print(
            f"  {name:40} {median:13.1f} {top:10.1f} {statistics.median(wall_ms):16.1f} "
            f"{statements:3d}"
        )


if __name__ == "__main__":
    main()
