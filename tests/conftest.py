"""Shared fixtures: a fixed clock, and stores on SQLite and PostgreSQL.

PostgreSQL tests use the server named by ``SECRETARY_TEST_POSTGRES_URL`` (default: the local
server on 127.0.0.1:5432, database ``test``). Each test session creates a database of its own
there and drops it at the end. Without a reachable server the PostgreSQL tests are skipped,
except under ``CI=true``, where that is an error: CI must exercise both backends.
"""

from __future__ import annotations

import shutil
from collections import Counter
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import text

from scheduler.clock import FixedClock
from scheduler.store import Store, make_engine, upgrade
from scheduler.store.tables import Base
from tests.pg import temporary_database

BACKENDS = ("sqlite", "postgres")
_backend_runs: Counter[str] = Counter()


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "backend(name): the store backend a test ran on")


@pytest.fixture
def clock() -> FixedClock:
    """Monday 7 December 2026, 08:00 in New York."""
    return FixedClock(datetime(2026, 12, 7, 13, 0, tzinfo=UTC))


# --- PostgreSQL --------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    """A fresh, migrated PostgreSQL database for this test session."""
    with temporary_database("secretary_test") as database:
        engine = make_engine(database.url)
        upgrade(engine)
        engine.dispose()
        yield database.url


def _truncate_all(store: Store) -> None:
    tables = ", ".join(f'"{t.name}"' for t in Base.metadata.sorted_tables)
    with store.engine.begin() as conn:
        conn.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))


# --- SQLite ------------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A migrated SQLite file, copied for each test (migrating once is faster)."""
    path = tmp_path_factory.mktemp("template") / "template.db"
    engine = make_engine(f"sqlite:///{path}")
    upgrade(engine)
    engine.dispose()
    return path


@pytest.fixture
def sqlite_url(sqlite_template: Path, tmp_path: Path) -> str:
    path = tmp_path / "secretary.db"
    shutil.copy(sqlite_template, path)
    return f"sqlite:///{path}"


# --- Either ------------------------------------------------------------------------------------


@pytest.fixture(params=BACKENDS)
def backend(request: pytest.FixtureRequest) -> str:
    """Run the test once on SQLite and once on PostgreSQL."""
    name: str = request.param
    request.node.add_marker(pytest.mark.backend(name))
    if name == "postgres":
        request.node.add_marker(pytest.mark.postgres)
    return name


@pytest.fixture
def database_url(backend: str, request: pytest.FixtureRequest) -> Iterator[str]:
    """An empty, migrated database on the test's backend."""
    if backend == "sqlite":
        yield request.getfixturevalue("sqlite_url")
        return
    url: str = request.getfixturevalue("postgres_url")
    store = Store(make_engine(url))
    _truncate_all(store)
    try:
        yield url
    finally:
        _truncate_all(store)
        store.dispose()


@pytest.fixture
def store(database_url: str) -> Iterator[Store]:
    the_store = Store(make_engine(database_url))
    try:
        yield the_store
    finally:
        the_store.dispose()


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Iterator[None]:
    outcome = yield
    report = outcome.get_result()
    marker = item.get_closest_marker("backend")
    if marker is not None and report.when == "call" and report.passed:
        _backend_runs[marker.args[0]] += 1


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    if _backend_runs:
        ran = ", ".join(f"{name}: {_backend_runs[name]} passed" for name in BACKENDS)
        terminalreporter.write_line(f"store backends exercised -> {ran}")
