"""Over random calendars: an offered slot can always be booked, and a time the slot list does not
offer is always refused (with alternatives that are themselves offered).

Each example builds a fresh corner of the firm (its own attorneys, client and matter) in zones
chosen for their pathologies, around DST changes, with working hours, buffers, busy blocks at odd
minutes, time off, existing meetings, holds of another client, closed days, daily limits, rooms
(and their closures) and deadlines; then asks the slot list, tries a time it did not offer, and
books one it did.
"""

from __future__ import annotations

import itertools
import json
from datetime import UTC, date, datetime, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from scheduler.clock import FixedClock
from scheduler.domain import (
    Appointment,
    AppointmentStatus,
    Attorney,
    BusyBlock,
    Client,
    ClosedDay,
    Deadline,
    Hold,
    Matter,
    Role,
    Room,
    RoomClosure,
    TimeOff,
    WeeklyHours,
)
from scheduler.errors import OverlapRefused, SlotUnavailable
from scheduler.services import booking
from scheduler.services.access import Actor
from scheduler.store import Store
from tests.factories import KOLKATA, LORD_HOWE, LOS_ANGELES, NEW_YORK, PHOENIX
from tests.scheduler.services.booking_helpers import FIRM, STAFF

ZONES = (NEW_YORK, LOS_ANGELES, PHOENIX, KOLKATA, LORD_HOWE)
# Mondays around DST changes (New York: 1 Nov 2026, 14 Mar 2027; Lord Howe: 4 Apr 2027) and
# an ordinary week.
WEEKS = (date(2026, 10, 29), date(2026, 12, 7), date(2027, 3, 11), date(2027, 4, 1))
DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_examples = itertools.count()


def _hours(ranges: list[tuple[bool, int, int, int]]) -> WeeklyHours:
    days: dict[str, list[str]] = {}
    for day, (works, start_q, length_q, gap_q) in zip(DAYS, ranges, strict=True):
        if not works:
            continue
        lo = 6 * 4 + start_q
        hi = min(lo + length_q, 23 * 4)
        first = [f"{lo // 4:02d}:{lo % 4 * 15:02d}-{hi // 4:02d}:{hi % 4 * 15:02d}"]
        if gap_q and hi + gap_q + 4 <= 23 * 4:
            lo2, hi2 = hi + gap_q, min(hi + gap_q + length_q, 23 * 4)
            first.append(f"{lo2 // 4:02d}:{lo2 % 4 * 15:02d}-{hi2 // 4:02d}:{hi2 % 4 * 15:02d}")
        days[day] = first
    return WeeklyHours.from_json(days)


ranges = st.lists(
    st.tuples(
        st.sampled_from((True, True, True, False)),
        st.integers(0, 16),
        st.integers(8, 40),
        st.integers(0, 6),
    ),
    min_size=7,
    max_size=7,
)
stretches = st.lists(st.tuples(st.integers(0, 4 * 24 * 60 - 1), st.integers(5, 180)), max_size=4)


@pytest.fixture
def firm(store: Store) -> Store:
    with store.unit_of_work() as uow:
        uow.firm.save(FIRM)
        uow.rooms.add(Room("room-p1", "Hudson Conference Room", location="New York"))
        uow.rooms.add(Room("room-p2", "Pacific Conference Room", location="Los Angeles"))
        uow.commit()
    return store


@settings(
    max_examples=40,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=st.data())
def test_offered_slots_book_and_unoffered_times_are_refused(
    firm: Store, data: st.DataObject
) -> None:
    n = next(_examples)
    week = data.draw(st.sampled_from(WEEKS), label="week")
    origin = datetime.combine(week, datetime.min.time(), tzinfo=UTC)
    now = origin - timedelta(minutes=data.draw(st.integers(0, 24 * 60), label="now"))
    count = data.draw(st.integers(1, 3), label="attorneys")
    attorneys = [
        Attorney(
            id=f"p{n}-att-{i}",
            name=f"Attorney {i}",
            email=f"p{n}-{i}@firm.example",
            timezone=data.draw(st.sampled_from(ZONES), label=f"zone{i}"),
            working_hours=_hours(data.draw(ranges, label=f"hours{i}")),
            office=data.draw(st.sampled_from(("New York", "Los Angeles", "")), label="office"),
            max_meetings_per_day=data.draw(st.sampled_from((None, 1, 2, 4)), label="limit"),
            buffer_minutes=data.draw(st.sampled_from((0, 0, 10, 15, 30)), label="buffer"),
        )
        for i in range(count)
    ]
    client = Client(f"p{n}-cli", "Client", f"p{n}@client.example")
    other = Client(f"p{n}-other", "Other client", f"p{n}-o@client.example")
    ids = tuple(a.id for a in attorneys)
    the_matter = Matter(f"p{n}-mat", client.id, "Matter", "US-FED", "Litigation", ids[:1])
    other_matter = Matter(f"p{n}-omat", other.id, "Other", "US-FED", "Litigation", ids[:1])

    def at(minute: int) -> datetime:
        return origin + timedelta(minutes=minute)

    with firm.unit_of_work() as uow:
        for a in attorneys:
            uow.attorneys.add(a)
        uow.clients.add(client)
        uow.clients.add(other)
        uow.matters.add(the_matter)
        uow.matters.add(other_matter)
        for a in attorneys:
            uow.busy.add_source(f"p{n}-src-{a.id}", a.id, "manual")
            uow.busy.replace_source(
                f"p{n}-src-{a.id}",
                [
                    BusyBlock(a.id, at(s) + timedelta(seconds=7), at(s + length))
                    for s, length in data.draw(stretches, label="busy")
                ],
            )
            for k, (s, length) in enumerate(data.draw(stretches, label="time off")[:1]):
                uow.time_off.add(TimeOff(f"p{n}-off-{a.id}-{k}", a.id, at(s), at(s + length)))
        for k, (s, length) in enumerate(data.draw(stretches, label="room closures")[:2]):
            room_id = ("room-p1", "room-p2")[k]
            uow.room_closures.add(RoomClosure(f"p{n}-rc-{k}", room_id, at(s), at(s + length)))
        if data.draw(st.booleans(), label="closed day"):
            day = week + timedelta(days=data.draw(st.integers(0, 2), label="which"))
            if not uow.closed_days.list(start=day, end=day):
                uow.closed_days.add(ClosedDay(day, "Closed"))
        if data.draw(st.booleans(), label="deadline"):
            uow.docket.add_deadline(
                Deadline(
                    f"p{n}-ddl",
                    the_matter.id,
                    "Brief due",
                    week + timedelta(days=data.draw(st.integers(1, 3), label="due")),
                    "US-FED",
                )
            )
        for k, (s, length) in enumerate(data.draw(stretches, label="holds")[:2]):
            uow.holds.add(
                Hold(
                    id=f"p{n}-hold-{k}",
                    attorney_ids=(ids[k % count],),
                    starts_at=at(s // 15 * 15),
                    ends_at=at(s // 15 * 15 + 15 + length // 15 * 15),
                    expires_at=now + timedelta(minutes=data.draw(st.integers(-5, 20), label="exp")),
                    created_by="key:k-other (client)",
                    created_at=now,
                    client_id=other.id,
                )
            )
        uow.commit()
    for k, (s, length) in enumerate(data.draw(stretches, label="meetings")):
        who = ids[k % count]
        start = at(s // 5 * 5)
        room = data.draw(st.sampled_from((None, "room-p1", "room-p2")), label="room")
        try:
            with firm.unit_of_work() as uow:
                uow.appointments.add(
                    Appointment(
                        id=f"p{n}-apt-{k}",
                        uid=f"p{n}-{k}@firm.example",
                        client_id=other.id if k % 2 else client.id,
                        matter_id=other_matter.id if k % 2 else the_matter.id,
                        attorney_ids=(who,),
                        starts_at=start,
                        ends_at=start + timedelta(minutes=length),
                        title="Existing",
                        status=AppointmentStatus.CONFIRMED,
                        room_id=room,
                        buffer_minutes=data.draw(st.sampled_from((0, 15)), label="abuf"),
                        created_at=now,
                        updated_at=now,
                    )
                )
                uow.commit()
        except OverlapRefused:
            pass

    actor = data.draw(
        st.sampled_from((STAFF, Actor(Role.CLIENT, f"key:p{n} (client)", client_id=client.id))),
        label="actor",
    )
    mode = data.draw(st.sampled_from(("all", "any")), label="mode") if count > 1 else "all"
    chosen = ids if mode == "any" else ids[: data.draw(st.integers(1, count), label="all of")]
    if actor.role is Role.CLIENT:
        chosen = ids[:1]  # a client names the attorneys on their matters
        mode = "all"
    meeting = booking.Meeting(
        attorneys=chosen,
        duration_minutes=data.draw(st.sampled_from((15, 30, 45, 60, 90)), label="minutes"),
        mode=mode,
        client=client.id,
        matter=the_matter.id,
        needs_room=data.draw(st.booleans(), label="needs room"),
    )
    window_start = origin
    window_end = origin + timedelta(days=4)
    with firm.unit_of_work(readonly=True) as uow:
        offered = booking.availability(
            uow, actor, now, meeting, window_start, window_end, limit=2000
        ).slots
    by_start = {s.start: s for s in offered}
    clock = FixedClock(now)

    def request(start: datetime, attorneys: tuple[str, ...]) -> booking.BookingRequest:
        return booking.BookingRequest(
            client=client.id,
            matter=the_matter.id,
            start=start,
            duration_minutes=meeting.duration_minutes,
            title="Meeting",
            attorneys=attorneys if mode == "all" else (),
            pool=attorneys if mode == "any" else (),
            needs_room=meeting.needs_room,
        )

    # A time the list did not offer (on a 5-minute grid, so off-grid starts are tried too),
    # often just beside an offered one, where buffers, limits and neighbours decide.
    if offered and data.draw(st.booleans(), label="near"):
        near = offered[data.draw(st.integers(0, len(offered) - 1), label="near which")].start
        refused_at = near + timedelta(minutes=15 * data.draw(st.integers(-8, 8), label="by"))
    else:
        refused_at = window_start + timedelta(
            minutes=5 * data.draw(st.integers(0, 4 * 24 * 12 - 1), label="try")
        )
    if (
        window_start <= refused_at
        and refused_at + timedelta(minutes=meeting.duration_minutes) <= window_end
        and refused_at not in by_start
    ):
        with firm.unit_of_work() as uow, pytest.raises(SlotUnavailable) as refused:
            booking.book(uow, actor, clock.now(), request(refused_at, chosen))
        for alternative in refused.value.alternatives:
            moment = datetime.fromisoformat(alternative["start"]).astimezone(UTC)
            if (
                window_start <= moment
                and moment + timedelta(minutes=meeting.duration_minutes) <= window_end
            ):
                assert moment in by_start, alternative

    if offered:
        slot = offered[data.draw(st.integers(0, len(offered) - 1), label="pick")]
        with firm.unit_of_work() as uow:
            stored = booking.book(uow, actor, clock.now(), request(slot.start, chosen))
        body = json.loads(stored.body)
        assert stored.status_code == 201
        assert body["attorneys"] == list(slot.attorneys)
        assert datetime.fromisoformat(body["start"]) == slot.start
        assert (body["room"] is not None) == meeting.needs_room
