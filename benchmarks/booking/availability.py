"""Availability for a 5-attorney pool over 14 days, each attorney with 500 appointments and
imported busy blocks: the computation itself, the service call, and over HTTP on one worker.

    python -m benchmarks.booking.availability [--backend sqlite|postgres] [--runs 300]

Two calendars: "spread" (each attorney's 500 meetings over 26 weeks, about 40 of them in the
window) and "dense" (all 500 inside the 14 days, around the clock). Prints JSON.
"""

from __future__ import annotations

import argparse
import json
import platform
import time
from datetime import UTC, datetime, timedelta

import httpx

from benchmarks.booking.common import (
    WINDOW_START,
    database,
    seed_firm,
    server,
    staff_key,
    summary_ms,
)
from scheduler.availability import Kind, find_slots, to_us
from scheduler.services import booking
from scheduler.services.access import operator
from scheduler.store import open_store

SCENARIOS = {
    "spread": {"spread_days": 182, "before_days": 28},
    "dense": {"spread_days": 14, "before_days": 0},
}


def run(backend: str, scenario: str, runs: int) -> dict[str, object]:
    with database(backend) as url:
        store = open_store(url)
        ids = seed_firm(
            store, attorneys=5, appointments_each=500, busy_each=300, **SCENARIOS[scenario]
        )
        key = staff_key(store)
        start, end = WINDOW_START, WINDOW_START + timedelta(days=14)
        now = start - timedelta(days=1)
        meeting = booking.Meeting(attorneys=tuple(ids), duration_minutes=60, mode="any")
        actor = operator()
        with store.unit_of_work(readonly=True) as uow:
            plan = booking._plan(uow, actor, now, meeting, "attorney")
            rooms, allowed = booking._office_rooms(uow, plan)
            facts = booking._load_facts(
                uow,
                plan,
                booking.check_window(start, end),
                now,
                rooms=rooms,
                allowed_rooms=allowed,
                adverse=[],
            )
        lo, hi = to_us(start), to_us(end)
        in_window = sum(
            int(
                (
                    (a.blocks.kinds == Kind.MEETING)
                    & (a.blocks.starts >= lo)
                    & (a.blocks.starts < hi)
                ).sum()
            )
            for a in facts.attorneys
        )
        compute = []
        for _ in range(runs):
            t = time.perf_counter()
            slots = find_slots(facts.query, facts.attorneys, facts.shared)
            compute.append(time.perf_counter() - t)
        service = []
        for _ in range(max(50, runs // 3)):
            t = time.perf_counter()
            with store.unit_of_work(readonly=True) as uow:
                booking.availability(uow, actor, now, meeting, start, end, limit=2000)
            service.append(time.perf_counter() - t)
        store.dispose()
        params = {
            "attorney": ids,
            "mode": "any",
            "duration_minutes": 60,
            "start": start.isoformat(),
            "end": end.isoformat(),
            "limit": 2000,
        }
        http = []
        with server(url, workers=1) as base, httpx.Client(base_url=base, timeout=30) as client:
            headers = {"Authorization": f"Bearer {key}"}
            for _ in range(20):
                answer = client.get("/v1/availability", params=params, headers=headers)
                assert answer.status_code == 200, answer.text
            for _ in range(runs):
                t = time.perf_counter()
                answer = client.get("/v1/availability", params=params, headers=headers)
                http.append(time.perf_counter() - t)
                assert answer.status_code == 200
            returned = len(answer.json()["slots"])
    return {
        "backend": backend,
        "scenario": scenario,
        "attorneys": 5,
        "appointments_per_attorney": 500,
        "busy_blocks_per_attorney": 300,
        "appointments_in_window": in_window,
        "window_days": 14,
        "slots_offered": len(slots),
        "slots_returned_over_http": returned,
        "compute": summary_ms(compute),
        "service_in_process": summary_ms(service),
        "http_one_worker": summary_ms(http),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--backend", choices=("sqlite", "postgres", "both"), default="both")
    parser.add_argument("--runs", type=int, default=300)
    args = parser.parse_args()
    backends = ("sqlite", "postgres") if args.backend == "both" else (args.backend,)
    results = [run(b, s, args.runs) for b in backends for s in SCENARIOS]
    print(
        json.dumps(
            {
                "benchmark": "booking.availability",
                "when": datetime.now(UTC).isoformat(timespec="seconds"),
                "machine": f"{platform.machine()}, {platform.python_version()}",
                "results": results,
            },
            indent=2,
        )
    )


if __name__ == "__main__":
    main()
