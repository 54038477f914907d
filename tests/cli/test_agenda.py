"""`secretary agenda`: the day per attorney in local time, with deadlines and conflicts."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from scheduler.domain import BusyBlock, RoomClosure
from scheduler.store import Store, make_engine
from tests.cli.conftest import Run
from tests.factories import appointment, seed_small_firm

MONDAY = "2026-12-07"


def test_agenda_json_has_the_documented_shape(run: Run, database_url: str) -> None:
    assert run("demo", "--start", MONDAY, db=database_url).exit_code == 0
    result = run("agenda", MONDAY, "--json", db=database_url)
    assert result.exit_code == 0, result.output
    agenda = json.loads(result.stdout)
    assert agenda["date"] == MONDAY and len(agenda["attorneys"]) == 12
    busiest = max(agenda["attorneys"], key=lambda a: len(a["appointments"]))
    assert len(busiest["appointments"]) >= 8
    for entry in agenda["attorneys"]:
        assert {"id", "name", "timezone", "appointments", "busy", "deadlines"} <= set(entry)
        for appt in entry["appointments"]:
            assert {
                "id",
                "uid",
                "sequence",
                "start",
                "end",
                "client",
                "matter",
                "room",
                "attorneys",
                "status",
            } <= set(appt)
            start = datetime.fromisoformat(appt["start"])
            assert start.utcoffset() is not None
            # Instants are given in the attorney's own zone: it is that day there.
            assert start.date() == date(2026, 12, 7)
            assert entry["id"] in appt["attorneys"]
    assert any(
        e["timezone"] == "America/Los_Angeles"
        and e["appointments"]
        and e["appointments"][0]["start"].endswith("-08:00")
        for e in agenda["attorneys"]
    )


def test_one_attorney_and_the_conflicts_flagged(run: Run, sqlite_url: str) -> None:
    store = Store(make_engine(sqlite_url))
    nine = datetime(2026, 12, 7, 14, 0, tzinfo=UTC)
    with store.unit_of_work() as uow:
        seed_small_firm(uow)
        uow.busy.add_source("src-court", "att-a", "manual")
        uow.busy.replace_source(
            "src-court", [BusyBlock("att-a", nine, nine.replace(hour=15), "src-court")]
        )
        uow.appointments.add(appointment(nine.replace(hour=14, minute=30), 60))  # on the hearing
        uow.appointments.add(appointment(nine.replace(hour=23), 30))  # 18:00: after hours
        uow.appointments.add(appointment(nine.replace(hour=16), 60, room_id="room-1"))  # 11:00
        # A closure written behind the services' back (they refuse one over a booked meeting).
        uow.room_closures.add(
            RoomClosure("closure-1", "room-1", nine.replace(hour=16), nine.replace(hour=18))
        )
        uow.commit()
    store.dispose()
    result = run("agenda", MONDAY, "--attorney", "att-a", "--json", db=sqlite_url)
    [entry] = json.loads(result.stdout)["attorneys"]
    assert sorted(c["reason"] for c in entry["conflicts"]) == [
        "its room is closed then",
        "outside working hours",
        "overlaps a busy block",
    ]
    assert entry["busy"] == [
        {"start": "2026-12-07T09:00:00-05:00", "end": "2026-12-07T10:00:00-05:00"}
    ]
    readable = run("agenda", MONDAY, "--attorney", "att-a", db=sqlite_url)
    assert "CONFLICT" in readable.stdout
    assert "Room closed: Hudson Conference Room, 11:00-13:00 EST" in readable.stdout


def test_agenda_bad_input(run: Run, sqlite_url: str) -> None:
    assert run("agenda", "7/12/2026", db=sqlite_url).exit_code == 2
    assert run("agenda", MONDAY, "--attorney", "att-nobody", db=sqlite_url).exit_code == 1


def test_today_and_tomorrow_on_the_firms_clock(run: Run, sqlite_url: str) -> None:
    firm = ["--name", "Tasman Law", "--address", "1 Queen St, Auckland", "--email", "a@t.example"]
    made = run("firm", "set", *firm, "--timezone", "Pacific/Auckland", db=sqlite_url)
    assert made.exit_code == 0, made.output

    def today() -> date:  # the firm's zone as recorded, not the configured default
        return datetime.now(ZoneInfo("Pacific/Auckland")).date()

    before = today()
    tomorrow = json.loads(run("agenda", "tomorrow", "--json", db=sqlite_url).stdout)["date"]
    default = json.loads(run("agenda", "--json", db=sqlite_url).stdout)["date"]
    after = today()
    assert tomorrow in {(d + timedelta(days=1)).isoformat() for d in (before, after)}
    assert default in {d.isoformat() for d in (before, after)}
    refused = run("agenda", "someday", db=sqlite_url)
    assert refused.exit_code == 2 and "today or tomorrow" in refused.output
