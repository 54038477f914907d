"""Booking through the service: the slot list and the booking decide alike, on both backends."""

from __future__ import annotations

import dataclasses
import json
from datetime import date, timedelta
from typing import Any

import pytest

from scheduler.availability import EMPTY_TABLE
from scheduler.clock import FixedClock
from scheduler.domain import (
    AdverseParty,
    BusyBlock,
    ClosedDay,
    Deadline,
    MessageKind,
    Room,
    RoomClosure,
    TimeOff,
)
from scheduler.errors import IdempotencyMismatch, InvalidInput, NotFound, SlotUnavailable
from scheduler.services import booking
from scheduler.store import Store
from tests.factories import matter
from tests.scheduler.services.booking_helpers import (
    CLIENT_A,
    CLIENT_B,
    STAFF,
    book,
    ny,
    seed,
    slots,
)


@pytest.fixture
def firm(store: Store) -> Store:
    return seed(store)


def starts(found: list[booking.Slot]) -> list[str]:
    return [s.start.astimezone(ny(2026, 1, 1).tzinfo).strftime("%a %d %H:%M") for s in found]


def test_nine_in_new_york_is_nine_on_both_sides_of_dst(firm: Store, clock: FixedClock) -> None:
    found = slots(firm, clock, start=ny(2027, 3, 12), days=4)  # DST begins Sunday 14 March 2027
    firsts = {}
    for s in found:
        local = s.start.astimezone(ny(2027, 1, 1).tzinfo)
        firsts.setdefault(local.date(), (local.strftime("%H:%M"), local.utcoffset()))
    assert firsts[date(2027, 3, 12)] == ("09:00", timedelta(hours=-5))
    assert firsts[date(2027, 3, 15)] == ("09:00", timedelta(hours=-4))


def test_a_booking_queues_invitations_audits_and_takes_the_time(
    firm: Store, clock: FixedClock
) -> None:
    first = slots(firm, clock)[0]
    assert first.start == ny(2026, 12, 7, 9)
    stored = book(firm, clock, first.start)
    body = json.loads(stored.body)
    assert stored.status_code == 201
    assert body["start"] == "2026-12-07T09:00:00-05:00" and body["sequence"] == 0
    with firm.unit_of_work(readonly=True) as uow:
        queued = uow.outbox.list(subject_id=body["id"])
        audit = uow.audit.list(entity_type="booking", entity_id=body["id"])
    assert {(m.kind, m.recipient) for m in queued} == {
        (MessageKind.INVITATION, "client:cli-a"),
        (MessageKind.INVITATION, "attorney:att-a"),
    }
    assert [a.action for a in audit] == ["create"]
    assert first.start not in {s.start for s in slots(firm, clock)}
    with pytest.raises(SlotUnavailable) as refused:
        book(firm, clock, first.start, title="Another")
    assert refused.value.alternatives
    offered = {s.start.isoformat() for s in slots(firm, clock)}
    assert all(
        ny(2026, 1, 1).fromisoformat(a["start"]).astimezone(first.start.tzinfo).isoformat()
        in offered
        for a in refused.value.alternatives
    )


def test_reschedule_keeps_the_uid_and_raises_the_sequence(firm: Store, clock: FixedClock) -> None:
    created = json.loads(book(firm, clock, ny(2026, 12, 7, 9)).body)
    with firm.unit_of_work() as uow:
        moved = json.loads(
            booking.reschedule(uow, STAFF, clock.now(), created["id"], ny(2026, 12, 8, 14)).body
        )
    assert moved["uid"] == created["uid"] and moved["sequence"] == 1
    assert moved["start"] == "2026-12-08T14:00:00-05:00"
    assert ny(2026, 12, 7, 9) in {s.start for s in slots(firm, clock)}
    with firm.unit_of_work() as uow:
        cancelled = json.loads(booking.cancel(uow, STAFF, clock.now(), created["id"]).body)
        again = json.loads(booking.cancel(uow, STAFF, clock.now(), created["id"]).body)
        kinds = sorted(
            m.kind.value
            for m in uow.outbox.list(subject_id=created["id"])
            if m.kind is not MessageKind.REMINDER
        )
        reminders = {
            m.status
            for m in uow.outbox.list(subject_id=created["id"])
            if m.kind is MessageKind.REMINDER
        }
    assert cancelled["status"] == "cancelled" and cancelled["sequence"] == 2
    assert again["sequence"] == 2
    assert kinds == ["cancellation"] * 2 + ["invitation"] * 2 + ["update"] * 2
    assert reminders == {"cancelled"}  # a cancelled meeting has no reminder left
    assert ny(2026, 12, 8, 14) in {s.start for s in slots(firm, clock)}


def test_a_meeting_can_be_moved_by_part_of_its_own_length(firm: Store, clock: FixedClock) -> None:
    created = json.loads(book(firm, clock, ny(2026, 12, 7, 9)).body)
    # The slot list for moving it counts its own time as free; for anything else, as taken.
    assert ny(2026, 12, 7, 9, 30) not in {s.start for s in slots(firm, clock, minutes=60)}
    moving = {s.start for s in slots(firm, clock, minutes=60, moving=created["id"])}
    assert {ny(2026, 12, 7, 9), ny(2026, 12, 7, 9, 30)} <= moving
    theirs = {"actor": CLIENT_B, "client": "cli-b", "matter": "mat-b"}
    assert slots(firm, clock, "att-b", **theirs)
    with pytest.raises(NotFound):  # another client cannot use (or detect) it
        slots(firm, clock, "att-b", **theirs, moving=created["id"])
    with firm.unit_of_work() as uow:
        moved = booking.reschedule(uow, STAFF, clock.now(), created["id"], ny(2026, 12, 7, 9, 30))
    assert json.loads(moved.body)["start"] == "2026-12-07T09:30:00-05:00"


def test_idempotency_key_replays_and_refuses_reuse(firm: Store, clock: FixedClock) -> None:
    first = book(firm, clock, ny(2026, 12, 7, 9), key="retry-1")
    again = book(firm, clock, ny(2026, 12, 7, 9), key="retry-1")
    assert again.replayed and not first.replayed and again.body == first.body
    with firm.unit_of_work(readonly=True) as uow:
        assert len(uow.appointments.list_for_client("cli-a")) == 1
    with pytest.raises(IdempotencyMismatch):
        book(firm, clock, ny(2026, 12, 7, 11), key="retry-1")
    # Keys belong to their caller: the same key from a client is a new request.
    other = book(firm, clock, ny(2026, 12, 8, 11), key="retry-1", actor=CLIENT_A)
    assert not other.replayed


def test_buffers_keep_meetings_apart(firm: Store, clock: FixedClock) -> None:
    with firm.unit_of_work() as uow:
        uow.attorneys.update(dataclasses.replace(uow.attorneys.get("att-a"), buffer_minutes=15))
        uow.commit()
    book(firm, clock, ny(2026, 12, 7, 10))
    offered = {s.start for s in slots(firm, clock, days=1, minutes=30)}
    assert ny(2026, 12, 7, 11) not in offered and ny(2026, 12, 7, 11, 15) in offered
    assert ny(2026, 12, 7, 9, 15) in offered and ny(2026, 12, 7, 9, 30) not in offered
    with pytest.raises(SlotUnavailable, match="not free"):
        book(firm, clock, ny(2026, 12, 7, 11), minutes=30)


def test_daily_limit_counts_meetings_on_the_local_date(firm: Store, clock: FixedClock) -> None:
    with firm.unit_of_work() as uow:
        uow.attorneys.update(
            dataclasses.replace(uow.attorneys.get("att-a"), max_meetings_per_day=1)
        )
        uow.commit()
    book(firm, clock, ny(2026, 12, 7, 9))
    days = {s.start.astimezone(ny(2026, 1, 1).tzinfo).date() for s in slots(firm, clock)}
    assert date(2026, 12, 7) not in days and date(2026, 12, 8) in days
    with pytest.raises(SlotUnavailable, match="no more time for meetings that day"):
        book(firm, clock, ny(2026, 12, 7, 14))


def test_minimum_notice_counts_business_hours_for_clients(firm: Store) -> None:
    friday_three = FixedClock(ny(2026, 12, 11, 15))
    staff_first = slots(firm, friday_three, days=4)[0]
    client_first = slots(firm, friday_three, actor=CLIENT_A, days=4)[0]
    assert staff_first.start == ny(2026, 12, 11, 15)
    # Friday 15:00-17:00 is two business hours; two more on Monday: 11:00.
    assert client_first.start == ny(2026, 12, 14, 11)
    with pytest.raises(SlotUnavailable, match="needs more notice"):
        book(firm, friday_three, ny(2026, 12, 14, 10), actor=CLIENT_A)
    book(firm, friday_three, ny(2026, 12, 14, 11), actor=CLIENT_A)


def test_closed_days_time_off_and_busy_blocks_leave_no_slot(firm: Store, clock: FixedClock) -> None:
    with firm.unit_of_work() as uow:
        uow.closed_days.add(ClosedDay(date(2026, 12, 8), "Office closed"))
        uow.time_off.add(TimeOff("off-1", "att-a", ny(2026, 12, 9, 13), ny(2026, 12, 9, 17)))
        uow.busy.add_source("src-court", "att-a", "manual", "Court")
        uow.busy.replace_source(
            "src-court", [BusyBlock("att-a", ny(2026, 12, 10, 9), ny(2026, 12, 10, 11))]
        )
        uow.commit()
    found = slots(firm, clock, days=4)
    assert not [s for s in found if s.start.astimezone(ny(2026, 1, 1).tzinfo).day == 8]
    assert not [s for s in found if ny(2026, 12, 9, 12, 30) < s.end <= ny(2026, 12, 9, 17)]
    assert min(s.start for s in found if s.start >= ny(2026, 12, 10)) == ny(2026, 12, 10, 11)
    for when in (ny(2026, 12, 8, 10), ny(2026, 12, 9, 14), ny(2026, 12, 10, 10)):
        with pytest.raises(SlotUnavailable):
            book(firm, clock, when)


def test_ethical_walls_hold_for_lists_and_bookings(firm: Store, clock: FixedClock) -> None:
    # att-a is screened from mat-b (client cli-b).
    with pytest.raises(InvalidInput, match="ethical wall"):
        slots(firm, clock, "att-a", matter="mat-b")
    pooled = slots(firm, clock, "att-a", "att-b", mode="any", matter="mat-b")
    assert pooled and {s.attorneys for s in pooled} == {("att-b",)}
    with pytest.raises(InvalidInput, match="ethical wall"):
        book(firm, clock, ny(2026, 12, 7, 9), client="cli-b", matter="mat-b")
    stored = book(
        firm, clock, ny(2026, 12, 7, 13), client="cli-b", matter="mat-b", pool=("att-a", "att-b")
    )
    assert json.loads(stored.body)["attorneys"] == ["att-b"]
    # A client may not even name an attorney who is not on their matters.
    with pytest.raises(NotFound):
        slots(firm, clock, "att-a", actor=CLIENT_B)


def test_the_matters_next_deadline_bounds_its_meetings(firm: Store, clock: FixedClock) -> None:
    with firm.unit_of_work() as uow:
        uow.docket.add_deadline(
            Deadline("ddl-1", "mat-a", "Opposition due", date(2026, 12, 10), "US-FED")
        )
        uow.docket.add_deadline(
            Deadline("ddl-0", "mat-a", "Already past", date(2026, 12, 1), "US-FED")
        )
        uow.commit()
    found = slots(firm, clock, matter="mat-a", days=7)
    assert found and max(s.end for s in found) <= ny(2026, 12, 10)
    assert slots(firm, clock, days=7)[-1].end > ny(2026, 12, 10)  # without the matter
    with pytest.raises(SlotUnavailable, match="deadline"):
        book(firm, clock, ny(2026, 12, 10, 9))


def test_holds_keep_a_slot_for_their_client_until_they_expire(
    firm: Store, clock: FixedClock
) -> None:
    with firm.unit_of_work() as uow:
        uow.matters.add(matter("mat-c", "cli-b", responsible_attorneys=("att-a",)))
        uow.commit()
    when = ny(2026, 12, 8, 10)
    meeting = booking.Meeting(attorneys=("att-a",), duration_minutes=60, matter="mat-a")
    with firm.unit_of_work() as uow:
        hold = booking.create_hold(uow, CLIENT_A, clock.now(), meeting, when, hold_minutes=10)
    assert hold.client_id == "cli-a" and hold.expires_at == clock.now() + timedelta(minutes=10)
    assert when not in {s.start for s in slots(firm, clock, client="cli-b")}
    assert when in {s.start for s in slots(firm, clock, client="cli-a")}
    with pytest.raises(SlotUnavailable):
        book(firm, clock, when, client="cli-b", matter="mat-c")
    clock.advance(timedelta(minutes=11))
    assert when in {s.start for s in slots(firm, clock, client="cli-b")}
    clock.advance(timedelta(minutes=-11))
    stored = book(firm, clock, when, actor=CLIENT_A, hold=hold.id)
    assert json.loads(stored.body)["start"] == "2026-12-08T10:00:00-05:00"
    with firm.unit_of_work(readonly=True) as uow, pytest.raises(NotFound):
        uow.holds.get(hold.id)


def test_round_robin_prefers_the_matters_attorney_then_the_lighter_day(
    firm: Store, clock: FixedClock
) -> None:
    # Both work 12:00-15:00 New York time (att-b is in Los Angeles).
    noon = ny(2026, 12, 7, 13)
    by_start = {s.start: s for s in slots(firm, clock, "att-b", "att-a", mode="any")}
    assert by_start[noon].attorneys == ("att-b",)  # equal load: the order given
    assert {s.start: s for s in slots(firm, clock, "att-b", "att-a", mode="any", matter="mat-a")}[
        noon
    ].attorneys == ("att-a",)  # the matter's own attorney first
    book(firm, clock, ny(2026, 12, 7, 12), attorneys=("att-b",), client="cli-b", matter="mat-b")
    by_start = {s.start: s for s in slots(firm, clock, "att-b", "att-a", mode="any")}
    assert by_start[noon].attorneys == ("att-a",)  # att-b already has a meeting that day


def test_rooms_and_adverse_parties_in_the_office(firm: Store, clock: FixedClock) -> None:
    with firm.unit_of_work() as uow:
        uow.matters.add(
            matter(
                "mat-c",
                "cli-b",
                responsible_attorneys=("att-b",),
                adverse_parties=(AdverseParty("Client A", "cli-a"),),
            )
        )
        uow.commit()
    book(firm, clock, ny(2026, 12, 7, 13), needs_room=True)  # cli-a in room-1, 13:00-14:00
    with pytest.raises(SlotUnavailable, match="no conference room"):
        book(
            firm,
            clock,
            ny(2026, 12, 7, 13),
            attorneys=("att-b",),
            client="cli-b",
            matter="mat-b",
            needs_room=True,
        )
    with firm.unit_of_work() as uow:
        uow.rooms.add(Room("room-2", "Liberty Conference Room"))
        uow.commit()
    # A second room, but cli-b is adverse to cli-a: 30 minutes apart in the office.
    for when in (ny(2026, 12, 7, 14), ny(2026, 12, 7, 14, 15)):
        with pytest.raises(SlotUnavailable, match="opposing party"):
            book(
                firm,
                clock,
                when,
                attorneys=("att-b",),
                client="cli-b",
                matter="mat-c",
                needs_room=True,
                minutes=30,
            )
    stored = book(
        firm,
        clock,
        ny(2026, 12, 7, 14, 30),
        attorneys=("att-b",),
        client="cli-b",
        matter="mat-c",
        needs_room=True,
        minutes=30,
    )
    assert json.loads(stored.body)["room"] == "room-1"
    # Without a room (a video call) the separation does not apply.
    book(firm, clock, ny(2026, 12, 8, 13), attorneys=("att-b",), client="cli-b", matter="mat-c")


def test_a_closed_room_is_neither_offered_nor_booked(firm: Store, clock: FixedClock) -> None:
    with firm.unit_of_work() as uow:
        uow.room_closures.add(
            RoomClosure("closure-1", "room-1", ny(2026, 12, 7, 12), ny(2026, 12, 7, 15), "Repairs")
        )
        uow.commit()
    offered = {s.start for s in slots(firm, clock, days=1, needs_room=True)}
    assert ny(2026, 12, 7, 11) in offered and ny(2026, 12, 7, 15) in offered
    assert not any(ny(2026, 12, 7, 11, 1) <= t < ny(2026, 12, 7, 15) for t in offered)
    assert ny(2026, 12, 7, 13) in {s.start for s in slots(firm, clock, days=1)}  # no room needed
    with pytest.raises(SlotUnavailable, match="no conference room"):
        book(firm, clock, ny(2026, 12, 7, 13), needs_room=True)
    book(firm, clock, ny(2026, 12, 7, 13))  # a video call needs no room


def test_the_database_is_the_backstop_should_the_check_ever_be_wrong(
    firm: Store, clock: FixedClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    book(firm, clock, ny(2026, 12, 7, 10))
    blind = booking.find_slots  # the real check, asked about an empty calendar below

    def check_that_sees_nothing(facts: Any) -> list[booking.Slot]:
        empty = [dataclasses.replace(a, blocks=EMPTY_TABLE) for a in facts.attorneys]
        return blind(facts.query, empty, dataclasses.replace(facts.shared, client_busy=[]))

    monkeypatch.setattr(booking, "_slots", check_that_sees_nothing)
    with pytest.raises(SlotUnavailable, match="taken a moment ago") as refused:
        book(firm, clock, ny(2026, 12, 7, 10), title="Blind")
    assert refused.value.alternatives
    with firm.unit_of_work(readonly=True) as uow:
        assert len(uow.appointments.list_between(ny(2026, 12, 7, 10), ny(2026, 12, 7, 11))) == 1
