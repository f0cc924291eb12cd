"""Screening plus planning per intake, in process: median and 99th percentile; the medication
recogniser's cost per entry; and the plan properties checked on every intake.

Run: python bench/bench_clinical.py [--intakes N] [--seed S]

Builds N random valid intakes (seeded, so runs are comparable; default 100,000), warms the
caches (knowledge base, rule table, protocols), then times `screen` + `plan` for each intake
with perf_counter. Parsing (`parse_intake`) is timed separately. Target: p99 of screen + plan
under 1 ms. Both wall time (perf_counter) and the thread's CPU time (thread_time) are printed:
on a shared machine the wall time's tail includes waits for a CPU, which the CPU time leaves
out. Every plan is then checked: no point, region, method or depth the screening forbids, and
no method applied to an avoided region or point; the count of counterexamples is printed.

The recogniser is timed uncached (`_read_entry.__wrapped__`): the cost of reading an entry the
first time, per entry, over the medication strings below.
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
from acuback.clinical.medications import _near_miss, _read_entry
from acuback.clinical.placement import point_regions
from acuback.clinical.plan_model import Plan
from acuback.clinical.planning import plan
from acuback.clinical.screening import screen
from acuback.knowledge import KnowledgeBase, load_knowledge

MEDICATIONS = (
    "warfarin 5 mg",
    "Eliquis",
    "aspirin 75 mg",
    "clopidogrel",
    "paracetamol",
    "blood thinner",
    "takes blood thinners (not sure of the name)",
    "DOAC",
    "Xarelto20mg",
    "warfrin 3mg",
    "apixiban 5 mg",
    "Coumadine",
    "Marcoumar",
    "prednisolone 20mg daily (for a skin rash)",
    "prednisolone 5mg + nasal spray",
    "hydrocortisone cream",
    "aspirin 600 mg",
    "ramipril 5mg",
    "Deltacortril 5mg",
    "amlodipine 10 mg once daily and atorvastatin 40mg at night",
)


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
    if data["sex"] == "female" and rng.random() < 0.15:
        data["pregnancy_weeks"] = rng.randint(0, 40)
    if rng.random() < 0.5:
        data["startback"] = [rng.random() < 0.4 for _ in range(8)] + [rng.choice(STARTBACK_ITEM9)]
    return data


def violations(result: Plan, kb: KnowledgeBase) -> list[str]:
    """What in the plan breaks its own screening (empty when nothing does)."""
    c = result.screening.constraints
    forbidden = {a.code for a in c.avoid_points}
    avoided = set(c.avoid_regions)
    held = {p.code for p in result.points} | {s.code for s in result.self_care}
    out = []
    for point in result.points:
        limit = c.depth_limit(point.code)
        if point.code in forbidden or avoided & set(point_regions(kb.points[point.code])):
            out.append(f"point {point.code} is avoided")
        if limit is not None and point.depth_mm[1] > limit:
            out.append(f"point {point.code} deeper than {limit} mm")
    for method in result.methods:
        if method.code in c.avoid_methods:
            out.append(f"method {method.code} is avoided")
        if not (method.points or method.regions) or avoided & set(method.regions):
            out.append(f"method {method.code} is not placed, or placed on an avoided region")
        for code in method.points:
            if code not in held or code in forbidden:
                out.append(f"method {method.code} on {code}, not a safe point of the plan")
            elif avoided & set(point_regions(kb.points[code])):
                out.append(f"method {method.code} on {code}, in an avoided region")
    return out


def recogniser_cost(repeats: int = 200) -> float:
    """Seconds per entry for a first reading: the entry and word caches emptied each round."""
    read = _read_entry.__wrapped__
    elapsed = 0.0
    for _ in range(repeats):
        _near_miss.cache_clear()
        start = time.perf_counter()
        for text in MEDICATIONS:
            read(text)
        elapsed += time.perf_counter() - start
    return elapsed / (repeats * len(MEDICATIONS))


def _ms(seconds: float) -> str:
    return f"{seconds * 1000:6.3f} ms"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--intakes", type=int, default=100_000)
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
    broken: Counter[str] = Counter()
    for intake in intakes:
        start, cpu = time.perf_counter(), time.thread_time()
        result = plan(intake, kb, screening=screen(intake, kb))
        cpu_times.append(time.thread_time() - cpu)
        times.append(time.perf_counter() - start)
        dispositions[result.screening.disposition] += 1
        broken.update(violations(result, kb))

    print(f"intakes: {len(times)} (seed {args.seed})")
    print(f"parse_intake             median {_ms(statistics.median(parse_times))}")
    for label, values in (("wall", times), ("thread CPU", cpu_times)):
        values.sort()
        p99 = values[min(len(values) - 1, int(0.99 * len(values)))]
        print(
            f"screen + plan {label:<10} median {_ms(statistics.median(values))}  "
            f"p99 {_ms(p99)}  max {_ms(values[-1])}  "
            f"(target p99 < 1 ms: {'met' if p99 < 0.001 else 'NOT met'})"
        )
    print("dispositions: " + ", ".join(f"{k} {v}" for k, v in sorted(dispositions.items())))
    print(f"medication recogniser     {recogniser_cost() * 1e6:7.1f} us per entry (uncached)")
    print(f"plans breaking their screening (points, depths, methods): {sum(broken.values())}")
    for what, count in broken.most_common(5):
        print(f"  {count} x {what}")
    print(
        "Wall time includes time the process waits for a CPU; on a busy machine its tail is "
        "the scheduler's, which thread CPU time leaves out."
    )


if __name__ == "__main__":
    main()
