"""Working hours in the attorney's zone, across DST changes, minus busy time and buffers."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from scheduler.availability import (
    AttorneyCalendar,
    AttorneyFacts,
    Block,
    BlockTable,
    Commitment,
    Kind,
    SharedFacts,
    SlotQuery,
    closed_day_intervals,
    explain,
    find_slots,
    local_day_span,
    notice_start,
    slot_starts,
    working_windows,
)
from scheduler.domain import WeeklyHours
from scheduler.intervals import Interval
from tests.factories import KOLKATA, NEW_YORK, NINE_TO_FIVE, PHOENIX

NY = ZoneInfo(NEW_YORK)


def local(day: date, hh: int, mm: int, zone: str) -> datetime:
    return datetime(day.year, day.month, day.day, hh, mm, tzinfo=ZoneInfo(zone))


@pytest.mark.parametrize(
    ("day", "zone"),
    [
        (date(2026, 3, 6), NEW_YORK),  # the Friday before spring-forward
        (date(2026, 3, 9), NEW_YORK),  # the Monday after
        (date(2026, 10, 30), NEW_YORK),  # before fall-back
        (date(2026, 11, 2), NEW_YORK),  # after
        (date(2026, 11, 2), PHOENIX),  # no DST at all
        (date(2026, 11, 2), KOLKATA),  # half-hour offset
    ],
)
def test_nine_is_nine_on_both_sides_of_dst(day: date, zone: str) -> None:
    windows = working_windows(
        NINE_TO_FIVE, ZoneInfo(zone), local(day, 0, 0, zone), local(day, 23, 0, zone)
    )
    assert [
        (
            w.start.astimezone(ZoneInfo(zone)).time().isoformat(timespec="minutes"),
            w.end.astimezone(ZoneInfo(zone)).time().isoformat(timespec="minutes"),
        )
        for w in windows
    ] == [("09:00", "12:00"), ("13:00", "17:00")]


def test_dst_change_days_are_23_and_25_hours_long() -> None:
    assert local_day_span(date(2026, 3, 8), NY).duration == timedelta(hours=23)
    assert local_day_span(date(2026, 11, 1), NY).duration == timedelta(hours=25)


def test_weekend_hours_on_the_dst_sunday_are_exact() -> None:
    hours = WeeklyHours.from_json({"sun": ["01:00-05:00"]})
    [window] = working_windows(
        hours, NY, local(date(2026, 3, 8), 0, 0, NEW_YORK), local(date(2026, 3, 9), 0, 0, NEW_YORK)
    )
    # 01:00 EST to 05:00 EDT is three real hours: the clock skips 02:00-03:00.
    assert window.duration == timedelta(hours=3)


def test_closed_days_remove_whole_local_days() -> None:
    start, end = (
        local(date(2026, 12, 24), 0, 0, NEW_YORK),
        local(date(2026, 12, 29), 0, 0, NEW_YORK),
    )
    closed = closed_day_intervals([date(2026, 12, 25)], NY)
    windows = working_windows(NINE_TO_FIVE, NY, start, end, closed=closed)
    assert {w.start.astimezone(NY).date() for w in windows} == {
        date(2026, 12, 24),
        date(2026, 12, 28),
    }


def test_buffers_keep_meetings_max_of_both_buffers_apart() -> None:
    day = date(2026, 12, 7)
    meeting = Interval(local(day, 10, 0, NEW_YORK), local(day, 11, 0, NEW_YORK))
    cal = AttorneyCalendar(
        "att-a",
        working_windows(NINE_TO_FIVE, NY, local(day, 0, 0, NEW_YORK), local(day, 23, 0, NEW_YORK)),
        [Commitment(meeting, timedelta(minutes=15), "appointment")],
    )
    after_meeting = Interval(local(day, 11, 0, NEW_YORK), local(day, 11, 30, NEW_YORK))
    assert cal.problems_with(after_meeting) == ["too close to another appointment"]
    quarter_past = Interval(local(day, 11, 15, NEW_YORK), local(day, 11, 45, NEW_YORK))
    assert cal.problems_with(quarter_past) == []
    # A new meeting with a 30-minute buffer needs 30 minutes on its side.
    assert cal.problems_with(quarter_past, timedelta(minutes=30)) == [
        "too close to another appointment"
    ]


def test_busy_blocks_widen_only_by_the_new_meetings_buffer() -> None:
    day = date(2026, 12, 7)
    busy = Interval(local(day, 10, 0, NEW_YORK), local(day, 11, 0, NEW_YORK))
    cal = AttorneyCalendar(
        "att-a",
        [Interval(local(day, 9, 0, NEW_YORK), local(day, 12, 0, NEW_YORK))],
        [Commitment(busy)],
    )
    assert cal.free_windows() == [
        Interval(local(day, 9, 0, NEW_YORK), local(day, 10, 0, NEW_YORK)),
        Interval(local(day, 11, 0, NEW_YORK), local(day, 12, 0, NEW_YORK)),
    ]
    assert cal.free_windows(timedelta(minutes=15))[1].start == local(day, 11, 15, NEW_YORK)


@given(
    busy=st.lists(st.tuples(st.integers(0, 31), st.integers(1, 12)), max_size=6),
    duration_q=st.integers(1, 8),
    buffer_q=st.integers(0, 2),
)
def test_every_offered_slot_passes_the_placement_check(
    busy: list[tuple[int, int]], duration_q: int, buffer_q: int
) -> None:
    """A slot that free_windows offers is one that problems_with accepts, and vice versa."""
    day = date(2026, 12, 7)
    q = timedelta(minutes=15)
    origin = local(day, 0, 0, NEW_YORK)
    working = working_windows(NINE_TO_FIVE, NY, origin, origin + timedelta(days=1))
    nine = local(day, 9, 0, NEW_YORK)
    commitments = [
        Commitment(
            Interval(nine + s * q, nine + (s + n) * q),
            q * (s % 2),
            "appointment" if s % 3 else "busy",
        )
        for s, n in busy
    ]
    cal = AttorneyCalendar("att-a", working, commitments)
    duration, buffer = duration_q * q, buffer_q * q
    offered = set(slot_starts(cal.free_windows(buffer), duration, grid_origin=origin, step=q))
    for k in range(24 * 4):
        start = origin + k * q
        ok = cal.problems_with(Interval(start, start + duration), buffer) == []
        assert ok == (start in offered), start.astimezone(NY)


# --- find_slots: the booking check ---------------------------------------------------------------


def _facts(attorney_id: str, zone: str, blocks: list[Block], **kw: object) -> AttorneyFacts:
    day = date(2026, 12, 7)
    z = ZoneInfo(zone)
    working = working_windows(NINE_TO_FIVE, z, local(day, 0, 0, zone), local(day, 23, 0, zone))
    return AttorneyFacts(attorney_id, z, working, BlockTable.of(blocks), **kw)  # type: ignore[arg-type]


def _query(**kw: object) -> SlotQuery:
    day = date(2026, 12, 7)
    window = Interval(local(day, 0, 0, NEW_YORK), local(day, 23, 0, NEW_YORK))
    return SlotQuery(window=window, duration=timedelta(minutes=60), **kw)  # type: ignore[arg-type]


def test_a_busy_block_is_exact_to_the_microsecond() -> None:
    day = date(2026, 12, 7)
    ten = local(day, 10, 0, NEW_YORK)
    touching = _facts("a", NEW_YORK, [Block(local(day, 9, 0, NEW_YORK), ten)])
    over = _facts(
        "a", NEW_YORK, [Block(local(day, 9, 0, NEW_YORK), ten + timedelta(microseconds=1))]
    )
    assert ten in {s.start for s in find_slots(_query(), [touching])}
    assert ten not in {s.start for s in find_slots(_query(), [over])}


def test_all_attend_needs_everyone_and_any_prefers_the_matters_attorney() -> None:
    day = date(2026, 12, 7)
    busy_a = _facts("a", NEW_YORK, [Block(local(day, 9, 0, NEW_YORK), local(day, 11, 0, NEW_YORK))])
    free_b = _facts("b", NEW_YORK, [])
    together = find_slots(_query(), [busy_a, free_b])
    assert together[0].start == local(day, 11, 0, NEW_YORK) and together[0].attorneys == ("a", "b")
    either = find_slots(_query(mode="any", preferred=("a",)), [busy_a, free_b])
    by_start = {s.start: s.attorneys for s in either}
    assert by_start[local(day, 9, 0, NEW_YORK)] == ("b",)  # a is busy then
    assert by_start[local(day, 11, 0, NEW_YORK)] == ("a",)  # both free: the matter's attorney


def test_meetings_keep_the_larger_buffer_and_count_toward_the_daily_limit() -> None:
    day = date(2026, 12, 7)
    meeting = Block(
        local(day, 10, 0, NEW_YORK),
        local(day, 11, 0, NEW_YORK),
        timedelta(minutes=30),
        Kind.MEETING,
    )
    facts = _facts("a", NEW_YORK, [meeting], buffer=timedelta(minutes=15))
    starts = {s.start for s in find_slots(_query(), [facts])}
    assert local(day, 11, 15, NEW_YORK) not in starts and local(day, 11, 30, NEW_YORK) not in starts
    assert local(day, 13, 0, NEW_YORK) in starts and local(day, 8, 45, NEW_YORK) not in starts
    limited = _facts("a", NEW_YORK, [meeting], max_meetings_per_day=1)
    assert find_slots(_query(), [limited]) == []
    reasons = explain(_query(), [limited], SharedFacts(), local(day, 13, 0, NEW_YORK))
    assert reasons == ["a has no more time for meetings that day"]
    early = explain(_query(), [facts], SharedFacts(), local(day, 11, 0, NEW_YORK))
    assert early == ["a is not free then"]


def test_notice_counts_working_hours_only() -> None:
    friday = date(2026, 12, 11)
    working = working_windows(
        NINE_TO_FIVE,
        NY,
        local(friday, 0, 0, NEW_YORK),
        local(friday, 0, 0, NEW_YORK) + timedelta(days=7),
    )
    assert notice_start(working, local(friday, 15, 0, NEW_YORK), 4) == local(
        date(2026, 12, 14), 11, 0, NEW_YORK
    )
    assert notice_start(working, local(friday, 8, 0, NEW_YORK), 4) == local(friday, 14, 0, NEW_YORK)
