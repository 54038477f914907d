"""Booking links as a use-case, on SQLite and PostgreSQL: issuing (what is refused), the token
(only its hash is kept), what a link offers, booking one meeting atomically, expiry, revocation,
and the calendar file."""

from __future__ import annotations

import hashlib
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from scheduler.clock import FixedClock
from scheduler.domain import AppointmentStatus, Role
from scheduler.errors import Conflict, InvalidInput, NotAllowed, NotFound
from scheduler.services import links
from scheduler.services.access import Actor, operator
from scheduler.services.calendars import render_outbox_message
from scheduler.store import Store
from tests.web.conftest import Pick, pick

NEW_YORK = ZoneInfo("America/New_York")
BASE = "https://book.firm.example"


def issue(store: Store, now: datetime, chosen: Pick, **options: Any) -> links.IssuedLink:
    with store.unit_of_work() as uow:
        return links.create_link(
            uow,
            options.pop("actor", operator()),
            now,
            client_id=options.pop("client_id", chosen.client.id),
            matter_id=options.pop("matter_id", chosen.matter.id),
            duration_minutes=options.pop("duration_minutes", 60),
            base_url=BASE,
            attorney_ids=options.pop("attorney_ids", (chosen.attorney,)),
            **options,
        )


def first_time(store: Store, link_id: str, now: datetime, **kw: Any) -> datetime:
    with store.unit_of_work(readonly=True) as uow:
        times = links.free_times(uow, uow.links.get(link_id), now, NEW_YORK, **kw)
    return next(slot.start for _, slots in times.days for slot in slots)


def book(store: Store, link_id: str, now: datetime, start: datetime) -> Any:
    with store.unit_of_work() as uow:
        return links.book(uow, uow.links.get(link_id), now, start, hold_id=None)


def test_a_link_keeps_only_the_hash_of_its_256_bit_token(demo: Store, clock: FixedClock) -> None:
    chosen = pick(demo, spanish=False)
    issued = issue(demo, clock.now(), chosen)
    assert len(issued.token) >= 43  # 32 random bytes, URL-safe base64
    assert issued.url == f"{BASE}/book/{issued.token}"
    assert issued.to_json().keys() >= {"url", "token", "expires"}
    with demo.unit_of_work(readonly=True) as uow:
        stored = uow.links.get(issued.id)
        assert stored.token_hash == hashlib.sha256(issued.token.encode()).hexdigest()
        assert issued.token not in repr(stored)
        assert links.open_link(uow, issued.token).id == issued.id
        for wrong in (issued.token[:-1] + ("A" if issued.token[-1] != "A" else "B"), "short", ""):
            with pytest.raises(NotFound):
                links.open_link(uow, wrong)
        view = links.link_view(stored, clock.now())
    assert issued.token not in str(view) and view["status"] == "open"
    assert view["attorneys"] == [chosen.attorney]


def test_issuing_refuses_what_could_not_be_booked(demo: Store, clock: FixedClock) -> None:
    now = clock.now()
    chosen = pick(demo, spanish=False)
    other = pick(demo, spanish=True)
    with demo.unit_of_work(readonly=True) as uow:
        walled = next(m for m in uow.matters.list() if m.screened_attorneys)
        outsider = next(
            a.id
            for a in uow.attorneys.list()
            if a.id not in {x for m in uow.matters.list(client_id=chosen.client.id)
                            for x in m.responsible_attorneys}
        )  # fmt: skip
    refusals = [
        ({"matter_id": other.matter.id}, "matter"),
        ({"attorney_ids": (outsider,)}, "attorney"),
        ({"duration_minutes": 3}, "duration_minutes"),
        ({"valid_days": 0}, "expires_in_days"),
        ({"valid_days": 91}, "expires_in_days"),
        ({"meet_by": date(2026, 12, 6)}, "deadline"),
        ({"meet_by": date(2028, 1, 1)}, "deadline"),
        ({"title": "two\nlines"}, "title"),
        (
            {
                "client_id": walled.client_id,
                "matter_id": walled.id,
                "attorney_ids": walled.screened_attorneys[:1],
            },
            "attorney",
        ),
    ]
    for options, field in refusals:
        with pytest.raises(InvalidInput) as refused:
            issue(demo, now, chosen, **options)
        assert refused.value.field == field, options
    with pytest.raises(NotFound):
        issue(demo, now, chosen, client_id="cli-nobody")
    client_actor = Actor(Role.CLIENT, "key:k (client)", client_id=chosen.client.id)
    with pytest.raises(NotAllowed):
        issue(demo, now, chosen, actor=client_actor)
    with demo.unit_of_work() as uow:
        uow.matters.update(replace(chosen.matter, status="closed"))
        uow.commit()
    with pytest.raises(InvalidInput, match="closed"):
        issue(demo, now, chosen)
    with demo.unit_of_work(readonly=True) as uow:
        assert uow.links.list() == []


def test_a_day_to_meet_by_bounds_the_times_and_the_link(demo: Store, clock: FixedClock) -> None:
    now = clock.now()  # Monday 7 December 2026, 08:00 in New York
    chosen = pick(demo, spanish=False)
    issued = issue(demo, now, chosen, meet_by=date(2026, 12, 9), attorney_ids=())
    assert issued.expires_at == datetime(2026, 12, 10, tzinfo=NEW_YORK)
    with demo.unit_of_work(readonly=True) as uow:
        link = uow.links.get(issued.id)
        assert link.attorney_ids == tuple(
            a for a in chosen.matter.responsible_attorneys if not chosen.matter.is_screened(a)
        )
        times = links.free_times(uow, link, now, NEW_YORK, first_day=date(2026, 12, 7))
    found = [slot for _, slots in times.days for slot in slots]
    assert found and max(slot.end for slot in found) <= datetime(2026, 12, 10, tzinfo=NEW_YORK)
    assert times.later is None
    assert [day for day, _ in times.days] == [
        date(2026, 12, 7),
        date(2026, 12, 8),
        date(2026, 12, 9),
    ]
    with demo.unit_of_work() as uow, pytest.raises(InvalidInput):
        links.hold_time(uow, link, now, datetime(2026, 12, 10, 15, tzinfo=UTC), hold_minutes=10)


def test_a_link_books_one_meeting_at_a_time(demo: Store, clock: FixedClock) -> None:
    now = clock.now()
    chosen = pick(demo, spanish=False)
    issued = issue(demo, now, chosen)
    start = first_time(demo, issued.id, now)
    booked = book(demo, issued.id, now, start)
    assert (booked.client_id, booked.matter_id, booked.attorney_ids) == (
        chosen.client.id,
        chosen.matter.id,
        (chosen.attorney,),
    )
    with demo.unit_of_work(readonly=True) as uow:
        link = uow.links.get(issued.id)
        audit = uow.audit.list(entity_type="booking", entity_id=booked.id)
    assert link.appointment_id == booked.id
    assert links.link_status(link, now) == "booked"
    assert [(e.action, e.actor) for e in audit] == [("create", f"link:{issued.id}")]
    later = first_time(demo, issued.id, now, first_day=date(2026, 12, 14))
    with pytest.raises(Conflict, match="already booked"):
        book(demo, issued.id, now, later)
    with demo.unit_of_work() as uow:
        links.cancel(uow, uow.links.get(issued.id), now)
    again = book(demo, issued.id, now, later)
    with demo.unit_of_work(readonly=True) as uow:
        assert uow.links.get(issued.id).appointment_id == again.id
        assert uow.appointments.get(booked.id).status is AppointmentStatus.CANCELLED


def all_times(store: Store, link_id: str, now: datetime, **kw: Any) -> list[datetime]:
    with store.unit_of_work(readonly=True) as uow:
        times = links.free_times(uow, uow.links.get(link_id), now, NEW_YORK, **kw)
    return [slot.start for _, slots in times.days for slot in slots]


def test_a_meeting_moves_through_its_link_by_part_of_its_own_length(
    demo: Store, clock: FixedClock
) -> None:
    now = clock.now()
    chosen = pick(demo, spanish=False)
    issued = issue(demo, now, chosen)
    offered = all_times(demo, issued.id, now)
    half_hour = timedelta(minutes=30)
    # A time whose next half hour is free too: the 60-minute meeting can move by 30 minutes.
    start = next(t for t in offered if t + half_hour in offered)
    booked = book(demo, issued.id, now, start)
    assert start + half_hour not in all_times(demo, issued.id, now, first_day=start.date())

    moving = all_times(demo, issued.id, now, moving=True, first_day=start.date())
    assert start + half_hour in moving and start not in moving  # not where it is now
    with demo.unit_of_work() as uow:
        link = uow.links.get(issued.id)
        hold = links.hold_time(uow, link, now, start + half_hour, hold_minutes=10, moving=True)
    with demo.unit_of_work() as uow:
        moved = links.reschedule(
            uow, uow.links.get(issued.id), now, start + half_hour, hold_id=hold.id
        )
    assert (moved.id, moved.starts_at, moved.sequence) == (booked.id, start + half_hour, 1)
    with demo.unit_of_work(readonly=True) as uow:
        assert uow.appointments.get(booked.id).starts_at == start + half_hour
        with pytest.raises(NotFound):
            links.held(uow, uow.links.get(issued.id), now, hold.id)


def test_booking_and_tying_it_to_the_link_are_one_transaction(
    demo: Store, clock: FixedClock
) -> None:
    now = clock.now()
    chosen = pick(demo, spanish=False)
    issued = issue(demo, now, chosen)
    start = first_time(demo, issued.id, now)

    class Failing:
        def __init__(self, real: Any) -> None:
            self.real = real

        def __getattr__(self, name: str) -> Any:
            return getattr(self.real, name)

        def update(self, link: Any) -> None:
            raise RuntimeError("the disk is full")

    with demo.unit_of_work() as uow:
        link = uow.links.get(issued.id)
        uow.links = Failing(uow.links)
        with pytest.raises(RuntimeError):
            links.book(uow, link, now, start, hold_id=None)
    with demo.unit_of_work(readonly=True) as uow:
        assert [a for a in uow.appointments.list_for_client(chosen.client.id)
                if a.created_at == now] == []  # fmt: skip
        assert uow.links.get(issued.id).appointment_id is None
    assert book(demo, issued.id, now, start).starts_at == start


def test_an_expired_link_books_nothing_but_still_manages_its_meeting(
    demo: Store, clock: FixedClock
) -> None:
    now = clock.now()
    chosen = pick(demo, spanish=False)
    kept = issue(demo, now, chosen, valid_days=1)
    unused = issue(demo, now, chosen, valid_days=1)
    start = first_time(demo, kept.id, now, first_day=date(2026, 12, 14))
    booked = book(demo, kept.id, now, start)
    after = now + timedelta(days=2)
    with demo.unit_of_work() as uow:
        page = links.page_for(uow, uow.links.get(kept.id), after)
        assert not page.can_book and page.can_change
        with pytest.raises(Conflict, match="expired"):
            links.hold_time(uow, uow.links.get(unused.id), after, start, hold_minutes=10)
        assert links.link_status(uow.links.get(unused.id), after) == "expired"
    with demo.unit_of_work() as uow:
        cancelled = links.cancel(uow, uow.links.get(kept.id), after)
    assert cancelled.status is AppointmentStatus.CANCELLED and cancelled.id == booked.id
    # Once the meeting has started, it can no longer be changed through the link.
    other = issue(demo, now, chosen)
    booked = book(demo, other.id, now, first_time(demo, other.id, now))
    with demo.unit_of_work() as uow, pytest.raises(Conflict, match="no longer be changed"):
        links.cancel(uow, uow.links.get(other.id), booked.starts_at)


def test_a_revoked_link_opens_nothing(demo: Store, clock: FixedClock) -> None:
    now = clock.now()
    chosen = pick(demo, spanish=False)
    issued = issue(demo, now, chosen)
    with demo.unit_of_work() as uow:
        revoked = links.revoke_link(uow, operator(), now, issued.id)
    assert revoked.revoked_at == now
    with demo.unit_of_work() as uow:
        with pytest.raises(NotFound):
            links.open_link(uow, issued.token)
        links.revoke_link(uow, operator(), now + timedelta(hours=1), issued.id)
    with demo.unit_of_work(readonly=True) as uow:
        link = uow.links.get(issued.id)
        actions = [e.action for e in uow.audit.list(entity_type="booking_link")]
        assert [links.link_view(x, now)["status"] for x in links.list_links(uow, operator())] == [
            "revoked"
        ]
    assert link.revoked_at == now and actions == ["revoke", "create"]


def test_the_calendar_file_is_the_message_the_client_is_sent(
    demo: Store, clock: FixedClock
) -> None:
    now = clock.now()
    chosen = pick(demo, spanish=True)
    issued = issue(demo, now, chosen)
    booked = book(demo, issued.id, now, first_time(demo, issued.id, now))
    recipient = f"client:{chosen.client.id}"

    def message(kind: str) -> Any:
        with demo.unit_of_work(readonly=True) as uow:
            return next(
                m
                for m in uow.outbox.list(subject_id=booked.id)
                if m.recipient == recipient and m.kind.value == kind
            )

    with demo.unit_of_work() as uow:
        data, method = links.calendar_file(uow, uow.links.get(issued.id), now)
    invitation = message("invitation")
    with demo.unit_of_work(readonly=True) as uow:
        assert data == render_outbox_message(uow, invitation, invitation.created_at)
    assert method.value == "REQUEST" and b"SEQUENCE:0" in data

    later = now + timedelta(minutes=5)
    start = first_time(demo, issued.id, later, moving=True, first_day=date(2026, 12, 14))
    with demo.unit_of_work() as uow:
        links.reschedule(uow, uow.links.get(issued.id), later, start)
    with demo.unit_of_work() as uow:
        data, method = links.calendar_file(uow, uow.links.get(issued.id), later)
    assert method.value == "REQUEST" and b"SEQUENCE:1" in data
    update = message("update")
    with demo.unit_of_work(readonly=True) as uow:
        assert data == render_outbox_message(uow, update, update.created_at)
    with demo.unit_of_work() as uow:
        links.cancel(uow, uow.links.get(issued.id), later)
    with demo.unit_of_work() as uow:
        data, method = links.calendar_file(uow, uow.links.get(issued.id), later)
    assert method.value == "CANCEL" and b"METHOD:CANCEL" in data and b"SEQUENCE:2" in data
