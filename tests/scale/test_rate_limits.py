"""Rate limits per API key and per booking link: counted in the database, shared by workers."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

import pytest
from fastapi import APIRouter, Depends
from fastapi.testclient import TestClient
from sqlalchemy import text

from api.app import create_app
from api.deps import link_policy, rate_limited
from scheduler.clock import FixedClock
from scheduler.demo import build_demo_firm
from scheduler.domain import Role
from scheduler.services import ratelimit
from scheduler.services.access import operator
from scheduler.services.firm import seed_demo_firm
from scheduler.services.keys import authenticate, create_api_key, hash_secret
from scheduler.services.ratelimit import RateLimit, decide
from scheduler.settings import Settings
from scheduler.store import Store, make_engine

# --- The sliding window, pure ------------------------------------------------------------------


def test_requests_within_the_limit_pass() -> None:
    policy = RateLimit(10, 60)
    assert decide(10, 0, 30.0, policy).allowed
    assert not decide(11, 0, 30.0, policy).allowed


def test_the_previous_window_counts_less_as_time_goes_by() -> None:
    policy = RateLimit(10, 60)
    # 10 hits last minute, 3 in this one: 6 seconds in, 10 * 0.9 + 3 = 12 > 10.
    assert not decide(3, 10, 6.0, policy).allowed
    # 48 seconds in: 10 * 0.2 + 3 = 5.
    assert decide(3, 10, 48.0, policy).allowed


def test_retry_after_is_when_one_more_request_would_pass() -> None:
    policy = RateLimit(10, 60)
    refused = decide(11, 0, 30.0, policy)
    assert not refused.allowed
    wait = refused.retry_after_seconds
    # In the next window, after ``wait - 30`` seconds, the 11 hits weigh at most 9.
    assert decide(1, 11, wait - 30.0, policy).allowed
    assert not decide(1, 11, wait - 30.0 - 2.0, policy).allowed
    # Within this window, when the previous window's share has faded enough.
    refused = decide(5, 10, 0.0, policy)
    assert not refused.allowed
    assert decide(6, 10, float(refused.retry_after_seconds), policy).allowed


def test_no_limit_when_zero(store: Store) -> None:
    with store.unit_of_work(autocommit=True) as uow:
        for _ in range(5):
            assert ratelimit.hit(uow, "api_key", "k", RateLimit(0)).allowed
        uow.commit()


# --- Counted in the database, shared by every process ------------------------------------------


def test_two_workers_share_one_count(store: Store, database_url: str) -> None:
    second = Store(make_engine(database_url))
    policy = RateLimit(5, 60)
    try:
        decisions = []
        for n in range(8):
            with (store if n % 2 else second).unit_of_work(autocommit=True) as uow:
                decisions.append(ratelimit.hit(uow, "api_key", "key:k-1", policy))
                uow.commit()
        with store.unit_of_work(autocommit=True) as uow:
            other = ratelimit.hit(uow, "api_key", "key:k-2", policy)
            uow.commit()
    finally:
        second.dispose()
    assert [d.allowed for d in decisions] == [True] * 5 + [False] * 3
    assert all(1 <= d.retry_after_seconds <= 120 for d in decisions[5:])
    assert other.allowed and other.remaining == 4


def test_stale_counters_are_purged(store: Store) -> None:
    with store.unit_of_work(autocommit=True) as uow:
        ratelimit.hit(uow, "booking_link", "sha256:x", RateLimit(5))
        uow.commit()
    with store.unit_of_work() as uow:
        assert uow.rate_limits.purge(3600) == 0
        assert uow.rate_limits.purge(-1) == 1
        uow.commit()


# --- Over HTTP ------------------------------------------------------------------------------------


@pytest.fixture
def limited(
    store: Store, database_url: str, clock: FixedClock
) -> Iterator[tuple[TestClient, Store]]:
    with store.unit_of_work() as uow:
        seed_demo_firm(uow, operator(), clock.now(), build_demo_firm(date(2026, 12, 7)))
    settings = Settings(database_url=database_url, rate_limit_per_key=3, rate_limit_per_link=2)
    app = create_app(settings, store=store, clock=clock)
    links = APIRouter()

    @links.get(
        "/v1/test-links/{token}",
        dependencies=[
            Depends(rate_limited("booking_link", path_param="token", policy=link_policy))
        ],
    )
    def open_link(token: str) -> dict[str, int]:
        return {"length": len(token)}

    app.include_router(links)
    with TestClient(app, raise_server_exceptions=False) as client:
        yield client, store


def test_a_key_over_its_limit_gets_429_with_retry_after(
    limited: tuple[TestClient, Store], clock: FixedClock
) -> None:
    client, store = limited
    keys = []
    for _ in range(2):
        with store.unit_of_work() as uow:
            keys.append(create_api_key(uow, operator(), clock.now(), role=Role.SECRETARY).key)
    first = {"Authorization": f"Bearer {keys[0]}"}
    statuses = [client.get("/v1/attorneys", headers=first).status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    refused = client.get("/v1/attorneys", headers=first)
    assert refused.status_code == 429
    assert refused.headers["content-type"].startswith("application/problem+json")
    assert 1 <= int(refused.headers["Retry-After"]) <= 120
    body = refused.json()
    assert body["status"] == 429 and "Too many requests" in body["detail"]
    assert keys[0] not in refused.text
    # Another key is counted on its own.
    second = {"Authorization": f"Bearer {keys[1]}"}
    assert client.get("/v1/attorneys", headers=second).status_code == 200


def test_unknown_keys_are_refused_before_anything_is_counted(
    limited: tuple[TestClient, Store],
) -> None:
    client, store = limited
    for _ in range(5):
        answer = client.get("/v1/attorneys", headers={"Authorization": "Bearer lsk_nope"})
        assert answer.status_code == 401
    with store.engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM rate_limits")).scalar() == 0


def test_a_booking_link_route_is_limited_per_link(limited: tuple[TestClient, Store]) -> None:
    client, store = limited
    assert [client.get("/v1/test-links/abc").status_code for _ in range(3)] == [200, 200, 429]
    assert client.get("/v1/test-links/other").status_code == 200
    with store.engine.connect() as conn:
        subjects = [row[0] for row in conn.execute(text("SELECT subject FROM rate_limits"))]
    assert "abc" not in " ".join(subjects)  # the token itself is never stored
    assert ratelimit.subject_for_secret("abc") in subjects


def test_both_ways_of_counting_a_key_share_one_counter(store: Store, clock: FixedClock) -> None:
    """PostgreSQL counts a key with its cache versions in one statement; other paths count by
    the key's label: the same row either way."""
    with store.unit_of_work() as uow:
        issued = create_api_key(uow, operator(), clock.now(), role=Role.SECRETARY)
    policy = RateLimit(10, 60)
    with store.unit_of_work(readonly=True) as uow:
        first = uow.rate_limits.hit_api_key(hash_secret(issued.key), 60)
        assert uow.rate_limits.hit_api_key(hash_secret("lsk_unknown"), 60) in (None, False)
        label = authenticate(uow, issued.key).label
    with store.unit_of_work(autocommit=True) as uow:
        second = ratelimit.hit(uow, "api_key", label, policy)
        uow.commit()
    if first is False:  # SQLite: one way only
        assert second.remaining == 9
    else:
        assert isinstance(first, tuple) and first[0] == 1
        assert second.remaining == 8
