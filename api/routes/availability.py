"""Free times: ``GET /v1/availability``."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Annotated, Literal

from fastapi import APIRouter, Query, Request, Response

from api.deps import ActorDep, ClockDep, StoreDep, request_versions
from api.problems import COMMON
from api.schemas_booking import AvailabilityOut
from scheduler.services import booking

router = APIRouter(prefix="/v1", tags=["booking"], responses=COMMON)

IdQuery = Query(pattern=r"^[A-Za-z0-9][A-Za-z0-9._:-]{0,63}$")


@router.get("/availability", response_model=AvailabilityOut)
def availability(
    request: Request,
    store: StoreDep,
    actor: ActorDep,
    clock: ClockDep,
    attorney: Annotated[
        list[str],
        Query(
            min_length=1,
            max_length=20,
            description="Attorney ids; repeat for several (`attorney=A&attorney=B`).",
            examples=["att-okafor"],
        ),
    ],
    duration_minutes: Annotated[int, Query(description="5 minutes to 12 hours.", examples=[60])],
    start: Annotated[
        datetime,
        Query(
            description="Search from (an instant with offset).",
            examples=["2026-12-07T00:00:00-05:00"],
        ),
    ],
    end: Annotated[
        datetime,
        Query(
            description="Search until (at most 31 days after start).",
            examples=["2026-12-21T00:00:00-05:00"],
        ),
    ],
    mode: Annotated[
        Literal["all", "any"],
        Query(description="`all`: every attorney attends; `any`: one of the pool (round robin)."),
    ] = "all",
    tz: Annotated[
        str | None,
        Query(
            pattern=r"^[A-Za-z0-9_+\-]{1,32}(/[A-Za-z0-9_+\-]{1,32}){0,2}$",
            description="IANA zone for the answer (default: the client's, else the firm's).",
            examples=["America/Chicago"],
        ),
    ] = None,
    client: Annotated[str | None, IdQuery] = None,
    matter: Annotated[
        str | None,
        Query(
            pattern=r"^[A-Za-z0-9][A-Za-z0-9._:-]{0,63}$",
            description="Applies the matter's ethical wall and its next court deadline.",
        ),
    ] = None,
    needs_room: bool = False,
    limit: Annotated[int, Query(ge=1, le=2000, description="At most this many slots.")] = 100,
    booking_id: Annotated[
        str | None,
        Query(
            alias="booking",
            pattern=r"^[A-Za-z0-9][A-Za-z0-9._:-]{0,63}$",
            description=(
                "A booking these times would move (with `POST /v1/bookings/{id}/reschedule`): "
                "its own time counts as free, so it can move by part of its length. A booking "
                "the caller cannot see answers 404."
            ),
        ),
    ] = None,
) -> Response:
    """Bookable slots, soonest first, in the caller's zone with offsets.

    Honours working hours (in each attorney's own zone, across DST), the firm's closed days, time
    off and imported busy blocks, other meetings with their buffers, others' unexpired holds,
    minimum notice in business hours (for clients), per-day meeting limits, rooms, ethical walls
    and the matter's next court deadline (the meeting must end before its due date begins). A
    client's key sees only free or not free: nothing of what fills the other times.
    """
    meeting = booking.Meeting(
        attorneys=tuple(attorney),
        duration_minutes=duration_minutes,
        mode=mode,
        client=client,
        matter=matter,
        needs_room=needs_room,
    )
    now = clock.now()
    versions = request_versions(request)
    with store.unit_of_work(readonly=True, versions=versions) as uow:
        answer = booking.availability(
            uow, actor, now, meeting, start, end, tz=tz, limit=limit, moving=booking_id
        )
    if meeting.matter is not None or meeting.client is not None:
        with store.unit_of_work(versions=versions) as uow:
            booking.record_availability_query(uow, actor, now, meeting)
    deadline = answer.deadline
    rest = {
        "timezone": answer.zone.key,
        "more": answer.more,
        "deadline": {"id": deadline.id, "title": deadline.title, "due_on": str(deadline.due_on)}
        if deadline
        else None,
    }
    # The slots (hundreds) are written as text directly; the rest is a small JSON object.
    body = (
        '{"slots":'
        + booking.slots_json(answer.slots, answer.zone)
        + ","
        + json.dumps(rest, separators=(",", ":"))[1:]
    )
    return Response(body, media_type="application/json")
