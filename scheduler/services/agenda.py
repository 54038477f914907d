"""The day at a glance, per attorney, in each attorney's own time zone.

For each attorney: the appointments of the day (client, matter, room, who attends), the busy
blocks and time off, the free gaps left in the working hours, the deadlines due that day and in
the next seven, and anything that conflicts, flagged with a plain reason: an appointment outside
working hours, on top of a busy block or time off, too close to the next one for its buffer, or
with an attorney screened from its matter.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from scheduler.availability import local_day_span, working_windows
from scheduler.domain import Appointment, Attorney, Deadline, Matter, RoomClosure, require_zone
from scheduler.intervals import Interval, merge, subtract
from scheduler.ports import UnitOfWork
from scheduler.services.access import Actor, record, require_staff

DEADLINE_LOOKAHEAD_DAYS = 7


@dataclass(frozen=True, slots=True)
class Conflict:
    appointment_id: str
    reason: str


@dataclass(slots=True)
class AttorneyDay:
    attorney: Attorney
    span: Interval
    appointments: list[Appointment] = field(default_factory=list)
    busy: list[Interval] = field(default_factory=list)
    time_off: list[Interval] = field(default_factory=list)
    free: list[Interval] = field(default_factory=list)
    deadlines: list[Deadline] = field(default_factory=list)
    conflicts: list[Conflict] = field(default_factory=list)

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.attorney.timezone)


@dataclass(slots=True)
class Agenda:
    day: date
    attorneys: list[AttorneyDay]
    client_names: dict[str, str]
    matter_titles: dict[str, str]
    room_names: dict[str, str]
    #: Rooms closed at some time of the day (in the firm's zone), and that zone.
    rooms_closed: list[RoomClosure] = field(default_factory=list)
    firm_zone: ZoneInfo = field(default_factory=lambda: ZoneInfo("UTC"))


def day_agenda(
    uow: UnitOfWork,
    actor: Actor,
    day: date,
    now: datetime,
    *,
    attorney_ids: list[str] | None = None,
) -> Agenda:
    """The agenda of ``day`` for every active attorney (or those named)."""
    require_staff(actor)
    attorneys = (
        [uow.attorneys.get(a) for a in attorney_ids]
        if attorney_ids
        else uow.attorneys.list(active_only=True)
    )
    matters = {m.id: m for m in uow.matters.list()}
    firm = uow.firm.find()
    firm_zone = require_zone(firm.timezone) if firm else ZoneInfo("UTC")
    firm_day = local_day_span(day, firm_zone)
    # Attorneys' days in other zones reach up to a day either side of the firm's.
    closures = uow.room_closures.list_between(
        firm_day.start - timedelta(days=1), firm_day.end + timedelta(days=1)
    )
    days: list[AttorneyDay] = []
    for attorney in attorneys:
        zone = ZoneInfo(attorney.timezone)
        span = local_day_span(day, zone)
        entry = AttorneyDay(attorney, span)
        entry.appointments = uow.appointments.list_between(
            span.start, span.end, attorney_ids=[attorney.id]
        )
        entry.busy = merge(
            Interval(b.starts_at, b.ends_at)
            for b in uow.busy.list_between(span.start, span.end, attorney_ids=[attorney.id])
        )
        entry.time_off = merge(
            Interval(t.starts_at, t.ends_at)
            for t in uow.time_off.list_between(span.start, span.end, attorney_ids=[attorney.id])
        )
        working = working_windows(attorney.working_hours, zone, span.start, span.end)
        taken = merge(
            [Interval(a.starts_at, a.ends_at) for a in entry.appointments]
            + entry.busy
            + entry.time_off
        )
        entry.free = subtract(working, taken)
        entry.deadlines = [
            d
            for d in uow.docket.list_deadlines(
                due_from=day, due_to=day + timedelta(days=DEADLINE_LOOKAHEAD_DAYS)
            )
            if attorney.id in d.responsible_attorneys and d.status == "open"
        ]
        entry.conflicts = _conflicts(entry, working, matters, closures)
        days.append(entry)
    record(uow, actor, now, "view", "agenda", day.isoformat(), f"{len(days)} attorney(s)")
    uow.commit()
    appointments = [a for d in days for a in d.appointments]
    return Agenda(
        day=day,
        attorneys=days,
        client_names={a.client_id: uow.clients.get(a.client_id).name for a in appointments},
        matter_titles={a.matter_id: matters[a.matter_id].title for a in appointments},
        room_names={r.id: r.name for r in uow.rooms.list()},
        rooms_closed=[c for c in closures if Interval(c.starts_at, c.ends_at).overlaps(firm_day)],
        firm_zone=firm_zone,
    )


def _conflicts(
    entry: AttorneyDay,
    working: list[Interval],
    matters: dict[str, Matter],
    rooms_closed: list[RoomClosure],
) -> list[Conflict]:
    found: list[Conflict] = []
    ordered = sorted(entry.appointments, key=lambda a: a.starts_at)
    for appt in ordered:
        slot = Interval(appt.starts_at, appt.ends_at)
        if not any(w.contains(slot) for w in working):
            found.append(Conflict(appt.id, "outside working hours"))
        if any(b.overlaps(slot) for b in entry.busy):
            found.append(Conflict(appt.id, "overlaps a busy block"))
        if any(t.overlaps(slot) for t in entry.time_off):
            found.append(Conflict(appt.id, "during time off"))
        if any(
            c.room_id == appt.room_id and Interval(c.starts_at, c.ends_at).overlaps(slot)
            for c in rooms_closed
        ):
            found.append(Conflict(appt.id, "its room is closed then"))
        matter = matters.get(appt.matter_id)
        if matter is not None and matter.is_screened(entry.attorney.id):
            found.append(Conflict(appt.id, "attorney is screened from this matter"))
    for before, after in itertools.pairwise(ordered):
        gap = after.starts_at - before.ends_at
        needed = timedelta(minutes=max(before.buffer_minutes, after.buffer_minutes))
        if gap < needed:
            found.append(
                Conflict(
                    after.id,
                    f"only {int(gap.total_seconds() // 60)} min after the previous "
                    f"meeting; its buffer needs {int(needed.total_seconds() // 60)}",
                )
            )
    return found
