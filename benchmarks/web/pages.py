"""How long the server takes to answer the web pages, in process (no network, no browser).

Seeded: the demo firm (``--size small`` or ``large``) in a fresh SQLite file, with a fixed clock
(Monday 7 December 2026, 08:00 in New York). Times, in milliseconds:

- ``times_page``: ``GET /book/{token}`` for a new link (a week of free times, and the search for
  the first free week), each for a different client's link, in the client's zone;
- ``book_flow``: hold a time, show the review page, confirm it (three requests, a booking with its
  invitations, reminders and audit entries);
- ``board``: ``GET /board`` for a working day, signed in.

Run from the repository root:  python -m benchmarks.web.pages --size small --seed 7 --n 40
"""

from __future__ import annotations

import argparse
import json
import random
import re
import statistics
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient

from api.app import create_app
from scheduler.clock import FixedClock
from scheduler.demo import LARGE, SMALL, build_demo_firm
from scheduler.domain import Role
from scheduler.services import links
from scheduler.services.access import operator
from scheduler.services.firm import seed_demo_firm
from scheduler.services.keys import create_api_key
from scheduler.settings import Settings
from scheduler.store import open_store

NOW = datetime(2026, 12, 7, 13, 0, tzinfo=UTC)


def summary(samples: list[float]) -> dict[str, float]:
    ordered = sorted(samples)

    def pct(p: float) -> float:
        return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]

    return {
        "n": len(ordered),
        "p50_ms": round(pct(50), 2),
        "p95_ms": round(pct(95), 2),
        "max_ms": round(ordered[-1], 2),
        "mean_ms": round(statistics.fmean(ordered), 2),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", choices=("small", "large"), default="small")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--n", type=int, default=40, help="Requests of each kind.")
    args = parser.parse_args()
    rng = random.Random(args.seed)

    folder = Path(tempfile.mkdtemp(prefix="bench-web-"))
    url = f"sqlite:///{folder / 'web.db'}"
    store = open_store(url)
    firm = build_demo_firm(
        date(2026, 12, 7), seed=args.seed, size=SMALL if args.size == "small" else LARGE
    )
    with store.unit_of_work() as uow:
        seed_demo_firm(uow, operator(), NOW, firm)
    with store.unit_of_work() as uow:
        staff = create_api_key(uow, operator(), NOW, role=Role.SECRETARY).key

    bookable = []
    with store.unit_of_work(readonly=True) as uow:
        for matter in uow.matters.list():
            walled = set(matter.screened_attorneys)
            free = [a for a in matter.responsible_attorneys if a not in walled]
            if matter.status == "open" and free:
                bookable.append(matter)
    rng.shuffle(bookable)

    def issue(index: int) -> str:
        matter = bookable[index % len(bookable)]
        with store.unit_of_work() as uow:
            return links.create_link(
                uow,
                operator(),
                NOW,
                client_id=matter.client_id,
                matter_id=matter.id,
                duration_minutes=rng.choice((30, 45, 60)),
                base_url="http://bench",
            ).token

    clock = FixedClock(NOW)
    app = create_app(Settings(database_url=url), store=store, clock=clock)
    results: dict[str, Any] = {
        "size": args.size,
        "seed": args.seed,
        "attorneys": len(firm.attorneys),
        "appointments": len(firm.appointments),
    }
    with TestClient(app, base_url="http://bench") as http:
        http.get("/static/site.css")  # warm up imports and templates
        times: list[float] = []
        flows: list[float] = []
        for i in range(args.n):
            token = issue(i)
            started = time.perf_counter()
            page = http.get(f"/book/{token}?tz=America/Chicago")
            times.append((time.perf_counter() - started) * 1000)
            assert page.status_code == 200, page.status_code
            starts = re.findall(r'name="start" id="[^"]+" value="([^"]+)"', page.text)
            if not starts:
                continue
            chosen = rng.choice(starts)
            started = time.perf_counter()
            held = http.post(
                f"/book/{token}/hold",
                data={"start": chosen, "tz": "America/Chicago", "lang": "en"},
                follow_redirects=False,
            )
            review = http.get(held.headers["location"])
            hold = re.search(r'name="hold" value="([^"]+)"', review.text)
            assert hold is not None
            done = http.post(
                f"/book/{token}/confirm",
                data={"start": chosen, "hold": hold.group(1), "tz": "America/Chicago"},
                follow_redirects=False,
            )
            flows.append((time.perf_counter() - started) * 1000)
            assert "done=booked" in done.headers["location"], done.status_code
        login = http.get("/board/login")
        csrf = re.search(r'name="csrf" value="([^"]+)"', login.text)
        assert csrf is not None
        http.post("/board/login", data={"api_key": staff, "csrf": csrf.group(1)})
        boards: list[float] = []
        for i in range(args.n):
            day = date(2026, 12, 7) + timedelta(days=i % 5)
            started = time.perf_counter()
            board = http.get(f"/board?date={day.isoformat()}")
            boards.append((time.perf_counter() - started) * 1000)
            assert board.status_code == 200 and "Deadlines this week" in board.text
    results["times_page"] = summary(times)
    results["book_flow"] = summary(flows)
    results["board"] = summary(boards)
    store.dispose()
    print(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
