"""Re-planning a day when an attorney, a room or the whole office is out (``reschedule-day``).

Given the day (or part of it) that is lost, every appointment it touches is re-planned with the
batch solver while every other appointment stays exactly as it is:

1. The problem is built from the store in the schedule-problem format: the attorneys concerned
   with their hours, busy blocks, time off and unexpired holds (and the lost time itself); every
   other appointment of theirs, of the rooms that could be used, and of adverse clients, as a
   frozen placement; the appointments to move as meetings with their priority, buffer, room needs,
   ethical walls, adverse parties and the matter's next court deadline. The horizon runs from now
   to the end of the ``within`` court days after the day.
2. First each meeting is offered only its own attorneys (clients want their own attorney); for a
   room, first its own time in another room. What cannot be placed so is then, with
   ``allow_reassign``, offered the qualified colleagues (same practice area, not screened) too.
3. The plan is checked by the solver's independent validator. A dry run stops here and writes
   nothing at all. Applying it writes everything in one transaction: the time off (or the firm's
   closed day), each moved appointment (same UID, SEQUENCE + 1), a cancellation for each
   appointment that could not be placed (so nothing is left in the lost time), the updates and
   cancellations for every attendee in the outbox, and the audit log with who and why. Applying
   the same request again finds nothing left to move and changes nothing.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any, Literal
from zoneinfo import ZoneInfo

from scheduler.availability import (
    closed_day_intervals,
    local_day_span,
    notice_start,
    working_windows,
)
from scheduler.courtdays import calendar_for
from scheduler.domain import (
    Appointment,
    AppointmentStatus,
    Attorney,
    ClosedDay,
    Matter,
    RoomClosure,
    TimeOff,
    require_zone,
)
from scheduler.errors import Conflict, InvalidInput, NotFound
from scheduler.intervals import Interval
from scheduler.ports import UnitOfWork
from scheduler.services import booking
from scheduler.services.access import Actor, record, require_staff
from scheduler.services.notifications import appointment_changed
from scheduler.solver import (
    Placement,
    ProgressCallback,
    SolveResult,
    check_placements,
    check_result,
    parse_problem,
    solve,
    to_json,
)

GRID = timedelta(minutes=15)
ALTERNATIVES = 3
ALTERNATIVES_DAYS = 21
DEFAULT_TIME_LIMIT = 2.0  # Settings.replan_time_limit_seconds is what the command passes

ScopeKind = Literal["attorney", "room", "office"]


@dataclass(frozen=True, slots=True)
class OutScope:
    """What is out: one attorney, one room, or the whole office (``id`` None)."""

    kind: ScopeKind
    id: str | None = None


@dataclass(frozen=True, slots=True)
class ReplanRequest:
    day: date
    scope: OutScope
    start: time | None = None  # local wall clock, in the zone of what is out
    end: time | None = None
    reason: str = ""
    within_court_days: int = 10
    allow_reassign: bool = False


@dataclass(frozen=True, slots=True)
class Alternative:
    start: datetime
    end: datetime
    attorneys: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Move:
    before: Appointment
    after: Appointment
    why: str


@dataclass(frozen=True, slots=True)
class Unplaced:
    appointment: Appointment
    code: str
    reason: str
    alternatives: tuple[Alternative, ...] = ()


@dataclass(slots=True)
class ReplanPlan:
    request: ReplanRequest
    zone: ZoneInfo
    blocked: Interval
    horizon: Interval
    moves: list[Move] = field(default_factory=list)
    unplaced: list[Unplaced] = field(default_factory=list)
    applied: bool = False
    queued: list[str] = field(default_factory=list)
    solve_seconds: float = 0.0
    status: str = "optimal"

    @property
    def touched(self) -> int:
        return len(self.moves) + len(self.unplaced)


# --- What is out ----------------------------------------------------------------------------------


def _check_request(request: ReplanRequest) -> None:
    if (request.start is None) != (request.end is None):
        raise InvalidInput("give both --from and --to, or neither", field="--from")
    if request.start is not None and request.end is not None and request.end <= request.start:
        raise InvalidInput("--to must be after --from", field="--to")
    if not 1 <= request.within_court_days <= 60:
        raise InvalidInput("re-plan within 1 to 60 court days", field="--within")
    if len(request.reason) > 500:
        raise InvalidInput("keep the reason under 500 characters", field="--reason")
    if request.scope.kind != "office" and not request.scope.id:
        raise InvalidInput(f"name the {request.scope.kind}", field=f"--{request.scope.kind}")


def _zone_of_scope(uow: UnitOfWork, request: ReplanRequest, firm_zone: str) -> ZoneInfo:
    scope = request.scope
    if scope.kind == "attorney":
        assert scope.id is not None
        return require_zone(uow.attorneys.get(scope.id).timezone)
    if scope.kind == "room":
        assert scope.id is not None
        room = uow.rooms.get(scope.id)
        zones = [a.timezone for a in uow.attorneys.list() if a.office and a.office in room.location]
        if zones:
            return require_zone(max(set(zones), key=zones.count))
    return require_zone(firm_zone)


def _blocked(request: ReplanRequest, zone: ZoneInfo) -> Interval:
    if request.start is None or request.end is None:
        return local_day_span(request.day, zone)
    start = datetime.combine(request.day, request.start, tzinfo=zone).astimezone(UTC)
    end = datetime.combine(request.day, request.end, tzinfo=zone).astimezone(UTC)
    return Interval(start, end)


def _affected(uow: UnitOfWork, request: ReplanRequest, blocked: Interval) -> list[Appointment]:
    scope = request.scope
    if scope.kind == "attorney":
        assert scope.id is not None
        found = uow.appointments.list_between(blocked.start, blocked.end, attorney_ids=[scope.id])
    elif scope.kind == "room":
        assert scope.id is not None
        found = uow.appointments.list_between(blocked.start, blocked.end, room_ids=[scope.id])
    else:
        found = uow.appointments.list_between(blocked.start, blocked.end)
    return sorted(found, key=lambda a: (a.starts_at, a.id))


def _horizon(
    request: ReplanRequest, now: datetime, firm_zone: ZoneInfo, blocked: Interval
) -> Interval:
    """From now (on the grid) to the end of the ``within``-th court day after the day."""
    court = calendar_for("US-FED")
    last = request.day
    for _ in range(request.within_court_days):
        last = court.next_court_day(last)
    end = local_day_span(last, firm_zone).end
    start = datetime.fromtimestamp(
        -(-now.timestamp() // GRID.total_seconds()) * GRID.total_seconds(), UTC
    )
    if end <= start or blocked.end <= start:
        raise InvalidInput("that day has already passed; nothing to re-plan", field="DATE")
    return Interval(start, end)


# --- The problem --------------------------------------------------------------------------------


def _iso(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat()


def _matter_deadline(
    uow: UnitOfWork, matter: Matter, today: date, zone: ZoneInfo
) -> datetime | None:
    """Meetings about a matter end before its next open court deadline's day begins."""
    upcoming = [
        d
        for d in uow.docket.list_deadlines(matter_id=matter.id, due_from=today)
        if d.status == "open"
    ]
    if not upcoming:
        return None
    return datetime.combine(min(d.due_on for d in upcoming), time(0), tzinfo=zone).astimezone(UTC)


@dataclass
class _Facts:
    notice_hours: int
    firm_zone: ZoneInfo
    horizon: Interval
    blocked: Interval
    affected: list[Appointment]
    matters: dict[str, Matter]
    attorneys: dict[str, Attorney]
    rooms: dict[str, str]  # room id -> location
    frozen: list[Appointment]
    closed: list[date]
    under_way: list[Appointment] = field(default_factory=list)


def _earliest(facts: _Facts, appt: Appointment, now: datetime) -> datetime:
    """Nothing moves to an earlier day than the one lost (clients planned for that day), nor
    closer to now than the firm's notice, counted in the attorney's business hours."""
    lost_day = appt.starts_at.astimezone(facts.firm_zone).date()
    earliest = max(local_day_span(lost_day, facts.firm_zone).start, facts.horizon.start)
    lawyer = facts.attorneys[appt.attorney_ids[0]]
    working = working_windows(
        lawyer.working_hours,
        require_zone(lawyer.timezone),
        now,
        facts.horizon.end,
        closed=closed_day_intervals(facts.closed, facts.firm_zone),
    )
    with_notice = notice_start(working, now, facts.notice_hours) or facts.horizon.end
    # Starts lie on the grid.
    moment = max(earliest, with_notice)
    step = GRID.total_seconds()
    return datetime.fromtimestamp(-(-moment.timestamp() // step) * step, UTC)


def _office_rooms(facts: _Facts, appointment: Appointment) -> list[str]:
    if appointment.room_id is None:
        return []
    location = facts.rooms.get(appointment.room_id, "")
    return [r for r, loc in facts.rooms.items() if loc == location]


def _qualified(facts: _Facts, appointment: Appointment, out: str | None) -> list[str]:
    """Who may take the meeting: its own attorneys (not the one out), then colleagues of the
    matter's practice area who are not screened from it."""
    matter = facts.matters[appointment.matter_id]
    own = [a for a in appointment.attorney_ids if a != out]
    colleagues = sorted(
        a.id
        for a in facts.attorneys.values()
        if a.active
        and a.id not in appointment.attorney_ids
        and a.id != out
        and matter.practice_area in a.practice_areas
        and not matter.is_screened(a.id)
    )
    return own + colleagues


def _problem_json(
    uow: UnitOfWork,
    facts: _Facts,
    request: ReplanRequest,
    now: datetime,
    *,
    candidates: dict[str, list[str]],
    windows: dict[str, tuple[datetime, datetime]],
    placed: dict[str, Appointment],
) -> dict[str, Any]:
    """The schedule problem: the meetings to place, everything else frozen."""
    out_attorney = request.scope.id if request.scope.kind == "attorney" else None
    out_room = request.scope.id if request.scope.kind == "room" else None
    movable = [a for a in facts.affected if a.id in candidates]
    frozen = list(facts.frozen) + [placed[a] for a in placed]
    people = {x for a in movable for x in candidates[a.id]} | {
        x for a in frozen for x in a.attorney_ids
    }
    busy_of: dict[str, list[Interval]] = {a: [] for a in people}
    for block in uow.busy.list_between(
        facts.horizon.start, facts.horizon.end, attorney_ids=sorted(people)
    ):
        busy_of[block.attorney_id].append(Interval(block.starts_at, block.ends_at))
    for off in uow.time_off.list_between(
        facts.horizon.start, facts.horizon.end, attorney_ids=sorted(people)
    ):
        busy_of[off.attorney_id].append(Interval(off.starts_at, off.ends_at))
    holds = uow.holds.list_active(facts.horizon.start, facts.horizon.end, now)
    for hold in holds:
        for attorney_id in hold.attorney_ids:
            if attorney_id in busy_of:
                busy_of[attorney_id].append(Interval(hold.starts_at, hold.ends_at))
    for appt in facts.under_way:
        pad = timedelta(minutes=appt.buffer_minutes)
        for attorney_id in appt.attorney_ids:
            if attorney_id in busy_of:
                busy_of[attorney_id].append(Interval(appt.starts_at - pad, appt.ends_at + pad))
    if out_attorney is not None:
        busy_of.setdefault(out_attorney, []).append(facts.blocked)
    elif request.scope.kind == "office" and request.start is not None:
        for attorney_id in busy_of:
            busy_of[attorney_id].append(facts.blocked)

    attorneys = []
    for attorney_id in sorted(people):
        a = facts.attorneys[attorney_id]
        attorneys.append(
            {
                "id": a.id,
                "name": a.name,
                "timezone": a.timezone,
                "working_hours": a.working_hours.to_json(),
                "busy": [
                    {"start": _iso(i.start), "end": _iso(i.end)}
                    for i in sorted(busy_of.get(attorney_id, []))
                    if i.end > facts.horizon.start and i.start < facts.horizon.end
                ],
                "max_meetings_per_day": a.max_meetings_per_day,
                "screened_matters": sorted(
                    m.id for m in facts.matters.values() if m.is_screened(a.id)
                ),
            }
        )
    rooms_used = {r for a in movable for r in _office_rooms(facts, a)}
    rooms_used |= {a.room_id for a in frozen if a.room_id}
    # Rooms are busy while closed, while a client holds one to confirm a booking, and (the one that
    # is out) for the time it is out: its meetings may move to it on another day.
    room_busy: dict[str, list[Interval]] = {}
    for closure in uow.room_closures.list_between(
        facts.horizon.start, facts.horizon.end, room_ids=sorted(rooms_used)
    ):
        room_busy.setdefault(closure.room_id, []).append(
            Interval(closure.starts_at, closure.ends_at)
        )
    for hold in holds:
        if hold.room_id in rooms_used:
            room_busy.setdefault(hold.room_id, []).append(Interval(hold.starts_at, hold.ends_at))
    if out_room is not None:  # the room that is out, for the time it is out
        room_busy.setdefault(out_room, []).append(facts.blocked)
    today = now.astimezone(facts.firm_zone).date()

    def meeting(appt: Appointment, cands: list[str], movable_one: bool) -> dict[str, Any]:
        matter = facts.matters[appt.matter_id]
        doc: dict[str, Any] = {
            "id": appt.id,
            "client": appt.client_id,
            "matter": appt.matter_id,
            "title": appt.title,
            "duration_minutes": appt.duration_minutes,
            "attorneys": cands,
            "attorneys_needed": len(appt.attorney_ids),
            "needs_room": appt.room_id is not None,
            "priority": appt.priority,
            "buffer_minutes": appt.buffer_minutes,
            "adverse_clients": list(matter.adverse_client_ids),
        }
        if appt.room_id is not None:
            doc["rooms"] = _office_rooms(facts, appt) if movable_one else [appt.room_id]
        if movable_one:
            deadline = _matter_deadline(uow, matter, today, facts.firm_zone)
            if deadline is not None:
                doc["deadline"] = _iso(min(deadline, facts.horizon.end))
            if appt.id in windows:
                start, end = windows[appt.id]
                doc["windows"] = [{"start": _iso(start), "end": _iso(end)}]
            doc["earliest_start"] = _iso(_earliest(facts, appt, now))
        return doc

    meetings = [meeting(a, candidates[a.id], True) for a in movable]
    meetings += [meeting(a, list(a.attorney_ids), False) for a in frozen]
    current = [
        {
            "meeting": a.id,
            "start": _iso(a.starts_at),
            "attorneys": list(a.attorney_ids),
            "room": a.room_id,
        }
        for a in frozen + movable
        if a.starts_at >= facts.horizon.start and a.ends_at <= facts.horizon.end
    ]
    return {
        "version": 1,
        "timezone": str(facts.firm_zone),
        "horizon": {"start": _iso(facts.horizon.start), "end": _iso(facts.horizon.end)},
        "granularity_minutes": int(GRID.total_seconds() // 60),
        "closed_dates": [d.isoformat() for d in facts.closed],
        "attorneys": attorneys,
        "rooms": [
            {
                "id": r,
                "busy": [
                    {"start": _iso(i.start), "end": _iso(i.end)}
                    for i in sorted(room_busy.get(r, []))
                    if i.end > facts.horizon.start and i.start < facts.horizon.end
                ],
            }
            for r in sorted(rooms_used)
        ],
        "meetings": meetings,
        "current": current,
        "frozen": [a.id for a in frozen],
    }


def _load_facts(uow: UnitOfWork, request: ReplanRequest, now: datetime) -> tuple[_Facts, ZoneInfo]:
    firm = uow.firm.find()
    firm_zone = require_zone(firm.timezone if firm else "America/New_York")
    if request.scope.kind == "attorney":
        assert request.scope.id is not None
        uow.attorneys.get(request.scope.id)
    elif request.scope.kind == "room":
        assert request.scope.id is not None
        uow.rooms.get(request.scope.id)
    zone = _zone_of_scope(uow, request, str(firm_zone))
    blocked = _blocked(request, zone)
    horizon = _horizon(request, now, firm_zone, blocked)
    # A meeting already under way is left alone; everything still to come is re-planned.
    affected = [a for a in _affected(uow, request, blocked) if a.starts_at >= horizon.start]
    attorneys = {a.id: a for a in uow.attorneys.list()}
    matters = {m.id: m for m in uow.matters.list()}
    rooms = {r.id: r.location for r in uow.rooms.list()}
    closed = [
        c.day
        for c in uow.closed_days.list(
            start=horizon.start.astimezone(firm_zone).date(),
            end=horizon.end.astimezone(firm_zone).date(),
        )
    ]
    if request.scope.kind == "office" and request.start is None and request.day not in closed:
        closed.append(request.day)
    notice = firm.min_notice_business_hours if firm else 0
    facts = _Facts(
        notice, firm_zone, horizon, blocked, affected, matters, attorneys, rooms, [], closed
    )
    return facts, zone


def _frozen_context(uow: UnitOfWork, facts: _Facts, candidates: dict[str, list[str]]) -> None:
    """Every other live appointment that can interact with the moved ones, frozen as it is."""
    affected_ids = {a.id for a in facts.affected}
    people = sorted({x for c in candidates.values() for x in c})
    rooms = sorted({r for a in facts.affected for r in _office_rooms(facts, a)})
    adverse = {c for a in facts.affected for c in facts.matters[a.matter_id].adverse_client_ids}
    found: dict[str, Appointment] = {}
    for appt in uow.appointments.list_between(
        facts.horizon.start, facts.horizon.end, attorney_ids=people, room_ids=rooms or None
    ):
        found[appt.id] = appt
    if adverse:
        for appt in uow.appointments.list_between(facts.horizon.start, facts.horizon.end):
            if appt.client_id in adverse and appt.room_id is not None:
                found[appt.id] = appt
    others = [a for a_id, a in sorted(found.items()) if a_id not in affected_ids]
    facts.frozen = [
        a for a in others if a.starts_at >= facts.horizon.start and a.ends_at <= facts.horizon.end
    ]
    # Meetings under way now (or running past the horizon) stay; their time is simply taken.
    facts.under_way = [a for a in others if a not in facts.frozen]


def _demote_broken_frozen(problem_doc: dict[str, Any], facts: _Facts) -> dict[str, Any]:
    """Existing appointments that already break a rule (an imported busy block on top of one,
    say) cannot be frozen as they are; they become busy time for their attorneys instead."""
    problem = parse_problem(problem_doc)
    frozen = set(problem_doc["frozen"])
    placements = [
        Placement(
            meeting=c["meeting"],
            start=datetime.fromisoformat(c["start"]),
            attorneys=tuple(c["attorneys"]),
            room=c.get("room"),
        )
        for c in problem_doc["current"]
        if c["meeting"] in frozen
    ]
    broken = {m for v in check_placements(problem, placements) for m in v.meetings if m in frozen}
    if not broken:
        return problem_doc
    by_id = {a.id: a for a in facts.frozen}
    for attorney in problem_doc["attorneys"]:
        for appt_id in broken:
            appt = by_id[appt_id]
            if attorney["id"] in appt.attorney_ids:
                pad = timedelta(minutes=appt.buffer_minutes)
                attorney["busy"].append(
                    {"start": _iso(appt.starts_at - pad), "end": _iso(appt.ends_at + pad)}
                )
    problem_doc["meetings"] = [m for m in problem_doc["meetings"] if m["id"] not in broken]
    problem_doc["current"] = [c for c in problem_doc["current"] if c["meeting"] not in broken]
    problem_doc["frozen"] = [f for f in problem_doc["frozen"] if f not in broken]
    return problem_doc


# --- Planning ------------------------------------------------------------------------------------


def plan_reschedule(
    uow: UnitOfWork,
    actor: Actor,
    request: ReplanRequest,
    now: datetime,
    *,
    time_limit_seconds: float = DEFAULT_TIME_LIMIT,
    workers: int = 2,
    seed: int = 0,
    progress: ProgressCallback | None = None,
) -> ReplanPlan:
    """The re-plan of a lost day, as a dry run: nothing is written."""
    require_staff(actor)
    _check_request(request)
    facts, zone = _load_facts(uow, request, now)
    plan = ReplanPlan(request, zone, facts.blocked, facts.horizon)
    if not facts.affected:
        return plan
    out_attorney = request.scope.id if request.scope.kind == "attorney" else None

    own = {
        a.id: [x for x in a.attorney_ids if x != out_attorney] or list(a.attorney_ids)
        for a in facts.affected
    }
    everyone = {a.id: _qualified(facts, a, out_attorney) for a in facts.affected}
    _frozen_context(uow, facts, everyone if request.allow_reassign else own)

    placed: dict[str, tuple[Appointment, str]] = {}
    reasons: dict[str, tuple[str, str]] = {}
    stages: list[tuple[dict[str, list[str]], dict[str, tuple[datetime, datetime]], str]] = []
    if request.scope.kind == "room":
        # A room that is out: first the same time in another room, then another time.
        same_time = {a.id: (a.starts_at, a.ends_at) for a in facts.affected}
        stages.append((own, same_time, "same time, another room"))
    stages.append((own, {}, "same attorney, earliest free time"))
    if request.allow_reassign:
        stages.append((everyone, {}, "reassigned to a qualified colleague"))

    for candidates, windows, why in stages:
        pending = {k: v for k, v in candidates.items() if k not in placed}
        if not pending:
            break
        doc = _problem_json(
            uow,
            facts,
            request,
            now,
            candidates=pending,
            windows=windows,
            placed={a: p for a, (p, _w) in placed.items()},
        )
        doc = _demote_broken_frozen(doc, facts)
        result = _solve(doc, time_limit_seconds, workers, seed, progress)
        plan.solve_seconds += result.stats.wall_seconds
        if result.status == "feasible":
            plan.status = "feasible"
        by_id = {a.id: a for a in facts.affected}
        for s in result.scheduled:
            if s.meeting in pending:
                before = by_id[s.meeting]
                after = dataclasses.replace(
                    before,
                    starts_at=s.start,
                    ends_at=s.end,
                    attorney_ids=s.attorneys,
                    room_id=s.room,
                )
                placed[s.meeting] = (after, why)
        for u in result.unscheduled:
            if u.meeting in pending:
                reasons[u.meeting] = (u.code, u.reason)

    for appt in facts.affected:
        if appt.id in placed:
            after, why = placed[appt.id]
            plan.moves.append(Move(appt, after, _why(appt, after, why, facts)))
        else:
            code, reason = reasons.get(appt.id, ("NO_TIME", "No free time was found."))
            plan.unplaced.append(
                Unplaced(appt, code, reason, _alternatives(uow, actor, now, appt, facts))
            )
    return plan


def _solve(
    doc: dict[str, Any],
    time_limit: float,
    workers: int,
    seed: int,
    progress: ProgressCallback | None,
) -> SolveResult:
    problem = parse_problem(doc)
    result = solve(
        problem, time_limit_seconds=time_limit, workers=workers, seed=seed, progress=progress
    )
    if result.status == "infeasible":
        raise Conflict(
            "The calendar around that day already breaks a rule, so it cannot be re-planned "
            f"safely: {result.error or 'the frozen appointments conflict'}"
        )
    violations = check_result(problem, to_json(result))
    if violations:  # never hand on a plan the independent check refuses
        raise Conflict(f"The re-plan failed its own check: {violations[0]}")
    return result


def _why(before: Appointment, after: Appointment, stage: str, facts: _Facts) -> str:
    parts: list[str] = []
    if after.attorney_ids != before.attorney_ids:
        names = ", ".join(facts.attorneys[a].name for a in after.attorney_ids)
        parts.append(f"with {names} (same practice area, not screened)")
    if after.starts_at != before.starts_at:
        parts.append("earliest free time")
    if after.room_id != before.room_id and after.room_id is not None:
        parts.append("another room, same office")
    if not parts:
        return stage
    return "; ".join(parts).capitalize() + "."


def _alternatives(
    uow: UnitOfWork, actor: Actor, now: datetime, appt: Appointment, facts: _Facts
) -> tuple[Alternative, ...]:
    """The nearest times after the re-plan window, with the same attorneys (the same check as a
    booking: what is offered here can be booked)."""
    start = facts.horizon.end
    try:
        answer = booking.availability(
            uow,
            actor,
            now,
            booking.Meeting(
                attorneys=appt.attorney_ids,
                duration_minutes=appt.duration_minutes,
                client=appt.client_id,
                matter=appt.matter_id,
                needs_room=appt.room_id is not None,
            ),
            start,
            start + timedelta(days=ALTERNATIVES_DAYS),
            limit=ALTERNATIVES,
        )
    except (InvalidInput, NotFound, Conflict):
        return ()
    return tuple(Alternative(s.start, s.end, tuple(s.attorneys)) for s in answer.slots)


# --- Applying -------------------------------------------------------------------------------------


def apply_reschedule(
    uow: UnitOfWork,
    actor: Actor,
    request: ReplanRequest,
    now: datetime,
    *,
    time_limit_seconds: float = DEFAULT_TIME_LIMIT,
    workers: int = 2,
    seed: int = 0,
    progress: ProgressCallback | None = None,
) -> ReplanPlan:
    """Plan and commit in one transaction: all of it or none."""
    plan = plan_reschedule(
        uow,
        actor,
        request,
        now,
        time_limit_seconds=time_limit_seconds,
        workers=workers,
        seed=seed,
        progress=progress,
    )
    wrote = _record_absence(uow, request, plan)
    for move in plan.moves:
        after = dataclasses.replace(move.after, sequence=move.before.sequence + 1, updated_at=now)
        uow.appointments.update(after)
        appointment_changed(uow, move.before, after, now)
        record(
            uow,
            actor,
            now,
            "reschedule",
            "appointment",
            after.id,
            _detail(request, f"moved from {_iso(move.before.starts_at)}"),
        )
    for miss in plan.unplaced:
        gone = dataclasses.replace(
            miss.appointment,
            status=AppointmentStatus.CANCELLED,
            sequence=miss.appointment.sequence + 1,
            updated_at=now,
        )
        uow.appointments.update(gone)
        appointment_changed(uow, miss.appointment, gone, now)
        record(
            uow,
            actor,
            now,
            "cancel",
            "appointment",
            gone.id,
            _detail(request, f"could not be re-planned ({miss.code})"),
        )
    if not wrote and not plan.touched:
        return plan  # nothing left to do: the same request was applied already
    what = request.scope.id or "office"
    record(
        uow,
        actor,
        now,
        "reschedule-day",
        request.scope.kind,
        what,
        _detail(request, f"{request.day}: moved {len(plan.moves)}, cancelled {len(plan.unplaced)}"),
    )
    ids = {m.before.id for m in plan.moves} | {u.appointment.id for u in plan.unplaced}
    uow.flush()
    plan.queued = [
        f"{m.kind.value} to {m.recipient} ({m.subject_id}, SEQUENCE {m.payload.get('sequence')})"
        for s in sorted(ids)
        for m in uow.outbox.list(subject_id=s, status="pending")
        if m.created_at == now and m.kind.value in ("update", "cancellation", "invitation")
    ]
    uow.commit()
    plan.applied = True
    return plan


def _detail(request: ReplanRequest, what: str) -> str:
    """An audit detail: what happened and the reason given (never a client's name)."""
    reason = request.reason.strip()
    return f"reschedule-day: {what}" + (f"; reason: {reason}" if reason else "")


def _record_absence(uow: UnitOfWork, request: ReplanRequest, plan: ReplanPlan) -> bool:
    """The time off (or the closed day) behind the re-plan, unless it is recorded already."""
    if request.scope.kind == "attorney":
        assert request.scope.id is not None
        existing = uow.time_off.list_between(
            plan.blocked.start, plan.blocked.end, attorney_ids=[request.scope.id]
        )
        if any(
            t.starts_at <= plan.blocked.start and plan.blocked.end <= t.ends_at for t in existing
        ):
            return False
        uow.time_off.add(
            TimeOff(
                id=f"off-{request.scope.id}-{int(plan.blocked.start.timestamp())}",
                attorney_id=request.scope.id,
                starts_at=plan.blocked.start,
                ends_at=plan.blocked.end,
                reason=request.reason.strip() or "Out of the office",
            )
        )
        return True
    if request.scope.kind == "office":
        if request.start is None:
            if any(
                c.day == request.day
                for c in uow.closed_days.list(start=request.day, end=request.day)
            ):
                return False
            uow.closed_days.add(ClosedDay(request.day, request.reason.strip() or "Office closed"))
            return True
        wrote = False
        for attorney in uow.attorneys.list(active_only=True):
            existing = uow.time_off.list_between(
                plan.blocked.start, plan.blocked.end, attorney_ids=[attorney.id]
            )
            if any(
                t.starts_at <= plan.blocked.start and plan.blocked.end <= t.ends_at
                for t in existing
            ):
                continue
            uow.time_off.add(
                TimeOff(
                    id=f"off-{attorney.id}-{int(plan.blocked.start.timestamp())}",
                    attorney_id=attorney.id,
                    starts_at=plan.blocked.start,
                    ends_at=plan.blocked.end,
                    reason=request.reason.strip() or "Office closed",
                )
            )
            wrote = True
        return wrote
    assert request.scope.id is not None
    room_id = request.scope.id
    closures = uow.room_closures.list_between(
        plan.blocked.start, plan.blocked.end, room_ids=[room_id]
    )
    if any(c.starts_at <= plan.blocked.start and plan.blocked.end <= c.ends_at for c in closures):
        return False
    uow.room_closures.add(
        RoomClosure(
            id=f"closure-{room_id}-{int(plan.blocked.start.timestamp())}",
            room_id=room_id,
            starts_at=plan.blocked.start,
            ends_at=plan.blocked.end,
            reason=request.reason.strip() or "Room out of use",
        )
    )
    return True


# --- JSON ---------------------------------------------------------------------------------------


def _local(moment: datetime, zone: ZoneInfo) -> str:
    return moment.astimezone(zone).isoformat()


def plan_json(plan: ReplanPlan) -> dict[str, Any]:
    """The plan as JSON: ``moved``, ``unplaced``, ``applied`` (instants with offsets)."""
    zone = plan.zone
    return {
        "date": plan.request.day.isoformat(),
        "scope": {"kind": plan.request.scope.kind, "id": plan.request.scope.id},
        "blocked": {
            "start": _local(plan.blocked.start, zone),
            "end": _local(plan.blocked.end, zone),
        },
        "within": {
            "start": _local(plan.horizon.start, zone),
            "end": _local(plan.horizon.end, zone),
        },
        "moved": [
            {
                "id": m.before.id,
                "uid": m.before.uid,
                "title": m.before.title,
                "client": m.before.client_id,
                "old_start": _local(m.before.starts_at, zone),
                "old_end": _local(m.before.ends_at, zone),
                "new_start": _local(m.after.starts_at, zone),
                "new_end": _local(m.after.ends_at, zone),
                "old_attorneys": list(m.before.attorney_ids),
                "new_attorneys": list(m.after.attorney_ids),
                "old_room": m.before.room_id,
                "room": m.after.room_id,
                "why": m.why,
            }
            for m in plan.moves
        ],
        "unplaced": [
            {
                "id": u.appointment.id,
                "uid": u.appointment.uid,
                "title": u.appointment.title,
                "client": u.appointment.client_id,
                "start": _local(u.appointment.starts_at, zone),
                "attorneys": list(u.appointment.attorney_ids),
                "code": u.code,
                "reason": u.reason,
                "alternatives": [
                    {
                        "start": _local(a.start, zone),
                        "end": _local(a.end, zone),
                        "attorneys": list(a.attorneys),
                    }
                    for a in u.alternatives
                ],
                "action": "cancelled" if plan.applied else "would be cancelled",
            }
            for u in plan.unplaced
        ],
        "applied": plan.applied,
        "queued": list(plan.queued),
        "status": plan.status,
        "solve_seconds": round(plan.solve_seconds, 3),
    }
