"""Half-open interval algebra over tz-aware instants.

An :class:`Interval` is ``[start, end)``: it contains ``start`` and not ``end``, so two meetings
that touch (one ends at 10:00, the next starts at 10:00) do not overlap. Lists of intervals handed
to and returned from these functions are sorted by start; "normalized" lists are also disjoint and
non-touching (merged).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from scheduler.errors import InvalidInput


@dataclass(frozen=True, slots=True, order=True)
class Interval:
    start: datetime
    end: datetime

    def __post_init__(self) -> None:
        if self.start.tzinfo is None or self.end.tzinfo is None:
            raise InvalidInput("interval bounds must carry a time zone", field="interval")
        if self.end < self.start:
            raise InvalidInput(
                f"interval ends ({self.end.isoformat()}) "
                f"before it starts ({self.start.isoformat()})",
                field="interval",
            )

    @property
    def duration(self) -> timedelta:
        return self.end - self.start

    @property
    def is_empty(self) -> bool:
        return self.end <= self.start

    def overlaps(self, other: Interval) -> bool:
        return self.start < other.end and other.start < self.end

    def contains(self, other: Interval) -> bool:
        return self.start <= other.start and other.end <= self.end

    def contains_instant(self, moment: datetime) -> bool:
        return self.start <= moment < self.end

    def widened(self, before: timedelta, after: timedelta | None = None) -> Interval:
        """The interval grown by ``before`` at the start and ``after`` at the end."""
        return Interval(self.start - before, self.end + (before if after is None else after))


def merge(intervals: Iterable[Interval]) -> list[Interval]:
    """Sort and merge overlapping or touching intervals; empty ones are dropped."""
    ordered = sorted(i for i in intervals if not i.is_empty)
    merged: list[Interval] = []
    for current in ordered:
        if merged and current.start <= merged[-1].end:
            last = merged[-1]
            if current.end > last.end:
                merged[-1] = Interval(last.start, current.end)
        else:
            merged.append(current)
    return merged


def intersect(left: Sequence[Interval], right: Sequence[Interval]) -> list[Interval]:
    """The parts covered by both normalized lists (a linear sweep)."""
    result: list[Interval] = []
    i = j = 0
    while i < len(left) and j < len(right):
        a, b = left[i], right[j]
        start = max(a.start, b.start)
        end = min(a.end, b.end)
        if start < end:
            result.append(Interval(start, end))
        if a.end <= b.end:
            i += 1
        else:
            j += 1
    return result


def intersect_all(lists: Sequence[Sequence[Interval]]) -> list[Interval]:
    """The time common to every list (for meetings that several attorneys must all attend)."""
    if not lists:
        return []
    result = list(lists[0])
    for other in lists[1:]:
        result = intersect(result, other)
        if not result:
            break
    return result


def subtract(base: Sequence[Interval], remove: Sequence[Interval]) -> list[Interval]:
    """The parts of each interval in ``base`` not covered by ``remove``.

    ``base`` need only be sorted (its members are kept apart, so a working-hours list stays a list
    of separate ranges); ``remove`` must be normalized.
    """
    result: list[Interval] = []
    j0 = 0
    for piece in base:
        # A removal that ends before this piece starts cannot touch any later piece either
        # (``base`` is sorted by start), so the shared cursor only moves forward.
        while j0 < len(remove) and remove[j0].end <= piece.start:
            j0 += 1
        cursor = piece.start
        j = j0
        while j < len(remove) and remove[j].start < piece.end:
            cut = remove[j]
            if cut.start > cursor:
                result.append(Interval(cursor, cut.start))
            if cut.end > cursor:
                cursor = cut.end
            if cursor >= piece.end:
                break
            j += 1
        if cursor < piece.end:
            result.append(Interval(cursor, piece.end))
    return result


def clip(intervals: Sequence[Interval], window: Interval) -> list[Interval]:
    """The parts of ``intervals`` inside ``window`` (order kept)."""
    result: list[Interval] = []
    for piece in intervals:
        start = max(piece.start, window.start)
        end = min(piece.end, window.end)
        if start < end:
            result.append(Interval(start, end))
    return result


def total(intervals: Iterable[Interval]) -> timedelta:
    return sum((i.duration for i in intervals), timedelta())


def any_overlap(intervals: Iterable[Interval], probe: Interval) -> bool:
    return any(i.overlaps(probe) for i in intervals)
