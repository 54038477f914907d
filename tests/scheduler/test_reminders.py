"""The reminder policy: offsets before the start, in the recipient's zone, never at night."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from hypothesis import given
from hypothesis import strategies as st

from scheduler.reminders import DEFAULT_QUIET_HOURS, in_quiet_hours, plan_reminders
from tests.factories import KOLKATA, LOS_ANGELES, NEW_YORK

NY = ZoneInfo(NEW_YORK)
LONG_AGO = datetime(2026, 1, 1, tzinfo=UTC)


def at(y: int, mo: int, d: int, h: int, mi: int = 0, zone: ZoneInfo = NY) -> datetime:
    return datetime(y, mo, d, h, mi, tzinfo=zone)


def local_times(plan: list, zone: ZoneInfo = NY) -> list[str]:  # type: ignore[type-arg]
    return [p.send_at.astimezone(zone).strftime("%a %H:%M") for p in plan]


def test_a_day_and_two_hours_before_by_default() -> None:
    plan = plan_reminders(at(2026, 12, 8, 14), (1440, 120), NEW_YORK, LONG_AGO)
    assert local_times(plan) == ["Mon 14:00", "Tue 12:00"]
    assert [p.offset_minutes for p in plan] == [1440, 120]


def test_a_reminder_that_would_fall_at_night_goes_out_the_evening_before() -> None:
    # 09:00 meeting: two hours before is 07:00, inside the quiet hours (21:00-08:00).
    plan = plan_reminders(at(2026, 12, 8, 9), (1440, 120), NEW_YORK, LONG_AGO)
    assert local_times(plan) == ["Mon 09:00", "Mon 21:00"]
    assert all(not in_quiet_hours(p.send_at, NY, DEFAULT_QUIET_HOURS) for p in plan)


def test_quiet_hours_are_the_recipients_own() -> None:
    # 09:00 in New York is 06:00 in Los Angeles: both reminders (Monday 06:00 and Tuesday 04:00
    # there) would wake the client, so each goes out at 21:00 Los Angeles time the evening before.
    plan = plan_reminders(at(2026, 12, 8, 9), (1440, 120), LOS_ANGELES, LONG_AGO)
    assert local_times(plan, ZoneInfo(LOS_ANGELES)) == ["Sun 21:00", "Mon 21:00"]
    assert local_times(plan) == ["Mon 00:00", "Tue 00:00"]


def test_reminders_already_past_are_dropped() -> None:
    start = at(2026, 12, 8, 14)
    plan = plan_reminders(start, (1440, 120), NEW_YORK, start - timedelta(hours=5))
    assert [p.offset_minutes for p in plan] == [120]
    assert plan_reminders(start, (1440, 120), NEW_YORK, start) == []


def test_reminders_that_would_crowd_each_other_are_merged() -> None:
    plan = plan_reminders(at(2026, 12, 8, 14), (120, 90, 75), NEW_YORK, LONG_AGO)
    assert [p.offset_minutes for p in plan] == [120]
    plan = plan_reminders(at(2026, 12, 8, 14), (120, 60), NEW_YORK, LONG_AGO)
    assert [p.offset_minutes for p in plan] == [120, 60]


def test_a_day_before_is_24_real_hours_across_a_dst_change() -> None:
    # Sunday 8 March 2026 is the spring-forward day in New York.
    start = at(2026, 3, 9, 10)
    [day_before] = plan_reminders(start, (1440,), NEW_YORK, LONG_AGO)
    assert start - day_before.send_at == timedelta(hours=24)
    assert local_times([day_before]) == ["Sun 10:00"]


@given(
    start=st.datetimes(
        min_value=datetime(2026, 1, 1), max_value=datetime(2028, 12, 31), timezones=st.just(UTC)
    ),
    offsets=st.lists(st.integers(10, 3 * 1440), min_size=1, max_size=4),
    zone=st.sampled_from([NEW_YORK, LOS_ANGELES, KOLKATA, "Australia/Lord_Howe"]),
)
def test_never_at_night_never_after_the_start_never_in_the_past(
    start: datetime, offsets: list[int], zone: str
) -> None:
    now = start - timedelta(days=4)
    plan = plan_reminders(start, tuple(offsets), zone, now)
    for p in plan:
        assert now < p.send_at < start
        assert not in_quiet_hours(p.send_at, ZoneInfo(zone), DEFAULT_QUIET_HOURS)
        assert p.send_at <= start - timedelta(minutes=p.offset_minutes)
    assert all(b.send_at - a.send_at >= timedelta(hours=1) for a, b in itertools.pairwise(plan))
