"""The load: many clients using the booking API at once, from a process of its own.

    python -m benchmarks.load.driver --plan plan.json --out result.json

Started by :mod:`benchmarks.load.run`, which writes the plan (the server's address, the clients
with their keys, matters and attorneys, the storm's slots, how long to run). Each client loops:
look at free times, book one, later move it or cancel it, with a short pause between steps. The
storm's clients all race for the same few slots; a winner cancels after a moment so the race goes
on. Every change carries an Idempotency-Key and is retried with the same key after a dropped
connection, a 503 or a 429 (waiting as Retry-After says), so a client always learns how its
request ended. Writes every request (route, status, latency, time) and every booking's last known
state to the result file.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import time
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

import httpx

RETRYABLE = {429, 502, 503, 504}


@dataclass
class Record:
    route: str
    status: int  # 0: the connection failed (no answer)
    started: float  # wall clock, seconds since the epoch
    latency: float
    problem: str = ""  # for 5xx answers: the problem type


@dataclass
class Booking:
    id: str
    start: str
    status: str
    sequence: int
    storm: bool = False


@dataclass
class Shared:
    base: str
    records: list[Record] = field(default_factory=list)
    bookings: dict[str, Booking] = field(default_factory=dict)
    gave_up: list[str] = field(default_factory=list)


async def call(
    shared: Shared,
    http: httpx.AsyncClient,
    method: str,
    route: str,
    path: str,
    headers: dict[str, str],
    *,
    json_body: dict[str, Any] | None = None,
    params: dict[str, Any] | None = None,
    retry_until: float = 0.0,
) -> httpx.Response | None:
    """One request; retried (same headers, so the same Idempotency-Key) until ``retry_until``
    after a failed connection, a 503 or a 429. None if it never got an answer."""
    while True:
        began = time.time()
        clock = time.perf_counter()
        try:
            answer = await http.request(
                method, path, headers=headers, json=json_body, params=params
            )
        except httpx.HTTPError:
            shared.records.append(Record(route, 0, began, time.perf_counter() - clock))
            if time.time() >= retry_until:
                return None
            await asyncio.sleep(0.2)
            continue
        problem = ""
        if answer.status_code >= 500:
            try:
                problem = str(answer.json().get("type", "")).rsplit("/", 1)[-1]
            except ValueError:
                problem = "not json"
        record = Record(route, answer.status_code, began, time.perf_counter() - clock, problem)
        shared.records.append(record)
        if answer.status_code in RETRYABLE and time.time() < retry_until:
            wait = float(answer.headers.get("Retry-After", "1") or 1)
            await asyncio.sleep(min(wait, 2.0) * random.uniform(0.5, 1.0))
            continue
        return answer


def remember(shared: Shared, body: dict[str, Any], storm: bool = False) -> Booking:
    booking = Booking(body["id"], body["start"], body["status"], body["sequence"], storm)
    shared.bookings[booking.id] = booking
    return booking


async def free_starts(
    shared: Shared, http: httpx.AsyncClient, client: dict[str, Any], rng: random.Random
) -> list[str]:
    first = datetime.fromisoformat(client["window_start"]) + timedelta(days=rng.randrange(21))
    answer = await call(
        shared,
        http,
        "GET",
        "GET /v1/availability",
        "/v1/availability",
        client["headers"],
        params={
            "attorney": client["attorney"],
            "duration_minutes": 60,
            "start": first.isoformat(),
            "end": (first + timedelta(days=7)).isoformat(),
            "matter": client["matter"],
        },
    )
    if answer is None or answer.status_code != 200:
        return []
    return [s["start"] for s in answer.json()["slots"]]


async def regular_client(
    shared: Shared, http: httpx.AsyncClient, client: dict[str, Any], stop_at: float, seed: int
) -> None:
    rng = random.Random(seed)
    mine: Booking | None = None
    drain = stop_at + 30
    await asyncio.sleep(rng.uniform(0, 2.0))
    while time.time() < stop_at:
        starts = await free_starts(shared, http, client, rng)
        if starts and (mine is None or mine.status == "cancelled"):
            body = {
                "client": client["id"],
                "matter": client["matter"],
                "attorneys": [client["attorney"]],
                "start": rng.choice(starts),
                "duration_minutes": 60,
                "title": "Consultation",
            }
            key = {**client["headers"], "Idempotency-Key": str(uuid.uuid4())}
            answer = await call(
                shared,
                http,
                "POST",
                "POST /v1/bookings",
                "/v1/bookings",
                key,
                json_body=body,
                retry_until=drain,
            )
            if answer is None:
                shared.gave_up.append(key["Idempotency-Key"])
            elif answer.status_code == 201:
                mine = remember(shared, answer.json())
        elif starts and mine is not None and rng.random() < 0.6:
            key = {**client["headers"], "Idempotency-Key": str(uuid.uuid4())}
            answer = await call(
                shared,
                http,
                "POST",
                "POST /v1/bookings/{id}/reschedule",
                f"/v1/bookings/{mine.id}/reschedule",
                key,
                json_body={"start": rng.choice(starts)},
                retry_until=drain,
            )
            if answer is None:
                shared.gave_up.append(key["Idempotency-Key"])
            elif answer.status_code == 200:
                mine = remember(shared, answer.json())
        elif mine is not None:
            key = {**client["headers"], "Idempotency-Key": str(uuid.uuid4())}
            answer = await call(
                shared,
                http,
                "POST",
                "POST /v1/bookings/{id}/cancel",
                f"/v1/bookings/{mine.id}/cancel",
                key,
                retry_until=drain,
            )
            if answer is None:
                shared.gave_up.append(key["Idempotency-Key"])
            elif answer.status_code == 200:
                mine = remember(shared, answer.json())
        await asyncio.sleep(rng.uniform(0.05, 0.4))


async def storm_client(
    shared: Shared,
    http: httpx.AsyncClient,
    storm: dict[str, Any],
    me: dict[str, Any],
    stop_at: float,
    seed: int,
) -> None:
    rng = random.Random(seed)
    drain = stop_at + 30
    while time.time() < stop_at:
        body = {
            "client": me["id"],
            "matter": me["matter"],
            "attorneys": [storm["attorney"]],
            "start": rng.choice(storm["starts"]),
            "duration_minutes": 60,
            "title": "Storm",
        }
        key = {**me["headers"], "Idempotency-Key": str(uuid.uuid4())}
        answer = await call(
            shared,
            http,
            "POST",
            "POST /v1/bookings (storm)",
            "/v1/bookings",
            key,
            json_body=body,
            retry_until=drain,
        )
        if answer is None:
            shared.gave_up.append(key["Idempotency-Key"])
        elif answer.status_code == 201:
            won = remember(shared, answer.json(), storm=True)
            await asyncio.sleep(rng.uniform(0.2, 0.6))
            cancel_key = {**me["headers"], "Idempotency-Key": str(uuid.uuid4())}
            answer = await call(
                shared,
                http,
                "POST",
                "POST /v1/bookings/{id}/cancel (storm)",
                f"/v1/bookings/{won.id}/cancel",
                cancel_key,
                retry_until=drain,
            )
            if answer is None:
                shared.gave_up.append(cancel_key["Idempotency-Key"])
            elif answer.status_code == 200:
                remember(shared, answer.json(), storm=True)
        await asyncio.sleep(rng.uniform(0.02, 0.15))


async def main_async(plan: dict[str, Any]) -> dict[str, Any]:
    shared = Shared(plan["base"])
    began = time.time()
    stop_at = began + plan["seconds"]
    # Each simulated client has a connection of its own, as a browser would: one shared pool
    # of hundreds of connections costs the driver more CPU than the server spends answering.
    limits = httpx.Limits(max_connections=1, max_keepalive_connections=1)

    def connection() -> httpx.AsyncClient:
        return httpx.AsyncClient(base_url=plan["base"], timeout=60, limits=limits)

    async def regular(client: dict[str, Any], seed: int) -> None:
        async with connection() as http:
            await regular_client(shared, http, client, stop_at, seed)

    async def storm(me: dict[str, Any], seed: int) -> None:
        async with connection() as http:
            await storm_client(shared, http, plan["storm"], me, stop_at, seed)

    tasks = [
        regular(client, plan["seed"] * 100_000 + n) for n, client in enumerate(plan["clients"])
    ]
    tasks += [storm(me, plan["seed"] * 7_000 + n) for n, me in enumerate(plan["storm"]["clients"])]
    await asyncio.gather(*tasks)
    return {
        "began": began,
        "ended": time.time(),
        "clients": len(plan["clients"]),
        "storm_clients": len(plan["storm"]["clients"]),
        "records": [[r.route, r.status, r.started, r.latency, r.problem] for r in shared.records],
        "bookings": {
            b.id: {"start": b.start, "status": b.status, "sequence": b.sequence, "storm": b.storm}
            for b in shared.bookings.values()
        },
        "gave_up": shared.gave_up,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--plan", required=True)
    parser.add_argument("--out", required=True)
    args = parser.parse_args()
    with open(args.plan, encoding="utf-8") as handle:
        plan = json.load(handle)
    random.seed(plan["seed"])
    result = asyncio.run(main_async(plan))
    with open(args.out, "w", encoding="utf-8") as handle:
        json.dump(result, handle)


if __name__ == "__main__":
    main()
