"""Module-scoped demo firms on SQLite and PostgreSQL, seeded once per test module.

Seeding the demo firm takes about a second; the booking API tests share one seeded database per
module and backend (each test books times of its own), which keeps the suite fast. Import the
fixtures into a test module with ``from tests.api.booking_fixtures import *``.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable, Iterator
from datetime import date, datetime
from pathlib import Path

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
from scheduler.store import Store, make_engine, upgrade
from tests.conftest import BACKENDS
from tests.pg import temporary_database

DEMO_NOW = "2026-12-07T13:00:00+00:00"


def _postgres_database() -> Iterator[str]:
    with temporary_database("secretary_booking") as database:
        yield database.url


@pytest.fixture(scope="module", params=BACKENDS)
def module_backend(request: pytest.FixtureRequest) -> str:
    name: str = request.param
    return name


@pytest.fixture(autouse=True)
def _mark_backend(request: pytest.FixtureRequest) -> None:
    if "module_backend" in request.fixturenames:
        name = request.getfixturevalue("module_backend")
        request.node.add_marker(pytest.mark.backend(name))
        if name == "postgres":
            request.node.add_marker(pytest.mark.postgres)


@pytest.fixture(scope="module")
def module_url(
    module_backend: str, sqlite_template: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[str]:
    """An empty, migrated database of this module's own."""
    if module_backend == "sqlite":
        path = tmp_path_factory.mktemp("booking") / "secretary.db"
        shutil.copy(sqlite_template, path)
        yield f"sqlite:///{path}"
        return
    for url in _postgres_database():
        engine = make_engine(url)
        upgrade(engine)
        engine.dispose()
        yield url


@pytest.fixture(scope="module")
def module_clock() -> FixedClock:
    """Monday 7 December 2026, 08:00 in New York (tests that move it put it back)."""
    return FixedClock(datetime.fromisoformat(DEMO_NOW))


@pytest.fixture(scope="module")
def demo_store(module_url: str, module_clock: FixedClock) -> Iterator[Store]:
    store = Store(make_engine(module_url))
    with store.unit_of_work() as uow:
        seed_demo_firm(uow, operator(), module_clock.now(), build_demo_firm(date(2026, 12, 7)))
    try:
        yield store
    finally:
        store.dispose()


@pytest.fixture(scope="module")
def api(demo_store: Store, module_url: str, module_clock: FixedClock) -> Iterator[TestClient]:
    app = create_app(Settings(database_url=module_url), store=demo_store, clock=module_clock)
    with TestClient(app, raise_server_exceptions=False) as client:
        yield client


@pytest.fixture
def clock(module_clock: FixedClock) -> Iterator[FixedClock]:
    """The module's clock; put back where it was after the test."""
    before = module_clock.now()
    yield module_clock
    module_clock.set(before)


@pytest.fixture(scope="module")
def key_for(demo_store: Store, module_clock: FixedClock) -> Callable[..., dict[str, str]]:
    """Issue a key and return the Authorization header for it."""

    def issue(role: str, **who: str) -> dict[str, str]:
        with demo_store.unit_of_work() as uow:
            issued = create_api_key(uow, operator(), module_clock.now(), role=Role(role), **who)
        return {"Authorization": f"Bearer {issued.key}"}

    return issue


__all__ = [
    "_mark_backend",
    "api",
    "clock",
    "demo_store",
    "key_for",
    "module_backend",
    "module_clock",
    "module_url",
]
