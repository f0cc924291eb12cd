"""A bounded soak: minutes of mixed load on one server, then its errors and memory.

Run: python bench/bench_soak.py [--duration 300] [--warmup 30] [--concurrency 8] [--db URL]

Seeds the demo clinic into a fresh SQLite database in a temporary folder (or an *empty*
database given with --db), starts the app with uvicorn in a subprocess (one worker, a free port
on 127.0.0.1, `_web_fixture.serve`) and signs in as the demo practitioner `mei`. Then
`--concurrency` clients send a fixed mix of requests in turn: health, the dashboard, a patient
record, a patient search, a new patient (a write, audited), a patient update with its version
(a write), the login page, and an over-large body (which must be refused 413 before parsing).
Each kind of request has the statuses it must get; any other status or a transport error is an
error. After `--warmup` seconds of that load the server's resident memory (VmRSS, Linux /proc)
is read; the load goes on for `--duration` seconds, and the memory is read again. The script
prints requests, rate, latency median/p99 per kind, errors, and the memory growth, and exits 1
when there was an error or the memory grew by more than 10%.

Bounded: the run stops at its deadline whatever happens, and the server and the temporary files
go away on any exit. The load client shares the machine's CPUs with the server, so the rate is
the machine's, not the app's alone.
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import signal
import statistics
import sys
import tempfile
import time
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent))  # the helper module beside this script

from _web_fixture import Server, serve

LOGIN = ("mei", "mei-demo-2026")  # a demo practitioner (acuback.services.demo_data)
MAX_GROWTH = 0.10
BIG_BODY = b'{"given_name": "' + b"x" * (2 * 1024 * 1024) + b'"}'


@dataclass
class Tally:
    latencies: defaultdict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    statuses: defaultdict[str, Counter[int]] = field(default_factory=lambda: defaultdict(Counter))
    errors: Counter[str] = field(default_factory=Counter)


@dataclass(frozen=True)
class Kind:
    name: str
    expected: frozenset[int]
    call: Callable[[httpx.AsyncClient, int], Any]


def rss_mib(pid: int) -> float:
    """Resident memory of a process in MiB (Linux /proc)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError("no VmRSS in /proc: this bench needs Linux")


def kinds(patient: int) -> list[Kind]:
    async def update(client: httpx.AsyncClient, n: int) -> httpx.Response:
        # A fresh read first: other workers update the same patient, so a stale version's 409 is
        # expected only if someone else wrote in between (counted as expected, not an error).
        current = (await client.get(f"/api/v1/patients/{patient}")).json()["version"]
        body = {"version": current, "phone": f"+44 20 7946 {n % 10_000:04d}"}
        return await client.patch(f"/api/v1/patients/{patient}", json=body)

    def new_patient(client: httpx.AsyncClient, n: int) -> Any:
        body = {"given_name": f"Soak{n}", "family_name": "Load", "sex": "female"}
        return client.post("/api/v1/patients", json=body)

    ok = frozenset({200})
    return [
        Kind("health", ok, lambda c, n: c.get("/api/v1/health")),
        Kind("dashboard", ok, lambda c, n: c.get("/api/v1/dashboard")),
        Kind("patient", ok, lambda c, n: c.get(f"/api/v1/patients/{patient}")),
        Kind("search", ok, lambda c, n: c.get("/api/v1/patients", params={"q": "fen"})),
        Kind("create", frozenset({201}), new_patient),
        Kind("update", frozenset({200, 409}), update),
        Kind("login page", ok, lambda c, n: c.get("/login")),
        Kind(
            "too large",
            frozenset({413}),
            lambda c, n: c.post(
                "/api/v1/patients", content=BIG_BODY, headers={"content-type": "application/json"}
            ),
        ),
    ]


async def load(server: Server, token: str, concurrency: int, until: float, tally: Tally) -> None:
    """Workers cycle through the kinds until the deadline."""
    bearer = {"Authorization": f"Bearer {token}"}
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    async with httpx.AsyncClient(
        base_url=server.base, headers=bearer, limits=limits, timeout=60
    ) as client:
        found = (await client.get("/api/v1/patients", params={"q": "fenwick"})).json()
        mix = kinds(int(found["items"][0]["id"]))
        counter = itertools.count()

        async def worker(offset: int) -> None:
            while time.monotonic() < until:
                n = next(counter)
                kind = mix[(n + offset) % len(mix)]
                start = time.perf_counter()
                try:
                    status = (await kind.call(client, n)).status_code
                except httpx.HTTPError as exc:
                    tally.errors[f"{kind.name}: {type(exc).__name__}"] += 1
                    continue
                tally.latencies[kind.name].append(time.perf_counter() - start)
                tally.statuses[kind.name][status] += 1
                if status not in kind.expected:
                    tally.errors[f"{kind.name}: status {status}"] += 1

        await asyncio.gather(*(worker(index) for index in range(concurrency)))


def sign_in(base: str) -> str:
    username, password = LOGIN
    answer = httpx.post(
        f"{base}/api/v1/auth/token", data={"username": username, "password": password}
    )
    answer.raise_for_status()
    return str(answer.json()["access_token"])


def prepare(url: str) -> None:
    from acuback.records import UnitOfWork, make_engine, upgrade
    from acuback.services.demo import seed_demo
    from acuback.web.security.passwords import hash_password

    upgrade(url)
    engine = make_engine(url)
    try:
        with UnitOfWork(engine) as uow:
            seed_demo(uow, hash_password)
    finally:
        engine.dispose()


def pct(values: list[float], q: int) -> float:
    if len(values) < 2:
        return values[0] if values else float("nan")
    return statistics.quantiles(values, n=100, method="inclusive")[q - 1]


def report(args: argparse.Namespace, warm: Tally, soak: Tally, memory: tuple[float, float]) -> bool:
    after_warmup, at_end = memory
    growth = (at_end - after_warmup) / after_warmup
    total = sum(len(v) for v in soak.latencies.values())
    print(
        f"Soak: {args.duration:.0f} s after a {args.warmup:.0f} s warm-up, concurrency "
        f"{args.concurrency}, one uvicorn worker on 127.0.0.1"
    )
    print(f"{'kind':<12} {'requests':>9} {'median ms':>10} {'p99 ms':>8}  statuses")
    for name, latencies in soak.latencies.items():
        statuses = ", ".join(f"{s}: {c}" for s, c in sorted(soak.statuses[name].items()))
        print(
            f"{name:<12} {len(latencies):>9} {statistics.median(latencies) * 1000:>10.1f} "
            f"{pct(latencies, 99) * 1000:>8.1f}  {statuses}"
        )
    errors = sum(soak.errors.values()) + sum(warm.errors.values())
    print(f"requests: {total} in {args.duration:.0f} s ({total / args.duration:.1f} per second)")
    print(
        f"errors: {errors}"
        + "".join(f"\n  {k}: {v}" for k, v in (soak.errors + warm.errors).items())
    )
    print(
        f"server memory (RSS): {after_warmup:.1f} MiB after warm-up, {at_end:.1f} MiB at the "
        f"end ({growth:+.1%}; limit +{MAX_GROWTH:.0%})"
    )
    return errors == 0 and growth <= MAX_GROWTH


def run(args: argparse.Namespace, workdir: Path) -> bool:
    url = args.db or f"sqlite:///{workdir / 'soak.sqlite3'}"
    print(f"[{time.strftime('%H:%M:%S')}] seeding the demo clinic", file=sys.stderr)
    prepare(url)
    with serve(url, workdir) as server:
        token = sign_in(server.base)
        warm, soak = Tally(), Tally()
        start = time.monotonic()
        asyncio.run(load(server, token, args.concurrency, start + args.warmup, warm))
        after_warmup = rss_mib(server.pid)
        print(f"[{time.strftime('%H:%M:%S')}] warm; soaking", file=sys.stderr)
        asyncio.run(load(server, token, args.concurrency, time.monotonic() + args.duration, soak))
        at_end = rss_mib(server.pid)
    return report(args, warm, soak, (after_warmup, at_end))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=float, default=300.0, help="seconds of soak")
    parser.add_argument("--warmup", type=float, default=30.0, help="seconds of warm-up load")
    parser.add_argument("--concurrency", type=int, default=8, help="requests in flight")
    parser.add_argument("--db", metavar="URL", help="an empty database (default: SQLite, temp)")
    args = parser.parse_args()
    if args.duration <= 0 or args.warmup <= 0 or args.concurrency < 1:
        parser.error("--duration, --warmup and --concurrency must be positive")
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    with tempfile.TemporaryDirectory(prefix="acuback-soak-") as tmp:
        return 0 if run(args, Path(tmp)) else 1


if __name__ == "__main__":
    sys.exit(main())
