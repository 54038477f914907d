"""Half-open interval algebra: examples and properties."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime, timedelta

from hypothesis import given
from hypothesis import strategies as st

from scheduler.intervals import Interval, clip, intersect, intersect_all, merge, subtract, total

T0 = datetime(2026, 1, 1, tzinfo=UTC)


def iv(a: int, b: int) -> Interval:
    return Interval(T0 + timedelta(minutes=a), T0 + timedelta(minutes=b))


intervals = st.builds(lambda a, n: iv(a, a + n), st.integers(0, 500), st.integers(0, 120))
interval_lists = st.lists(intervals, max_size=12)


def covered(items: list[Interval]) -> set[int]:
    """Minutes covered, as a set (the reference implementation)."""
    return {
        m
        for i in items
        for m in range(
            int((i.start - T0).total_seconds() // 60), int((i.end - T0).total_seconds() // 60)
        )
    }


def test_touching_intervals_do_not_overlap_but_merge() -> None:
    assert not iv(0, 60).overlaps(iv(60, 90))
    assert merge([iv(60, 90), iv(0, 60)]) == [iv(0, 90)]


def test_subtract_keeps_working_ranges_apart() -> None:
    morning, afternoon = iv(0, 180), iv(240, 480)
    assert subtract([morning, afternoon], [iv(60, 300)]) == [iv(0, 60), iv(300, 480)]
    assert subtract([iv(0, 60), iv(60, 120)], []) == [iv(0, 60), iv(60, 120)]


@given(interval_lists)
def test_merge_is_disjoint_sorted_and_covers_the_same(items: list[Interval]) -> None:
    merged = merge(items)
    assert covered(merged) == covered(items)
    assert all(a.end < b.start for a, b in itertools.pairwise(merged))


@given(interval_lists, interval_lists)
def test_intersect_matches_set_intersection(a: list[Interval], b: list[Interval]) -> None:
    assert covered(intersect(merge(a), merge(b))) == covered(a) & covered(b)
    assert intersect(merge(a), merge(b)) == intersect(merge(b), merge(a))


@given(interval_lists, interval_lists)
def test_subtract_matches_set_difference(a: list[Interval], b: list[Interval]) -> None:
    assert covered(subtract(merge(a), merge(b))) == covered(a) - covered(b)


@given(interval_lists, intervals)
def test_clip_stays_inside_the_window(items: list[Interval], window: Interval) -> None:
    clipped = clip(items, window)
    assert all(window.contains(c) for c in clipped)
    assert covered(clipped) == covered(items) & covered([window])


@given(st.lists(interval_lists, min_size=1, max_size=4))
def test_intersect_all_is_common_time(lists: list[list[Interval]]) -> None:
    expected = set.intersection(*(covered(x) for x in lists))
    assert covered(intersect_all([merge(x) for x in lists])) == expected
    assert total(intersect_all([merge(x) for x in lists])) == timedelta(minutes=len(expected))
