"""What each feed holds, read from one seeded demo store per backend."""

from __future__ import annotations

from datetime import datetime, timedelta

import icalendar

from calendars.feeds import render_feed
from calendars.ics_import import ImportOptions, busy_from_ics
from scheduler.clock import FixedClock
from scheduler.demo import DemoFirm
from scheduler.domain import (
    AppointmentStatus,
    FeedKind,
)
from scheduler.intervals import Interval, merge
from scheduler.services.access import Actor, operator
from scheduler.services.calendars import (
    FeedCache,
    feed_contents,
    find_feed,
    issue_feed,
    tickler_days,
)
from scheduler.store import Store

BASE = "https://calendar.hargrove-vance.example"


def issue(
    store: Store, clock: FixedClock, kind: FeedKind, subject: str | None, actor: Actor | None = None
):  # type: ignore[no-untyped-def]
    with store.unit_of_work() as uow:
        return issue_feed(
            uow, actor or operator(), clock.now(), kind=kind, subject_id=subject, base_url=BASE
        )


def body(store: Store, clock: FixedClock, token: str) -> bytes:
    with store.unit_of_work(readonly=True) as uow:
        return render_feed(feed_contents(uow, find_feed(uow, token), clock.now()))


def unfolded(data: bytes) -> str:
    return data.decode().replace("\r\n ", "")


def test_attorney_feed_has_their_appointments_in_full_and_their_deadlines(
    shared_store: Store, clock: FixedClock, demo: DemoFirm
) -> None:
    attorney = demo.attorneys[0]
    token = issue(shared_store, clock, FeedKind.ATTORNEY, attorney.id).token
    data = body(shared_store, clock, token)
    calendar = icalendar.Calendar.from_ical(data)
    events = calendar.walk("VEVENT")
    mine = [a for a in demo.appointments if attorney.id in a.attorney_ids]
    timed = {str(e["UID"]): e for e in events if isinstance(e["DTSTART"].dt, datetime)}
    assert set(timed) == {a.uid for a in mine}
    first = mine[0]
    client = next(c for c in demo.clients if c.id == first.client_id)
    event = timed[first.uid]
    assert str(event["SUMMARY"]) == f"{first.title}: {client.name}"
    assert f"Client: {client.name}" in str(event["DESCRIPTION"])
    assert event["DTSTART"].dt == first.starts_at
    deadlines = [d for d in demo.deadlines if attorney.id in d.responsible_attorneys]
    all_day = [e for e in events if str(e["UID"]).startswith("deadline-")]
    assert {str(e["UID"]) for e in all_day} == {
        f"deadline-{d.id}@hargrove-vance.example" for d in deadlines
    }
    by_uid = {f"deadline-{d.id}@hargrove-vance.example": d for d in deadlines}
    with shared_store.unit_of_work(readonly=True) as uow:
        for e in all_day:
            assert str(e["TRANSP"]) == "TRANSPARENT"
            ticklers = tickler_days(
                uow, demo.firm, by_uid[str(e["UID"])], recipient=f"attorney:{attorney.id}"
            )
            assert len(e.walk("VALARM")) == len(ticklers) > 0
    assert str(calendar["X-WR-TIMEZONE"]) == attorney.timezone


def test_client_feed_holds_only_that_clients_appointments(
    shared_store: Store, clock: FixedClock, demo: DemoFirm
) -> None:
    client = max(demo.clients, key=lambda c: sum(a.client_id == c.id for a in demo.appointments))
    token = issue(shared_store, clock, FeedKind.CLIENT, client.id).token
    data = body(shared_store, clock, token)
    uids = {str(e["UID"]) for e in icalendar.Calendar.from_ical(data).walk("VEVENT")}
    assert uids == {a.uid for a in demo.appointments if a.client_id == client.id}
    text = unfolded(data)
    others = {c.name for c in demo.clients if c.id != client.id}
    assert not [name for name in others if name in text]
    adverse = {p.name for m in demo.matters if m.client_id == client.id for p in m.adverse_parties}
    assert not [name for name in adverse if name in text]


def test_busy_feed_says_busy_and_nothing_else(
    shared_store: Store, clock: FixedClock, demo: DemoFirm
) -> None:
    token = issue(shared_store, clock, FeedKind.FIRM_BUSY, None).token
    data = body(shared_store, clock, token)
    text = unfolded(data)
    leaks = (
        [c.name for c in demo.clients]
        + [m.title for m in demo.matters]
        + [p.name for m in demo.matters for p in m.adverse_parties]
        + [r.name for r in demo.rooms]
        + [a.title for a in demo.appointments]
        + [a.video_url for a in demo.appointments if a.video_url]
        + [a.uid for a in demo.appointments]
    )
    assert not [word for word in leaks if word in text]
    calendar = icalendar.Calendar.from_ical(data)
    for event in calendar.walk("VEVENT"):
        assert set(event.keys()) <= {
            "UID",
            "DTSTAMP",
            "DTSTART",
            "DTEND",
            "SUMMARY",
            "STATUS",
            "TRANSP",
            "X-MICROSOFT-CDO-BUSYSTATUS",
        }
        assert str(event["SUMMARY"]).startswith("Busy (")
        assert event.walk("VALARM") == []
    # Each attorney's busy time is the merge of their appointments and imported busy blocks.
    attorney = demo.attorneys[0]
    expected = merge(
        [
            Interval(a.starts_at, a.ends_at)
            for a in demo.appointments
            if attorney.id in a.attorney_ids
        ]
        + [Interval(b.starts_at, b.ends_at) for b in demo.busy if b.attorney_id == attorney.id]
    )
    got = sorted(
        Interval(e["DTSTART"].dt, e["DTEND"].dt)
        for e in calendar.walk("VEVENT")
        if str(e["SUMMARY"]) == f"Busy ({attorney.name})"
    )
    assert got == expected


def test_round_trip_feed_to_import_gives_the_same_busy_times(
    shared_store: Store, clock: FixedClock, demo: DemoFirm
) -> None:
    attorney = max(
        demo.attorneys, key=lambda a: sum(a.id in x.attorney_ids for x in demo.appointments)
    )
    token = issue(shared_store, clock, FeedKind.ATTORNEY, attorney.id).token
    data = body(shared_store, clock, token)
    result = busy_from_ics(
        data,
        ImportOptions(
            zone=attorney.timezone,
            window_start=clock.now() - timedelta(days=30),
            window_end=clock.now() + timedelta(days=365),
            emails=(attorney.email,),
        ),
    )
    expected = merge(
        Interval(a.starts_at, a.ends_at)
        for a in demo.appointments
        if attorney.id in a.attorney_ids and a.status is not AppointmentStatus.CANCELLED
    )
    assert result.blocks == expected and expected


def test_feed_cache_reuses_rendering_and_keeps_last_modified(
    shared_store: Store, clock: FixedClock, demo: DemoFirm
) -> None:
    ticks = [0.0]
    cache = FeedCache(ttl_seconds=60, clock=lambda: ticks[0])
    issued = issue(shared_store, clock, FeedKind.ATTORNEY, demo.attorneys[0].id)
    with shared_store.unit_of_work(readonly=True) as uow:
        token = find_feed(uow, issued.token)
        first = cache.get(uow, token, clock.now())
        ticks[0] = 30
        assert cache.get(uow, token, clock.now() + timedelta(hours=1)) is first
        ticks[0] = 61
        again = cache.get(uow, token, clock.now() + timedelta(hours=1))
    assert again is not first and again.etag == first.etag
    assert again.last_modified == first.last_modified
