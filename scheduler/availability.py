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
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

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
