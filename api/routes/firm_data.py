"""Changing the firm's directory: attorneys, working hours, time off, clients, matters (with
their adverse parties and ethical walls), rooms and closed days. Staff only, every change
audited."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Annotated, Any

from fastapi import APIRouter, Path, Query, Response, status

from api.deps import ActorDep, ClockDep, ReadUowDep, UowDep
from api.problems import COMMON, problems
from api.schemas import AttorneyPublic, ClientPublic, MatterPublic, Page, RoomPublic
from api.schemas_firm import (
    AttorneyIn,
    AttorneyPatch,
    ClientIn,
    ClientPatch,
    ClosedDayIO,
    MatterIn,
    MatterPatch,
    RoomClosureIn,
    RoomClosureOut,
    RoomIn,
    RoomPatch,
    TimeOffIn,
    TimeOffOut,
    WorkingHoursIO,
)
from scheduler.clock import Clock
from scheduler.domain import (
    AdverseParty,
    Attorney,
    Client,
    ClosedDay,
    Language,
    Matter,
    Room,
    RoomClosure,
    TimeOff,
    WeeklyHours,
)
from scheduler.services import firm

router = APIRouter(prefix="/v1", tags=["firm"], responses={**COMMON, **problems(403)})
PathId = Annotated[str, Path(pattern=r"^[A-Za-z0-9][A-Za-z0-9._:-]{0,63}$")]
NULLABLE = {"max_meetings_per_day"}


def _changes(patch: Any) -> dict[str, Any]:
    """The fields a PATCH sets (null clears only what may be empty, such as a daily limit)."""
    return {
        k: v
        for k, v in patch.model_dump(exclude_unset=True).items()
        if v is not None or k in NULLABLE
    }


def _hours(data: dict[str, list[str]]) -> WeeklyHours:
    return WeeklyHours.from_json(data, field="working_hours")


# --- Attorneys ------------------------------------------------------------------------------------


@router.post(
    "/attorneys",
    response_model=AttorneyPublic,
    status_code=status.HTTP_201_CREATED,
    responses=problems(409),
)
def create_attorney(body: AttorneyIn, uow: UowDep, actor: ActorDep, clock: ClockDep) -> Any:
    """Add an attorney with their zone and weekly working hours."""
    attorney = Attorney(
        id=firm.new_id("att", body.id),
        name=body.name,
        email=body.email,
        timezone=body.timezone,
        working_hours=_hours(body.working_hours),
        practice_areas=tuple(body.practice_areas),
        title=body.title,
        office=body.office,
        max_meetings_per_day=body.max_meetings_per_day,
        buffer_minutes=body.buffer_minutes,
    )
    return AttorneyPublic.of(firm.create_attorney(uow, actor, clock.now(), attorney))


@router.patch("/attorneys/{attorney_id}", response_model=AttorneyPublic)
def update_attorney(
    attorney_id: PathId, body: AttorneyPatch, uow: UowDep, actor: ActorDep, clock: ClockDep
) -> Any:
    """Change an attorney's details (`active: false` stops new bookings with them)."""
    changes = _changes(body)
    if "working_hours" in changes:
        changes["working_hours"] = _hours(changes["working_hours"])
    if "practice_areas" in changes:
        changes["practice_areas"] = tuple(changes["practice_areas"])
    return AttorneyPublic.of(firm.update_attorney(uow, actor, clock.now(), attorney_id, changes))


@router.get("/attorneys/{attorney_id}/working-hours", response_model=WorkingHoursIO)
def get_working_hours(attorney_id: PathId, uow: ReadUowDep, actor: ActorDep) -> Any:
    """An attorney's weekly working hours, in their own zone."""
    attorney = firm.get_attorney(uow, actor, attorney_id)
    return WorkingHoursIO(
        timezone=attorney.timezone, working_hours=attorney.working_hours.to_json()
    )


@router.put("/attorneys/{attorney_id}/working-hours", response_model=WorkingHoursIO)
def set_working_hours(
    attorney_id: PathId, body: WorkingHoursIO, uow: UowDep, actor: ActorDep, clock: ClockDep
) -> Any:
    """Replace an attorney's weekly working hours (and, if given, their zone)."""
    changes: dict[str, Any] = {"working_hours": _hours(body.working_hours)}
    if body.timezone is not None:
        changes["timezone"] = body.timezone
    attorney = firm.update_attorney(uow, actor, clock.now(), attorney_id, changes)
    return WorkingHoursIO(
        timezone=attorney.timezone, working_hours=attorney.working_hours.to_json()
    )


WindowStart = Annotated[datetime | None, Query(description="Default: now.")]
WindowEnd = Annotated[datetime | None, Query(description="Default: a year on.")]


def _window(
    clock: Clock, start: datetime | None, end: datetime | None
) -> tuple[datetime, datetime]:
    """A listing's window: from ``start`` (default now) to ``end`` (default a year on)."""
    lo = start or clock.now()
    return lo, end or firm.check_instant(lo, "start") + timedelta(days=366)


def _time_off(entry: TimeOff) -> TimeOffOut:
    return TimeOffOut(
        id=entry.id,
        attorney=entry.attorney_id,
        start=entry.starts_at,
        end=entry.ends_at,
        reason=entry.reason,
    )


@router.get("/attorneys/{attorney_id}/time-off", response_model=Page[TimeOffOut])
def list_time_off(
    attorney_id: PathId,
    uow: ReadUowDep,
    actor: ActorDep,
    clock: ClockDep,
    start: WindowStart = None,
    end: WindowEnd = None,
) -> Any:
    """An attorney's time off (staff, and the attorney themself)."""
    lo, hi = _window(clock, start, end)
    items = [_time_off(t) for t in firm.list_time_off(uow, actor, attorney_id, lo, hi)]
    return Page(data=items, count=len(items))


@router.post(
    "/attorneys/{attorney_id}/time-off",
    response_model=TimeOffOut,
    status_code=status.HTTP_201_CREATED,
)
def add_time_off(
    attorney_id: PathId, body: TimeOffIn, uow: UowDep, actor: ActorDep, clock: ClockDep
) -> Any:
    """Block time off; no slot is offered in it (bookings already there stay: re-plan them)."""
    return _time_off(
        firm.add_time_off(uow, actor, clock.now(), attorney_id, body.start, body.end, body.reason)
    )


@router.delete(
    "/attorneys/{attorney_id}/time-off/{time_off_id}", status_code=status.HTTP_204_NO_CONTENT
)
def delete_time_off(
    attorney_id: PathId, time_off_id: PathId, uow: UowDep, actor: ActorDep, clock: ClockDep
) -> Response:
    """Remove time off."""
    firm.delete_time_off(uow, actor, clock.now(), attorney_id, time_off_id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


# --- Clients --------------------------------------------------------------------------------------


@router.post(
    "/clients",
    response_model=ClientPublic,
    status_code=status.HTTP_201_CREATED,
    responses=problems(409),
)
def create_client(body: ClientIn, uow: UowDep, actor: ActorDep, clock: ClockDep) -> Any:
    """Add a client (their zone and language shape invitations and reminders)."""
    client = Client(
        id=firm.new_id("cli", body.id),
        name=body.name,
        email=body.email,
        phone=body.phone,
        timezone=body.timezone,
        language=Language(body.language),
    )
    return ClientPublic.of(firm.create_client(uow, actor, clock.now(), client))


@router.patch("/clients/{client_id}", response_model=ClientPublic)
def update_client(
    client_id: PathId, body: ClientPatch, uow: UowDep, actor: ActorDep, clock: ClockDep
) -> Any:
    """Change a client's details."""
    changes = _changes(body)
    if "language" in changes:
        changes["language"] = Language(changes["language"])
    return ClientPublic.of(firm.update_client(uow, actor, clock.now(), client_id, changes))


# --- Matters --------------------------------------------------------------------------------------


def _parties(parties: list[dict[str, Any]]) -> tuple[AdverseParty, ...]:
    return tuple(AdverseParty(name=p["name"], client_id=p.get("client")) for p in parties)


@router.post(
    "/matters",
    response_model=MatterPublic,
    status_code=status.HTTP_201_CREATED,
    responses=problems(409),
)
def create_matter(body: MatterIn, uow: UowDep, actor: ActorDep, clock: ClockDep) -> Any:
    """Open a matter with its responsible attorneys, adverse parties and ethical wall."""
    matter = Matter(
        id=firm.new_id("mat", body.id),
        client_id=body.client,
        title=body.title,
        jurisdiction=body.jurisdiction,
        practice_area=body.practice_area,
        court=body.court,
        responsible_attorneys=tuple(body.responsible_attorneys),
        screened_attorneys=tuple(body.screened_attorneys),
        adverse_parties=_parties([p.model_dump() for p in body.adverse_parties]),
        opened_on=body.opened_on,
    )
    return MatterPublic.of(firm.create_matter(uow, actor, clock.now(), matter), show_wall=True)


@router.patch("/matters/{matter_id}", response_model=MatterPublic, responses=problems(409))
def update_matter(
    matter_id: PathId, body: MatterPatch, uow: UowDep, actor: ActorDep, clock: ClockDep
) -> Any:
    """Change a matter: attorneys, adverse parties, the ethical wall (refused while a screened
    attorney still attends upcoming meetings on it), or close it."""
    changes = _changes(body)
    for key in ("responsible_attorneys", "screened_attorneys"):
        if key in changes:
            changes[key] = tuple(changes[key])
    if "adverse_parties" in changes:
        changes["adverse_parties"] = _parties(changes["adverse_parties"])
    return MatterPublic.of(
        firm.update_matter(uow, actor, clock.now(), matter_id, changes), show_wall=True
    )


# --- Rooms ----------------------------------------------------------------------------------------


@router.post(
    "/rooms",
    response_model=RoomPublic,
    status_code=status.HTTP_201_CREATED,
    responses=problems(409),
)
def create_room(body: RoomIn, uow: UowDep, actor: ActorDep, clock: ClockDep) -> Any:
    """Add a conference room (put the office's name in `location` to pair it with attorneys)."""
    room = Room(
        id=firm.new_id("room", body.id),
        name=body.name,
        capacity=body.capacity,
        location=body.location,
    )
    return RoomPublic.of(firm.create_room(uow, actor, clock.now(), room))


@router.patch("/rooms/{room_id}", response_model=RoomPublic)
def update_room(
    room_id: PathId, body: RoomPatch, uow: UowDep, actor: ActorDep, clock: ClockDep
) -> Any:
    """Change a room."""
    return RoomPublic.of(firm.update_room(uow, actor, clock.now(), room_id, _changes(body)))


def _closure(entry: RoomClosure) -> RoomClosureOut:
    return RoomClosureOut(
        id=entry.id,
        room=entry.room_id,
        start=entry.starts_at,
        end=entry.ends_at,
        reason=entry.reason,
    )


@router.get("/rooms/{room_id}/closures", response_model=Page[RoomClosureOut])
def list_room_closures(
    room_id: PathId,
    uow: ReadUowDep,
    actor: ActorDep,
    clock: ClockDep,
    start: WindowStart = None,
    end: WindowEnd = None,
) -> Any:
    """The times a room is closed (staff). Nothing is offered or booked in a closed room."""
    lo, hi = _window(clock, start, end)
    items = [_closure(c) for c in firm.list_room_closures(uow, actor, room_id, lo, hi)]
    return Page(data=items, count=len(items))


@router.post(
    "/rooms/{room_id}/closures",
    response_model=RoomClosureOut,
    status_code=status.HTTP_201_CREATED,
    responses=problems(409),
)
def add_room_closure(
    room_id: PathId, body: RoomClosureIn, uow: UowDep, actor: ActorDep, clock: ClockDep
) -> Any:
    """Close a room for a time (repairs, an event). Meetings already booked in it then must move
    first (`secretary reschedule-day --room`, which also records the closure): 409 otherwise."""
    return _closure(
        firm.add_room_closure(uow, actor, clock.now(), room_id, body.start, body.end, body.reason)
    )


@router.delete("/rooms/{room_id}/closures/{closure_id}", status_code=status.HTTP_204_NO_CONTENT)
def delete_room_closure(
    room_id: PathId, closure_id: PathId, uow: UowDep, actor: ActorDep, clock: ClockDep
) -> Response:
    """Open a closed room again."""
    firm.delete_room_closure(uow, actor, clock.now(), room_id, closure_id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


# --- Closed days ----------------------------------------------------------------------------------


@router.get("/closed-days", response_model=Page[ClosedDayIO])
def list_closed_days(
    uow: ReadUowDep,
    actor: ActorDep,
    start: date | None = None,
    end: date | None = None,
) -> Any:
    """Days the whole firm is closed (in the firm's zone): nothing is offered on them."""
    items = [
        ClosedDayIO(day=c.day, reason=c.reason)
        for c in firm.list_closed_days(uow, actor, start, end)
    ]
    return Page(data=items, count=len(items))


@router.post(
    "/closed-days",
    response_model=ClosedDayIO,
    status_code=status.HTTP_201_CREATED,
    responses=problems(409),
)
def add_closed_day(body: ClosedDayIO, uow: UowDep, actor: ActorDep, clock: ClockDep) -> Any:
    """Close the firm for a day (bookings already on it stay: re-plan them)."""
    closed = firm.add_closed_day(uow, actor, clock.now(), ClosedDay(body.day, body.reason))
    return ClosedDayIO(day=closed.day, reason=closed.reason)


@router.delete("/closed-days/{day}", status_code=status.HTTP_204_NO_CONTENT)
def delete_closed_day(day: date, uow: UowDep, actor: ActorDep, clock: ClockDep) -> Response:
    """Open the firm again on a day."""
    firm.delete_closed_day(uow, actor, clock.now(), day)
    return Response(status_code=status.HTTP_204_NO_CONTENT)
