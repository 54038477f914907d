"""Free time: working hours and closed days, minus busy time and buffers, as UTC windows and slots.

This is the one feasibility check of the engine. Slot listing, booking and the solver's
preprocessing all ask the same two questions of an :class:`AttorneyCalendar`: which windows are
free for a meeting of this buffer (:meth:`AttorneyCalendar.free_windows`), and why a given
placement is not possible (:meth:`AttorneyCalendar.problems_with`). A slot that is offered can be
booked, and a booking that is refused is never offered.

Working hours are wall-clock ranges in the attorney's own zone, turned into UTC day by day, so
9:00 in New York is 9:00 on both sides of a DST change. Ranges are kept apart (a meeting lies
inside one range). Buffers follow the problem format: a meeting with buffer ``b`` needs
``[start - b, end + b)`` clear of busy blocks and of other meetings, so two meetings of one
attorney end up at least ``max(a, b)`` apart.

The booking check (:func:`find_slots`) is the one used by slot lists, holds and bookings alike: a
booking is accepted exactly when :func:`find_slots`, asked about that one start, offers it. It works
on integer microseconds with numpy (sorted starts, running maximum of ends, binary search), so a
pool of attorneys over weeks is answered in well under a millisecond of arithmetic.
"""

from __future__ import annotations

import enum
import functools
from collections.abc import Collection, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Literal
from zoneinfo import ZoneInfo

import numpy as np
import numpy.typing as npt

from scheduler.domain import WeeklyHours
from scheduler.intervals import Interval, merge, subtract


def local_day_span(day: date, zone: ZoneInfo) -> Interval:
    """00:00 to 24:00 of a local date, in UTC (23 or 25 hours long on DST-change days)."""
    start = datetime.combine(day, datetime.min.time(), tzinfo=zone).astimezone(UTC)
    end = datetime.combine(day + timedelta(days=1), datetime.min.time(), tzinfo=zone)
    return Interval(start, end.astimezone(UTC))


def local_dates(start: datetime, end: datetime, zone: ZoneInfo) -> Iterator[date]:
    """Every local date in ``zone`` that ``[start, end)`` touches."""
    day = start.astimezone(zone).date()
    last = (end - timedelta(microseconds=1)).astimezone(zone).date() if end > start else day
    while day <= last:
        yield day
        day += timedelta(days=1)


def working_windows(
    hours: WeeklyHours,
    zone: ZoneInfo,
    start: datetime,
    end: datetime,
    *,
    closed: Sequence[Interval] = (),
) -> list[Interval]:
    """The attorney's working ranges in ``[start, end)`` as UTC intervals, each range apart.

    ``closed`` (normalized) removes whole periods such as the firm's closed days.
    """
    windows: list[Interval] = []
    for day in local_dates(start, end, zone):
        for r in hours.ranges_on(day):
            lo = datetime.combine(day, r.start, tzinfo=zone).astimezone(UTC)
            hi = datetime.combine(day, r.end, tzinfo=zone).astimezone(UTC)
            lo, hi = max(lo, start), min(hi, end)
            if lo < hi:
                windows.append(Interval(lo, hi))
    windows.sort()
    return subtract(windows, closed) if closed else windows


def closed_day_intervals(days: Iterable[date], zone: ZoneInfo) -> list[Interval]:
    """Closed dates (holidays, closures) as normalized UTC intervals in the firm's zone."""
    return merge(local_day_span(d, zone) for d in days)


@dataclass(frozen=True, slots=True)
class Commitment:
    """Something that occupies an attorney: a meeting (with its buffer) or a busy block (none)."""

    interval: Interval
    buffer: timedelta = timedelta()
    label: str = "busy"  # "busy", "appointment", "time off", "hold"; never a client's name


@dataclass(slots=True)
class AttorneyCalendar:
    """What is known of one attorney's time over a horizon, ready for questions.

    ``working`` is the attorney's working ranges (closed days already removed); ``commitments``
    are busy blocks, time off, holds and other meetings.
    """

    attorney_id: str
    working: list[Interval]
    commitments: list[Commitment] = field(default_factory=list)

    def blocked_for(self, buffer: timedelta) -> list[Interval]:
        """Time a new meeting with ``buffer`` may not touch (normalized)."""
        return merge(
            c.interval.widened(max(buffer, c.buffer))
            if c.label == "appointment"
            else c.interval.widened(buffer)
            for c in self.commitments
        )

    def free_windows(self, buffer: timedelta = timedelta()) -> list[Interval]:
        """Working ranges minus everything a meeting with ``buffer`` must stay clear of."""
        return subtract(self.working, self.blocked_for(buffer))

    def problems_with(self, slot: Interval, buffer: timedelta = timedelta()) -> list[str]:
        """Why ``slot`` cannot be given to a new meeting; empty when it can."""
        problems: list[str] = []
        if not any(w.contains(slot) for w in self.working):
            problems.append("outside working hours")
        for c in self.commitments:
            gap = max(buffer, c.buffer) if c.label == "appointment" else buffer
            if c.interval.widened(gap).overlaps(slot):
                problems.append(
                    f"too close to another {c.label}"
                    if not c.interval.overlaps(slot)
                    else f"overlaps a {c.label}"
                )
                break
        return problems


def slot_starts(
    windows: Sequence[Interval],
    duration: timedelta,
    *,
    grid_origin: datetime,
    step: timedelta,
    not_before: datetime | None = None,
) -> list[datetime]:
    """Starts on the grid ``grid_origin + k * step`` whose meeting fits wholly in one window."""
    starts: list[datetime] = []
    for w in windows:
        earliest = w.start if not_before is None else max(w.start, not_before)
        k = -((grid_origin - earliest) // step)  # ceil((earliest - origin) / step)
        s = grid_origin + k * step
        while s + duration <= w.end:
            starts.append(s)
            s += step
    starts.sort()
    return starts


def common_starts(per_attorney: Collection[Sequence[datetime]]) -> list[datetime]:
    """Starts that every attorney can make (a meeting several attorneys must all attend)."""
    sets = [set(s) for s in per_attorney]
    if not sets:
        return []
    return sorted(set.intersection(*sets))


# --- The booking check: one function for slot lists, holds and bookings -------------------------

Mode = Literal["all", "any"]
DEFAULT_STEP = timedelta(minutes=15)
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
US = timedelta(microseconds=1)
_Ints = npt.NDArray[np.int64]
_Bools = npt.NDArray[np.bool_]


def to_us(moment: datetime) -> int:
    """Microseconds since the epoch, exactly."""
    t = moment - EPOCH
    return (t.days * 86_400 + t.seconds) * 1_000_000 + t.microseconds


def from_us(us: int) -> datetime:
    return EPOCH + timedelta(microseconds=us)


class Kind(enum.IntEnum):
    """What a block is: busy time (a new meeting keeps its own buffer from it), a held slot, or a
    meeting (both keep the larger of the two buffers; meetings also count toward daily limits)."""

    BUSY = 0
    HOLD = 1
    MEETING = 2


@dataclass(frozen=True, slots=True)
class Block:
    """Time that keeps a new meeting away: ``[start, end)``, its buffer, and what it is."""

    start: datetime
    end: datetime
    buffer: timedelta = timedelta()
    kind: Kind = Kind.BUSY


@dataclass(frozen=True, slots=True)
class BlockTable:
    """Blocks column by column, in integer microseconds since the epoch (what the check reads).

    Build one with :meth:`of` from :class:`Block` objects, or straight from integers a store
    read (:meth:`from_columns`), which skips making a datetime per row.
    """

    starts: _Ints
    ends: _Ints
    buffers: _Ints
    kinds: npt.NDArray[np.int8]

    @classmethod
    def from_columns(
        cls,
        starts: Sequence[int],
        ends: Sequence[int],
        buffers: Sequence[int],
        kinds: Sequence[int],
    ) -> BlockTable:
        return cls(
            np.asarray(starts, dtype=np.int64),
            np.asarray(ends, dtype=np.int64),
            np.asarray(buffers, dtype=np.int64),
            np.asarray(kinds, dtype=np.int8),
        )

    @classmethod
    def of(cls, blocks: Iterable[Block]) -> BlockTable:
        rows = [(to_us(b.start), to_us(b.end), b.buffer // US, int(b.kind)) for b in blocks]
        if not rows:
            return cls.from_columns([], [], [], [])
        starts, ends, buffers, kinds = zip(*rows, strict=True)
        return cls.from_columns(starts, ends, buffers, kinds)


EMPTY_TABLE = BlockTable.from_columns([], [], [], [])


@dataclass(frozen=True, slots=True)
class AttorneyFacts:
    """Everything about one attorney that decides whether a meeting fits.

    ``working`` are the working ranges over the horizon with closed days removed (see
    :func:`working_windows`); ``blocks`` the attorney's meetings, others' holds, busy blocks and
    time off (meetings that start on a local date count toward ``max_meetings_per_day``);
    ``not_before`` is the earliest start the minimum notice allows for this attorney; ``rooms``
    the rooms a meeting led by this attorney may use (their office's; None: any room).
    """

    attorney_id: str
    zone: ZoneInfo
    working: Sequence[Interval]
    blocks: BlockTable = EMPTY_TABLE
    buffer: timedelta = timedelta()
    max_meetings_per_day: int | None = None
    not_before: datetime | None = None
    rooms: tuple[str, ...] | None = None


@dataclass(frozen=True, slots=True)
class SharedFacts:
    """What concerns the meeting whoever attends it.

    ``client_busy``: the client's own other meetings. ``rooms``: for each candidate room, in order
    of preference, the time it is taken. ``office_blocks``: in-office meetings of adverse parties,
    already widened by the separation the firm keeps between them (they apply to meetings that
    need a room).
    """

    client_busy: Sequence[Interval] = ()
    rooms: Mapping[str, Sequence[Interval]] = field(default_factory=dict)
    office_blocks: Sequence[Interval] = ()


@dataclass(frozen=True, slots=True)
class SlotQuery:
    """What is asked: a meeting of ``duration`` inside ``window``, starting on the grid.

    ``mode`` "all": every attorney attends; "any": one of them (round robin). ``not_before``:
    nothing starts earlier (now). ``not_after``: the meeting ends by then (a matter's deadline).
    ``preferred``: attorneys ranked first in "any" mode (the matter's own attorneys).
    """

    window: Interval
    duration: timedelta
    mode: Mode = "all"
    step: timedelta = DEFAULT_STEP
    needs_room: bool = False
    not_before: datetime | None = None
    not_after: datetime | None = None
    preferred: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Slot:
    """A bookable meeting: its time (microseconds since the epoch), attendees, room, buffer."""

    start_us: int
    end_us: int
    attorneys: tuple[str, ...]
    room: str | None = None
    buffer: timedelta = timedelta()

    @property
    def start(self) -> datetime:
        return from_us(self.start_us)

    @property
    def end(self) -> datetime:
        return from_us(self.end_us)


class _Hits:
    """Intervals as sorted starts with the running maximum of their ends.

    "Does ``[s, e)`` touch any of them?" is then one binary search: among the intervals that start
    before ``e``, the latest end must reach past ``s``.
    """

    __slots__ = ("max_end", "starts")

    def __init__(self, starts: _Ints, ends: _Ints) -> None:
        keep = ends > starts
        starts, ends = starts[keep], ends[keep]
        order = np.argsort(starts, kind="stable")
        self.starts = starts[order]
        self.max_end = np.maximum.accumulate(ends[order]) if len(ends) else ends

    @classmethod
    def of(cls, intervals: Iterable[Interval]) -> _Hits:
        pairs = [(to_us(i.start), to_us(i.end)) for i in intervals]
        if not pairs:
            return cls(np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64))
        both = np.array(pairs, dtype=np.int64)
        return cls(both[:, 0].copy(), both[:, 1].copy())

    def hit(self, s: _Ints, e: _Ints) -> _Bools:
        if not len(self.starts):
            return np.zeros(len(s), dtype=np.bool_)
        before = np.searchsorted(self.starts, e, side="left")
        result = np.zeros(len(s), dtype=np.bool_)
        some = before > 0
        result[some] = self.max_end[before[some] - 1] > s[some]
        return result


def _inside_one(working: Sequence[Interval], s: _Ints, e: _Ints) -> _Bools:
    """Whether each ``[s, e)`` lies wholly inside a single working range."""
    if not working:
        return np.zeros(len(s), dtype=np.bool_)
    ws = np.fromiter((to_us(w.start) for w in working), dtype=np.int64, count=len(working))
    we = np.fromiter((to_us(w.end) for w in working), dtype=np.int64, count=len(working))
    order = np.argsort(ws, kind="stable")
    ws, we = ws[order], we[order]
    r = np.searchsorted(ws, s, side="right") - 1
    ok = r >= 0
    result = np.zeros(len(s), dtype=np.bool_)
    result[ok] = we[r[ok]] >= e[ok]
    return result


@dataclass(slots=True)
class _Fit:
    working: _Bools
    free: _Bools
    notice: _Bools
    day_room: _Bools
    day_load: _Ints
    window_load: int

    @property
    def ok(self) -> _Bools:
        result: _Bools = self.working & self.free & self.notice & self.day_room
        return result


def _attorney_fit(
    facts: AttorneyFacts, buffer: timedelta, s: _Ints, e: _Ints, window: Interval
) -> _Fit:
    """Hard: each attorney works then, is free (with buffers), has notice and room in the day."""
    b = buffer // US
    table = facts.blocks
    meetings = table.kinds != Kind.BUSY
    gaps = np.where(meetings, np.maximum(table.buffers, b), b)
    free = ~_Hits(table.starts - gaps, table.ends + gaps).hit(s, e)
    working = _inside_one(facts.working, s, e)
    notice = (
        s >= to_us(facts.not_before)
        if facts.not_before is not None
        else np.ones(len(s), dtype=np.bool_)
    )
    # Local midnights around the window: which local date each start (and meeting) falls on.
    first = window.start.astimezone(facts.zone).date() - timedelta(days=2)
    days = (window.end.astimezone(facts.zone).date() - first).days + 3
    bounds = _midnights(facts.zone, first, days)
    counted = table.starts[table.kinds == Kind.MEETING]
    meeting_day = np.searchsorted(bounds, counted, side="right") - 1
    inside = (meeting_day >= 0) & (meeting_day < days)
    counts = np.bincount(meeting_day[inside], minlength=days).astype(np.int64)
    start_day = np.clip(np.searchsorted(bounds, s, side="right") - 1, 0, days - 1)
    day_load = counts[start_day]
    day_room = (
        day_load < facts.max_meetings_per_day
        if facts.max_meetings_per_day is not None
        else np.ones(len(s), dtype=np.bool_)
    )
    lo, hi = to_us(window.start), to_us(window.end)
    window_load = int(np.count_nonzero((counted >= lo) & (counted < hi)))
    return _Fit(working, free, notice, day_room, day_load, window_load)


@functools.lru_cache(maxsize=512)
def _midnights(zone: ZoneInfo, first: date, days: int) -> _Ints:
    """Local midnights of ``days`` dates from ``first`` in ``zone``, as microseconds (cached)."""
    bounds = np.fromiter(
        (to_us(local_day_span(first + timedelta(days=k), zone).start) for k in range(days)),
        dtype=np.int64,
        count=days,
    )
    bounds.flags.writeable = False
    return bounds


def _grid(query: SlotQuery) -> _Ints:
    """Starts on the grid (whole multiples of ``step`` since the epoch, in UTC) whose meeting lies
    inside the window, after ``not_before`` and ending by ``not_after``."""
    step = query.step // US
    d = query.duration // US
    lo = to_us(query.window.start)
    if query.not_before is not None:
        lo = max(lo, to_us(query.not_before))
    hi = to_us(query.window.end) - d
    if query.not_after is not None:
        hi = min(hi, to_us(query.not_after) - d)
    first = -(-lo // step) * step
    if first > hi:
        return np.zeros(0, dtype=np.int64)
    return np.arange(first, hi + 1, step, dtype=np.int64)


def grid_starts(query: SlotQuery) -> list[datetime]:
    """The grid's starts as instants (see :func:`_grid`)."""
    return [from_us(int(us)) for us in _grid(query)]


def find_slots(
    query: SlotQuery,
    attorneys: Sequence[AttorneyFacts],
    shared: SharedFacts = SharedFacts(),
    *,
    buffer: timedelta | None = None,
) -> list[Slot]:
    """The meetings that can be booked, soonest first: THE feasibility check.

    Hard rules, for every attending attorney: inside one working range (closed days removed),
    clear of busy time, time off and holds by ``max``-of-buffers rules, minimum notice, the
    per-day meeting limit; for the meeting: on the grid, inside the window, after ``not_before``,
    ending by ``not_after`` (the matter's deadline), clear of the client's other meetings, and
    when it needs a room, a free room and no in-office meeting of an adverse party nearby.

    "all": one slot per start, every attorney attending, with a buffer of ``buffer`` or else the
    largest of theirs. "any": one slot per start with the single attorney ranked first by the
    round-robin order: the matter's own attorneys, then the fewest meetings that local day, then
    the fewest in the window, then the order given.
    """
    if query.duration <= timedelta() or not attorneys:
        return []
    s = _grid(query)
    if not len(s):
        return []
    e = s + query.duration // US
    ok = np.ones(len(s), dtype=np.bool_)
    if shared.client_busy:
        ok &= ~_Hits.of(shared.client_busy).hit(s, e)
    room_ids = list(shared.rooms)
    room_free = np.zeros((0, len(s)), dtype=np.bool_)
    if query.needs_room:
        if shared.office_blocks:
            ok &= ~_Hits.of(shared.office_blocks).hit(s, e)
        if not room_ids:
            return []
        room_free = np.stack([~_Hits.of(shared.rooms[r]).hit(s, e) for r in room_ids])

    def rooms_for(facts: AttorneyFacts) -> tuple[_Bools, npt.NDArray[np.intp]]:
        """Whether a room this attorney may use is free at each start, and which (first)."""
        allowed = [i for i, r in enumerate(room_ids) if facts.rooms is None or r in facts.rooms]
        if not allowed:
            return np.zeros(len(s), dtype=np.bool_), np.zeros(len(s), dtype=np.intp)
        sub = room_free[allowed]
        any_free: _Bools = np.asarray(sub.any(axis=0), dtype=np.bool_)
        first: npt.NDArray[np.intp] = np.array(allowed, dtype=np.intp)[np.argmax(sub, axis=0)]
        return any_free, first

    room_choice = np.zeros(len(s), dtype=np.intp)
    if query.mode == "all":
        meeting_buffer = buffer if buffer is not None else max(a.buffer for a in attorneys)
        for facts in attorneys:
            ok &= _attorney_fit(facts, meeting_buffer, s, e, query.window).ok
        if query.needs_room:
            has_room, room_choice = rooms_for(attorneys[0])
            ok &= has_room
        options = [(tuple(a.attorney_id for a in attorneys), meeting_buffer)]
        picks = np.zeros(len(s), dtype=np.intp)
    else:
        worst = np.iinfo(np.int64).max
        scores = np.full((len(attorneys), len(s)), worst, dtype=np.int64)
        room_by_attorney = np.zeros((len(attorneys), len(s)), dtype=np.intp)
        options = []
        for k, facts in enumerate(attorneys):
            own = buffer if buffer is not None else facts.buffer
            fit = _attorney_fit(facts, own, s, e, query.window)
            fits = fit.ok
            if query.needs_room:
                has_room, room_by_attorney[k] = rooms_for(facts)
                fits = fits & has_room
            rank = (
                (0 if facts.attorney_id in query.preferred else 1) * 10**15
                + np.minimum(fit.day_load, 9999) * 10**10
                + min(fit.window_load, 99999) * 10**4
                + k
            )
            scores[k] = np.where(fits, rank, worst)
            options.append(((facts.attorney_id,), own))
        picks = np.argmin(scores, axis=0)
        ok &= scores[picks, np.arange(len(s))] != worst
        room_choice = room_by_attorney[picks, np.arange(len(s))]
    chosen = np.flatnonzero(ok)
    starts = s[chosen].tolist()
    ends = e[chosen].tolist()
    who = picks[chosen].tolist()
    rooms = room_choice[chosen].tolist()
    return [
        Slot(
            start_us,
            end_us,
            options[k][0],
            room_ids[room] if query.needs_room else None,
            options[k][1],
        )
        for start_us, end_us, k, room in zip(starts, ends, who, rooms, strict=True)
    ]


def nearest(slots: Sequence[Slot], moment: datetime, count: int = 5) -> list[Slot]:
    """The ``count`` slots starting closest to ``moment`` (earlier first on a tie), by start."""
    ranked = sorted(slots, key=lambda x: (abs(x.start - moment), x.start))[:count]
    return sorted(ranked, key=lambda x: x.start)


def notice_start(
    working: Sequence[Interval], now: datetime, business_hours: float
) -> datetime | None:
    """The earliest start that leaves ``business_hours`` of working time after ``now``.

    ``working`` are the attorney's working ranges from ``now`` on (closed days removed). None when
    they hold fewer hours than that (nothing in them can be booked with enough notice).
    """
    need = timedelta(hours=business_hours)
    if need <= timedelta():
        return now
    for w in working:
        if w.end <= now:
            continue
        lo = max(w.start, now)
        if w.end - lo >= need:
            return lo + need
        need -= w.end - lo
    return None


def explain(
    query: SlotQuery,
    attorneys: Sequence[AttorneyFacts],
    shared: SharedFacts,
    start: datetime,
    *,
    buffer: timedelta | None = None,
) -> list[str]:
    """Why a meeting at ``start`` is not offered, in plain words (for the refusal message).

    It reports on the same conditions as :func:`find_slots`, one by one; the decision itself is
    always :func:`find_slots`'s. Reasons name no other client and no other meeting.
    """
    reasons: list[str] = []
    step = query.step // US
    if to_us(start) % step:
        minutes = query.step // timedelta(minutes=1)
        reasons.append(f"meetings start on the quarter hour (every {minutes} minutes)")
    end = start + query.duration
    if query.not_before is not None and start < query.not_before:
        reasons.append("that time has already passed")
    if query.not_after is not None and end > query.not_after:
        reasons.append("it would end after the matter's next court deadline")
    s = np.array([to_us(start)], dtype=np.int64)
    e = np.array([to_us(end)], dtype=np.int64)
    if shared.client_busy and _Hits.of(shared.client_busy).hit(s, e)[0]:
        reasons.append("the client has another meeting with the firm then")
    if query.needs_room:
        if shared.office_blocks and _Hits.of(shared.office_blocks).hit(s, e)[0]:
            reasons.append("an opposing party is meeting at the office then")
        if not any(not _Hits.of(busy).hit(s, e)[0] for busy in shared.rooms.values()):
            reasons.append("no conference room is free then")
    meeting_buffer = (
        buffer if buffer is not None else max((a.buffer for a in attorneys), default=timedelta())
    )
    unavailable: dict[str, list[str]] = {}
    for facts in attorneys:
        own = meeting_buffer if query.mode == "all" else (buffer or facts.buffer)
        fit = _attorney_fit(facts, own, s, e, query.window)
        problems = []
        if not fit.working[0]:
            problems.append("is not working then")
        if not fit.free[0]:
            problems.append("is not free then")
        if not fit.notice[0]:
            problems.append("needs more notice")
        if not fit.day_room[0]:
            problems.append("has no more time for meetings that day")
        if problems:
            unavailable[facts.attorney_id] = problems
    if unavailable and (query.mode == "all" or len(unavailable) == len(attorneys)):
        reasons.extend(f"{who} {' and '.join(p)}" for who, p in unavailable.items())
    return reasons
