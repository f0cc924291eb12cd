"""The app over HTTP: planning beside a trivial endpoint under load; pages with 10,000 patients.

Run: python bench/bench_web.py [--patients 10000] [--baseline-patients 1000] [--practitioners 30]
     [--requests 600] [--concurrency 1,8] [--samples 15] [--time-limit 30] [--db URL] [--seed S]
     [--profile-requests 20]

1. Builds a fresh SQLite database in a temporary folder, migrates it and seeds the demo clinic
   (timed), copies it as the baseline, and adds `--patients` patients in bulk to the first
   (timed; see `_web_fixture.seed_bulk`), spread over `--practitioners` practitioners in all,
   and `--baseline-patients` to the baseline (0: the demo clinic alone), so that the ratio is
   the cost of the clinic growing (issue 16's target: at most 1.5 from 1,000 to 10,000).
2. Starts the app with uvicorn twice, in subprocesses (one worker each, free ports on
   127.0.0.1), one per database, and signs in to each as the demo practitioner `mei`: a bearer
   token for the API, a session cookie for the pages. Each response carries the app's own
   time and the number of SQL statements it ran (`_web_fixture.bench_app`).
3. Server time: `--samples` sequential GETs each of the dashboard, one demo patient's record
   (JSON API and HTML pages; a page answering 404 is skipped with a note), a patient
   search and the research aggregates (API and the /research page), the two servers taking
   turns, so that both see the same machine; the ratio of the medians is what the extra
   patients cost. With `--db URL` (an *empty* database, e.g. PostgreSQL, emptied again at the
   end) there is one database: the baseline is measured after `--baseline-patients` are added,
   and the large clinic after the rest of `--patients`.
4. Load, on the large clinic: `--requests` requests at each `--concurrency` to GET /api/v1/health
   and to the planning endpoint (POST /api/v1/intakes/{id}/plans: plan treatment on a stored
   intake, one new plan per request, cycling through the treatable intakes), in alternating
   halves with the same client and settings: requests per second, median and p99 latency, the
   server's CPU time per request, and the planning / health ratios.
5. Profiles (`_web_profile`): `--profile-requests` planning requests and as many patient record
   pages, each profiled inside the server (cProfile on thread CPU time, the event loop's thread
   and the worker threads), merged and printed. Floors: the median durable commit of a
   one-row write on this disk (what every write request pays and health does not), and bare
   scans of what the research figures must read, on both databases.
6. Issue 16's server-side figures in one block (`_web_report.print_targets`): ratio 10k/1k of
   research aggregates, dashboard, patient record and search against 1.5; planning throughput
   as a share of health's at each concurrency against 60%; the load average at the start and
   the end of the run.

Only 127.0.0.1 is used; every loop is bounded in count and in time (`--time-limit` seconds per
series); the server and the temporary files go away on any exit. Latencies are wall-clock as
the client sees them; on a shared machine their tail includes waits for a CPU, and the load
client shares the CPUs with the server, so the server's CPU time per request is the steadier
figure. With 15 samples, p99 is close to the maximum.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import re
import signal
import sqlite3
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import ExitStack, closing, contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent))  # the helper module beside this script

from _web_fixture import BulkSummary, Server, cpu_seconds, seed_bulk, serve
from _web_profile import commit_floor, profile_requests, scan_floor
from _web_report import (
    Series,
    Targets,
    load_average,
    print_load,
    print_sequential,
    print_targets,
)

LOGIN = ("mei", "mei-demo-2026")  # a demo practitioner (acuback.services.demo_data)
RECORD_PATIENT = "Fenwick"  # the demo patient whose record is timed (six sessions, outcomes)
Request = Callable[[], tuple[str, str]]


def progress(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


@dataclass
class Clients:
    api: httpx.Client  # bearer token
    pages: httpx.Client | None  # session cookie; None when the app has no login page
    token: str


@contextmanager
def signed_in(base: str) -> Iterator[Clients]:
    """Clients signed in as `LOGIN`, closed on leaving."""
    username, password = LOGIN
    form = {"username": username, "password": password}
    answer = httpx.post(f"{base}/api/v1/auth/token", data=form, timeout=30)
    answer.raise_for_status()
    token = str(answer.json()["access_token"])
    bearer = {"Authorization": f"Bearer {token}"}
    with (
        httpx.Client(base_url=base, headers=bearer, timeout=120) as api,
        httpx.Client(base_url=base, timeout=120) as pages,
    ):
        page = pages.get("/login")
        found = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
        if page.status_code == 404 or found is None:
            yield Clients(api, None, token)
            return
        done = pages.post("/login", data={**form, "csrf_token": found.group(1)})
        if done.status_code != 303:
            raise RuntimeError(f"the page login answered {done.status_code}")
        yield Clients(api, pages, token)


# -- sequential server time -----------------------------------------------------------------


def _sample(client: httpx.Client, path: str, series: Series) -> None:
    start = time.perf_counter()
    answer = client.get(path)
    series.latencies.append(time.perf_counter() - start)
    series.statuses[answer.status_code] += 1
    timing = re.search(r"dur=([0-9.]+)", answer.headers.get("server-timing", ""))
    if timing:
        series.app_ms.append(float(timing.group(1)))
    series.statements.append(int(answer.headers.get("x-bench-queries", "-1")))


def sequential(
    clients: list[httpx.Client | None], name: str, path: str, samples: int, time_limit: float
) -> list[Series]:
    """`samples` GETs of `path` from each client (after two warm-ups), taking turns, one at a
    time, within `time_limit` seconds; a series per client."""
    series = [Series(name) for _ in clients]
    live = []
    for client, one in zip(clients, series, strict=True):
        if client is None:
            one.note = "skipped: the app has no login page"
        elif any(client.get(path).status_code == 404 for _ in range(2)):
            one.note = f"skipped: {path} answered 404"
        else:
            live.append((client, one))
    deadline = time.monotonic() + time_limit
    for _ in range(samples):
        if time.monotonic() >= deadline:
            break
        for client, one in live:
            _sample(client, path, one)
    for _, one in live:
        if len(one.latencies) < samples:
            one.note = f"time limit: {len(one.latencies)} of {samples} samples"
    return series


def page_series(clients: list[Clients], samples: int, time_limit: float) -> list[list[Series]]:
    """Per page (dashboard, one demo patient's record, a search): a series per client."""
    found = clients[0].api.get("/api/v1/patients", params={"q": RECORD_PATIENT})
    found.raise_for_status()
    patient = int(found.json()["items"][0]["id"])  # the same in every database: demo seeded first
    api, pages = [c.api for c in clients], [c.pages for c in clients]
    targets: list[tuple[str, list[httpx.Client | None], str]] = [
        ("API dashboard", [*api], "/api/v1/dashboard"),
        ("API patient", [*api], f"/api/v1/patients/{patient}"),
        ("API patient plans", [*api], f"/api/v1/patients/{patient}/plans"),
        ("API trajectory", [*api], f"/api/v1/patients/{patient}/trajectory"),
        ("API patient search", [*api], f"/api/v1/patients?q={RECORD_PATIENT[:4].lower()}"),
        ("page /clinic", pages, "/clinic"),
        ("page patient record", pages, f"/clinic/patients/{patient}"),
        ("API research", [*api], "/api/v1/research/aggregates"),
        ("page /research", pages, "/research"),
    ]
    return [sequential(group, name, path, samples, time_limit) for name, group, path in targets]


# -- load -----------------------------------------------------------------------------------


async def _load(
    server: Server,
    token: str,
    series: Series,
    request: Request,
    total: int,
    concurrency: int,
    time_limit: float,
) -> None:
    """`concurrency` workers send `total` requests in all (after a warm-up round each)."""
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    bearer = {"Authorization": f"Bearer {token}"}
    async with httpx.AsyncClient(
        base_url=server.base, headers=bearer, limits=limits, timeout=60
    ) as client:
        left = 0

        async def worker(deadline: float, keep: bool) -> None:
            nonlocal left
            while left > 0 and time.monotonic() < deadline:
                left -= 1
                method, path = request()
                start = time.perf_counter()
                try:
                    status = (await client.request(method, path)).status_code
                except httpx.HTTPError:
                    status = 0
                if keep:
                    series.latencies.append(time.perf_counter() - start)
                    series.statuses[status] += 1

        left, warm_up = concurrency, time.monotonic() + 30
        await asyncio.gather(*(worker(warm_up, False) for _ in range(concurrency)))
        left, deadline = total, time.monotonic() + time_limit
        cpu_before, client_before = cpu_seconds(server.pid), time.process_time()
        started = time.perf_counter()
        await asyncio.gather(*(worker(deadline, True) for _ in range(concurrency)))
        series.wall += time.perf_counter() - started
        series.client_cpu += time.process_time() - client_before
        cpu_after = cpu_seconds(server.pid)
    if cpu_before is not None and cpu_after is not None:
        series.server_cpu = (series.server_cpu or 0.0) + cpu_after - cpu_before
    if left > 0:
        series.note = "time limit reached"


def load_series(
    server: Server,
    token: str,
    intakes: list[int],
    total: int,
    concurrency: int,
    time_limit: float,
) -> tuple[Series, Series]:
    """Health and planning, in alternating halves so that a change in the machine hits both."""
    health, planning = Series("GET /api/v1/health"), Series("POST /api/v1/intakes/{id}/plans")
    turn = iter(range(10**9))

    def plan_request() -> tuple[str, str]:
        return "POST", f"/api/v1/intakes/{intakes[next(turn) % len(intakes)]}/plans"

    def health_request() -> tuple[str, str]:
        return "GET", "/api/v1/health"

    for half in (total // 2, total - total // 2):
        for series, request in ((health, health_request), (planning, plan_request)):
            progress(f"load: {half} x {series.name} at concurrency {concurrency}")
            asyncio.run(_load(server, token, series, request, half, concurrency, time_limit / 2))
    return health, planning


# -- the run --------------------------------------------------------------------------------


def prepare(url: str, given: bool) -> float:
    """Migrate the database and seed the demo clinic; the seconds the seeding took."""
    from sqlalchemy import inspect

    from acuback.records import UnitOfWork, make_engine, upgrade
    from acuback.services.demo import seed_demo
    from acuback.web.security.passwords import hash_password

    engine = make_engine(url)
    try:
        if given and set(inspect(engine).get_table_names()) - {"alembic_version"}:
            raise SystemExit(f"bench_web: {url} holds tables; give an empty database")
        upgrade(url)
        start = time.perf_counter()
        with UnitOfWork(engine) as uow:
            seed_demo(uow, hash_password)
        return time.perf_counter() - start
    finally:
        engine.dispose()


def bulk(url: str, patients: int, practitioners: int, seed: int) -> BulkSummary:
    from acuback.records import make_engine

    engine = make_engine(url)
    try:
        return seed_bulk(engine, patients, practitioners, seed)
    finally:
        engine.dispose()


def copy_sqlite(source: Path, target: Path) -> None:
    """Copy a SQLite database with its backup API (consistent, whatever the WAL holds)."""
    with closing(sqlite3.connect(source)) as origin, closing(sqlite3.connect(target)) as copy:
        origin.backup(copy)


def run(args: argparse.Namespace, workdir: Path) -> None:
    """SQLite: baseline and large database side by side; `--db`: one database, in two phases."""
    load_before = load_average()
    large_url = args.db or f"sqlite:///{workdir / 'large.sqlite3'}"
    progress("migrating and seeding the demo clinic")
    demo_seconds = prepare(large_url, given=args.db is not None)
    baseline: list[list[Series]] = []
    if args.db is None:
        base_url = f"sqlite:///{workdir / 'demo.sqlite3'}"
        copy_sqlite(workdir / "large.sqlite3", workdir / "demo.sqlite3")
        if args.baseline_patients:
            progress(f"adding {args.baseline_patients:,} patients to the baseline")
            bulk(base_url, args.baseline_patients, args.practitioners, args.seed + 1)
    else:
        if args.baseline_patients:
            progress(f"adding {args.baseline_patients:,} patients for the baseline")
            bulk(large_url, args.baseline_patients, args.practitioners, args.seed + 1)
        with serve(large_url, workdir) as server, signed_in(server.base) as clients:
            progress("baseline: sequential requests with the demo clinic only")
            baseline = page_series([clients], args.samples, args.time_limit)
    more = args.patients - (args.baseline_patients if args.db else 0)  # --db: one database
    progress(f"adding {more:,} patients in bulk")
    summary = bulk(large_url, more, args.practitioners, args.seed)
    with ExitStack() as stack:
        server = stack.enter_context(serve(large_url, workdir))
        clients = stack.enter_context(signed_in(server.base))
        if args.db is None:
            demo = stack.enter_context(
                signed_in(stack.enter_context(serve(base_url, workdir)).base)
            )
            progress("sequential requests: the demo clinic and the large one, taking turns")
            pages = page_series([demo, clients], args.samples, args.time_limit)
        else:
            progress(f"sequential requests with {args.patients:,} more patients")
            large = page_series([clients], args.samples, args.time_limit)
            pages = [[*small, *big] for small, big in zip(baseline, large, strict=True)]
        loads = [
            (
                c,
                *load_series(
                    server,
                    clients.token,
                    summary.treating_intakes,
                    args.requests,
                    c,
                    args.time_limit,
                ),
            )
            for c in args.concurrency
        ]
        profiles = _profiles(clients, summary.treating_intakes, args.profile_requests, workdir)
    extra = Targets(load_before, commit_floor(workdir) if args.db is None else None)
    if args.db is None:
        small, big = scan_floor(workdir / "demo.sqlite3"), scan_floor(workdir / "large.sqlite3")
        extra.scan_floors = {name: (small[name], big[name]) for name in small}
    print_report(args, large_url, demo_seconds, summary, pages, loads)
    for title, text in profiles:
        print(f"\nProfile of {title} (server side, large clinic)\n{text}")
    print_targets(pages, loads, extra)


def _profiles(
    clients: Clients, intakes: list[int], count: int, workdir: Path
) -> list[tuple[str, str]]:
    """The merged cProfile of `count` planning requests and `count` patient record pages."""
    if count < 1:
        return []
    found = clients.api.get("/api/v1/patients", params={"q": RECORD_PATIENT})
    patient = int(found.json()["items"][0]["id"])
    progress(f"profiling {count} planning requests and {count} patient record pages")
    plan_path = f"/api/v1/intakes/{intakes[0]}/plans"
    profiles = [
        ("POST " + plan_path, profile_requests(clients.api, "POST", plan_path, count, workdir))
    ]
    if clients.pages is not None:
        page = f"/clinic/patients/{patient}"
        profiles.append(
            ("GET " + page, profile_requests(clients.pages, "GET", page, count, workdir))
        )
    return profiles


def print_report(
    args: argparse.Namespace,
    url: str,
    demo_seconds: float,
    summary: BulkSummary,
    pages: list[list[Series]],
    loads: list[tuple[int, Series, Series]],
) -> None:
    backend = url.split(":", 1)[0] + ("" if args.db else " (temporary file)")
    print(
        f"\nacuback web benchmark: {os.cpu_count()} CPUs, load average "
        f"{load_average()[0]:.1f} at the end (a shared machine: figures are indicative; "
        "compare within one run)"
    )
    print(
        f"database {backend}; demo clinic seeded in {demo_seconds:.1f} s (with the argon2 "
        "hashes of its logins)"
    )
    print(
        f"bulk: {args.patients:,} patients over {summary.practitioners} practitioners: "
        f"clinical core and rows {summary.core_seconds:.1f} s, inserts "
        f"{summary.insert_seconds:.1f} s"
    )
    print("  rows: " + ", ".join(f"{name} {n:,}" for name, n in summary.rows.items()))
    print_sequential(pages, args.patients, args.baseline_patients, side_by_side=args.db is None)
    for concurrency, health, planning in loads:
        print_load(health, planning, concurrency)


def _concurrencies(text: str) -> list[int]:
    try:
        values = [int(part) for part in text.split(",")]
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a list of numbers such as 1,8") from None
    if not values or min(values) < 1:
        raise argparse.ArgumentTypeError("each concurrency must be at least 1")
    return values


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    add = parser.add_argument
    add("--patients", type=int, default=10_000, help="patients added to the demo clinic")
    add(
        "--baseline-patients",
        type=int,
        default=1_000,
        help="patients added to the baseline (0: the demo clinic alone)",
    )
    add("--practitioners", type=int, default=30, help="practitioners in all (demo's 3 included)")
    add("--requests", type=int, default=600, help="requests per endpoint under load")
    add(
        "--concurrency",
        type=_concurrencies,
        default=[1, 8],
        help="requests in flight under load: one load run per value (default 1,8)",
    )
    add("--profile-requests", type=int, default=20, help="requests per profile (0: none)")
    add("--samples", type=int, default=15, help="sequential requests per page")
    add("--time-limit", type=float, default=30.0, help="seconds at most per measured series")
    add("--db", metavar="URL", help="an empty database to use (default: SQLite in a temp dir)")
    add("--seed", type=int, default=20261121)
    args = parser.parse_args()
    for name in ("patients", "practitioners", "requests", "samples"):
        if getattr(args, name) < (2 if name == "requests" else 1):
            parser.error(f"--{name} is too small")
    if not 0 <= args.baseline_patients < args.patients:
        parser.error("--baseline-patients must be at least 0 and below --patients")
    # SIGTERM unwinds like Ctrl-C, so the servers are stopped and the files removed.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    with tempfile.TemporaryDirectory(prefix="acuback-bench-") as tmp:
        try:
            run(args, Path(tmp))
        finally:
            if args.db:
                from acuback.records import downgrade

                downgrade(args.db, "base")
    return 0


if __name__ == "__main__":
    sys.exit(main())
