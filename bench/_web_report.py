"""The report of `bench_web.py`: the measured series, their tables, and issue 16's figures.

`Series` holds one measured series; `print_sequential` and `print_load` print the tables;
`print_targets` prints, in one block, every server-side figure of issue 16 with its baseline
from the same run and its target (ratio 10k/1k at most 1.5 for research aggregates, the
dashboard, the patient record and search; planning throughput at least 60% of health's at
each concurrency), the floors measured beside them, and the machine's load average.
"""

from __future__ import annotations

import os
import statistics
from collections import Counter
from dataclasses import dataclass, field

__all__ = [
    "RATIO_TARGET",
    "SHARE_TARGET",
    "Series",
    "Targets",
    "pct",
    "print_load",
    "print_sequential",
    "print_targets",
]

RATIO_TARGET = 1.5  # server time with 10,000 patients over that with 1,000, at most
SHARE_TARGET = 0.60  # planning requests per second over health's, at least
# The pages whose ratio issue 16 sets a target for (names as in bench_web.page_series).
RATIO_PAGES = (
    "API research",
    "page /research",
    "API dashboard",
    "page /clinic",
    "API patient",
    "API patient plans",
    "page patient record",
    "API patient search",
)


@dataclass
class Series:
    """One measured series: latencies (s), the app's times (ms), SQL statements, statuses."""

    name: str
    latencies: list[float] = field(default_factory=list)
    app_ms: list[float] = field(default_factory=list)
    statements: list[int] = field(default_factory=list)
    statuses: Counter[int] = field(default_factory=Counter)
    wall: float = 0.0
    server_cpu: float | None = None
    client_cpu: float = 0.0
    note: str = ""


def pct(values: list[float], q: int) -> float:
    """The q-th percentile (inclusive method)."""
    if len(values) < 2:
        return values[0] if values else float("nan")
    return statistics.quantiles(values, n=100, method="inclusive")[q - 1]


def _median(values: list[float]) -> float | None:
    return statistics.median(values) if values else None


def _ratio(a: float | None, b: float | None) -> str:
    return f"{a / b:.2f}x" if a is not None and b else "-"


def _sequential_cells(series: Series) -> str:
    if not series.latencies:
        return f"{'-':>8} {'-':>8} {'-':>8} {'-':>5}"
    app = statistics.median(series.app_ms) if series.app_ms else float("nan")
    bad = sum(n for status, n in series.statuses.items() if status != 200)
    return (
        f"{statistics.median(series.latencies) * 1000:8.1f} "
        f"{pct(series.latencies, 99) * 1000:8.1f} {app:8.1f} {max(series.statements):5d}"
        + (f" ({bad} not 200)" if bad else "")
    )


def print_sequential(
    pages: list[list[Series]], patients: int, baseline: int, side_by_side: bool
) -> None:
    how = "two servers side by side, taking turns" if side_by_side else "one after the other"
    print(
        f"\nServer time, sequential GETs ({how}): demo clinic with {baseline:,} more patients "
        f"| with {patients:,} more"
    )
    print("  ms: client median, client p99, app median (Server-Timing); SQL statements run")
    head = f"{'median':>8} {'p99':>8} {'app':>8} {'SQL':>5}"
    print(f"  {'':20} {head} | {head} | app median ratio")
    for small, big in pages:
        note = big.note or small.note
        if not big.latencies or not small.latencies:
            print(f"  {big.name:20} {note}")
            continue
        ratio = _ratio(_median(big.app_ms), _median(small.app_ms))
        print(
            f"  {big.name:20} {_sequential_cells(small)} | {_sequential_cells(big)} | "
            f"{ratio:>8}" + (f"  [{note}]" if note else "")
        )


def _figures(series: Series) -> tuple[float, float, float, float | None]:
    """Requests per second, median and p99 latency (s), server CPU per request (s)."""
    done = len(series.latencies)
    rps = done / series.wall if series.wall else float("nan")
    cpu = series.server_cpu / done if series.server_cpu is not None and done else None
    return rps, statistics.median(series.latencies), pct(series.latencies, 99), cpu


def print_load(health: Series, planning: Series, concurrency: int) -> None:
    print(f"\nLoad: concurrency {concurrency}, one uvicorn worker, alternating halves")
    print(
        f"  {'':32} {'done':>5} {'2xx':>5} {'req/s':>7} {'median ms':>9} {'p99 ms':>8} "
        "server CPU ms/req"
    )
    for series in (health, planning):
        rps, median, p99, cpu = _figures(series)
        ok = sum(n for status, n in series.statuses.items() if 200 <= status < 300)
        cpu_text = f"{cpu * 1000:17.2f}" if cpu is not None else f"{'-':>17}"
        print(
            f"  {series.name:32} {len(series.latencies):5d} {ok:5d} {rps:7.1f} "
            f"{median * 1000:9.1f} {p99 * 1000:8.1f} {cpu_text}"
            + (f"  [{series.note}]" if series.note else "")
        )
    h, p = _figures(health), _figures(planning)
    print(
        f"  planning / health: req/s {_ratio(p[0], h[0])}, median {_ratio(p[1], h[1])}, "
        f"p99 {_ratio(p[2], h[2])}, server CPU per request {_ratio(p[3], h[3])}"
    )
    spent = sum(s.client_cpu for s in (health, planning))
    wall = sum(s.wall for s in (health, planning))
    print(f"  the load client itself used {spent:.1f} s of CPU in {wall:.1f} s, beside the server")


@dataclass
class Targets:
    """What `print_targets` reports besides the series: floors and load averages."""

    load_before: tuple[float, float, float]
    commit_floor_s: float | None = None
    scan_floors: dict[str, tuple[float, float]] = field(default_factory=dict)  # small, large


def load_average() -> tuple[float, float, float]:
    return os.getloadavg() if hasattr(os, "getloadavg") else (float("nan"),) * 3


def _verdict(ok: bool | None) -> str:
    return "-" if ok is None else ("meets" if ok else "MISSES")


def print_targets(
    pages: list[list[Series]], loads: list[tuple[int, Series, Series]], extra: Targets
) -> None:
    """Issue 16's server-side figures, each with its baseline and target (see the docstring)."""
    print("\nIssue 16, server side: each figure with its baseline from this run")
    print(f"  ratio 10k/1k of the app's median time (target at most {RATIO_TARGET:.1f}):")
    for small, big in pages:
        if big.name not in RATIO_PAGES:
            continue
        a, b = _median(big.app_ms), _median(small.app_ms)
        if a is None or not b:
            print(f"    {big.name:22} -  [{big.note or small.note}]")
            continue
        print(
            f"    {big.name:22} {b:8.1f} ms -> {a:8.1f} ms  ratio {a / b:5.2f}  "
            f"{_verdict(a / b <= RATIO_TARGET)}"
        )
    print(f"  planning throughput as a share of health's (target at least {SHARE_TARGET:.0%}):")
    for concurrency, health, planning in loads:
        h, p = _figures(health), _figures(planning)
        share = p[0] / h[0] if h[0] else float("nan")
        cpu = f"{p[3] * 1000:.2f} ms" if p[3] is not None else "-"
        print(
            f"    concurrency {concurrency:2d}: health {h[0]:7.1f} req/s, planning {p[0]:7.1f} "
            f"req/s = {share:6.1%}  {_verdict(share >= SHARE_TARGET)}  "
            f"(planning server CPU {cpu}/request)"
        )
    if extra.commit_floor_s is not None:
        print(
            f"  floor of a write request: one durable SQLite commit on this disk, median "
            f"{extra.commit_floor_s * 1000:.2f} ms (health commits nothing)"
        )
    for name, (base, grown) in extra.scan_floors.items():
        print(
            f"  floor of research: a bare scan of the {name}: {base * 1000:.1f} ms -> "
            f"{grown * 1000:.1f} ms (ratio {grown / base if base else float('nan'):.2f})"
        )
    after = load_average()
    before = extra.load_before
    print(
        f"  load average (1, 5, 15 min): {before[0]:.2f} {before[1]:.2f} {before[2]:.2f} at the "
        f"start, {after[0]:.2f} {after[1]:.2f} {after[2]:.2f} at the end, on "
        f"{os.cpu_count()} CPUs shared with other engineers"
    )
