"""Fixtures for the calendar tests: ical.js (installed with npm once per cache), the demo firm,
and demo stores on both backends.

``demo_store`` seeds a fresh store for each test (for tests that change things). Tests that only
read share one seeded store per module and backend (``shared_store``): seeding a firm for every
test on PostgreSQL would make the suite slow.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from sqlalchemy import text

from scheduler.clock import FixedClock
from scheduler.demo import SMALL, DemoFirm, DemoSize, build_demo_firm
from scheduler.services.access import operator
from scheduler.services.firm import seed_demo_firm
from scheduler.store import Store, make_engine, open_store
from scheduler.store.tables import Base
from tests.calendars.validator import IcalJs

DEMO_START = date(2026, 12, 7)
SEEDED_AT = datetime(2026, 12, 7, 13, 0, tzinfo=UTC)
# A smaller copy of the demo firm (walls, adverse clients, rooms, video calls, deadlines and all)
# keeps tests that seed a store for each backend quick; the full demo is validated on its own.
COMPACT = DemoSize(
    attorneys=6,
    rooms=2,
    clients=12,
    matters=18,
    appointments=40,
    workdays=5,
    busy_blocks_per_attorney=2,
    deadlines=6,
)


@pytest.fixture(scope="session")
def icaljs(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> IcalJs:
    """ical.js, installed into pytest's cache folder (or a temporary one) on first use.

    Node.js and npm are on every machine of this project, CI included: their absence fails the
    test rather than skipping it.
    """
    cache = getattr(request.config, "cache", None)
    home = Path(cache.mkdir("icaljs")) if cache is not None else tmp_path_factory.mktemp("icaljs")
    return IcalJs.install(home)


@pytest.fixture(scope="session")
def demo() -> DemoFirm:
    return build_demo_firm(DEMO_START, size=COMPACT)


@pytest.fixture(scope="session")
def full_demo() -> DemoFirm:
    return build_demo_firm(DEMO_START, size=SMALL)


@pytest.fixture
def demo_store(store: Store, clock: FixedClock, demo: DemoFirm) -> Store:
    with store.unit_of_work() as uow:
        seed_demo_firm(uow, operator(), clock.now(), demo)
    return store


def _truncate(store: Store) -> None:
    tables = ", ".join(f'"{t.name}"' for t in Base.metadata.sorted_tables)
    with store.engine.begin() as conn:
        conn.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))


def seeded_backend(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory, firm: DemoFirm
) -> Iterator[tuple[str, Store]]:
    """One store seeded with ``firm`` on the backend named by ``request.param``."""
    name: str = request.param
    if name == "sqlite":
        path = tmp_path_factory.mktemp("seeded") / "demo.db"
        store = open_store(f"sqlite:///{path}")
    else:
        store = Store(make_engine(request.getfixturevalue("postgres_url")))
        _truncate(store)
    with store.unit_of_work() as uow:
        seed_demo_firm(uow, operator(), SEEDED_AT, firm)
    try:
        yield name, store
    finally:
        if name == "postgres":
            _truncate(store)
        store.dispose()


@pytest.fixture(scope="module", params=("sqlite", "postgres"))
def _shared_backend(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory, demo: DemoFirm
) -> Iterator[tuple[str, Store]]:
    yield from seeded_backend(request, tmp_path_factory, demo)


@pytest.fixture
def shared_store(_shared_backend: tuple[str, Store], request: pytest.FixtureRequest) -> Store:
    """The compact demo firm, seeded once per module and backend. Read; add only tokens."""
    name, store = _shared_backend
    request.node.add_marker(pytest.mark.backend(name))
    if name == "postgres":
        request.node.add_marker(pytest.mark.postgres)
    return store
