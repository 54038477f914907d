"""Availability, holds and bookings: one check for all three, re-run inside the write transaction.

A slot list, a hold and a booking all ask :func:`scheduler.availability.find_slots` the same
question over facts loaded the same way (:func:`_load_facts`). A hold or a booking asks it about
the one start requested, after taking the locks on every attorney, room and client concerned
(PostgreSQL advisory locks in sorted order; SQLite write transactions are serialized anyway), so
two requests for the same time are decided one after the other: the first wins, the second is
refused with the nearest free alternatives. Under all of this the database refuses overlapping
appointments by itself (``OverlapRefused``), the backstop should a check ever be wrong.

What the slot list honours, and how:

- working hours in each attorney's own zone (9:00 in New York is 9:00 on both sides of a DST
  change), the firm's closed days (whole days in the firm's zone), time off and imported busy
  blocks; a meeting lies inside one working range;
- other meetings with buffers: a meeting with buffer ``b`` keeps ``max(b, c)`` clear of a meeting
  with buffer ``c``, and ``b`` clear of busy blocks and time off; a new meeting's buffer is the
  largest ``buffer_minutes`` of its attorneys;
- unexpired holds of others (a client's own holds do not block that client);
- minimum notice for a client, counted in business hours: the attorney's own working hours
  between now and the start must add up to ``Firm.min_notice_business_hours``; staff and attorneys
  may book any time from now on;
- ``Attorney.max_meetings_per_day``: meetings starting on one local date of the attorney;
- rooms: a meeting that needs a room gets a free one of the lead attorney's office (every room if
  none is in that office), and no in-office meeting of an adverse party within 30 minutes;
- the client's own other meetings (a client is not booked twice at once);
- ethical walls: an attorney screened from the matter is never offered for it;
- the matter's deadline: the earliest open deadline on the matter's docket due today or later (in
  the firm's zone); a meeting about the matter must end before that due date begins (00:00 in the
  firm's zone), while there is still time to act on what is decided;
- round robin ("any" of a pool): per start, the matter's own attorneys first, then the fewest
  meetings that local day, then the fewest in the window, then the order given.

Slots start on a 15-minute grid (UTC quarter hours, which are quarter hours in every zone with a
whole or half-hour offset).
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import numpy as np

from scheduler.availability import (
    DEFAULT_STEP,
    US,
    AttorneyFacts,
    BlockTable,
    Kind,
    Mode,
    SharedFacts,
    Slot,
    SlotQuery,
    closed_day_intervals,
    explain,
    find_slots,
    from_us,
    nearest,
    notice_start,
    working_windows,
)
from scheduler.domain import (
    Appointment,
    AppointmentStatus,
    Attorney,
    Deadline,
    Firm,
    Hold,
    Matter,
    Role,
    require_utc,
    require_zone,
)
from scheduler.errors import (
    Conflict,
    InvalidInput,
    NotAllowed,
    NotFound,
    OverlapRefused,
    SlotUnavailable,
)
from scheduler.intervals import Interval
from scheduler.ports import UnitOfWork
from scheduler.services import idempotency
from scheduler.services.access import Actor, can_see_matter, record, require_matter
from scheduler.services.notifications import appointment_changed

MIN_DURATION_MINUTES = 5
MAX_DURATION_MINUTES = 12 * 60
MAX_RANGE = timedelta(days=31)
MAX_ATTORNEYS = 20
MAX_TITLE = 200
ADVERSE_SEPARATION = timedelta(minutes=30)
FACTS_PAD = timedelta(days=2)
NOTICE_HORIZON = timedelta(days=35)
ALTERNATIVES = 5
ALTERNATIVES_BEFORE = timedelta(days=2)
ALTERNATIVES_AFTER = timedelta(days=14)
MINUTE_US = 60_000_000


# --- Requests -----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Meeting:
    """What a slot list, a hold or a booking is about.

    ``mode`` "all": every attorney attends; "any": one of them (a pool, round robin).
    """

    attorneys: tuple[str, ...]
    duration_minutes: int
    mode: Mode = "all"
    client: str | None = None
    matter: str | None = None
    needs_room: bool = False


@dataclass(frozen=True, slots=True)
class BookingRequest:
    client: str
    matter: str
    start: datetime
    duration_minutes: int
    title: str
    attorneys: tuple[str, ...] = ()
    pool: tuple[str, ...] = ()
    needs_room: bool = False
    hold: str | None = None

    def meeting(self) -> Meeting:
        return meeting_for(
            self.attorneys,
            self.pool,
            self.duration_minutes,
            client=self.client,
            matter=self.matter,
            needs_room=self.needs_room,
        )


def meeting_for(
    attorneys: Sequence[str],
    pool: Sequence[str],
    duration_minutes: int,
    *,
    client: str | None = None,
    matter: str | None = None,
    needs_room: bool = False,
) -> Meeting:
    """A meeting from a request naming ``attorneys`` (all attend) or a ``pool`` (any one)."""
    if bool(attorneys) == bool(pool):
        raise InvalidInput(
            "give either 'attorneys' (all attend) or 'pool' (any one of them), not both",
            field="attorneys",
        )
    return Meeting(
        attorneys=tuple(attorneys or pool),
        duration_minutes=duration_minutes,
        mode="all" if attorneys else "any",
        client=client,
        matter=matter,
        needs_room=needs_room,
    )


@dataclass(frozen=True, slots=True)
class AvailabilityAnswer:
    slots: list[Slot]
    zone: ZoneInfo
    deadline: Deadline | None = None
    more: bool = False


@dataclass(frozen=True, slots=True)
class Stored:
    """The answer to a mutating request, exactly as first given (JSON text), for replays."""

    status_code: int
    body: str
    replayed: bool


# --- Validation -----------------------------------------------------------------------------------

EARLIEST_YEAR, LATEST_YEAR = 2000, 2199


def instant(moment: datetime, field: str) -> datetime:
    """An instant with an offset, in UTC, within years a calendar can mean (2000 to 2199)."""
    utc_moment = require_utc(moment, field=field)
    if not EARLIEST_YEAR <= utc_moment.year <= LATEST_YEAR:
        raise InvalidInput(
            f"give an instant between {EARLIEST_YEAR} and {LATEST_YEAR}", field=field
        )
    return utc_moment


def zone_named(name: str, field: str) -> ZoneInfo:
    """The ZoneInfo for an IANA name; anything else (a folder such as 'America') is refused."""
    try:
        return require_zone(name, field=field)
    except OSError:
        raise InvalidInput(
            f"'{name}' is not a known time zone; use an IANA name such as America/New_York",
            field=field,
        ) from None


def check_window(start: datetime, end: datetime) -> Interval:
    """A search window with offsets, forward, and no longer than 31 days."""
    lo, hi = instant(start, "start"), instant(end, "end")
    if hi <= lo:
        raise InvalidInput("the end must come after the start", field="end")
    if hi - lo > MAX_RANGE:
        raise InvalidInput("ask for at most 31 days at a time", field="end")
    return Interval(lo, hi)


def check_duration(minutes: int) -> timedelta:
    if not MIN_DURATION_MINUTES <= minutes <= MAX_DURATION_MINUTES:
        raise InvalidInput(
            f"a meeting lasts from {MIN_DURATION_MINUTES} minutes to "
            f"{MAX_DURATION_MINUTES // 60} hours",
            field="duration_minutes",
        )
    return timedelta(minutes=minutes)


def check_attorneys(ids: Sequence[str], field: str = "attorney") -> tuple[str, ...]:
    if not ids:
        raise InvalidInput("name at least one attorney", field=field)
    if len(ids) > MAX_ATTORNEYS:
        raise InvalidInput(f"name at most {MAX_ATTORNEYS} attorneys", field=field)
    if len(set(ids)) != len(ids):
        raise InvalidInput("an attorney is named twice", field=field)
    return tuple(ids)


def check_title(title: str) -> str:
    cleaned = title.strip()
    if not cleaned or len(cleaned) > MAX_TITLE:
        raise InvalidInput(f"give a title of 1 to {MAX_TITLE} characters", field="title")
    if any(ord(ch) < 32 or ord(ch) == 127 for ch in cleaned):
        raise InvalidInput("a title is one line of text, without control characters", field="title")
    return cleaned


# --- Facts ----------------------------------------------------------------------------------------


@dataclass(slots=True)
class _Plan:
    """A meeting resolved against the firm, as the caller may see it."""

    meeting: Meeting
    duration: timedelta
    firm: Firm
    firm_zone: ZoneInfo
    directory: dict[str, Attorney]
    candidates: list[Attorney]
    client_id: str | None
    matter: Matter | None
    deadline: Deadline | None
    is_client: bool

    @property
    def not_after(self) -> datetime | None:
        if self.deadline is None:
            return None
        return datetime.combine(self.deadline.due_on, datetime.min.time(), tzinfo=self.firm_zone)

    def lock_keys(self, rooms: Sequence[str], adverse: Sequence[str]) -> list[str]:
        keys = [f"attorney:{a.id}" for a in self.candidates]
        keys += [f"room:{r}" for r in rooms]
        if self.client_id:
            keys.append(f"client:{self.client_id}")
        keys += [f"client:{c}" for c in adverse]
        return keys


def _visible_attorneys(uow: UnitOfWork, actor: Actor) -> set[str] | None:
    """The attorneys a caller may name (None: all of them)."""
    if actor.role is Role.CLIENT:
        return {
            a for m in uow.matters.list(client_id=actor.client_id) for a in m.responsible_attorneys
        }
    return None


def _plan(uow: UnitOfWork, actor: Actor, now: datetime, meeting: Meeting, field: str) -> _Plan:
    """Resolve ids the caller may see (anything else: NotFound, as if it did not exist)."""
    duration = check_duration(meeting.duration_minutes)
    ids = check_attorneys(meeting.attorneys, field)
    firm = uow.firm.get()
    firm_zone = require_zone(firm.timezone)
    is_client = actor.role is Role.CLIENT
    client_id = meeting.client
    if is_client:
        if client_id is not None and client_id != actor.client_id:
            raise NotFound("client", client_id)
        client_id = actor.client_id
    elif client_id is not None:
        uow.clients.get(client_id)
        if actor.role is Role.ATTORNEY and not any(
            can_see_matter(actor, m) for m in uow.matters.list(client_id=client_id)
        ):
            raise NotFound("client", client_id)
    matter: Matter | None = None
    if meeting.matter is not None:
        matter = require_matter(uow, actor, meeting.matter)
        if client_id is None:
            client_id = matter.client_id
        elif matter.client_id != client_id:
            raise InvalidInput("that matter belongs to another client", field="matter")
        if matter.status != "open":
            raise InvalidInput(
                "that matter is closed; meetings are booked on open matters", field="matter"
            )
    visible = _visible_attorneys(uow, actor)
    for attorney_id in ids:
        if visible is not None and attorney_id not in visible:
            raise NotFound("attorney", attorney_id)
    if len(ids) == 1:
        directory = {ids[0]: uow.attorneys.get(ids[0])}
    else:
        directory = {a.id: a for a in uow.attorneys.list() if a.id in ids}
        missing = [a for a in ids if a not in directory]
        if missing:
            raise NotFound("attorney", missing[0])
    candidates = [directory[a] for a in ids]
    if matter is not None:
        walled = [a.id for a in candidates if matter.is_screened(a.id)]
        if walled and actor.sees_firm and meeting.mode == "all":
            raise InvalidInput(
                f"{', '.join(walled)} {'is' if len(walled) == 1 else 'are'} screened from this "
                "matter by an ethical wall",
                field=field,
            )
        # A pool quietly loses its screened members; a meeting all must attend cannot happen.
        if walled and meeting.mode == "all":
            candidates = []
        else:
            candidates = [a for a in candidates if a.id not in walled]
    deadline = None
    if matter is not None:
        today = now.astimezone(firm_zone).date()
        upcoming = [
            d
            for d in uow.docket.list_deadlines(matter_id=matter.id, due_from=today)
            if d.status == "open"
        ]
        deadline = upcoming[0] if upcoming else None
    return _Plan(
        meeting=meeting,
        duration=duration,
        firm=firm,
        firm_zone=firm_zone,
        directory=directory,
        candidates=[a for a in candidates if a.active],
        client_id=client_id,
        matter=matter,
        deadline=deadline,
        is_client=is_client,
    )


def _office_rooms(uow: UnitOfWork, plan: _Plan) -> tuple[list[str], dict[str, tuple[str, ...]]]:
    """Candidate rooms, and for each candidate attorney the rooms of their office."""
    if not plan.meeting.needs_room:
        return [], {}
    rooms = uow.rooms.list()
    allowed: dict[str, tuple[str, ...]] = {}
    for attorney in plan.candidates:
        mine = tuple(r.id for r in rooms if attorney.office and attorney.office in r.location)
        allowed[attorney.id] = mine or tuple(r.id for r in rooms)
    return [r.id for r in rooms], allowed


def _adverse_clients(uow: UnitOfWork, plan: _Plan) -> list[str]:
    """Clients on the other side of this client, either way round (for in-office separation)."""
    if not plan.meeting.needs_room or plan.client_id is None:
        return []
    found: set[str] = set()
    for m in uow.matters.list():
        if m.client_id == plan.client_id:
            found.update(m.adverse_client_ids)
        elif plan.client_id in m.adverse_client_ids:
            found.add(m.client_id)
    found.discard(plan.client_id)
    return sorted(found)


@dataclass(slots=True)
class _Facts:
    attorneys: list[AttorneyFacts]
    shared: SharedFacts
    query: SlotQuery


def _load_facts(
    uow: UnitOfWork,
    plan: _Plan,
    window: Interval,
    now: datetime,
    *,
    rooms: Sequence[str],
    allowed_rooms: dict[str, tuple[str, ...]],
    adverse: Sequence[str],
    exclude_appointment: str | None = None,
    own_hold: str | None = None,
) -> _Facts:
    """Everything the check needs about ``window``, read the same way for lists and bookings."""
    lo, hi = window.start - FACTS_PAD, window.end + FACTS_PAD
    ids = [a.id for a in plan.candidates]
    closed = closed_day_intervals(
        (
            c.day
            for c in uow.closed_days.list(
                start=(lo - FACTS_PAD).astimezone(plan.firm_zone).date(),
                end=(hi + NOTICE_HORIZON).astimezone(plan.firm_zone).date(),
            )
        ),
        plan.firm_zone,
    )
    client_ids = [plan.client_id, *adverse] if plan.client_id else list(adverse)
    # One round trip for everything that occupies time around the window.
    found = uow.appointments.window_facts(
        lo, hi, now, attorney_ids=ids, room_ids=list(rooms), client_ids=client_ids
    )
    holds = [
        h
        for h in found.holds
        if h.hold_id != own_hold and not (plan.client_id and h.client_id == plan.client_id)
    ]

    def buffer_of(attorney_ids: Sequence[str]) -> int:
        for a in attorney_ids:
            if a not in plan.directory:
                try:
                    plan.directory[a] = uow.attorneys.get(a)
                except NotFound:  # an attorney removed since the hold was made
                    continue
        return max(
            (plan.directory[a].buffer_minutes for a in attorney_ids if a in plan.directory),
            default=0,
        )

    # Columns per attorney: starts, ends (microseconds), buffers (microseconds), kinds.
    columns: dict[str, tuple[list[int], list[int], list[int], list[int]]] = {
        a: ([], [], [], []) for a in ids
    }

    def add(owner: str, start: int, end: int, buffer_minutes: int, kind: Kind) -> None:
        starts, ends, buffers, kinds = columns[owner]
        starts.append(start)
        ends.append(end)
        buffers.append(buffer_minutes * MINUTE_US)
        kinds.append(kind)

    for owner, start_us, end_us, buffer_minutes, ref, _room in found.by_attorney:
        if ref != exclude_appointment:
            starts, ends, buffers, kinds = columns[owner]
            starts.append(start_us)
            ends.append(end_us)
            buffers.append(buffer_minutes * MINUTE_US)
            kinds.append(Kind.MEETING)
    for owner, start_us, end_us, _b, _ref, _room in (*found.busy, *found.time_off):
        starts, ends, buffers, kinds = columns[owner]
        starts.append(start_us)
        ends.append(end_us)
        buffers.append(0)
        kinds.append(Kind.BUSY)
    room_busy: dict[str, list[Interval]] = {r: [] for r in rooms}
    for owner, start_us, end_us, _b, ref, _room in found.by_room:
        if ref != exclude_appointment:
            room_busy[owner].append(Interval(from_us(start_us), from_us(end_us)))
    for hold in holds:
        for attorney_id in hold.attorney_ids:
            if attorney_id in columns:
                add(
                    attorney_id,
                    hold.start_us,
                    hold.end_us,
                    buffer_of(hold.attorney_ids),
                    Kind.HOLD,
                )
        if hold.room_id in room_busy:
            room_busy[hold.room_id].append(Interval(from_us(hold.start_us), from_us(hold.end_us)))
    client_busy: list[Interval] = []
    office: list[Interval] = []
    for owner, start_us, end_us, _b, ref, room in found.by_client:
        if ref == exclude_appointment:
            continue
        taken = Interval(from_us(start_us), from_us(end_us))
        if owner == plan.client_id:
            client_busy.append(taken)
        elif room is not None:
            office.append(taken.widened(ADVERSE_SEPARATION))
    zones = {a.id: zone_named(a.timezone, "timezone") for a in plan.candidates}

    facts = []
    for attorney in plan.candidates:
        zone = zones[attorney.id]
        not_before = now
        if plan.is_client:
            ahead = working_windows(
                attorney.working_hours, zone, now, now + NOTICE_HORIZON, closed=closed
            )
            earliest = notice_start(ahead, now, plan.firm.min_notice_business_hours)
            not_before = earliest if earliest is not None else now + NOTICE_HORIZON
        facts.append(
            AttorneyFacts(
                attorney_id=attorney.id,
                zone=zone,
                working=working_windows(
                    attorney.working_hours, zone, window.start, window.end, closed=closed
                ),
                blocks=BlockTable.from_columns(*columns[attorney.id]),
                buffer=timedelta(minutes=attorney.buffer_minutes),
                max_meetings_per_day=attorney.max_meetings_per_day,
                not_before=not_before,
                rooms=allowed_rooms.get(attorney.id),
            )
        )
    query = SlotQuery(
        window=window,
        duration=plan.duration,
        mode=plan.meeting.mode,
        step=DEFAULT_STEP,
        needs_room=plan.meeting.needs_room,
        not_before=now,
        not_after=plan.not_after,
        preferred=plan.matter.responsible_attorneys if plan.matter else (),
    )
    return _Facts(
        attorneys=facts,
        shared=SharedFacts(
            client_busy=client_busy,
            rooms={r: room_busy[r] for r in rooms},
            office_blocks=office,
        ),
        query=query,
    )


def _slots(facts: _Facts) -> list[Slot]:
    return find_slots(facts.query, facts.attorneys, facts.shared)


# --- Availability ---------------------------------------------------------------------------------


def caller_zone(
    uow: UnitOfWork, actor: Actor, tz: str | None, firm_zone: ZoneInfo | None = None
) -> ZoneInfo:
    """The zone answers are written in: the one asked for, else the client's, else the firm's."""
    if tz is not None:
        return zone_named(tz, "tz")
    if actor.role is Role.CLIENT and actor.client_id:
        return require_zone(uow.clients.get(actor.client_id).timezone)
    return firm_zone or require_zone(uow.firm.get().timezone)


def availability(
    uow: UnitOfWork,
    actor: Actor,
    now: datetime,
    meeting: Meeting,
    start: datetime,
    end: datetime,
    *,
    tz: str | None = None,
    limit: int = 100,
    moving: str | None = None,
) -> AvailabilityAnswer:
    """The bookable slots, soonest first, at most ``limit`` of them. ``moving``: the id of an
    appointment these slots would move, whose own time does not count as taken (a meeting can
    move by part of its own length).

    Reads only; the audit entry (when a client or matter is named) is written by
    :func:`record_availability_query` in a short transaction of its own.
    """
    window = check_window(start, end)
    zone = caller_zone(uow, actor, tz)
    if not 1 <= limit <= 2000:
        raise InvalidInput("ask for 1 to 2000 slots", field="limit")
    plan = _plan(uow, actor, now, meeting, "attorney")
    if moving is not None:
        _visible_booking(uow, actor, moving)
    rooms, allowed = _office_rooms(uow, plan)
    facts = _load_facts(
        uow,
        plan,
        window,
        now,
        rooms=rooms,
        allowed_rooms=allowed,
        adverse=_adverse_clients(uow, plan),
        exclude_appointment=moving,
    )
    slots = _slots(facts)
    return AvailabilityAnswer(
        slots=slots[:limit],
        zone=zone,
        deadline=plan.deadline if actor.role is not Role.CLIENT else None,
        more=len(slots) > limit,
    )


def record_availability_query(
    uow: UnitOfWork, actor: Actor, now: datetime, meeting: Meeting
) -> None:
    """Audit a slot query that named a matter or a client (a read of that matter's data)."""
    if meeting.matter is None and meeting.client is None:
        return
    entity = ("matter", meeting.matter) if meeting.matter else ("client", str(meeting.client))
    record(
        uow,
        actor,
        now,
        "availability",
        entity[0],
        entity[1],
        f"attorneys={','.join(meeting.attorneys)}",
    )
    uow.commit()


# --- Holds ----------------------------------------------------------------------------------------


def create_hold(
    uow: UnitOfWork,
    actor: Actor,
    now: datetime,
    meeting: Meeting,
    start: datetime,
    *,
    hold_minutes: int,
    moving: str | None = None,
) -> Hold:
    """Reserve an offered slot for ``hold_minutes``; nobody else is offered it meanwhile.
    ``moving``: the id of the appointment the slot is for, whose own time does not count."""
    start = instant(start, "start")
    plan = _plan(uow, actor, now, meeting, "attorneys" if meeting.mode == "all" else "pool")
    zone = caller_zone(uow, actor, None, plan.firm_zone)
    slot = _decide(uow, plan, start, now, exclude_appointment=moving, zone=zone)
    uow.holds.purge_expired(now)
    hold = Hold(
        id="hold-" + uuid.uuid4().hex[:20],
        attorney_ids=slot.attorneys,
        starts_at=slot.start,
        ends_at=slot.end,
        expires_at=now + timedelta(minutes=hold_minutes),
        created_by=actor.label,
        created_at=now,
        client_id=plan.client_id,
        room_id=slot.room,
    )
    uow.holds.add(hold)
    record(
        uow,
        actor,
        now,
        "create",
        "hold",
        hold.id,
        f"matter={plan.matter.id}" if plan.matter else "",
    )
    uow.commit()
    return hold


def _visible_hold(uow: UnitOfWork, actor: Actor, hold_id: str, now: datetime) -> Hold:
    try:
        hold = uow.holds.get(hold_id)
    except NotFound:
        raise NotFound("hold", hold_id) from None
    mine = (
        actor.sees_firm
        or hold.created_by == actor.label
        or (actor.role is Role.CLIENT and hold.client_id == actor.client_id)
    )
    if not mine or hold.expires_at <= now:
        raise NotFound("hold", hold_id)
    return hold


def get_hold(uow: UnitOfWork, actor: Actor, now: datetime, hold_id: str) -> Hold:
    return _visible_hold(uow, actor, hold_id, now)


def release_hold(uow: UnitOfWork, actor: Actor, now: datetime, hold_id: str) -> None:
    hold = _visible_hold(uow, actor, hold_id, now)
    uow.holds.delete(hold.id)
    record(uow, actor, now, "release", "hold", hold.id)
    uow.commit()


# --- The decision ---------------------------------------------------------------------------------


def _decide(
    uow: UnitOfWork,
    plan: _Plan,
    start: datetime,
    now: datetime,
    *,
    exclude_appointment: str | None = None,
    own_hold: str | None = None,
    zone: ZoneInfo | None = None,
) -> Slot:
    """Lock, reload and ask the one check about ``start``; SlotUnavailable with alternatives
    (written in ``zone``, default the firm's)."""
    rooms, allowed = _office_rooms(uow, plan)
    adverse = _adverse_clients(uow, plan)
    extra = [f"appointment:{exclude_appointment}"] if exclude_appointment else []
    uow.lock(plan.lock_keys(rooms, adverse) + extra)
    kwargs: dict[str, Any] = {
        "rooms": rooms,
        "allowed_rooms": allowed,
        "adverse": adverse,
        "exclude_appointment": exclude_appointment,
        "own_hold": own_hold,
    }
    here = Interval(start, start + plan.duration)
    facts = _load_facts(uow, plan, here, now, **kwargs)
    offered = [s for s in _slots(facts) if s.start == start]
    if offered:
        return offered[0]
    reasons = explain(facts.query, facts.attorneys, facts.shared, start)
    if not plan.candidates:
        reasons = reasons or ["none of those attorneys can take a meeting on this matter"]
    why = "; ".join(reasons) if reasons else "that time is taken"
    raise _unavailable(uow, plan, start, now, f"That time cannot be booked: {why}.", zone, kwargs)


def _unavailable(
    uow: UnitOfWork,
    plan: _Plan,
    start: datetime,
    now: datetime,
    message: str,
    zone: ZoneInfo | None,
    kwargs: dict[str, Any],
) -> SlotUnavailable:
    """The refusal, with the nearest offered times around ``start`` as alternatives."""
    around = Interval(max(start - ALTERNATIVES_BEFORE, now), max(start, now) + ALTERNATIVES_AFTER)
    wide = _load_facts(uow, plan, around, now, **kwargs)
    alternatives = nearest(_slots(wide), start, ALTERNATIVES)
    then = (
        "The nearest free times are listed in 'alternatives'."
        if alternatives
        else "No free time was found in the two weeks after it."
    )
    return SlotUnavailable(
        f"{message} {then}", [_slot_view(s, zone or plan.firm_zone) for s in alternatives]
    )


def _write_or_refuse(
    uow: UnitOfWork,
    plan: _Plan,
    now: datetime,
    after: Appointment,
    before: Appointment | None,
    zone: ZoneInfo,
) -> None:
    """Write the appointment; should the database's own guard refuse it (a writer that took no
    lock), answer like the check would, with alternatives."""
    try:
        _write(uow, now, after, before)
    except SlotUnavailable:
        # A new appointment is written without a savepoint: its refusal rolled the transaction
        # back. What follows only reads.
        rooms, allowed = _office_rooms(uow, plan)
        kwargs: dict[str, Any] = {
            "rooms": rooms,
            "allowed_rooms": allowed,
            "adverse": _adverse_clients(uow, plan),
            "exclude_appointment": before.id if before else None,
            "own_hold": None,
        }
        raise _unavailable(
            uow, plan, after.starts_at, now, "That time was taken a moment ago.", zone, kwargs
        ) from None


def _slot_view(slot: Slot, zone: ZoneInfo) -> dict[str, Any]:
    return {
        "start": slot.start.astimezone(zone).isoformat(),
        "end": slot.end.astimezone(zone).isoformat(),
        "attorneys": list(slot.attorneys),
    }


def slot_view(slot: Slot, zone: ZoneInfo) -> dict[str, Any]:
    """A slot as the API shows it: instants in ``zone``, with their offsets."""
    return _slot_view(slot, zone)


def slot_views(slots: Sequence[Slot], zone: ZoneInfo) -> list[dict[str, Any]]:
    """Many slots as :func:`slot_view` writes them, formatted in one go.

    A month of slots holds a few hundred distinct instants: each one's offset in ``zone`` is
    looked up once (exactly, by the zone's own rules), and their local wall-clock times are
    written by numpy together. The text is the same as ``datetime.isoformat``.
    """
    return [
        {"start": start, "end": end, "attorneys": list(slot.attorneys)}
        for slot, (start, end) in zip(slots, _slot_times(slots, zone), strict=True)
    ]


def _slot_times(slots: Sequence[Slot], zone: ZoneInfo) -> list[tuple[str, str]]:
    """Each slot's start and end as ``isoformat`` writes them in ``zone``."""
    if not slots:
        return []
    count = len(slots)
    instants = np.fromiter(
        (us for s in slots for us in (s.start_us, s.end_us)), dtype=np.int64, count=2 * count
    )
    if np.any(instants % 1_000_000):  # fractions of seconds: the plain way
        return [(v["start"], v["end"]) for v in (_slot_view(s, zone) for s in slots)]
    distinct, where = np.unique(instants, return_inverse=True)
    offsets = [_offset_at(zone, us) for us in distinct.tolist()]
    shift = np.fromiter((o // US for o in offsets), dtype=np.int64, count=len(offsets))
    local = np.datetime_as_string((distinct + shift).astype("datetime64[us]"), unit="s")
    suffixes: dict[timedelta, str] = {}
    texts = []
    for wall, offset in zip(local.tolist(), offsets, strict=True):
        suffix = suffixes.get(offset)
        if suffix is None:
            suffix = suffixes[offset] = _offset_text(offset)
        texts.append(wall + suffix)
    return [(texts[a], texts[b]) for a, b in where.reshape(count, 2).tolist()]


_OFFSETS: dict[tuple[str, int], timedelta] = {}
_OFFSETS_KEPT = 200_000


def _offset_at(zone: ZoneInfo, us: int) -> timedelta:
    """The UTC offset of ``zone`` at an instant (remembered: slot lists repeat instants)."""
    key = (zone.key, us)
    found = _OFFSETS.get(key)
    if found is None:
        if len(_OFFSETS) >= _OFFSETS_KEPT:
            _OFFSETS.clear()
        found = _OFFSETS[key] = from_us(us).astimezone(zone).utcoffset() or timedelta()
    return found


def slots_json(slots: Sequence[Slot], zone: ZoneInfo) -> str:
    """``json.dumps(slot_views(slots, zone))`` (compact), written straight as text."""
    people: dict[tuple[str, ...], str] = {}
    parts = []
    for slot, (start, end) in zip(slots, _slot_times(slots, zone), strict=True):
        who = people.get(slot.attorneys)
        if who is None:
            who = people[slot.attorneys] = json.dumps(list(slot.attorneys), separators=(",", ":"))
        # ISO instants need no escaping.
        parts.append(f'{{"start":"{start}","end":"{end}","attorneys":{who}}}')
    return "[" + ",".join(parts) + "]"


def _offset_text(offset: timedelta) -> str:
    """``+HH:MM`` (``:SS`` if any) as ``isoformat`` writes a UTC offset."""
    sign = "-" if offset < timedelta() else "+"
    seconds = abs(offset) // timedelta(seconds=1)
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{sign}{hours:02d}:{minutes:02d}" + (f":{secs:02d}" if secs else "")


# --- Bookings -------------------------------------------------------------------------------------


def booking_view(appointment: Appointment, zone: ZoneInfo) -> dict[str, Any]:
    """A booking as the API shows it (instants in ``zone``, with offsets)."""
    return {
        "id": appointment.id,
        "uid": appointment.uid,
        "sequence": appointment.sequence,
        "status": appointment.status.value,
        "client": appointment.client_id,
        "matter": appointment.matter_id,
        "attorneys": list(appointment.attorney_ids),
        "start": appointment.starts_at.astimezone(zone).isoformat(),
        "end": appointment.ends_at.astimezone(zone).isoformat(),
        "duration_minutes": appointment.duration_minutes,
        "title": appointment.title,
        "room": appointment.room_id,
        "timezone": zone.key,
    }


def _may_see(actor: Actor, appointment: Appointment) -> bool:
    if actor.sees_firm:
        return True
    if actor.role is Role.ATTORNEY:
        return actor.attorney_id in appointment.attorney_ids
    if actor.role is Role.CLIENT:
        return appointment.client_id == actor.client_id
    return False


def _visible_booking(uow: UnitOfWork, actor: Actor, booking_id: str) -> Appointment:
    """The booking if the caller may see it; otherwise NotFound, exactly as if it did not exist."""
    try:
        appointment = uow.appointments.get(booking_id)
    except NotFound:
        raise NotFound("booking", booking_id) from None
    if not _may_see(actor, appointment):
        raise NotFound("booking", booking_id)
    return appointment


def _replay_or_lock(
    uow: UnitOfWork, actor: Actor, key: str | None, operation: str, request: Any
) -> tuple[Stored | None, tuple[str, str, str] | None]:
    if key is None:
        return None, None
    key = idempotency.check_key(key)
    scope = idempotency.scope_for(actor, operation)
    fingerprint = idempotency.request_hash(request)
    found = idempotency.replay(uow, scope, key, fingerprint)
    if found is not None:
        return Stored(found.status_code, found.response_body, replayed=True), None
    return None, (scope, key, fingerprint)


def _finish(
    uow: UnitOfWork,
    pending: tuple[str, str, str] | None,
    status: int,
    body: dict[str, Any],
    now: datetime,
) -> Stored:
    if pending is None:
        text = json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    else:
        scope, key, fingerprint = pending
        text = idempotency.remember(uow, scope, key, fingerprint, status, body, now)
    uow.commit()
    return Stored(status, text, replayed=False)


def _request_fingerprint(request: BookingRequest) -> dict[str, Any]:
    return {
        "client": request.client,
        "matter": request.matter,
        "attorneys": list(request.attorneys),
        "pool": list(request.pool),
        "start": instant(request.start, "start").isoformat(),
        "duration_minutes": request.duration_minutes,
        "needs_room": request.needs_room,
        "title": request.title,
        "hold": request.hold,
    }


def book(
    uow: UnitOfWork,
    actor: Actor,
    now: datetime,
    request: BookingRequest,
    *,
    idempotency_key: str | None = None,
    zone: ZoneInfo | None = None,
) -> Stored:
    """Book a meeting if, and only if, the slot list offers it right now.

    Returns the answer (201 and the booking) as stored for idempotent replays.
    """
    start = instant(request.start, "start")
    title = check_title(request.title)
    meeting = request.meeting()
    stored, pending = _replay_or_lock(
        uow, actor, idempotency_key, "bookings.create", _request_fingerprint(request)
    )
    if stored is not None:
        return stored
    plan = _plan(uow, actor, now, meeting, "attorneys" if request.attorneys else "pool")
    if actor.role is Role.ATTORNEY and (
        meeting.mode == "any" or actor.attorney_id not in meeting.attorneys
    ):
        raise NotAllowed(
            "An attorney's key books meetings that the attorney attends: name them in 'attorneys'."
        )
    own_hold = None
    if request.hold is not None:
        own_hold = _visible_hold(uow, actor, request.hold, now).id
    zone = zone or caller_zone(uow, actor, None, plan.firm_zone)
    slot = _decide(uow, plan, start, now, own_hold=own_hold, zone=zone)
    assert plan.client_id is not None and plan.matter is not None
    appointment = Appointment(
        id="apt-" + uuid.uuid4().hex[:24],
        uid=f"{uuid.uuid4()}@{plan.firm.domain}",
        client_id=plan.client_id,
        matter_id=plan.matter.id,
        attorney_ids=slot.attorneys,
        starts_at=slot.start,
        ends_at=slot.end,
        title=title,
        status=AppointmentStatus.CONFIRMED,
        sequence=0,
        room_id=slot.room,
        buffer_minutes=slot.buffer // timedelta(minutes=1),
        created_at=now,
        updated_at=now,
    )
    _write_or_refuse(uow, plan, now, appointment, None, zone)
    if own_hold is not None:
        uow.holds.delete(own_hold)
    record(uow, actor, now, "create", "booking", appointment.id, f"matter={plan.matter.id}")
    body = booking_view(appointment, zone)
    return _finish(uow, pending, 201, body, now)


def _write(uow: UnitOfWork, now: datetime, after: Appointment, before: Appointment | None) -> None:
    """Write the appointment (the database's guard is the backstop) and queue its messages."""
    try:
        if before is None:
            uow.appointments.add_or_abort(after)
        else:
            uow.appointments.update(after)
    except OverlapRefused:
        raise SlotUnavailable(
            "That time was taken a moment ago. Please choose another time.", []
        ) from None
    appointment_changed(uow, before, after, now)


def get_booking(uow: UnitOfWork, actor: Actor, now: datetime, booking_id: str) -> Appointment:
    appointment = _visible_booking(uow, actor, booking_id)
    record(uow, actor, now, "view", "booking", booking_id, f"matter={appointment.matter_id}")
    uow.commit()
    return appointment


def list_bookings(
    uow: UnitOfWork,
    actor: Actor,
    now: datetime,
    *,
    start: datetime | None = None,
    end: datetime | None = None,
    include_cancelled: bool = False,
    limit: int = 500,
) -> list[Appointment]:
    """The caller's own bookings (a client's, an attorney's; the whole firm's for staff)."""
    lo = instant(start, "start") if start else now - timedelta(days=1)
    hi = instant(end, "end") if end else lo + timedelta(days=90)
    if hi <= lo:
        raise InvalidInput("the end must come after the start", field="end")
    if hi - lo > timedelta(days=366):
        raise InvalidInput("ask for at most a year at a time", field="end")
    if not 1 <= limit <= 5000:
        raise InvalidInput("ask for 1 to 5000 bookings", field="limit")
    if actor.role is Role.CLIENT:
        found = [
            a
            for a in uow.appointments.list_for_client(str(actor.client_id))
            if a.starts_at < hi
            and a.ends_at > lo
            and (include_cancelled or a.status is not AppointmentStatus.CANCELLED)
        ]
    elif actor.role is Role.ATTORNEY:
        found = uow.appointments.list_between(
            lo, hi, attorney_ids=[str(actor.attorney_id)], include_cancelled=include_cancelled
        )
    else:
        found = uow.appointments.list_between(lo, hi, include_cancelled=include_cancelled)
    found = [a for a in found if _may_see(actor, a)][:limit]
    record(uow, actor, now, "list", "booking", "*", f"{len(found)} bookings")
    uow.commit()
    return found


def reschedule(
    uow: UnitOfWork,
    actor: Actor,
    now: datetime,
    booking_id: str,
    start: datetime,
    *,
    duration_minutes: int | None = None,
    idempotency_key: str | None = None,
    zone: ZoneInfo | None = None,
) -> Stored:
    """Move a booking, keeping its attorneys and UID (SEQUENCE + 1); the same check decides."""
    start = instant(start, "start")
    stored, pending = _replay_or_lock(
        uow,
        actor,
        idempotency_key,
        "bookings.reschedule",
        {"booking": booking_id, "start": start.isoformat(), "duration": duration_minutes},
    )
    if stored is not None:
        return stored
    uow.lock([f"appointment:{booking_id}"])
    before = _visible_booking(uow, actor, booking_id)
    if before.status is AppointmentStatus.CANCELLED:
        raise Conflict("This booking was cancelled; book a new meeting instead.")
    minutes = duration_minutes if duration_minutes is not None else before.duration_minutes
    meeting = Meeting(
        attorneys=before.attorney_ids,
        duration_minutes=minutes,
        mode="all",
        client=before.client_id,
        matter=before.matter_id,
        needs_room=before.room_id is not None,
    )
    plan = _plan(uow, actor, now, meeting, "attorneys")
    zone = zone or caller_zone(uow, actor, None, plan.firm_zone)
    slot = _decide(uow, plan, start, now, exclude_appointment=before.id, zone=zone)
    room = slot.room
    if before.room_id is not None and slot.room != before.room_id:
        # Keep the same room when it is free at the new time.
        facts = _load_facts(
            uow,
            plan,
            Interval(slot.start, slot.end),
            now,
            rooms=[before.room_id],
            allowed_rooms={},
            adverse=[],
            exclude_appointment=before.id,
        )
        if not any(
            b.start < slot.end and slot.start < b.end for b in facts.shared.rooms[before.room_id]
        ):
            room = before.room_id
    after = replace(
        before,
        starts_at=slot.start,
        ends_at=slot.end,
        room_id=room,
        sequence=before.sequence + 1,
        updated_at=now,
    )
    _write_or_refuse(uow, plan, now, after, before, zone)
    record(uow, actor, now, "reschedule", "booking", before.id, f"matter={before.matter_id}")
    body = booking_view(after, zone)
    return _finish(uow, pending, 200, body, now)


def cancel(
    uow: UnitOfWork,
    actor: Actor,
    now: datetime,
    booking_id: str,
    *,
    idempotency_key: str | None = None,
    zone: ZoneInfo | None = None,
) -> Stored:
    """Cancel a booking (SEQUENCE + 1, a cancellation to everyone); cancelling twice is a no-op."""
    stored, pending = _replay_or_lock(
        uow, actor, idempotency_key, "bookings.cancel", {"booking": booking_id}
    )
    if stored is not None:
        return stored
    uow.lock([f"appointment:{booking_id}"])
    before = _visible_booking(uow, actor, booking_id)
    after = before
    if before.status is not AppointmentStatus.CANCELLED:
        after = replace(
            before,
            status=AppointmentStatus.CANCELLED,
            sequence=before.sequence + 1,
            updated_at=now,
        )
        uow.appointments.update(after)
        appointment_changed(uow, before, after, now)
        record(uow, actor, now, "cancel", "booking", before.id, f"matter={before.matter_id}")
    body = booking_view(after, zone or caller_zone(uow, actor, None))
    return _finish(uow, pending, 200, body, now)
