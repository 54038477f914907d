"""Bookings per second on one worker, none lost or doubled.

    python -m benchmarks.booking.throughput [--backend postgres|sqlite|both] [--bookings 1500]
        [--clients 32]

A fresh database with 20 attorneys (each with a client and a matter of their own, and imported
busy blocks), served by ``secretary serve --workers 1``. ``--clients`` threads send
``POST /v1/bookings`` (each with an Idempotency-Key) for distinct free hours over the coming
weeks, plus one duplicate for every tenth target (which must get 409). Afterwards the database is
checked: one booking per 201, none for a 409, no two active bookings of an attorney overlap.
Prints JSON.
"""

from __future__ import annotations

import argparse
import itertools
import json
import platform
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx

from benchmarks.booking.common import WINDOW_START, database, seed_firm, server, staff_key
from scheduler.services import booking
from scheduler.services.access import operator
from scheduler.store import open_store

ATTORNEYS = 20


def targets(url: str, ids: list[str], wanted: int) -> list[tuple[str, str]]:
    """(attorney, start) pairs: free, 90 minutes apart (clear of every buffer), soonest first."""
    store = open_store(url)
    now = datetime.now(UTC)
    found: list[list[tuple[str, str]]] = []
    for attorney_id in ids:
        with store.unit_of_work(readonly=True) as uow:
            slots = booking.availability(
                uow,
                operator(),
                now,
                booking.Meeting(attorneys=(attorney_id,), duration_minutes=60),
                WINDOW_START,
                WINDOW_START + timedelta(days=31),
                limit=2000,
            ).slots
        mine: list[tuple[str, str]] = []
        last: datetime | None = None
        for slot in slots:
            if last is None or slot.start >= last + timedelta(minutes=90):
                mine.append((attorney_id, slot.start.isoformat()))
                last = slot.start
        found.append(mine)
    store.dispose()
    interleaved = [pair for group in zip(*found, strict=False) for pair in group]
    return interleaved[:wanted]


def run(backend: str, wanted: int, clients: int) -> dict[str, Any]:
    with database(backend) as url:
        store = open_store(url)
        ids = seed_firm(
            store,
            attorneys=ATTORNEYS,
            appointments_each=0,
            busy_each=60,
            spread_days=35,
            before_days=0,
            clients=ATTORNEYS,
        )
        key = staff_key(store)
        store.dispose()
        plan = targets(url, ids, wanted)
        requests = []
        for n, (attorney_id, start) in enumerate(plan):
            index = ids.index(attorney_id)
            body = {
                "client": f"cli-{index:03d}",
                "matter": f"mat-{index:03d}",
                "attorneys": [attorney_id],
                "start": start,
                "duration_minutes": 60,
                "needs_room": False,
                "title": "Benchmark meeting",
            }
            requests.append((body, f"bench-{n}", True))
            if n % 10 == 0:
                requests.append((body, f"bench-dup-{n}", False))
        headers = {"Authorization": f"Bearer {key}"}
        # One staff key sends every request: its rate limit is raised out of the way (the
        # limiter still counts each request, so its cost is in the figure).
        with server(url, workers=1, settings={"SECRETARY_RATE_LIMIT_PER_KEY": "1000000"}) as base:
            limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)
            with httpx.Client(base_url=base, timeout=120, limits=limits) as http:
                http.get("/v1/health")

                def send(item: tuple[dict[str, Any], str, bool]) -> tuple[int, str | None, bool]:
                    body, idem, first = item
                    answer = http.post(
                        "/v1/bookings", json=body, headers={**headers, "Idempotency-Key": idem}
                    )
                    ident = answer.json().get("id") if answer.status_code == 201 else None
                    return answer.status_code, ident, first

                began = time.perf_counter()
                with ThreadPoolExecutor(max_workers=clients) as pool:
                    answers = list(pool.map(send, requests))
                wall = time.perf_counter() - began
        statuses = Counter(code for code, _, _ in answers)
        made = {ident for code, ident, _ in answers if code == 201}
        store = open_store(url)
        with store.unit_of_work(readonly=True) as uow:
            written = uow.appointments.list_between(
                WINDOW_START - timedelta(days=1), WINDOW_START + timedelta(days=40)
            )
        store.dispose()
        overlaps = 0
        by_attorney: dict[str, list[tuple[datetime, datetime]]] = {}
        for appointment in written:
            for attorney_id in appointment.attorney_ids:
                by_attorney.setdefault(attorney_id, []).append(
                    (appointment.starts_at, appointment.ends_at)
                )
        for spans in by_attorney.values():
            spans.sort()
            overlaps += sum(1 for a, b in itertools.pairwise(spans) if b[0] < a[1])
        return {
            "backend": backend,
            "workers": 1,
            "concurrent_clients": clients,
            "requests": len(requests),
            "distinct_targets": len(plan),
            "statuses": dict(statuses),
            "bookings_per_second": round(statuses[201] / wall, 1),
            "requests_per_second": round(len(requests) / wall, 1),
            "wall_seconds": round(wall, 2),
            "written": len(written),
            "lost": len(made - {a.id for a in written}),
            "unexpected_rows": len({a.id for a in written} - made),
            "overlapping_pairs": overlaps,
            "every_target_booked_once": statuses[201] == len(plan) == len(written),
        }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--backend", choices=("sqlite", "postgres", "both"), default="postgres")
    parser.add_argument("--bookings", type=int, default=1500)
    parser.add_argument("--clients", type=int, default=32)
    args = parser.parse_args()
    backends = ("postgres", "sqlite") if args.backend == "both" else (args.backend,)
    print(
        json.dumps(
            {
                "benchmark": "booking.throughput",
                "when": datetime.now(UTC).isoformat(timespec="seconds"),
                "machine": f"{platform.machine()}, {platform.python_version()}",
                "results": [run(b, args.bookings, args.clients) for b in backends],
            },
            indent=2,
        )
    )


if __name__ == "__main__":
    main()
