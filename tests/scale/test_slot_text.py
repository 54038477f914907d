"""Slot lists are written in one go, exactly as ``isoformat`` writes each instant."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from hypothesis import given, settings
from hypothesis import strategies as st

from scheduler.availability import Slot, to_us
from scheduler.services.booking import slot_view, slot_views, slots_json

QUARTER_US = 15 * 60 * 1_000_000
ZONES = [
    "America/New_York",  # DST on a Sunday at 2:00
    "Australia/Lord_Howe",  # half-hour DST
    "Asia/Kathmandu",  # +05:45
    "America/St_Johns",  # -03:30 with DST
    "Pacific/Chatham",  # +12:45 with DST
    "Africa/Casablanca",  # DST suspended in Ramadan
    "UTC",
]


@settings(max_examples=150, deadline=None)
@given(
    zone=st.sampled_from(ZONES),
    year=st.integers(2000, 2150),
    month=st.integers(1, 12),
    quarters=st.lists(st.integers(0, 31 * 96), min_size=0, max_size=300),
    minutes=st.sampled_from([15, 45, 60, 90, 600]),
)
def test_slot_views_write_what_isoformat_writes(
    zone: str, year: int, month: int, quarters: list[int], minutes: int
) -> None:
    z = ZoneInfo(zone)
    base = to_us(datetime(year, month, 1, tzinfo=UTC))
    slots = [
        Slot(base + q * QUARTER_US, base + q * QUARTER_US + minutes * 60_000_000, ("att-a",))
        for q in sorted(quarters)
    ]
    expected = [slot_view(s, z) for s in slots]
    assert slot_views(slots, z) == expected
    assert json.loads(slots_json(slots, z)) == expected


def test_fractions_of_seconds_and_odd_ids_are_written_plainly() -> None:
    z = ZoneInfo("America/New_York")
    start = to_us(datetime(2026, 3, 8, 6, 59, 59, 500, tzinfo=UTC))
    slots = [Slot(start, start + 3_600_000_000, ('a"b', "c\\d"))]
    assert slot_views(slots, z) == [slot_view(slots[0], z)]
    assert json.loads(slots_json(slots, z)) == [slot_view(slots[0], z)]
