"""Screening plus planning per intake, in process: median and 99th percentile.

Run: python bench/bench_clinical.py [--intakes N] [--seed S]

Builds N random valid intakes (seeded, so runs are comparable), warms the caches (knowledge base,
rule table, protocols), then times `screen` + `plan` for each intake with perf_counter. Parsing
(`parse_intake`) is timed separately. Target: p99 of screen + plan under 2 ms. Both wall time
(perf_counter) and the thread's CPU time (thread_time) are printed: on a shared machine the wall
time's tail includes waits for a CPU, which the CPU time leaves out.
"""

from __future__ import annotations

import argparse
import random
import statistics
import time
from collections import Counter
from typing import Any

from acuback.clinical.intake import (
    FINDINGS,
    PAIN_REGIONS,
    SEXES,
    SIDES,
    STARTBACK_ITEM9,
    parse_intake,
)
from acuback.clinical.planning import plan
from acuback.clinical.screening import screen
from acuback.knowledge import load_knowledge

MEDICATIONS = ("warfarin 5 mg", "Eliquis", "aspirin 75 mg", "clopidogrel", "paracetamol")


def random_intake(rng: random.Random, conditions: list[str]) -> dict[str, Any]:
    """A valid Intake v1 with a realistic share of findings (most intakes have none or one)."""
    pain: dict[str, Any] = {
        "regions": rng.sample(PAIN_REGIONS, rng.randint(1, 3)),
        "side": rng.choice(SIDES),
        "onset_weeks": round(rng.uniform(0, 104), 1),
        "nrs": rng.randint(0, 10),
        "radiates_below_knee": rng.random() < 0.3,
        "leg_numbness": rng.random() < 0.2,
        "leg_weakness": rng.random() < 0.1,
    }
    data: dict[str, Any] = {
        "age": rng.randint(16, 90),
        "sex": rng.choice(SEXES),
        "pain": pain,
        "findings": rng.sample(FINDINGS, rng.choice((0, 0, 0, 1, 1, 2, 3))),
        "diagnoses": rng.sample(conditions, rng.choice((0, 0, 1))),
        "medications": rng.sample(MEDICATIONS, rng.choice((0, 0, 0, 1))),
        "prior_acupuncture": rng.choice((None, True, False)),
    }
    if data["sex"] == "female" and rng.random() < 0.1:
        data["pregnancy_weeks"] = rng.randint(0, 40)
    if rng.random() < 0.5:
        data["startback"] = [rng.random() < 0.4 for _ in range(8)] + [rng.choice(STARTBACK_ITEM9)]
    return data


def _ms(seconds: float) -> str:
    return f"{seconds * 1000:6.3f} ms"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--intakes", type=int, default=5000)
    parser.add_argument("--seed", type=int, default=20261121)
    args = parser.parse_args()

    kb = load_knowledge()
    rng = random.Random(args.seed)
    raws = [random_intake(rng, sorted(kb.conditions)) for _ in range(args.intakes)]
    parse_times, times = [], []
    dispositions: Counter[str] = Counter()
    intakes = []
    for raw in raws:
        start = time.perf_counter()
        intakes.append(parse_intake(raw, kb.conditions))
        parse_times.append(time.perf_counter() - start)
    for intake in intakes[:50]:  # warm the caches
        plan(intake, kb, screening=screen(intake, kb))
    cpu_times = []
    for intake in intakes:
        start, cpu = time.perf_counter(), time.thread_time()
        result = plan(intake, kb, screening=screen(intake, kb))
        cpu_times.append(time.thread_time() - cpu)
        times.append(time.perf_counter() - start)
        dispositions[result.screening.disposition] += 1

    print(f"intakes: {len(times)} (seed {args.seed})")
    print(f"parse_intake             median {_ms(statistics.median(parse_times))}")
    for label, values in (("wall", times), ("thread CPU", cpu_times)):
        values.sort()
        p99 = values[min(len(values) - 1, int(0.99 * len(values)))]
        print(
            f"screen + plan {label:<10} median {_ms(statistics.median(values))}  "
            f"p99 {_ms(p99)}  max {_ms(values[-1])}  "
            f"(target p99 < 2 ms: {'met' if p99 < 0.002 else 'NOT met'})"
        )
    print("dispositions: " + ", ".join(f"{k} {v}" for k, v in sorted(dispositions.items())))
    print(
        "Wall time includes time the process waits for a CPU; on a busy machine its tail is "
        "the scheduler's, which thread CPU time leaves out."
    )


if __name__ == "__main__":
    main()
