"""`secretary dispatch` and `secretary outbox` over the demo firm."""

from __future__ import annotations

import json
import time
from datetime import UTC, datetime
from pathlib import Path

from fastapi.testclient import TestClient

from api.app import create_app
from scheduler.clock import FixedClock
from scheduler.services.notifications import appointment_changed
from scheduler.settings import Settings
from scheduler.store import Store, make_engine
from tests.cli.conftest import Run
from tests.factories import appointment, seed_small_firm
from tests.smtp import smtp_server

NOW = datetime(2026, 12, 1, 15, 0, tzinfo=UTC)


def book_one(url: str) -> None:
    store = Store(make_engine(url))
    with store.unit_of_work() as uow:
        seed_small_firm(uow)
        appt = appointment(datetime(2026, 12, 7, 16, 0, tzinfo=UTC), 60)
        uow.appointments.add(appt)
        appointment_changed(uow, None, appt, NOW)
        uow.commit()
    store.dispose()


def test_dispatch_once_writes_eml_files_without_smtp(
    run: Run, sqlite_url: str, tmp_path: Path, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    book_one(sqlite_url)
    monkeypatch.setenv("SECRETARY_OUTBOX_DIR", str(tmp_path / "mail"))
    result = run(
        "dispatch", "--once", "--now", "2026-12-01T10:00:00-05:00", "--json", db=sqlite_url
    )
    assert result.exit_code == 0, result.output
    rows = json.loads(result.stdout)
    assert sorted(r["kind"] for r in rows) == ["invitation", "invitation"]
    assert {r["result"] for r in rows} == {"sent"}
    assert len(list((tmp_path / "mail").glob("*.eml"))) == 2

    listed = run("outbox", "--status", "pending", "--json", db=sqlite_url)
    assert [r["kind"] for r in json.loads(listed.stdout)] == ["reminder", "reminder"]
    assert "2 message(s)" in run("outbox", "--status", "sent", db=sqlite_url).stdout


def test_dispatch_over_smtp_and_a_failure_shown_by_outbox(
    run: Run, sqlite_url: str, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    book_one(sqlite_url)
    with smtp_server() as (inbox, port):
        inbox.refuse.add("cli-a@client.example")
        monkeypatch.setenv("SECRETARY_SMTP_HOST", "127.0.0.1")
        monkeypatch.setenv("SECRETARY_SMTP_PORT", str(port))
        monkeypatch.setenv("SECRETARY_SMTP_STARTTLS", "false")
        result = run("dispatch", "--once", "--now", "2026-12-01T10:00:00-05:00", db=sqlite_url)
    assert result.exit_code == 0, result.output
    assert "1 sent, 0 to retry, 1 failed" in result.stdout
    [failed] = json.loads(run("outbox", "--status", "failed", "--json", db=sqlite_url).stdout)
    assert failed["recipient"] == "client:cli-a" and "550" in failed["error"]


def test_bad_input_is_exit_2(run: Run, sqlite_url: str) -> None:
    assert run("dispatch", "--once", "--now", "tomorrow", db=sqlite_url).exit_code == 2
    assert run("dispatch", "--once", "--now", "2026-12-01T10:00:00", db=sqlite_url).exit_code == 2
    assert run("outbox", "--status", "lost", db=sqlite_url).exit_code == 2


def test_the_api_process_dispatches_in_the_background(sqlite_url: str, tmp_path: Path) -> None:
    book_one(sqlite_url)
    settings = Settings(
        database_url=sqlite_url, background_interval_seconds=0.1, outbox_dir=tmp_path / "mail"
    )
    app = create_app(settings, clock=FixedClock(NOW))
    with TestClient(app):
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and len(list((tmp_path / "mail").glob("*.eml"))) < 2:
            time.sleep(0.05)
    assert len(list((tmp_path / "mail").glob("*.eml"))) == 2
