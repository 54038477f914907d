"""How fast deadlines are computed: single periods, whole chains, and a docket entry.

Run from the repository root:  python benchmarks/deadlines/compute.py [--seed 7] [--n 20000]
Prints one JSON document. Seeded, so the same seed times the same work.
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from scheduler.courtdays import Jurisdiction
from scheduler.demo import build_demo_firm
from scheduler.rules import EVENTS, PeriodRequest, chain, compute, services_for
from scheduler.services import docket
from scheduler.services.access import operator
from scheduler.services.firm import seed_demo_firm
from scheduler.store import open_store


def percentiles(samples: list[float]) -> dict[str, float]:
    ordered = sorted(samples)
    pick = lambda q: ordered[min(len(ordered) - 1, int(q * len(ordered)))]  # noqa: E731
    return {
        "p50_ms": round(pick(0.50) * 1000, 4),
        "p95_ms": round(pick(0.95) * 1000, 4),
        "p99_ms": round(pick(0.99) * 1000, 4),
        "mean_ms": round(statistics.fmean(ordered) * 1000, 4),
    }


def random_request(rng: random.Random) -> PeriodRequest:
    start = date(2025, 1, 1) + timedelta(days=rng.randrange(365 * 9))
    jurisdiction = rng.choice(list(Jurisdiction))
    return PeriodRequest(
        jurisdiction=jurisdiction,
        trigger=start,
        days=rng.choice((3, 5, 7, 9, 10, 14, 16, 20, 21, 28, 30, 60, 90, 120, 180)),
        court_days=rng.random() < 0.3,
        before=rng.random() < 0.3,
        service=rng.choice(services_for(jurisdiction)),
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--n", type=int, default=20000)
    parser.add_argument("--docket", type=int, default=200)
    args = parser.parse_args()
    rng = random.Random(args.seed)

    requests = [random_request(rng) for _ in range(args.n)]
    compute(requests[0])  # warm the holiday index
    single: list[float] = []
    for request in requests:
        t0 = time.perf_counter()
        compute(request)
        single.append(time.perf_counter() - t0)

    chains: list[float] = []
    for _ in range(max(1, args.n // 10)):
        event = rng.choice(EVENTS)
        on = date(2025, 6, 1) + timedelta(days=rng.randrange(365 * 8))
        t0 = time.perf_counter()
        chain(event.jurisdiction, event.id, on, rng.choice(services_for(event.jurisdiction)))
        chains.append(time.perf_counter() - t0)

    # Recording a trigger on a demo matter: compute, store deadlines, queue ticklers, commit.
    records: list[float] = []
    with tempfile.TemporaryDirectory() as folder:
        store = open_store(f"sqlite:///{Path(folder) / 'bench.db'}")
        now = datetime(2026, 12, 7, 13, tzinfo=UTC)
        demo = build_demo_firm(date(2026, 12, 7), seed=args.seed)
        with store.unit_of_work() as uow:
            seed_demo_firm(uow, operator(), now, demo)
        fed = [m for m in demo.matters if m.jurisdiction == "US-FED"]
        for _ in range(args.docket):
            matter = rng.choice(fed)
            on = date(2026, 12, 7) + timedelta(days=rng.randrange(60))
            t0 = time.perf_counter()
            with store.unit_of_work() as uow:
                docket.record_trigger(
                    uow,
                    operator(),
                    now,
                    matter_id=matter.id,
                    event="judgment-entered",
                    occurred_on=on,
                )
            records.append(time.perf_counter() - t0)
        store.dispose()

    print(
        json.dumps(
            {
                "benchmark": "deadlines.compute",
                "seed": args.seed,
                "single_period": {"count": len(single), **percentiles(single)},
                "chain": {"count": len(chains), **percentiles(chains)},
                "docket_record_sqlite": {
                    "count": len(records),
                    "deadlines_per_trigger": 6,
                    **percentiles(records),
                },
            },
            indent=2,
        )
    )


if __name__ == "__main__":
    main()
