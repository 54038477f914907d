"""The database away for a moment: a clear 503 with Retry-After, and recovery without a restart.

PostgreSQL is reached through a TCP proxy that the test cuts and restores (the server itself,
which other test sessions share, is never stopped). Cutting drops every pooled connection and
refuses new ones, as a restart or a network outage would.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import date

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.engine import make_url

from api.app import create_app
from benchmarks.load.proxy import TcpProxy
from scheduler.clock import FixedClock
from scheduler.demo import build_demo_firm
from scheduler.domain import Role
from scheduler.services.access import operator
from scheduler.services.firm import seed_demo_firm
from scheduler.services.keys import create_api_key
from scheduler.settings import Settings
from scheduler.store import Store, make_engine
from tests.conftest import _truncate_all

pytestmark = pytest.mark.postgres


@pytest.fixture
def through_proxy(postgres_url: str, clock: FixedClock) -> Iterator[tuple[TcpProxy, str, str]]:
    direct = Store(make_engine(postgres_url))
    _truncate_all(direct)  # the session's database is shared with other tests: start clean
    with direct.unit_of_work() as uow:
        seed_demo_firm(uow, operator(), clock.now(), build_demo_firm(date(2026, 12, 7)))
    with direct.unit_of_work() as uow:
        key = create_api_key(uow, operator(), clock.now(), role=Role.SECRETARY).key
    url = make_url(postgres_url)
    proxy = TcpProxy(url.host or "127.0.0.1", url.port or 5432)
    proxied = url.set(host="127.0.0.1", port=proxy.port).render_as_string(hide_password=False)
    try:
        yield proxy, proxied, key
    finally:
        proxy.close()
        _truncate_all(direct)
        direct.dispose()


def test_503_with_retry_after_while_away_and_recovery_after(
    through_proxy: tuple[TcpProxy, str, str], clock: FixedClock
) -> None:
    proxy, url, key = through_proxy
    app = create_app(Settings(database_url=url), clock=clock)
    headers = {"Authorization": f"Bearer {key}"}
    with TestClient(app, raise_server_exceptions=False) as client:
        for _ in range(3):  # warm: the pool holds connections through the proxy
            assert client.get("/v1/bookings", headers=headers).status_code == 200
        assert proxy.connections > 0

        proxy.cut()
        away = [client.get("/v1/bookings", headers=headers) for _ in range(3)]
        for answer in away:
            assert answer.status_code == 503
            assert answer.headers["content-type"].startswith("application/problem+json")
            assert int(answer.headers["Retry-After"]) >= 1
            assert "cannot be reached" in answer.json()["detail"]
            assert "psycopg" not in answer.text and "SELECT" not in answer.text
        booking = client.post(
            "/v1/bookings",
            headers={**headers, "Idempotency-Key": "outage-1"},
            json={
                "client": "cli-1",
                "matter": "mat-1",
                "attorneys": ["att-1"],
                "start": "2026-12-08T10:00:00-05:00",
                "duration_minutes": 60,
                "title": "x",
            },
        )
        assert booking.status_code == 503

        proxy.restore()
        deadline = time.monotonic() + 10
        statuses = []
        while time.monotonic() < deadline:
            statuses.append(client.get("/v1/bookings", headers=headers).status_code)
            if statuses[-1] == 200:
                break
        # The same process recovers by itself: at most the requests that met a connection
        # dropped under them fail, then fresh connections are opened.
        assert statuses[-1] == 200
        assert statuses.count(503) <= 2
        assert client.get("/v1/attorneys", headers=headers).status_code == 200
