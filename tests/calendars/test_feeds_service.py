"""Feed tokens and feed contents over the store, with the firm's confidentiality rules."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import icalendar
import pytest

from calendars.feeds import render_feed
from scheduler.clock import FixedClock
from scheduler.demo import DemoFirm
from scheduler.domain import (
    Deadline,
    FeedKind,
    MessageKind,
    Role,
)
from scheduler.errors import InvalidInput, NotAllowed, NotFound
from scheduler.services.access import Actor, operator
from scheduler.services.calendars import (
    feed_contents,
    find_feed,
    hash_token,
    issue_feed,
    list_feeds,
    revoke_feed,
    rotate_feed,
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


def test_tokens_are_long_random_stored_hashed_and_revocable(
    demo_store: Store, clock: FixedClock, demo: DemoFirm
) -> None:
    attorney = demo.attorneys[0]
    issued = issue(demo_store, clock, FeedKind.ATTORNEY, attorney.id)
    assert len(issued.token) >= 43  # 32 random bytes, base64url: 256 bits
    assert issued.url == f"{BASE}/v1/feeds/{issued.token}.ics"
    with demo_store.unit_of_work(readonly=True) as uow:
        (stored,) = uow.feed_tokens.list()
        assert stored.token_hash == hash_token(issued.token) != issued.token
        assert find_feed(uow, issued.token).id == issued.id
        for bad in ("nope", issued.token[:-1] + ("A" if issued.token[-1] != "A" else "B")):
            with pytest.raises(NotFound):
                find_feed(uow, bad)
    with demo_store.unit_of_work() as uow:
        revoke_feed(uow, operator(), clock.now(), issued.id)
    with demo_store.unit_of_work(readonly=True) as uow, pytest.raises(NotFound) as gone:
        find_feed(uow, issued.token)
    assert issued.token not in str(gone.value)


def test_rotation_replaces_the_url(demo_store: Store, clock: FixedClock, demo: DemoFirm) -> None:
    old = issue(demo_store, clock, FeedKind.MATTER, demo.matters[0].id)
    with demo_store.unit_of_work() as uow:
        new = rotate_feed(uow, operator(), clock.now(), old.id, base_url=BASE)
    assert (new.kind, new.subject_id) == (old.kind, old.subject_id) and new.token != old.token
    with demo_store.unit_of_work(readonly=True) as uow:
        assert find_feed(uow, new.token).id == new.id
        with pytest.raises(NotFound):
            find_feed(uow, old.token)


def test_who_may_issue_which_feed(demo_store: Store, clock: FixedClock, demo: DemoFirm) -> None:
    walled = next(m for m in demo.matters if m.screened_attorneys)
    screened = Actor(Role.ATTORNEY, "t", attorney_id=walled.screened_attorneys[0])
    own = issue(demo_store, clock, FeedKind.ATTORNEY, screened.attorney_id, screened)
    assert own.kind is FeedKind.ATTORNEY
    with pytest.raises(NotFound):
        issue(demo_store, clock, FeedKind.MATTER, walled.id, screened)
    with pytest.raises(NotAllowed):
        issue(demo_store, clock, FeedKind.FIRM_BUSY, None, screened)
    other = next(a for a in demo.attorneys if a.id != screened.attorney_id)
    with pytest.raises(NotAllowed):
        issue(demo_store, clock, FeedKind.ATTORNEY, other.id, screened)
    a_client = Actor(Role.CLIENT, "c", client_id=demo.clients[0].id)
    assert issue(demo_store, clock, FeedKind.CLIENT, demo.clients[0].id, a_client).subject_id
    with pytest.raises(NotFound):
        issue(demo_store, clock, FeedKind.CLIENT, demo.clients[1].id, a_client)
    with pytest.raises(InvalidInput):
        issue(demo_store, clock, FeedKind.ATTORNEY, None)
    with demo_store.unit_of_work(readonly=True) as uow:
        mine = list_feeds(uow, screened)
        everything = list_feeds(uow, operator())
    assert [t.id for t in mine] == [own.id]
    assert len(everything) == 2


def test_a_screened_attorney_never_sees_the_walled_matter(
    demo_store: Store, clock: FixedClock, demo: DemoFirm
) -> None:
    walled = next(m for m in demo.matters if m.screened_attorneys)
    screened = walled.screened_attorneys[0]
    # A data-entry mistake puts the screened attorney on a meeting of the walled matter, and the
    # matter has a deadline naming them: the feed must still not reveal the matter.
    slip = dataclasses.replace(
        next(a for a in demo.appointments if a.matter_id == walled.id),
        id="apt-slip",
        uid="slip-uid@hargrove-vance.example",
        attorney_ids=(screened,),
        starts_at=datetime(2026, 12, 19, 15, tzinfo=UTC),
        ends_at=datetime(2026, 12, 19, 16, tzinfo=UTC),
        room_id=None,
    )
    with demo_store.unit_of_work() as uow:
        uow.appointments.add(slip)
        uow.docket.add_deadline(
            Deadline(
                "ddl-walled",
                walled.id,
                "Opposition brief due",
                datetime(2026, 12, 21).date(),
                walled.jurisdiction,
            )
        )
        uow.commit()
    token = issue(demo_store, clock, FeedKind.ATTORNEY, screened).token
    text = unfolded(body(demo_store, clock, token))
    assert walled.title not in text
    assert "Opposition brief" not in text
    assert slip.uid not in text
    event = next(
        e
        for e in icalendar.Calendar.from_ical(body(demo_store, clock, token)).walk("VEVENT")
        if e["DTSTART"].dt == slip.starts_at
    )
    assert str(event["SUMMARY"]) == "Busy"
    assert "DESCRIPTION" not in event and "LOCATION" not in event


def test_matter_feed_is_the_docket_with_ticklers(
    demo_store: Store, clock: FixedClock, demo: DemoFirm
) -> None:
    deadline = demo.deadlines[0]
    token = issue(demo_store, clock, FeedKind.MATTER, deadline.matter_id).token
    calendar = icalendar.Calendar.from_ical(body(demo_store, clock, token))
    mine = [d for d in demo.deadlines if d.matter_id == deadline.matter_id]
    events = calendar.walk("VEVENT")
    assert len(events) == len(mine)
    event = next(
        e for e in events if str(e["UID"]) == f"deadline-{deadline.id}@hargrove-vance.example"
    )
    assert event["DTSTART"].dt == deadline.due_on
    assert event["DTEND"].dt == deadline.due_on + timedelta(days=1)
    with demo_store.unit_of_work(readonly=True) as uow:
        days = tickler_days(uow, demo.firm, deadline)
        # The deadline engine queued the ticklers (court days, with the court's holidays).
        queued = {
            m.due_at.astimezone(ZoneInfo(demo.firm.timezone)).date()
            for m in uow.outbox.list(subject_id=deadline.id)
            if m.kind is MessageKind.TICKLER and m.status != "cancelled"
        }
    assert days == sorted(queued) and days
    assert len(event.walk("VALARM")) == len(days)
