from __future__ import annotations

from collections.abc import Iterator
from datetime import date

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from scheduler.clock import FixedClock
from scheduler.demo import build_demo_firm
from scheduler.domain import Role
from scheduler.services.access import operator
from scheduler.services.firm import seed_demo_firm
from scheduler.services.keys import create_api_key
from scheduler.settings import Settings
from scheduler.store import Store


@pytest.fixture
def demo_store(store: Store, clock: FixedClock) -> Store:
    with store.unit_of_work() as uow:
        seed_demo_firm(uow, operator(), clock.now(), build_demo_firm(date(2026, 12, 7)))
    return store


@pytest.fixture
def api(demo_store: Store, database_url: str, clock: FixedClock) -> Iterator[TestClient]:
    app = create_app(Settings(database_url=database_url), store=demo_store, clock=clock)
    with TestClient(app, raise_server_exceptions=False) as client:
        yield client


@pytest.fixture
def key_for(demo_store: Store, clock: FixedClock):  # type: ignore[no-untyped-def]
    """Issue a key and return the Authorization header for it."""

    def issue(role: str, **who: str) -> dict[str, str]:
        with demo_store.unit_of_work() as uow:
            issued = create_api_key(uow, operator(), clock.now(), role=Role(role), **who)
        return {"Authorization": f"Bearer {issued.key}"}

    return issue
