"""A worker process killed in the middle of a booking leaves nothing half-written, and the
client's retry with the same Idempotency-Key completes the booking exactly once.

``secretary serve --workers 2`` runs on PostgreSQL. The test holds the advisory lock of the
attorney the booking needs, so the booking's transaction stops half-way (its idempotency key
claimed, the firm's facts read) waiting for it; then every worker process is killed with SIGKILL.
The server's supervisor starts new workers; the dead transaction never commits.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import httpx
import pytest
from sqlalchemy import create_engine, text

from scheduler.demo import build_demo_firm
from scheduler.domain import Role
from scheduler.services.access import operator
from scheduler.services.firm import seed_demo_firm
from scheduler.services.keys import create_api_key
from scheduler.store import Store, make_engine, upgrade
from scheduler.store.uow import lock_number
from tests.api.booking_fixtures import _postgres_database

pytestmark = [pytest.mark.postgres, pytest.mark.slow]


def _children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            found.append(int(entry.name))
    return found


@pytest.fixture(scope="module")
def database() -> Iterator[str]:
    for url in _postgres_database():
        engine = make_engine(url)
        upgrade(engine)
        engine.dispose()
        store = Store(make_engine(url))
        with store.unit_of_work() as uow:
            seed_demo_firm(uow, operator(), datetime.now(UTC), build_demo_firm(date(2026, 12, 7)))
        store.dispose()
        yield url


@pytest.fixture(scope="module")
def server(database: str) -> Iterator[tuple[str, subprocess.Popen[bytes]]]:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    script = Path(sys.executable).parent / "secretary"
    command = [str(script)] if script.exists() else [sys.executable, "-m", "scheduler.cli"]
    env = {k: v for k, v in os.environ.items() if not k.startswith("SECRETARY_")}
    process = subprocess.Popen(
        [
            *command,
            "serve",
            "--port",
            str(port),
            "--workers",
            "2",
            "--db",
            database,
            "--background-interval",
            "0",
        ],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        _wait_healthy(base, process)
        yield base, process
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=10)


def _wait_healthy(base: str, process: subprocess.Popen[bytes], seconds: float = 90) -> None:
    deadline = time.monotonic() + seconds
    while True:
        try:
            if httpx.get(f"{base}/v1/health", timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        if process.poll() is not None or time.monotonic() > deadline:
            pytest.fail("the server did not (re)start")
        time.sleep(0.3)


def test_killed_worker_leaves_nothing_and_the_retry_books_once(
    server: tuple[str, subprocess.Popen[bytes]], database: str
) -> None:
    base, process = server
    store = Store(make_engine(database))
    with store.unit_of_work() as uow:
        key = create_api_key(uow, operator(), datetime.now(UTC), role=Role.SECRETARY).key
        matter = uow.matters.get("mat-003")
    headers = {"Authorization": f"Bearer {key}"}
    attorney = matter.responsible_attorneys[0]
    begin = datetime.now(UTC) + timedelta(days=3)
    slots = httpx.get(
        f"{base}/v1/availability",
        params={
            "attorney": attorney,
            "duration_minutes": 60,
            "start": begin.isoformat(),
            "end": (begin + timedelta(days=14)).isoformat(),
        },
        headers=headers,
        timeout=30,
    ).json()["slots"]
    start = slots[0]["start"]
    body = {
        "client": matter.client_id,
        "matter": matter.id,
        "attorneys": [attorney],
        "start": start,
        "duration_minutes": 60,
        "title": "Interrupted consultation",
    }
    retry_headers = {**headers, "Idempotency-Key": "killed-worker-1"}
    holder = create_engine(database, isolation_level="AUTOCOMMIT")
    name = holder.url.database
    with holder.connect() as lock_conn:
        lock_conn.execute(
            text("SELECT pg_advisory_lock(:k)"), {"k": lock_number(f"attorney:{attorney}")}
        )
        with ThreadPoolExecutor(1) as pool:
            pending = pool.submit(
                httpx.post, f"{base}/v1/bookings", json=body, headers=retry_headers, timeout=60
            )
            deadline = time.monotonic() + 30
            waiting = 0
            while time.monotonic() < deadline and not waiting:
                waiting = lock_conn.execute(
                    text(
                        "SELECT count(*) FROM pg_stat_activity WHERE datname = :db "
                        "AND wait_event_type = 'Lock' AND wait_event = 'advisory'"
                    ),
                    {"db": name},
                ).scalar_one()
                time.sleep(0.05)
            assert waiting, "the booking never reached the lock"
            workers = _children(process.pid)
            assert workers
            for pid in workers:
                os.kill(pid, signal.SIGKILL)
            with pytest.raises(httpx.HTTPError):
                pending.result(timeout=30)
        lock_conn.execute(
            text("SELECT pg_advisory_unlock(:k)"), {"k": lock_number(f"attorney:{attorney}")}
        )
    holder.dispose()

    moment = datetime.fromisoformat(start)
    # Nothing half-written: no appointment, no message, no remembered answer.
    with store.unit_of_work(readonly=True) as uow:
        assert uow.appointments.list_between(moment, moment + timedelta(hours=1)) == []
    with store.engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM idempotency_keys")).scalar_one() == 0

    _wait_healthy(base, process)  # the supervisor has started new workers
    first = httpx.post(f"{base}/v1/bookings", json=body, headers=retry_headers, timeout=60)
    again = httpx.post(f"{base}/v1/bookings", json=body, headers=retry_headers, timeout=60)
    assert first.status_code == 201, first.text
    assert again.status_code == 201 and again.json() == first.json()
    assert again.headers.get("Idempotent-Replayed") == "true"
    booked = first.json()["id"]
    with store.unit_of_work(readonly=True) as uow:
        there = uow.appointments.list_between(moment, moment + timedelta(hours=1))
        assert [a.id for a in there] == [booked]
        messages = uow.outbox.list(subject_id=booked)
    invitations = [m for m in messages if m.kind.value == "invitation"]
    assert sorted(m.recipient for m in invitations) == sorted(
        [f"client:{matter.client_id}", f"attorney:{attorney}"]
    )
    store.dispose()
