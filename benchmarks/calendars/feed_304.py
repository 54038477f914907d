"""A calendar polling an unchanged feed: how fast is the 304?

Run from the repository root:  python -m benchmarks.calendars.feed_304 [--size small|large]
Prints one JSON document. It seeds the demo firm into a temporary SQLite file, issues an attorney
feed and the firm-wide busy feed, fetches each once (rendered and cached), then repeats the
request with ``If-None-Match`` many times, in process:

- ``asgi``: the request handed straight to the FastAPI application as an ASGI call, which is what
  a server (uvicorn) does: middleware, routing, dependencies, the token lookup in the database,
  the cache, the headers. This is the figure the target is about.
- ``test_client``: the same through Starlette's TestClient, whose thread portal adds a few
  milliseconds of its own (shown for comparison).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import platform
import statistics
import tempfile
import time
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient

from api.app import create_app
from scheduler.clock import FixedClock
from scheduler.demo import LARGE, SMALL, build_demo_firm
from scheduler.domain import FeedKind
from scheduler.services.access import operator
from scheduler.services.calendars import issue_feed
from scheduler.services.firm import seed_demo_firm
from scheduler.settings import Settings
from scheduler.store import open_store

BASE = "http://127.0.0.1:8000"


async def asgi_get(app: Any, path: str, headers: dict[str, str]) -> int:
    """One GET through the ASGI interface, as a server would make it; the status it answered."""
    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "GET",
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "query_string": b"",
        "root_path": "",
        "headers": [(k.lower().encode(), v.encode()) for k, v in headers.items()]
        + [(b"host", b"127.0.0.1:8000")],
        "client": ("127.0.0.1", 50000),
        "server": ("127.0.0.1", 8000),
    }
    sent: list[dict[str, Any]] = []

    async def receive() -> dict[str, Any]:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    await app(scope, receive, send)
    status: int = sent[0]["status"]
    return status


async def time_asgi(app: Any, path: str, etag: str, count: int) -> list[float]:
    timings = []
    async with app.router.lifespan_context(app):
        for _ in range(count):
            started = time.perf_counter()
            status = await asgi_get(app, path, {"If-None-Match": etag})
            timings.append(time.perf_counter() - started)
            assert status == 304, status
    return sorted(timings)


def summary(timings: list[float]) -> dict[str, float]:
    return {
        "median": round(statistics.median(timings) * 1000, 3),
        "p95": round(timings[int(len(timings) * 0.95)] * 1000, 3),
        "max": round(timings[-1] * 1000, 3),
        "requests": len(timings),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--size", choices=("small", "large"), default="small")
    parser.add_argument("--requests", type=int, default=500)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    clock = FixedClock(datetime(2026, 12, 7, 13, tzinfo=UTC))
    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite:///{Path(folder) / 'bench.db'}"
        store = open_store(url)
        demo = build_demo_firm(
            date(2026, 12, 7), seed=args.seed, size=SMALL if args.size == "small" else LARGE
        )
        with store.unit_of_work() as uow:
            seed_demo_firm(uow, operator(), clock.now(), demo)
        busiest = max(
            demo.attorneys, key=lambda a: sum(a.id in x.attorney_ids for x in demo.appointments)
        )
        feeds = {}
        for kind, subject in ((FeedKind.ATTORNEY, busiest.id), (FeedKind.FIRM_BUSY, None)):
            with store.unit_of_work() as uow:
                issued = issue_feed(
                    uow, operator(), clock.now(), kind=kind, subject_id=subject, base_url=BASE
                )
            feeds[kind.value] = issued.url.removeprefix(BASE)
        app = create_app(Settings(database_url=url, base_url=BASE), store=store, clock=clock)
        results = {}
        with TestClient(app) as client:
            for name, path in feeds.items():
                started = time.perf_counter()
                first = client.get(path)
                cold = time.perf_counter() - started
                etag = first.headers["etag"]
                through_client = []
                for _ in range(args.requests):
                    started = time.perf_counter()
                    answer = client.get(path, headers={"If-None-Match": etag})
                    through_client.append(time.perf_counter() - started)
                    assert answer.status_code == 304
                direct = asyncio.run(time_asgi(app, path, etag, args.requests))
                results[name] = {
                    "feed_bytes": len(first.content),
                    "events": first.content.count(b"BEGIN:VEVENT"),
                    "first_request_ms": round(cold * 1000, 2),
                    "repeat_304_ms_asgi": summary(direct),
                    "repeat_304_ms_test_client": summary(sorted(through_client)),
                    "met": statistics.median(direct) < 0.005,
                }
        store.dispose()
    print(
        json.dumps(
            {
                "benchmark": "feed_304",
                "size": args.size,
                "seed": args.seed,
                "database": "SQLite (temporary file)",
                "feeds": results,
                "target_ms": 5,
                "python": platform.python_version(),
            },
            indent=2,
        )
    )


if __name__ == "__main__":
    main()
