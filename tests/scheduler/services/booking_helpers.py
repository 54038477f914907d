"""A small firm for the booking tests, and shortcuts to ask for slots and book them."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from scheduler.clock import FixedClock
from scheduler.domain import Firm, Role
from scheduler.services import booking
from scheduler.services.access import Actor, operator
from scheduler.store import Store
from tests.factories import NEW_YORK, seed_small_firm

NY = ZoneInfo(NEW_YORK)
STAFF = operator("test-secretary")
CLIENT_A = Actor(Role.CLIENT, "key:k-a (client)", client_id="cli-a")
CLIENT_B = Actor(Role.CLIENT, "key:k-b (client)", client_id="cli-b")
FIRM = Firm(
    name="Test & Test LLP",
    timezone=NEW_YORK,
    address="1 Test Street",
    email="office@firm.example",
    min_notice_business_hours=4,
)


def ny(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=NY)


def seed(store: Store) -> Store:
    """att-a (New York), att-b (Los Angeles), cli-a/mat-a (att-a), cli-b/mat-b (att-b, att-a
    screened), room-1; the firm's zone is New York."""
    with store.unit_of_work() as uow:
        uow.firm.save(FIRM)
        seed_small_firm(uow)
    return store


def slots(
    store: Store,
    clock: FixedClock,
    *attorneys: str,
    actor: Actor = STAFF,
    start: datetime | None = None,
    days: int = 5,
    minutes: int = 60,
    mode: booking.Mode = "all",
    client: str | None = None,
    matter: str | None = None,
    needs_room: bool = False,
    moving: str | None = None,
) -> list[booking.Slot]:
    begin = start or clock.now()
    with store.unit_of_work(readonly=True) as uow:
        return booking.availability(
            uow,
            actor,
            clock.now(),
            booking.Meeting(
                attorneys=attorneys or ("att-a",),
                duration_minutes=minutes,
                mode=mode,
                client=client,
                matter=matter,
                needs_room=needs_room,
            ),
            begin,
            begin + timedelta(days=days),
            limit=2000,
            moving=moving,
        ).slots


def book(
    store: Store,
    clock: FixedClock,
    start: datetime,
    *,
    actor: Actor = STAFF,
    attorneys: tuple[str, ...] = ("att-a",),
    pool: tuple[str, ...] = (),
    client: str = "cli-a",
    matter: str = "mat-a",
    minutes: int = 60,
    needs_room: bool = False,
    key: str | None = None,
    hold: str | None = None,
    title: str = "Strategy meeting",
) -> booking.Stored:
    request = booking.BookingRequest(
        client=client,
        matter=matter,
        start=start,
        duration_minutes=minutes,
        title=title,
        attorneys=() if pool else attorneys,
        pool=pool,
        needs_room=needs_room,
        hold=hold,
    )
    with store.unit_of_work() as uow:
        return booking.book(uow, actor, clock.now(), request, idempotency_key=key)
