"""Profiles of single requests inside the benchmark's server, and the floors beside them.

Server side (`install`, called by `_web_fixture.bench_app`): a request that carries the header
`X-Bench-Profile: <file>` is profiled with cProfile on thread CPU time (`time.thread_time`),
in the event loop's thread (middleware, routing, the response) and in every worker thread it
runs sync code in (dependencies, the endpoint: Starlette's `run_in_threadpool` goes through
`anyio.to_thread.run_sync`, which is wrapped here and copies the request's context into the
worker), and the merged statistics are written to `<file>` (pstats format). Requests without
the header cost one context-variable read more.

Client side: `profile_requests` sends a request `count` times with the header and prints the
top functions by own time and by cumulative time, merged over the requests. `commit_floor`
times committed one-row writes to a scratch SQLite file beside the databases (the durable
commit every write request pays), and `scan_floor` a bare scan of what the research figures
must read, so that the report can show what a request cannot go below.
"""

from __future__ import annotations

import cProfile
import io
import pstats
import sqlite3
import statistics
import time
from collections.abc import Awaitable, Callable, MutableMapping
from contextlib import closing
from contextvars import ContextVar
from pathlib import Path
from typing import Any

import httpx

__all__ = ["commit_floor", "install", "profile_requests", "scan_floor"]

HEADER = "x-bench-profile"
Scope = MutableMapping[str, Any]
App = Callable[[Scope, Any, Any], Awaitable[None]]

_sink: ContextVar[list[cProfile.Profile] | None] = ContextVar("bench_profiles", default=None)


def _wrap_worker_threads() -> None:
    import anyio.to_thread

    original = anyio.to_thread.run_sync

    async def run_sync(func: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        sink = _sink.get()
        if sink is None:
            return await original(func, *args, **kwargs)

        def profiled(*inner: Any) -> Any:
            profile = cProfile.Profile(time.thread_time)
            profile.enable()
            try:
                return func(*inner)
            finally:
                profile.disable()
                sink.append(profile)

        return await original(profiled, *args, **kwargs)

    anyio.to_thread.run_sync = run_sync  # type: ignore[assignment]


def install(app: App) -> App:
    """`app` wrapped so that a request with the header is profiled (see the docstring)."""
    _wrap_worker_threads()

    async def profiling(scope: Scope, receive: Any, send: Any) -> None:
        headers = dict(scope.get("headers", [])) if scope["type"] == "http" else {}
        target = headers.get(HEADER.encode())
        if target is None:
            await app(scope, receive, send)
            return
        sink: list[cProfile.Profile] = []
        token = _sink.set(sink)
        loop_profile = cProfile.Profile(time.thread_time)
        written = False

        def write() -> None:
            nonlocal written
            if not written:
                written = True
                loop_profile.disable()
                stats = pstats.Stats(loop_profile)
                for profile in sink:
                    stats.add(profile)
                stats.dump_stats(target.decode())

        async def send_after_writing(message: MutableMapping[str, Any]) -> None:
            # The file is complete before the response ends, so the client may read it then.
            if message["type"] == "http.response.body" and not message.get("more_body"):
                write()
            await send(message)

        loop_profile.enable()
        try:
            await app(scope, receive, send_after_writing)
        finally:
            _sink.reset(token)
            write()

    return profiling


def profile_requests(
    client: httpx.Client, method: str, path: str, count: int, workdir: Path, top: int = 18
) -> str:
    """The merged profile of `count` requests, as text: own time, then cumulative time."""
    files = []
    for index in range(count):
        target = workdir / f"profile-{index}.prof"
        answer = client.request(method, path, headers={HEADER: str(target)})
        if answer.status_code >= 400:
            return f"  (the request answered {answer.status_code}; no profile)"
        files.append(str(target))
    out = io.StringIO()
    try:
        stats = pstats.Stats(*files, stream=out)
    except (OSError, EOFError, TypeError) as exc:  # a profile the server did not write
        return f"  (no profile: {exc})"
    stats.strip_dirs()
    out.write(f"  {count} requests, thread CPU time, merged; by own time:\n")
    stats.sort_stats("tottime").print_stats(top)
    out.write("  by cumulative time:\n")
    stats.sort_stats("cumulative").print_stats(top)
    for name in files:
        Path(name).unlink(missing_ok=True)
    lines = [
        line
        for line in out.getvalue().splitlines()
        if line.strip() and not line.rstrip().endswith(".prof")  # pstats names each file
    ]
    return "\n".join("  " + line for line in lines)


def commit_floor(workdir: Path, count: int = 40) -> float:
    """Median seconds of one committed one-row INSERT into a scratch WAL SQLite file in
    `workdir`, with the app's journal settings (a durable commit: the disk's fsync)."""
    path = workdir / "commit-floor.sqlite3"
    with closing(sqlite3.connect(path, isolation_level=None)) as db:
        db.execute("PRAGMA journal_mode=WAL")
        db.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT)")
        times = []
        for index in range(count):
            start = time.perf_counter()
            db.execute("BEGIN")
            db.execute("INSERT INTO t (v) VALUES (?)", (str(index),))
            db.execute("COMMIT")
            times.append(time.perf_counter() - start)
    path.unlink(missing_ok=True)
    return statistics.median(times)


# What the research figures read since migration 0010: the newest intakes' condition groups and
# the outcome series (first and last score per patient and instrument), no payload.
SCANS = {
    "newest intakes' condition groups": (
        "SELECT count(condition), count(DISTINCT disposition) FROM intakes WHERE newest"
    ),
    "outcome series": "SELECT count(*), sum(first_score), sum(last_score) FROM outcome_series",
}


def scan_floor(database: Path, repeats: int = 5) -> dict[str, float]:
    """Median seconds of each bare scan in `SCANS` on a SQLite file: what reading every row
    the research figures need costs, without any ranking, grouping or Python."""
    found = {}
    with closing(sqlite3.connect(database)) as db:
        for name, statement in SCANS.items():
            db.execute(statement).fetchall()
            times = []
            for _ in range(repeats):
                start = time.perf_counter()
                db.execute(statement).fetchall()
                times.append(time.perf_counter() - start)
            found[name] = statistics.median(times)
    return found
