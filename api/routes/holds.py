"""Holds: a slot kept for a few minutes while a client confirms."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Response, status

from api.deps import ActorDep, ClockDep, SettingsDep, StoreDep, UowDep
from api.problems import COMMON, problems
from api.schemas_booking import HoldIn, HoldOut
from scheduler.domain import Hold
from scheduler.services import booking

router = APIRouter(prefix="/v1", tags=["booking"], responses=COMMON)
HoldId = Annotated[str, Path(pattern=r"^[A-Za-z0-9][A-Za-z0-9._:-]{0,63}$")]


def _out(hold: Hold) -> HoldOut:
    return HoldOut(
        id=hold.id,
        start=hold.starts_at,
        end=hold.ends_at,
        attorneys=list(hold.attorney_ids),
        room=hold.room_id,
        client=hold.client_id,
        expires_at=hold.expires_at,
    )


@router.post(
    "/holds",
    response_model=HoldOut,
    status_code=status.HTTP_201_CREATED,
    responses=problems(409),
)
def create_hold(
    body: HoldIn, uow: UowDep, actor: ActorDep, clock: ClockDep, settings: SettingsDep
) -> HoldOut:
    """Keep an offered slot for `SECRETARY_HOLD_MINUTES` (default 10) while the client confirms.

    Nobody else is offered the time until the hold expires, which it does by itself; book it by
    passing the hold's id as `hold` to `POST /v1/bookings`. A time that is not offered is refused
    with 409 and the nearest free alternatives.
    """
    meeting = booking.meeting_for(
        body.attorneys,
        body.pool,
        body.duration_minutes,
        client=body.client,
        matter=body.matter,
        needs_room=body.needs_room,
    )
    hold = booking.create_hold(
        uow, actor, clock.now(), meeting, body.start, hold_minutes=settings.hold_minutes
    )
    return _out(hold)


@router.get("/holds/{hold_id}", response_model=HoldOut)
def get_hold(hold_id: HoldId, uow: UowDep, actor: ActorDep, clock: ClockDep) -> HoldOut:
    """One of the caller's unexpired holds (an expired hold is gone: 404)."""
    return _out(booking.get_hold(uow, actor, clock.now(), hold_id))


@router.delete("/holds/{hold_id}", status_code=status.HTTP_204_NO_CONTENT)
def release_hold(hold_id: HoldId, store: StoreDep, actor: ActorDep, clock: ClockDep) -> Response:
    """Let the time go before the hold expires."""
    with store.unit_of_work() as uow:
        booking.release_hold(uow, actor, clock.now(), hold_id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)
