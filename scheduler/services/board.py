"""The secretary's day board: every attorney's day side by side, on the firm's clock.

For one date (in the firm's zone) the board gathers, per active attorney: working hours, the
appointments they attend, the time they are busy elsewhere (imported calendars and time off,
shown as "Busy" only: an imported event's summary is never stored) and the deadlines of the week
on the matters they are responsible for. Staff only; every look is in the audit log.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from scheduler.availability import closed_day_intervals, local_day_span, working_windows
from scheduler.domain import Appointment, Attorney, Deadline, RoomClosure, require_zone
from scheduler.intervals import Interval
from scheduler.ports import UnitOfWork
from scheduler.services.access import Actor, record, require_staff

#: The time line never shows less than this span of the firm's day.
EARLIEST_HOUR = 8
LATEST_HOUR = 18
CLOSED_DEADLINE_STATUSES = frozenset({"done", "completed", "closed", "vacated", "cancelled"})


@dataclass(frozen=True, slots=True)
class Entry:
    """One thing on an attorney's column: a meeting, or time they are busy elsewhere."""

    kind: str  # "meeting" | "busy" | "time-off"
    start: datetime
    end: datetime
    appointment: Appointment | None = None
    client_name: str = ""
    matter_title: str = ""
    room_name: str = ""


@dataclass(slots=True)
class Column:
    attorney: Attorney
    working: list[Interval] = field(default_factory=list)
    entries: list[Entry] = field(default_factory=list)
    deadlines: list[Deadline] = field(default_factory=list)  # due on the board's day

    @property
    def meeting_count(self) -> int:
        return sum(1 for e in self.entries if e.kind == "meeting")


@dataclass(frozen=True, slots=True)
class Board:
    day: date
    zone: ZoneInfo
    columns: list[Column]
    week: list[Deadline]  # open deadlines due in the board's week, Monday to Sunday
    matter_titles: dict[str, str]
    first_hour: int
    last_hour: int
    closed: bool
    firm_name: str = ""
    #: Rooms closed at some time of the day: (room name, closure).
    rooms_closed: list[tuple[str, RoomClosure]] = field(default_factory=list)

    @property
    def day_span(self) -> Interval:
        """The board's day on the firm's clock, midnight to midnight."""
        return local_day_span(self.day, self.zone)

    @property
    def start(self) -> datetime:
        """The top of the time line (UTC)."""
        midnight = datetime.combine(self.day, time(0), tzinfo=self.zone).astimezone(UTC)
        return midnight + timedelta(hours=self.first_hour)

    @property
    def end(self) -> datetime:
        midnight = datetime.combine(self.day, time(0), tzinfo=self.zone).astimezone(UTC)
        return midnight + timedelta(hours=self.last_hour)

    def position(self, start: datetime, end: datetime) -> tuple[float, float]:
        """Top and height of ``[start, end)`` as percentages of the time line."""
        lo, hi = self.start, self.end
        span = (hi - lo).total_seconds()
        top = max(0.0, (start - lo).total_seconds() / span)
        bottom = min(1.0, (end - lo).total_seconds() / span)
        return round(top * 100, 3), round(max(bottom - top, 0.0) * 100, 3)

    def hours(self) -> list[datetime]:
        """The hour marks of the time line, on the firm's clock."""
        return [
            (self.start + timedelta(hours=h)).astimezone(self.zone)
            for h in range(self.last_hour - self.first_hour)
        ]


def week_of(day: date) -> tuple[date, date]:
    monday = day - timedelta(days=day.weekday())
    return monday, monday + timedelta(days=6)


def day_board(uow: UnitOfWork, actor: Actor, now: datetime, day: date) -> Board:
    """The board for ``day`` in the firm's zone (staff only)."""
    require_staff(actor)
    firm = uow.firm.get()
    zone = require_zone(firm.timezone)
    lo = datetime.combine(day, time(0), tzinfo=zone).astimezone(UTC)
    hi = datetime.combine(day + timedelta(days=1), time(0), tzinfo=zone).astimezone(UTC)
    closed_days = uow.closed_days.list(start=day, end=day)
    closed = closed_day_intervals((c.day for c in closed_days), zone)
    attorneys = uow.attorneys.list(active_only=True)
    columns = {a.id: Column(a) for a in attorneys}
    for attorney in attorneys:
        columns[attorney.id].working = working_windows(
            attorney.working_hours, require_zone(attorney.timezone), lo, hi, closed=closed
        )
    clients = {c.id: c.name for c in uow.clients.list()}
    rooms = {r.id: r.name for r in uow.rooms.list()}
    matters = {m.id: m.title for m in uow.matters.list()}
    for appointment in uow.appointments.list_between(lo, hi):
        for attorney_id in appointment.attorney_ids:
            if attorney_id in columns:
                columns[attorney_id].entries.append(
                    Entry(
                        kind="meeting",
                        start=appointment.starts_at,
                        end=appointment.ends_at,
                        appointment=appointment,
                        client_name=clients.get(appointment.client_id, ""),
                        matter_title=matters.get(appointment.matter_id, ""),
                        room_name=rooms.get(appointment.room_id or "", ""),
                    )
                )
    ids = list(columns)
    for block in uow.busy.list_between(lo, hi, attorney_ids=ids):
        columns[block.attorney_id].entries.append(Entry("busy", block.starts_at, block.ends_at))
    for off in uow.time_off.list_between(lo, hi, attorney_ids=ids):
        columns[off.attorney_id].entries.append(Entry("time-off", off.starts_at, off.ends_at))
    monday, sunday = week_of(day)
    week = [
        d
        for d in uow.docket.list_deadlines(due_from=monday, due_to=sunday)
        if d.status not in CLOSED_DEADLINE_STATUSES
    ]
    due_today: dict[str, list[Deadline]] = defaultdict(list)
    for deadline in week:
        if deadline.due_on == day:
            for attorney_id in deadline.responsible_attorneys:
                due_today[attorney_id].append(deadline)
    for column in columns.values():
        column.entries.sort(key=lambda e: (e.start, e.kind))
        column.deadlines = due_today.get(column.attorney.id, [])
    first, last = _hours(
        zone,
        [w for c in columns.values() for w in c.working]
        + [Interval(e.start, e.end) for c in columns.values() for e in c.entries],
        day,
    )
    record(uow, actor, now, "view", "board", day.isoformat())
    uow.commit()
    return Board(
        day=day,
        zone=zone,
        columns=sorted(columns.values(), key=lambda c: (c.attorney.office, c.attorney.name)),
        week=week,
        matter_titles={d.matter_id: matters.get(d.matter_id, "") for d in week},
        first_hour=first,
        last_hour=last,
        closed=bool(closed_days),
        firm_name=firm.name,
        rooms_closed=[
            (rooms.get(c.room_id, c.room_id), c) for c in uow.room_closures.list_between(lo, hi)
        ],
    )


def _hours(zone: ZoneInfo, spans: list[Interval], day: date) -> tuple[int, int]:
    """The whole hours of ``day`` (firm's clock) the time line covers: at least 8:00-18:00, and
    everything that happens that day."""
    midnight = datetime.combine(day, time(0), tzinfo=zone)
    first, last = EARLIEST_HOUR, LATEST_HOUR
    for span in spans:
        start_h = (span.start - midnight).total_seconds() / 3600
        end_h = (span.end - midnight).total_seconds() / 3600
        first = min(first, max(0, int(start_h)))
        last = max(last, min(24, -int(-end_h // 1)))
    return first, last
