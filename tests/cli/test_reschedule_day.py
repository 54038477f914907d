"""`secretary reschedule-day` on the demo firm: dry run, apply, and the rules kept.

The demo's busiest attorney on their busiest day (at least eight meetings) is out; every
appointment there moves or is cancelled, nothing else changes, and every moved appointment keeps
every rule of the firm.
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import text

from scheduler.availability import local_day_span, working_windows
from scheduler.domain import Appointment, AppointmentStatus, MessageKind
from scheduler.services import booking
from scheduler.services.access import operator
from scheduler.store import Store, make_engine
from tests.cli.conftest import Run

# The demo starts next Monday by the real clock, so the days re-planned are always ahead.
NOW = datetime.now(UTC)


def busiest(store: Store) -> tuple[str, date]:
    with store.unit_of_work(readonly=True) as uow:
        zones = {a.id: ZoneInfo(a.timezone) for a in uow.attorneys.list()}
        appts = uow.appointments.list_between(NOW, NOW + timedelta(days=30))
    counts = Counter(
        (a, appt.starts_at.astimezone(zones[a]).date()) for appt in appts for a in appt.attorney_ids
    )
    (attorney, day), n = counts.most_common(1)[0]
    assert n >= 8
    return attorney, day


def snapshot(store: Store) -> dict[str, Appointment]:
    with store.unit_of_work(readonly=True) as uow:
        return {
            a.id: a
            for a in uow.appointments.list_between(
                NOW - timedelta(days=30), NOW + timedelta(days=60), include_cancelled=True
            )
        }


def rows(store: Store) -> str:
    """Every row of every table, as text: the database's whole state."""
    out = []
    with store.engine.connect() as conn:
        names = [
            r[0]
            for r in conn.execute(
                text("SELECT name FROM sqlite_master WHERE type='table' ORDER BY name")
            )
        ]
        for name in names:
            out.append(f"{name}: {sorted(map(str, conn.execute(text(f'SELECT * FROM {name}'))))}")
    return "\n".join(out)


def file_digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture
def demo_db(run: Run, tmp_path: Path) -> tuple[str, Path, Store]:
    path = tmp_path / "firm.db"
    url = f"sqlite:///{path}"
    assert run("demo", db=url).exit_code == 0
    store = Store(make_engine(url))
    yield url, path, store  # type: ignore[misc]
    store.dispose()


def test_dry_run_changes_nothing_and_apply_moves_everything_out(
    run: Run, demo_db: tuple[str, Path, Store]
) -> None:
    url, path, store = demo_db
    attorney, day = busiest(store)
    store.dispose()
    before_file = file_digest(path)
    before = snapshot(store)

    dry = run(
        "reschedule-day",
        day.isoformat(),
        "--attorney",
        attorney,
        "--reason",
        "Out sick",
        "--json",
        db=url,
    )
    assert dry.exit_code == 0, dry.output
    plan = json.loads(dry.stdout)
    assert plan["applied"] is False and len(plan["moved"]) + len(plan["unplaced"]) >= 8
    store.dispose()
    assert file_digest(path) == before_file, "the dry run wrote to the database"

    applied = run(
        "reschedule-day",
        day.isoformat(),
        "--attorney",
        attorney,
        "--reason",
        "Out sick",
        "--apply",
        "--json",
        db=url,
    )
    assert applied.exit_code == 0, applied.output
    done = json.loads(applied.stdout)
    assert done["applied"] is True
    assert [m["id"] for m in done["moved"]] == [m["id"] for m in plan["moved"]]
    after = snapshot(store)

    with store.unit_of_work(readonly=True) as uow:
        lawyer = uow.attorneys.get(attorney)
        zone = ZoneInfo(lawyer.timezone)
        lost = local_day_span(day, zone)
        # 1. Nothing of this attorney is left in the lost day.
        left = uow.appointments.list_between(lost.start, lost.end, attorney_ids=[attorney])
        assert left == []
        # 2. Every appointment not touched is exactly as it was.
        touched = {m["id"] for m in done["moved"]} | {u["id"] for u in done["unplaced"]}
        assert {k: v for k, v in after.items() if k not in touched} == {
            k: v for k, v in before.items() if k not in touched
        }
        # 3. Every moved appointment keeps every rule.
        for move in done["moved"]:
            appt = after[move["id"]]
            old = before[move["id"]]
            assert appt.uid == old.uid and appt.sequence == old.sequence + 1
            assert appt.status is old.status and appt.duration_minutes == old.duration_minutes
            check_rules(uow, appt, after)
        for miss in done["unplaced"]:
            assert after[miss["id"]].status is AppointmentStatus.CANCELLED
        # 4. Updates carry the same UID and SEQUENCE + 1, for every attendee.
        for move in done["moved"]:
            old = before[move["id"]]
            updates = [
                m for m in uow.outbox.list(subject_id=move["id"]) if m.kind is MessageKind.UPDATE
            ]
            assert {m.recipient for m in updates} == {f"client:{old.client_id}"} | {
                f"attorney:{a}" for a in after[move["id"]].attorney_ids
            }
            assert all(
                m.payload["uid"] == old.uid and m.payload["sequence"] == old.sequence + 1
                for m in updates
            )
        # 5. The audit log says who and why, and the time off is recorded.
        [entry] = uow.audit.list(entity_type="attorney", entity_id=attorney)
        assert entry.action == "reschedule-day" and "Out sick" in entry.detail
        assert entry.actor.startswith("secretary-cli")
        assert uow.time_off.list_between(lost.start, lost.end, attorney_ids=[attorney])

    # 6. The same --apply again changes nothing.
    state = rows(store)
    again = run(
        "reschedule-day",
        day.isoformat(),
        "--attorney",
        attorney,
        "--reason",
        "Out sick",
        "--apply",
        "--json",
        db=url,
    )
    assert again.exit_code == 0 and json.loads(again.stdout)["moved"] == []
    assert rows(store) == state


def check_rules(uow, appt: Appointment, everything: dict[str, Appointment]) -> None:  # type: ignore[no-untyped-def]
    """Working hours, busy blocks, time off, buffers, walls, deadlines, rooms: checked directly."""
    matter = uow.matters.get(appt.matter_id)
    for attorney_id in appt.attorney_ids:
        lawyer = uow.attorneys.get(attorney_id)
        windows = working_windows(
            lawyer.working_hours,
            ZoneInfo(lawyer.timezone),
            appt.starts_at - timedelta(days=1),
            appt.ends_at + timedelta(days=1),
        )
        assert any(w.start <= appt.starts_at and appt.ends_at <= w.end for w in windows)
        assert not matter.is_screened(attorney_id)
        for block in uow.busy.list_between(
            appt.starts_at - timedelta(minutes=appt.buffer_minutes),
            appt.ends_at + timedelta(minutes=appt.buffer_minutes),
            attorney_ids=[attorney_id],
        ):
            raise AssertionError(f"{appt.id} meets a busy block {block}")
        assert not uow.time_off.list_between(
            appt.starts_at, appt.ends_at, attorney_ids=[attorney_id]
        )
        for other in everything.values():
            if other.id == appt.id or attorney_id not in other.attorney_ids:
                continue
            if other.status is AppointmentStatus.CANCELLED:
                continue
            gap = timedelta(minutes=max(appt.buffer_minutes, other.buffer_minutes))
            assert other.ends_at + gap <= appt.starts_at or appt.ends_at + gap <= other.starts_at
    due = [
        d.due_on
        for d in uow.docket.list_deadlines(matter_id=matter.id, due_from=NOW.date())
        if d.status == "open"
    ]
    if due:
        firm_zone = ZoneInfo(uow.firm.get().timezone)
        assert appt.ends_at <= datetime.combine(min(due), datetime.min.time(), tzinfo=firm_zone)
    if appt.room_id:
        for other in everything.values():
            if (
                other.id != appt.id
                and other.room_id == appt.room_id
                and other.status is not AppointmentStatus.CANCELLED
            ):
                assert other.ends_at <= appt.starts_at or appt.ends_at <= other.starts_at


def test_readable_dry_run_and_bad_input(run: Run, demo_db: tuple[str, Path, Store]) -> None:
    url, _path, store = demo_db
    attorney, day = busiest(store)
    result = run("reschedule-day", day.isoformat(), "--attorney", attorney, db=url)
    assert result.exit_code == 0, result.output
    assert "Dry run: nothing was changed" in result.stdout
    assert run("reschedule-day", "someday", "--attorney", attorney, db=url).exit_code == 2
    assert run("reschedule-day", day.isoformat(), db=url).exit_code == 2
    assert (
        run(
            "reschedule-day", day.isoformat(), "--attorney", attorney, "--from", "13:00", db=url
        ).exit_code
        == 2
    )
    assert run("reschedule-day", day.isoformat(), "--attorney", "att-nobody", db=url).exit_code == 1
    past = (NOW - timedelta(days=3)).date().isoformat()
    assert run("reschedule-day", past, "--attorney", attorney, db=url).exit_code == 2


def test_part_of_a_day_and_reassigning_to_a_colleague(
    run: Run, demo_db: tuple[str, Path, Store]
) -> None:
    url, _path, store = demo_db
    attorney, day = busiest(store)
    plan = json.loads(
        run(
            "reschedule-day",
            day.isoformat(),
            "--attorney",
            attorney,
            "--from",
            "13:00",
            "--to",
            "18:00",
            "--allow-reassign",
            "--within",
            "1",
            "--json",
            db=url,
        ).stdout
    )
    assert plan["blocked"]["start"].endswith(("13:00:00-05:00", "13:00:00-08:00", "13:00:00-06:00"))
    for move in plan["moved"]:
        assert move["old_start"][11:16] >= "13:00"
    with store.unit_of_work(readonly=True) as uow:
        matters = {m.id: m for m in uow.matters.list()}
        appts = snapshot(store)
        for move in plan["moved"]:
            matter = matters[appts[move["id"]].matter_id]
            assert not any(matter.is_screened(a) for a in move["new_attorneys"])


def test_a_room_that_is_out_keeps_the_times_in_another_room(
    run: Run, demo_db: tuple[str, Path, Store]
) -> None:
    url, _path, store = demo_db
    with store.unit_of_work(readonly=True) as uow:
        in_rooms = [
            a for a in uow.appointments.list_between(NOW, NOW + timedelta(days=14)) if a.room_id
        ]
    room, day = Counter((a.room_id, a.starts_at.date()) for a in in_rooms).most_common(1)[0][0]
    plan = json.loads(
        run("reschedule-day", day.isoformat(), "--room", room, "--json", db=url).stdout
    )
    assert plan["moved"]
    kept = [m for m in plan["moved"] if m["new_start"] == m["old_start"]]
    assert kept and all(m["room"] != room for m in kept)

    # Applied, the room stays out: the closure is recorded, and nothing is offered in it.
    assert run("reschedule-day", day.isoformat(), "--room", room, "--apply", db=url).exit_code == 0
    with store.unit_of_work(readonly=True) as uow:
        (closure,) = uow.room_closures.list_between(NOW, NOW + timedelta(days=30), room_ids=[room])
        # A meeting may move back into the room, on another day: never while it is out.
        for move in plan["moved"]:
            after = uow.appointments.get(move["id"])
            if after.room_id == room:
                assert after.ends_at <= closure.starts_at or after.starts_at >= closure.ends_at
        location = uow.rooms.get(room).location
        office = tuple(a.id for a in uow.attorneys.list() if a.office and a.office in location)
        offered = booking.availability(
            uow,
            operator(),
            NOW,
            booking.Meeting(attorneys=office, duration_minutes=30, mode="any", needs_room=True),
            closure.starts_at,
            closure.ends_at,
            limit=2000,
        ).slots
    assert offered and all(s.room != room for s in offered)
    agenda = json.loads(run("agenda", day.isoformat(), "--json", db=url).stdout)
    assert [c["room"] for c in agenda["rooms_closed"]] == [room]
    assert "Room closed:" in run("agenda", day.isoformat(), db=url).stdout
    again = run("reschedule-day", day.isoformat(), "--room", room, "--apply", db=url)
    assert again.exit_code == 0
    with store.unit_of_work(readonly=True) as uow:  # applying twice records it once
        assert len(uow.room_closures.list_between(closure.starts_at, closure.ends_at)) == 1
