"""From a problem to a solver instance: integers on the grid, and every start that is possible.

Time becomes grid positions: position ``k`` is the instant ``horizon.start + k * granularity``.
Meetings start on positions and last a whole number of positions (a *cell* is one grid step), so
every rule between meetings is exact in these units: a buffer of ``b`` minutes between two
meetings is ``ceil(b / granularity)`` cells, because their gap is always a multiple of the step.

For each meeting and each candidate attorney the instance holds the set of starts that are
possible *on their own* (the static options): inside one working-hours range of the attorney, in
the attorney's own zone on that local date (DST included, via
:func:`scheduler.availability.working_windows`); not touching a closed date of the firm; clear of
the attorney's busy blocks by the meeting's buffer; inside one of the client's windows; at or
after ``earliest_start``; ending by ``deadline``; not behind an ethical wall. What remains to be
decided (which meetings share an attorney, a room, a day; who is kept apart from whom) is the
solver's work. Busy blocks are not on the grid, so they are widened outwards to whole minutes and
working ranges and windows narrowed inwards: the instance can only be stricter than the rules.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from scheduler.availability import closed_day_intervals, local_dates, working_windows
from scheduler.solver import bits
from scheduler.solver.bits import Ranges
from scheduler.solver.problem import AttorneySpec, MeetingSpec, Placement, Problem, RoomSpec

#: Earliness weight of a meeting that has a deadline (one without counts 1 per day of delay).
DEADLINE_EARLINESS_WEIGHT = 3


@dataclass(frozen=True, slots=True)
class Slot:
    """A placement on the grid: start position, attending attorneys (indices, sorted), room."""

    start: int
    attorneys: tuple[int, ...]
    room: int | None = None


@dataclass(slots=True)
class AttorneyInfo:
    index: int
    spec: AttorneySpec
    #: ``max_meetings_per_day``, or None.
    limit: int | None
    #: For attorneys with a limit: (local date, set of start positions on that date).
    days: list[tuple[date, int]] = field(default_factory=list)
    #: Cells wholly inside working hours (closed days removed) and clear of busy blocks.
    free_cells: int = 0


@dataclass(slots=True)
class MeetingInfo:
    index: int
    spec: MeetingSpec
    priority: int
    length: int
    buffer: int
    need: int
    candidates: tuple[int, ...]
    #: Static options per candidate (parallel to ``candidates``): a set of start positions.
    allowed: tuple[int, ...]
    needs_room: bool
    rooms: tuple[int, ...]
    #: Meetings kept apart from this one (adverse clients, both in the office).
    adverse: tuple[int, ...]
    #: The firm-zone day of the earliest static start (earliness counts days from it) and the
    #: weight of one day of delay.
    reference: int
    late_weight: int
    frozen: bool = False
    #: Present when the meeting is in ``current``; ``current_slot`` is None when that placement
    #: cannot be expressed on the grid (it will necessarily change).
    in_current: bool = False
    current_slot: Slot | None = None

    @property
    def any_allowed(self) -> int:
        """Starts where enough candidates are available on their own (the meeting's options)."""
        return bits.at_least(list(self.allowed), self.need) if self.allowed else 0

    def allowed_for(self, attorney: int) -> int:
        try:
            return self.allowed[self.candidates.index(attorney)]
        except ValueError:
            return 0


@dataclass(slots=True)
class Instance:
    problem: Problem
    step: int  # minutes per grid step
    cells: int  # grid positions in the horizon
    separation: int  # adverse separation in cells
    attorneys: list[AttorneyInfo]
    rooms: list[str]
    meetings: list[MeetingInfo]
    attorney_index: dict[str, int]
    room_index: dict[str, int]
    meeting_index: dict[str, int]
    #: Firm-zone local dates over the horizon: (date, first position, last position).
    firm_days: list[tuple[date, int, int]]
    #: The index in ``firm_days`` of every position.
    day_at: list[int] = field(default_factory=list)
    #: Per room, the cells its busy times touch (no meeting may use them).
    room_closed: list[int] = field(default_factory=list)

    def day_mask(self, day: int) -> int:
        _, lo, hi = self.firm_days[day]
        return bits.span(lo, hi)

    def instant(self, position: int) -> datetime:
        return self.problem.horizon.start + timedelta(minutes=position * self.step)

    def day_of(self, position: int) -> int:
        """Index in ``firm_days`` of the firm-zone date a position falls on."""
        return self.day_at[position]

    def slot_to_placement(self, meeting: int, slot: Slot) -> Placement:
        return Placement(
            meeting=self.meetings[meeting].spec.id,
            start=self.instant(slot.start),
            attorneys=tuple(self.attorneys[a].spec.id for a in slot.attorneys),
            room=None if slot.room is None else self.rooms[slot.room],
        )


# --- Minutes -------------------------------------------------------------------------------------


class _Clock:
    """Instants as minutes from the horizon start, rounded in the direction asked."""

    def __init__(self, origin: datetime) -> None:
        self.origin = origin

    def floor(self, moment: datetime) -> int:
        return math.floor((moment - self.origin).total_seconds() / 60)

    def ceil(self, moment: datetime) -> int:
        return math.ceil((moment - self.origin).total_seconds() / 60)


class Preprocessor:
    """Static options of every meeting; kept for the explanations, which ask finer questions."""

    def __init__(self, problem: Problem) -> None:
        self.problem = problem
        self.clock = _Clock(problem.horizon.start)
        self.step = problem.granularity_minutes
        self.horizon_minutes = self.clock.floor(problem.horizon.end)
        self.closed = closed_day_intervals(problem.closed_dates, problem.zone)
        self._working: dict[tuple[int, bool], Ranges] = {}
        self._base: dict[tuple[int, int, int], Ranges] = {}

    # Pieces of the computation, each a set of start minutes for a meeting of ``length`` minutes.

    def working_pieces(self, attorney: int, *, with_closed: bool = True) -> Ranges:
        """Working ranges (minutes, inclusive of the last minute) in the horizon."""
        key = (attorney, with_closed)
        if key not in self._working:
            spec = self.problem.attorneys[attorney]
            windows = working_windows(
                spec.working_hours,
                spec.zone,
                self.problem.horizon.start,
                self.problem.horizon.end,
                closed=self.closed if with_closed else (),
            )
            self._working[key] = [
                (self.clock.ceil(w.start), self.clock.floor(w.end) - 1) for w in windows
            ]
        return self._working[key]

    def working_starts(self, attorney: int, length: int, *, with_closed: bool = True) -> Ranges:
        return [
            (lo, hi + 1 - length)
            for lo, hi in self.working_pieces(attorney, with_closed=with_closed)
            if hi + 1 - length >= lo
        ]

    def busy_starts(self, attorney: int, length: int, buffer: int) -> Ranges:
        """Starts whose stay, widened by ``buffer``, touches a busy block (to be removed)."""
        out: Ranges = []
        for block in self.problem.attorneys[attorney].busy:
            lo, hi = self.clock.floor(block.start), self.clock.ceil(block.end)
            out.append((lo - buffer - length + 1, hi + buffer - 1))
        return bits.merge_ranges(out)

    def horizon_starts(self, length: int) -> Ranges:
        return [(0, self.horizon_minutes - length)] if self.horizon_minutes >= length else []

    def window_starts(self, meeting: MeetingSpec) -> Ranges:
        """Starts inside one of the client's windows (the whole horizon without windows)."""
        length = meeting.duration_minutes
        if meeting.windows is None:
            return self.horizon_starts(length)
        out = [
            (self.clock.ceil(w.start), self.clock.floor(w.end) - length) for w in meeting.windows
        ]
        return bits.merge_ranges(out)

    def earliest_starts(self, meeting: MeetingSpec) -> Ranges:
        if meeting.earliest_start is None:
            return self.horizon_starts(meeting.duration_minutes)
        return [(self.clock.ceil(meeting.earliest_start), self.horizon_minutes)]

    def deadline_starts(self, meeting: MeetingSpec) -> Ranges:
        if meeting.deadline is None:
            return self.horizon_starts(meeting.duration_minutes)
        return [
            (-self.horizon_minutes, self.clock.floor(meeting.deadline) - meeting.duration_minutes)
        ]

    def meeting_starts(self, meeting: MeetingSpec) -> Ranges:
        """Starts allowed by the meeting's own terms: horizon, windows, earliest start, deadline."""
        out = self.horizon_starts(meeting.duration_minutes)
        for piece in (
            self.window_starts(meeting),
            self.earliest_starts(meeting),
            self.deadline_starts(meeting),
        ):
            out = bits.intersect_ranges(out, piece)
        return out

    def attorney_starts(self, attorney: int, length: int, buffer: int) -> Ranges:
        """Starts inside the attorney's working hours (closed days removed) and clear of busy."""
        key = (attorney, length, buffer)
        if key not in self._base:
            self._base[key] = bits.subtract_ranges(
                self.working_starts(attorney, length), self.busy_starts(attorney, length, buffer)
            )
        return self._base[key]

    def free_cells(self, attorney: int) -> int:
        """Cells (grid steps) that lie wholly in working time and touch no busy block."""
        step = self.step
        cells = [(-(-lo // step), (hi + 1) // step - 1) for lo, hi in self.working_pieces(attorney)]
        busy = [
            (self.clock.floor(b.start) // step, (self.clock.ceil(b.end) - 1) // step)
            for b in self.problem.attorneys[attorney].busy
        ]
        return bits.from_ranges(
            bits.subtract_ranges(bits.merge_ranges(cells), bits.merge_ranges(busy))
        )

    def room_closed(self, room: RoomSpec, cells: int) -> int:
        """Cells (grid steps) of the horizon that touch one of the room's busy times."""
        step = self.step
        closed = []
        for b in room.busy:
            lo = max(0, self.clock.floor(b.start) // step)
            hi = min(cells - 1, (self.clock.ceil(b.end) - 1) // step)
            if lo <= hi:
                closed.append((lo, hi))
        return bits.from_ranges(bits.merge_ranges(closed))

    def to_grid(self, minutes: Ranges) -> int:
        return bits.grid_positions(minutes, self.step)

    def screened(self, meeting: MeetingSpec, attorney: AttorneySpec) -> bool:
        return meeting.matter is not None and meeting.matter in attorney.screened_matters

    # The instance.

    def instance(self) -> Instance:
        problem = self.problem
        step = self.step
        attorney_index = {a.id: i for i, a in enumerate(problem.attorneys)}
        room_index = {r.id: i for i, r in enumerate(problem.rooms)}
        meeting_index = {m.id: i for i, m in enumerate(problem.meetings)}
        attorneys = [
            AttorneyInfo(i, spec, spec.max_meetings_per_day, self._days(spec.zone))
            if spec.max_meetings_per_day is not None
            else AttorneyInfo(i, spec, None)
            for i, spec in enumerate(problem.attorneys)
        ]
        for lawyer in attorneys:
            lawyer.free_cells = self.free_cells(lawyer.index)
        adverse = _adverse_pairs(problem)
        frozen = set(problem.frozen)
        meetings: list[MeetingInfo] = []
        for index, spec in enumerate(problem.meetings):
            own = self.meeting_starts(spec)
            candidates = tuple(attorney_index[a] for a in spec.attorneys)
            allowed = []
            for a in candidates:
                if self.screened(spec, problem.attorneys[a]) or attorneys[a].limit == 0:
                    allowed.append(0)
                    continue
                base = self.attorney_starts(a, spec.duration_minutes, spec.buffer_minutes)
                allowed.append(self.to_grid(bits.intersect_ranges(base, own)))
            rooms = tuple(room_index[r] for r in problem.candidate_rooms(spec))
            info = MeetingInfo(
                index=index,
                spec=spec,
                priority=spec.priority,
                length=spec.duration_minutes // step,
                buffer=-(-spec.buffer_minutes // step),
                need=spec.attorneys_needed,
                candidates=candidates,
                allowed=tuple(allowed),
                needs_room=spec.needs_room,
                rooms=rooms,
                adverse=tuple(sorted(adverse.get(index, ()))),
                reference=0,
                late_weight=DEADLINE_EARLINESS_WEIGHT if spec.deadline is not None else 1,
                frozen=spec.id in frozen,
            )
            meetings.append(info)
        instance = Instance(
            problem=problem,
            step=step,
            cells=max(1, -(-self.horizon_minutes // step)),
            separation=-(-problem.adverse_separation_minutes // step),
            attorneys=attorneys,
            rooms=[r.id for r in problem.rooms],
            meetings=meetings,
            attorney_index=attorney_index,
            room_index=room_index,
            meeting_index=meeting_index,
            firm_days=[
                (day, lo, hi)
                for day, mask in self._days(problem.zone)
                for lo, hi in [(bits.first(mask), bits.last(mask))]
            ],
        )
        for day, (_, lo, hi) in enumerate(instance.firm_days):
            instance.day_at.extend([day] * (hi - lo + 1))
        instance.room_closed = [self.room_closed(r, instance.cells) for r in problem.rooms]
        for info in meetings:
            options = info.any_allowed
            if options:
                info.reference = instance.day_of(bits.first(options))
        for placement in problem.current:
            info = meetings[meeting_index[placement.meeting]]
            info.in_current = True
            info.current_slot = self.slot_of(instance, placement)
        return instance

    def slot_of(self, instance: Instance, placement: Placement) -> Slot | None:
        """A placement on the grid, or None if it is off the grid, outside the horizon or
        inconsistent with the meeting (wrong number of attorneys, no room where one is needed).

        The room of a meeting that needs none is ignored, as in the definition of a change."""
        offset = (placement.start - self.problem.horizon.start).total_seconds()
        seconds = self.step * 60
        if offset < 0 or offset % seconds:
            return None
        position = int(offset // seconds)
        if position >= instance.cells:
            return None
        meeting = instance.meetings[instance.meeting_index[placement.meeting]]
        if len(placement.attorneys) != meeting.need:
            return None
        if meeting.needs_room and placement.room is None:
            return None
        attorneys = tuple(sorted(instance.attorney_index[a] for a in placement.attorneys))
        room = None
        if meeting.needs_room and placement.room is not None:
            room = instance.room_index[placement.room]
        return Slot(position, attorneys, room)

    def _days(self, zone: ZoneInfo) -> list[tuple[date, int]]:
        """Local dates of ``zone`` over the horizon with the start positions on each."""
        horizon = self.problem.horizon
        out: list[tuple[date, int]] = []
        limit = -(-self.horizon_minutes // self.step)
        for day in local_dates(horizon.start, horizon.end, zone):
            begin = datetime.combine(day, datetime.min.time(), tzinfo=zone)
            end = datetime.combine(day + timedelta(days=1), datetime.min.time(), tzinfo=zone)
            lo = max(0, -(-self.clock.ceil(begin) // self.step))
            hi = min(limit - 1, -(-self.clock.ceil(end) // self.step) - 1)
            if hi >= lo:
                out.append((day, bits.span(lo, hi)))
        return out


def _adverse_pairs(problem: Problem) -> dict[int, set[int]]:
    """For each in-office meeting, the in-office meetings of opposing parties (both directions)."""
    office_by_client: dict[str, list[int]] = {}
    for i, m in enumerate(problem.meetings):
        if m.needs_room:
            office_by_client.setdefault(m.client, []).append(i)
    related: dict[int, set[int]] = {}
    for i, m in enumerate(problem.meetings):
        if not m.needs_room:
            continue
        for client in m.adverse_clients:
            for j in office_by_client.get(client, ()):
                if j != i:
                    related.setdefault(i, set()).add(j)
                    related.setdefault(j, set()).add(i)
    return related


def preprocess(problem: Problem) -> Instance:
    """The solver instance of a validated problem."""
    return Preprocessor(problem).instance()
