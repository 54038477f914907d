"""Fixtures for the web pages: the demo firm in a store, a live server, and a real browser.

The browser is Debian's Chromium (``/usr/bin/chromium``), driven by Playwright over CDP:
Playwright cannot download its own browsers here. The first test that needs it installs the
package if it is missing (``apt-get install chromium``, as root; CI runs as root) and fails
with a clear message if that is impossible. One browser serves the whole session; each test gets
a fresh context (cookies, zone, window size).

The live server is uvicorn on 127.0.0.1, on a port the operating system picks, in a thread, over
a per-test database seeded with the demo firm, with a fixed clock; it is stopped after the test.
It keeps no access log: booking-link addresses carry secret tokens.

Screenshots go to ``test-artifacts/screenshots/`` (the path is printed at the end of the run).
"""

from __future__ import annotations

import itertools
import os
import shutil
import socket
import subprocess
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest
import uvicorn
from sqlalchemy import Engine, text
from sqlalchemy.engine import make_url

from api.app import create_app
from scheduler.clock import FixedClock
from scheduler.demo import DemoFirm, build_demo_firm
from scheduler.domain import Client, Matter, Role
from scheduler.services.access import operator
from scheduler.services.firm import seed_demo_firm
from scheduler.services.keys import create_api_key
from scheduler.settings import Settings
from scheduler.store import Store, make_engine, upgrade
from tests.pg import temporary_database

ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = ROOT / "test-artifacts" / "screenshots"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
DEMO_START = date(2026, 12, 7)
DEMO_NOW = datetime(2026, 12, 7, 13, 0, tzinfo=UTC)  # the ``clock`` fixture's instant
_shots: list[Path] = []


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    if _shots:
        terminalreporter.write_line(f"web page screenshots ({len(_shots)}) -> {SCREENSHOTS}")


# --- The firm ------------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def demo_firm() -> DemoFirm:
    """The demo firm as of Monday 7 December 2026 (built once: it is deterministic)."""
    return build_demo_firm(DEMO_START)


def _seed(url: str, firm: DemoFirm) -> None:
    store = Store(make_engine(url))
    try:
        with store.unit_of_work() as uow:
            seed_demo_firm(uow, operator(), DEMO_NOW, firm)
    finally:
        store.dispose()


@pytest.fixture(scope="session")
def seeded_sqlite(
    sqlite_template: Path, tmp_path_factory: pytest.TempPathFactory, demo_firm: DemoFirm
) -> Path:
    """A migrated SQLite file holding the demo firm, copied for each test."""
    path = tmp_path_factory.mktemp("demo") / "demo.db"
    shutil.copy(sqlite_template, path)
    _seed(f"sqlite:///{path}", demo_firm)
    return path


@pytest.fixture(scope="session")
def postgres_demo_template(demo_firm: DemoFirm) -> Iterator[tuple[Engine, str]]:
    """A PostgreSQL database holding the demo firm, used as the template of each test's own."""
    with temporary_database("secretary_webdemo") as database:
        engine = make_engine(database.url)
        upgrade(engine)
        engine.dispose()
        _seed(database.url, demo_firm)
        yield database.admin, database.name


_copies = itertools.count(1)


@pytest.fixture
def demo_url(backend: str, request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A database of the test's own holding the demo firm, on the test's backend (a copy of a
    seeded file on SQLite; a database made from a seeded template on PostgreSQL)."""
    if backend == "sqlite":
        path = tmp_path / "demo.db"
        shutil.copy(request.getfixturevalue("seeded_sqlite"), path)
        yield f"sqlite:///{path}"
        return
    admin, template = request.getfixturevalue("postgres_demo_template")
    name = f"{template}_{next(_copies)}"
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}" TEMPLATE "{template}"'))
    try:
        yield make_url(admin.url).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


@pytest.fixture
def demo(demo_url: str, clock: FixedClock) -> Iterator[Store]:
    """The store, seeded with the demo firm (as of Monday 7 December 2026, the clock's day)."""
    assert clock.now() == DEMO_NOW
    store = Store(make_engine(demo_url))
    try:
        yield store
    finally:
        store.dispose()


@dataclass(frozen=True, slots=True)
class Pick:
    """A client, one of their open matters, and its first attorney (not screened, active)."""

    client: Client
    matter: Matter
    attorney: str


def pick(store: Store, *, spanish: bool, skip: tuple[str, ...] = ()) -> Pick:
    """The first demo client (Spanish-speaking or not) with an open matter to book on."""
    with store.unit_of_work(readonly=True) as uow:
        active = {a.id for a in uow.attorneys.list(active_only=True)}
        for client in uow.clients.list():
            if (client.language.value == "es") != spanish or client.id in skip:
                continue
            for matter in uow.matters.list(client_id=client.id):
                attorneys = [
                    a
                    for a in matter.responsible_attorneys
                    if a in active and not matter.is_screened(a)
                ]
                if matter.status == "open" and attorneys:
                    return Pick(client, matter, attorneys[0])
    raise AssertionError("the demo firm has no such client")


def staff_key(store: Store, clock: FixedClock, role: str = "secretary") -> str:
    with store.unit_of_work() as uow:
        return create_api_key(uow, operator(), clock.now(), role=Role(role)).key


# --- The live server -----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Site:
    base_url: str
    store: Store
    clock: FixedClock
    settings: Settings

    def url(self, path: str) -> str:
        return self.base_url + path


@pytest.fixture
def site(demo: Store, demo_url: str, clock: FixedClock) -> Iterator[Site]:
    """The app served by uvicorn on 127.0.0.1 (a free port) over the demo firm."""
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.bind(("127.0.0.1", 0))
    port = listener.getsockname()[1]
    base_url = f"http://127.0.0.1:{port}"
    settings = Settings(
        database_url=demo_url,
        base_url=base_url,
        solver_time_limit_seconds=2,
        solver_workers=1,
        background_interval_seconds=0,
    )
    app = create_app(settings, store=demo, clock=clock)
    server = uvicorn.Server(
        uvicorn.Config(app, access_log=False, log_level="warning", lifespan="on")
    )
    thread = threading.Thread(
        target=server.run, kwargs={"sockets": [listener]}, name="live-server", daemon=True
    )
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise AssertionError("the live server did not start")
        time.sleep(0.02)
    try:
        yield Site(base_url=base_url, store=demo, clock=clock, settings=settings)
    finally:
        server.should_exit = True
        thread.join(timeout=20)
        listener.close()


# --- The browser ---------------------------------------------------------------------------------


def _install_chromium() -> None:
    """``apt-get install chromium`` (refreshing the package lists if the first try fails)."""
    if shutil.which("apt-get") is None:
        pytest.fail(f"{CHROMIUM} is missing and apt-get is not available to install it")
    if hasattr(os, "geteuid") and os.geteuid() != 0:
        pytest.fail(f"{CHROMIUM} is missing; install it as root: apt-get install -y chromium")
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    install = ["apt-get", "install", "-y", "-q", "--no-install-recommends", "chromium"]
    done = subprocess.run(install, env=env, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        subprocess.run(["apt-get", "update", "-q"], env=env, capture_output=True, check=False)
        done = subprocess.run(install, env=env, capture_output=True, text=True, check=False)
    if done.returncode != 0 or not Path(CHROMIUM).exists():
        tail = (done.stderr or done.stdout).strip().splitlines()[-3:]
        pytest.fail(f"could not install Chromium with apt-get: {' / '.join(tail)}")


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    """One headless Chromium for the whole session (installed first if it is missing)."""
    if not Path(CHROMIUM).exists():
        _install_chromium()
    from playwright.sync_api import sync_playwright

    playwright = sync_playwright().start()
    try:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
    except Exception as error:
        playwright.stop()
        pytest.fail(f"Chromium at {CHROMIUM} did not start: {error}")
    try:
        yield chromium
    finally:
        chromium.close()
        playwright.stop()


@pytest.fixture
def new_page(browser: Any) -> Iterator[Any]:
    """Open a page in a fresh browser context: ``new_page(width=, height=, timezone=)``."""
    contexts: list[Any] = []

    def open_page(width: int = 1280, height: int = 900, timezone: str = "America/Chicago") -> Any:
        context = browser.new_context(
            viewport={"width": width, "height": height},
            timezone_id=timezone,
            locale="en-US",
            accept_downloads=True,
        )
        context.set_default_timeout(15_000)
        contexts.append(context)
        return context.new_page()

    try:
        yield open_page
    finally:
        for context in contexts:
            context.close()


def screenshot(page: Any, name: str, *, full_page: bool = True) -> Path:
    """Save a screenshot under ``test-artifacts/screenshots/`` (once a session: the same page on
    the other backend looks the same) and return its path."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    if path not in _shots:
        page.screenshot(path=str(path), full_page=full_page)
        _shots.append(path)
    return path
