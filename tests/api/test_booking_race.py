"""Many clients racing for the same slots, against a real server with several worker processes.

``secretary serve --workers 3`` runs on a free 127.0.0.1 port against this module's own database
(SQLite, then PostgreSQL), with the system clock; the test stops it. Exactly one request per slot
wins, every other one gets 409 with alternatives, and retries with one Idempotency-Key create one
booking between them.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest

from scheduler.domain import Role
from scheduler.services.access import operator
from scheduler.services.keys import create_api_key
from scheduler.store import Store
from tests.api.booking_fixtures import *  # noqa: F403  (module-scoped demo firm per backend)

WORKERS = 3
CONTENDERS_PER_SLOT = 8
SLOTS = 5


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def _secretary() -> list[str]:
    script = Path(sys.executable).parent / "secretary"
    if script.exists():
        return [str(script)]
    return [sys.executable, "-c", "from scheduler.cli import main; main()"]


@pytest.fixture(scope="module")
def server(module_url: str, demo_store: Store) -> Iterator[str]:
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("SECRETARY_")}
    process = subprocess.Popen(
        [
            *_secretary(),
            "serve",
            "--port",
            str(port),
            "--workers",
            str(WORKERS),
            "--db",
            module_url,
        ],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        start_new_session=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 90
        while True:
            try:
                if httpx.get(f"{base}/v1/health", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if process.poll() is not None or time.monotonic() > deadline:
                err = process.stderr.read().decode() if process.stderr else ""
                pytest.fail(f"the server did not start: {err[-2000:]}")
            time.sleep(0.3)
        yield base
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=10)


@pytest.fixture(scope="module")
def staff_key(demo_store: Store) -> dict[str, str]:
    with demo_store.unit_of_work() as uow:
        issued = create_api_key(uow, operator(), datetime.now(UTC), role=Role.SECRETARY)
    return {"Authorization": f"Bearer {issued.key}"}


def _target_slots(base: str, headers: dict[str, str], attorney: str, count: int) -> list[str]:
    """Free starts at least two days ahead of the real clock (the server runs on it)."""
    begin = datetime.now(UTC) + timedelta(days=2)
    response = httpx.get(
        f"{base}/v1/availability",
        params={
            "attorney": attorney,
            "duration_minutes": 60,
            "start": begin.isoformat(),
            "end": (begin + timedelta(days=21)).isoformat(),
            "limit": 2000,
        },
        headers=headers,
        timeout=30,
    )
    assert response.status_code == 200, response.text
    starts = [s["start"] for s in response.json()["slots"]]
    # Non-overlapping hours apart, so each slot is its own race.
    chosen: list[str] = []
    for start in starts:
        moment = datetime.fromisoformat(start)
        if all(abs(moment - datetime.fromisoformat(c)) >= timedelta(hours=2) for c in chosen):
            chosen.append(start)
        if len(chosen) == count:
            return chosen
    pytest.fail("not enough free slots to race for")


def _post_all(
    base: str, requests: list[tuple[dict[str, Any], dict[str, str]]]
) -> list[httpx.Response]:
    limits = httpx.Limits(max_connections=len(requests), max_keepalive_connections=len(requests))
    with (
        httpx.Client(base_url=base, timeout=120, limits=limits) as client,
        ThreadPoolExecutor(max_workers=len(requests)) as pool,
    ):
        return list(
            pool.map(lambda r: client.post("/v1/bookings", json=r[0], headers=r[1]), requests)
        )


def test_racing_clients_get_exactly_one_booking_per_slot(
    server: str, staff_key: dict[str, str], demo_store: Store
) -> None:
    with demo_store.unit_of_work(readonly=True) as uow:
        matter = uow.matters.get("mat-001")
    attorney = matter.responsible_attorneys[0]
    targets = _target_slots(server, staff_key, attorney, SLOTS)
    requests = [
        (
            {
                "client": matter.client_id,
                "matter": matter.id,
                "attorneys": [attorney],
                "start": start,
                "duration_minutes": 60,
                "needs_room": False,
                "title": f"Race {i}-{n}",
            },
            {**staff_key, "Idempotency-Key": f"race-{i}-{n}"},
        )
        for n in range(CONTENDERS_PER_SLOT)
        for i, start in enumerate(targets)
    ]
    answers = _post_all(server, requests)
    assert Counter(r.status_code for r in answers) == {
        201: SLOTS,
        409: SLOTS * (CONTENDERS_PER_SLOT - 1),
    }, [r.text for r in answers if r.status_code not in (201, 409)]
    winners = [r.json() for r in answers if r.status_code == 201]
    assert sorted(w["start"] for w in winners) == sorted(targets)
    for (body, _), answer in zip(requests, answers, strict=True):
        if answer.status_code == 409:
            assert answer.headers["content-type"].startswith("application/problem+json")
            assert body["start"] not in {a["start"] for a in answer.json()["alternatives"]}
    with demo_store.unit_of_work(readonly=True) as uow:
        for start in targets:
            moment = datetime.fromisoformat(start)
            there = uow.appointments.list_between(
                moment, moment + timedelta(minutes=60), attorney_ids=[attorney]
            )
            assert len(there) == 1, start


def test_concurrent_retries_with_one_key_create_one_booking(
    server: str, staff_key: dict[str, str], demo_store: Store
) -> None:
    with demo_store.unit_of_work(readonly=True) as uow:
        matter = uow.matters.get("mat-002")
    attorney = matter.responsible_attorneys[0]
    [start] = _target_slots(server, staff_key, attorney, 1)
    body = {
        "client": matter.client_id,
        "matter": matter.id,
        "attorneys": [attorney],
        "start": start,
        "duration_minutes": 60,
        "needs_room": False,
        "title": "One retried request",
    }
    answers = _post_all(server, [(body, {**staff_key, "Idempotency-Key": "same-key"})] * 10)
    assert {r.status_code for r in answers} == {201}
    assert len({r.json()["id"] for r in answers}) == 1
    assert sum(r.headers.get("idempotent-replayed") == "true" for r in answers) == 9
    with demo_store.unit_of_work(readonly=True) as uow:
        made = [
            a
            for a in uow.appointments.list_for_client(matter.client_id)
            if a.title == "One retried request"
        ]
    assert len(made) == 1
