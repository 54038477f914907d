"""Bookings: create, read, list, reschedule, cancel; safe to retry with an Idempotency-Key."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Header, Path, Query, Response, status

from api.deps import ActorDep, ClockDep, UowDep
from api.problems import COMMON, problems
from api.schemas import Page
from api.schemas_booking import BookingIn, BookingOut, RescheduleIn
from scheduler.services import booking
from scheduler.services.booking import Stored

router = APIRouter(prefix="/v1", tags=["booking"], responses=COMMON)
BookingId = Annotated[str, Path(pattern=r"^[A-Za-z0-9][A-Za-z0-9._:-]{0,63}$")]
IdempotencyKey = Annotated[
    str | None,
    Header(
        alias="Idempotency-Key",
        description="Any unique string (a UUID). A retry with the same key and the same body "
        "answers what the first request answered and changes nothing; the same key with a "
        "different body is refused (409).",
    ),
]


def _answer(stored: Stored) -> Response:
    headers = {"Idempotent-Replayed": "true"} if stored.replayed else None
    return Response(
        content=stored.body,
        status_code=stored.status_code,
        media_type="application/json",
        headers=headers,
    )


@router.post(
    "/bookings",
    response_model=BookingOut,
    status_code=status.HTTP_201_CREATED,
    responses=problems(403, 409),
)
def create_booking(
    body: BookingIn,
    uow: UowDep,
    actor: ActorDep,
    clock: ClockDep,
    idempotency_key: IdempotencyKey = None,
) -> Response:
    """Book a meeting, if and only if the slot list offers that time right now.

    The check is re-run inside the write transaction under per-attorney and per-room locks, and
    the database refuses overlaps by itself: of two requests racing for one time, exactly one
    wins and the other gets 409 with the nearest free alternatives. An invitation (same UID for
    life) is queued for every attendee in the same transaction.
    """
    request = booking.BookingRequest(
        client=body.client,
        matter=body.matter,
        start=body.start,
        duration_minutes=body.duration_minutes,
        title=body.title,
        attorneys=tuple(body.attorneys),
        pool=tuple(body.pool),
        needs_room=body.needs_room,
        hold=body.hold,
    )
    return _answer(booking.book(uow, actor, clock.now(), request, idempotency_key=idempotency_key))


@router.get("/bookings", response_model=Page[BookingOut])
def list_bookings(
    uow: UowDep,
    actor: ActorDep,
    clock: ClockDep,
    start: Annotated[datetime | None, Query(description="From (default: a day ago).")] = None,
    end: Annotated[datetime | None, Query(description="Until (default: 90 days on).")] = None,
    include_cancelled: bool = False,
    limit: Annotated[int, Query(ge=1, le=5000)] = 500,
) -> Page[BookingOut]:
    """The caller's own bookings: a client's, an attorney's, or for staff the firm's."""
    found = booking.list_bookings(
        uow,
        actor,
        clock.now(),
        start=start,
        end=end,
        include_cancelled=include_cancelled,
        limit=limit,
    )
    zone = booking.caller_zone(uow, actor, None)
    items = [BookingOut.model_validate(booking.booking_view(a, zone)) for a in found]
    return Page(data=items, count=len(items))


@router.get("/bookings/{booking_id}", response_model=BookingOut)
def get_booking(booking_id: BookingId, uow: UowDep, actor: ActorDep, clock: ClockDep) -> BookingOut:
    """One booking (404 if it does not exist or the caller may not see it)."""
    zone = booking.caller_zone(uow, actor, None)
    found = booking.get_booking(uow, actor, clock.now(), booking_id)
    return BookingOut.model_validate(booking.booking_view(found, zone))


@router.post(
    "/bookings/{booking_id}/reschedule", response_model=BookingOut, responses=problems(409)
)
def reschedule_booking(
    booking_id: BookingId,
    body: RescheduleIn,
    uow: UowDep,
    actor: ActorDep,
    clock: ClockDep,
    idempotency_key: IdempotencyKey = None,
) -> Response:
    """Move a booking to another offered time: same attorneys, same UID, SEQUENCE + 1.

    The room is kept when it is free at the new time. An update is queued for every attendee.
    """
    return _answer(
        booking.reschedule(
            uow,
            actor,
            clock.now(),
            booking_id,
            body.start,
            duration_minutes=body.duration_minutes,
            idempotency_key=idempotency_key,
        )
    )


@router.post("/bookings/{booking_id}/cancel", response_model=BookingOut, responses=problems(409))
def cancel_booking(
    booking_id: BookingId,
    uow: UowDep,
    actor: ActorDep,
    clock: ClockDep,
    idempotency_key: IdempotencyKey = None,
) -> Response:
    """Cancel a booking: SEQUENCE + 1 and a cancellation to every attendee. Cancelling a
    cancelled booking changes nothing."""
    return _answer(
        booking.cancel(uow, actor, clock.now(), booking_id, idempotency_key=idempotency_key)
    )
