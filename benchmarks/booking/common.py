"""Shared set-up for the booking benchmarks: a seeded firm in a fresh database, a server."""

from __future__ import annotations

import os
import random
import secrets
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from scheduler.domain import (
    Appointment,
    AppointmentStatus,
    Attorney,
    BusyBlock,
    Client,
    Firm,
    Matter,
    Role,
    Room,
    WeeklyHours,
)
from scheduler.services.access import operator
from scheduler.services.keys import create_api_key
from scheduler.store import Store, open_store

ADMIN_PG = os.environ.get(
    "SECRETARY_BENCH_POSTGRES_URL", "postgresql+psycopg://root@127.0.0.1:5432/test"
)
ZONES = ("America/New_York", "America/Los_Angeles", "America/Chicago")
HOURS = WeeklyHours.from_json(
    {d: ["09:00-12:30", "13:30-17:30"] for d in ("mon", "tue", "wed", "thu", "fri")}
)


def _window_start() -> datetime:
    """Midnight in New York of the first Monday at least 14 days from today: the query window
    starts there, in the future of the server's real clock."""
    today = datetime.now(UTC).date() + timedelta(days=14)
    monday = today + timedelta(days=(7 - today.weekday()) % 7)
    return datetime(monday.year, monday.month, monday.day, 5, 0, tzinfo=UTC)


WINDOW_START = _window_start()


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    k = max(0, min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1))))
    return ordered[k]


def summary_ms(seconds: list[float]) -> dict[str, float]:
    ms = [s * 1000 for s in seconds]
    return {
        "p50_ms": round(statistics.median(ms), 3),
        "p95_ms": round(percentile(ms, 95), 3),
        "p99_ms": round(percentile(ms, 99), 3),
        "mean_ms": round(statistics.fmean(ms), 3),
        "n": len(ms),
    }


@contextmanager
def database(backend: str) -> Iterator[str]:
    """A fresh, migrated database URL (a temporary SQLite file, or a new PostgreSQL database)."""
    if backend == "sqlite":
        with tempfile.TemporaryDirectory() as folder:
            url = f"sqlite:///{Path(folder) / 'bench.db'}"
            open_store(url).dispose()
            yield url
        return
    admin = create_engine(ADMIN_PG, isolation_level="AUTOCOMMIT")
    name = f"secretary_bench_{os.getpid()}_{secrets.token_hex(3)}"
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    url = make_url(ADMIN_PG).set(database=name).render_as_string(hide_password=False)
    try:
        open_store(url).dispose()
        yield url
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def seed_firm(
    store: Store,
    *,
    attorneys: int,
    appointments_each: int,
    busy_each: int,
    spread_days: int,
    before_days: int = 7,
    seed: int = 42,
    clients: int = 50,
) -> list[str]:
    """A firm whose attorneys each carry ``appointments_each`` meetings and ``busy_each``
    imported busy blocks, spread over ``spread_days`` from ``before_days`` before
    :data:`WINDOW_START`.

    Meetings are 30 minutes on a half-hour grid, around the clock when dense; returns the
    attorney ids.
    """
    rng = random.Random(seed)
    now = WINDOW_START - timedelta(days=30)
    ids = [f"att-{i:02d}" for i in range(attorneys)]
    with store.unit_of_work() as uow:
        uow.firm.save(
            Firm(
                "Bench LLP",
                "America/New_York",
                "1 Bench St",
                "office@bench.example",
                min_notice_business_hours=4,
            )
        )
        for i, attorney_id in enumerate(ids):
            uow.attorneys.add(
                Attorney(
                    attorney_id,
                    f"Attorney {i}",
                    f"{attorney_id}@bench.example",
                    ZONES[i % len(ZONES)],
                    HOURS,
                    buffer_minutes=(0, 10, 15)[i % 3],
                )
            )
        for c in range(clients):
            uow.clients.add(Client(f"cli-{c:03d}", f"Client {c}", f"c{c}@clients.example"))
            uow.matters.add(
                Matter(
                    f"mat-{c:03d}",
                    f"cli-{c:03d}",
                    f"Matter {c}",
                    "US-FED",
                    "Litigation",
                    (ids[c % len(ids)],),
                )
            )
        uow.rooms.add(Room("room-1", "Hudson", location="New York"))
        uow.rooms.add(Room("room-2", "Pacific", location="Los Angeles"))
        first = WINDOW_START - timedelta(days=before_days)
        half_hours = spread_days * 48
        for attorney_id in ids:
            uow.busy.add_source(f"src-{attorney_id}", attorney_id, "url", "Court calendar")
            uow.busy.replace_source(
                f"src-{attorney_id}",
                [
                    BusyBlock(
                        attorney_id, start, start + timedelta(minutes=rng.choice((30, 60, 90)))
                    )
                    for start in (
                        first
                        + timedelta(minutes=30 * rng.randrange(half_hours))
                        + timedelta(seconds=rng.randrange(60))
                        for _ in range(busy_each)
                    )
                ],
            )
        count = 0
        for a, attorney_id in enumerate(ids):
            for k in sorted(rng.sample(range(half_hours), appointments_each)):
                start = first + timedelta(minutes=30 * k)
                c = rng.randrange(clients)
                uow.appointments.add(
                    Appointment(
                        id=f"apt-{a:02d}-{k:05d}",
                        uid=f"{a}-{k}@bench.example",
                        client_id=f"cli-{c:03d}",
                        matter_id=f"mat-{c:03d}",
                        attorney_ids=(attorney_id,),
                        starts_at=start,
                        ends_at=start + timedelta(minutes=30),
                        title="Existing meeting",
                        status=AppointmentStatus.CONFIRMED,
                        buffer_minutes=0,
                        created_at=now,
                        updated_at=now,
                    )
                )
                count += 1
        uow.commit()
    return ids


def staff_key(store: Store) -> str:
    with store.unit_of_work() as uow:
        issued = create_api_key(uow, operator(), datetime.now(UTC), role=Role.SECRETARY)
    return issued.key


@contextmanager
def server(url: str, workers: int = 1, settings: dict[str, str] | None = None) -> Iterator[str]:
    """``secretary serve`` on a free 127.0.0.1 port; stopped when the block ends. ``settings``:
    extra ``SECRETARY_*`` environment variables for it."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    script = Path(sys.executable).parent / "secretary"
    command = (
        [str(script)]
        if script.exists()
        else [sys.executable, "-c", "from scheduler.cli import main; main()"]
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith("SECRETARY_")}
    env.update(settings or {})
    process = subprocess.Popen(
        [*command, "serve", "--port", str(port), "--workers", str(workers), "--db", url],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                if httpx.get(f"{base}/v1/health", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError("the server did not start")
            time.sleep(0.3)
        yield base
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=10)
