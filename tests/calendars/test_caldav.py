"""Busy times through CalDAV against a real server (Radicale on 127.0.0.1, started and stopped).

Events are put on the server with the ``caldav`` client; the engine reads them back through
``secretary calendars add --caldav`` and ``calendars sync`` into busy blocks.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import caldav
import pytest
from typer.testing import CliRunner

from calendars.sources import caldav_documents
from scheduler.cli import app
from scheduler.clock import FixedClock, SystemClock
from scheduler.demo import DemoFirm
from scheduler.errors import InvalidInput
from scheduler.services.access import operator
from scheduler.services.firm import seed_demo_firm
from scheduler.store import Store
from tests.calendars.servers import Radicale, radicale

MARCH = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
PASSWORD = "s3cret-Passw0rd"
DATA = Path(__file__).resolve().parents[1] / "data" / "ics"


def event(uid: str, body: str) -> str:
    return (
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//caldav//EN\r\nBEGIN:VEVENT\r\n"
        f"UID:{uid}\r\nDTSTAMP:20260226T120000Z\r\n{body}END:VEVENT\r\nEND:VCALENDAR\r\n"
    )


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Radicale, Any]]:
    with radicale(tmp_path_factory.mktemp("radicale"), {"okafor": PASSWORD}) as dav:
        client = caldav.DAVClient(
            url=dav.url,
            username="okafor",
            password=PASSWORD,
        )
        principal = client.principal()
        work = principal.make_calendar(name="Work", cal_id="work")
        personal = principal.make_calendar(name="Personal", cal_id="personal")
        work.save_event(
            event(
                "weekly-dst@dav.example",
                "SUMMARY:Weekly across the DST change\r\n"
                "DTSTART;TZID=America/New_York:20260302T090000\r\n"
                "DTEND;TZID=America/New_York:20260302T100000\r\n"
                "RRULE:FREQ=WEEKLY;COUNT=3\r\n"
                "EXDATE;TZID=America/New_York:20260316T090000\r\n",
            ),
            increase_seqno=False,
        )
        work.save_event(
            event(
                "cancelled@dav.example",
                "SUMMARY:Cancelled\r\nSTATUS:CANCELLED\r\n"
                "DTSTART:20260304T150000Z\r\nDTEND:20260304T160000Z\r\n",
            ),
            increase_seqno=False,
        )
        personal.save_event(
            event(
                "private@dav.example",
                "SUMMARY:Doctor\r\nCLASS:PRIVATE\r\n"
                "DTSTART;TZID=America/New_York:20260305T080000\r\n"
                "DTEND;TZID=America/New_York:20260305T083000\r\n",
            ),
            increase_seqno=False,
        )
        yield dav, work


@pytest.fixture
def cli(
    store: Store,
    database_url: str,
    demo: DemoFirm,
    clock: FixedClock,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> Any:
    with store.unit_of_work() as uow:
        seed_demo_firm(uow, operator(), clock.now(), demo)
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(SystemClock, "now", lambda self: MARCH)
    runner = CliRunner()

    def invoke(*args: str, password: str = PASSWORD) -> Any:
        return runner.invoke(
            app,
            list(args),
            env={"SECRETARY_DATABASE_URL": database_url, "CALDAV_PW_OKAFOR": password},
        )

    return invoke


def blocks(store: Store, source: str) -> list[tuple[str, str]]:
    with store.unit_of_work(readonly=True) as uow:
        found = uow.busy.list_between(
            datetime(2026, 1, 1, tzinfo=UTC), datetime(2027, 1, 1, tzinfo=UTC)
        )
    return [
        (b.starts_at.strftime("%m-%d %H:%M"), b.ends_at.strftime("%H:%M"))
        for b in found
        if b.source_id == source
    ]


def test_caldav_calendar_becomes_busy_time(
    server: tuple[Radicale, Any], cli: Any, store: Store, demo: DemoFirm
) -> None:
    dav, work = server
    attorney = demo.attorneys[0].id
    added = cli(
        "calendars",
        "add",
        "--attorney",
        attorney,
        "--caldav",
        f"{dav.url}okafor/work/",
        "--username",
        "okafor",
        "--password-env",
        "CALDAV_PW_OKAFOR",
        "--json",
    )
    assert added.exit_code == 0, added.output
    assert PASSWORD not in added.output
    summary = json.loads(added.stdout)
    # 09:00 New York on 2 March is 14:00 UTC, on 9 March (after the change) 13:00 UTC;
    # 16 March is excluded and the cancelled event is not busy time.
    assert blocks(store, summary["source_id"]) == [
        ("03-02 14:00", "15:00"),
        ("03-09 13:00", "14:00"),
    ]
    listed = json.loads(cli("calendars", "list", "--json").stdout)
    (row,) = [s for s in listed if s["id"] == summary["source_id"]]
    assert row["kind"] == "caldav" and row["username"] == "okafor"
    assert row["password_env"] == "CALDAV_PW_OKAFOR"
    assert PASSWORD not in json.dumps(listed)

    # The whole account (every calendar of the principal) can be read as one source.
    account = cli(
        "calendars",
        "add",
        "--attorney",
        attorney,
        "--caldav",
        f"{dav.url}okafor/",
        "--username",
        "okafor",
        "--password-env",
        "CALDAV_PW_OKAFOR",
        "--json",
    )
    assert account.exit_code == 0, account.output
    assert blocks(store, json.loads(account.stdout)["source_id"]) == [
        ("03-02 14:00", "15:00"),
        ("03-05 13:00", "13:30"),
        ("03-09 13:00", "14:00"),
    ]

    # A change on the server replaces the source's busy time at the next sync.
    work.save_event(
        event(
            "late-addition@dav.example",
            "SUMMARY:Added later\r\nDTSTART:20260310T180000Z\r\nDTEND:20260310T190000Z\r\n",
        ),
        increase_seqno=False,
    )
    try:
        synced = cli("calendars", "sync", "--source", summary["source_id"], "--json")
        assert synced.exit_code == 0, synced.output
        assert blocks(store, summary["source_id"]) == [
            ("03-02 14:00", "15:00"),
            ("03-09 13:00", "14:00"),
            ("03-10 18:00", "19:00"),
        ]
    finally:
        work.event_by_uid("late-addition@dav.example").delete()


def test_a_wrong_password_is_refused_and_never_shown(server: tuple[Radicale, Any]) -> None:
    dav, _ = server
    wrong = "not-the-Password-42"
    with pytest.raises(InvalidInput) as refused:
        caldav_documents(
            f"{dav.url}okafor/work/", "okafor", wrong, MARCH, MARCH + timedelta(days=30)
        )
    assert refused.value.field == "password"
    assert "refused the user name or password" in str(refused.value)
    assert wrong not in str(refused.value) and "okafor/work" not in str(refused.value)
