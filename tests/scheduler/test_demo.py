"""The demo firm is believable, deterministic, and obeys the engine's own rules."""

from __future__ import annotations

import itertools
from collections import Counter
from datetime import date, timedelta
from zoneinfo import ZoneInfo

from scheduler.availability import working_windows
from scheduler.demo import SMALL, build_demo_firm, next_monday
from scheduler.domain import Language

START = date(2026, 12, 7)


def test_same_seed_same_firm_and_different_seed_differs() -> None:
    assert build_demo_firm(START, seed=3) == build_demo_firm(START, seed=3)
    assert (
        build_demo_firm(START, seed=3).appointments != build_demo_firm(START, seed=4).appointments
    )


def test_the_firm_has_the_promised_shape() -> None:
    firm = build_demo_firm(START)
    assert len(firm.attorneys) == SMALL.attorneys == 12
    assert len({a.timezone for a in firm.attorneys}) >= 2
    assert len({area for a in firm.attorneys for area in a.practice_areas}) == 3
    assert len(firm.rooms) == 4 and len(firm.clients) == 40 and len(firm.matters) == 60
    assert 140 <= len(firm.appointments) <= 160
    assert {m.jurisdiction for m in firm.matters} == {"US-FED", "US-CA", "US-NY"}
    assert sum(1 for m in firm.matters if m.screened_attorneys) == 2
    client_ids = {c.id for c in firm.clients}
    assert any(p.client_id in client_ids for m in firm.matters for p in m.adverse_parties)
    assert any(c.language is Language.ES for c in firm.clients)
    assert firm.deadlines
    # A part-timer and lunch breaks.
    assert min(a.working_hours.weekly_minutes for a in firm.attorneys) <= 20 * 60
    assert all(
        len(a.working_hours.ranges_on(START)) == 2 for a in firm.attorneys if a.title == "Partner"
    )
    assert all(a.email.endswith(".example") for a in firm.attorneys)
    assert all(c.email.endswith(".example") for c in firm.clients)


def test_appointments_obey_hours_walls_and_never_overlap() -> None:
    firm = build_demo_firm(START)
    attorneys = {a.id: a for a in firm.attorneys}
    matters = {m.id: m for m in firm.matters}
    busy: dict[str, list[tuple]] = {}
    for b in firm.busy:
        busy.setdefault(b.attorney_id, []).append((b.starts_at, b.ends_at))
    per_attorney: dict[str, list[tuple]] = {}
    per_room: dict[str, list[tuple]] = {}
    for ap in firm.appointments:
        assert (
            START
            <= ap.starts_at.astimezone(ZoneInfo("America/New_York")).date()
            < START + timedelta(days=14)
        )
        assert ap.matter_id in matters and matters[ap.matter_id].client_id == ap.client_id
        for attorney_id in ap.attorney_ids:
            a = attorneys[attorney_id]
            assert not matters[ap.matter_id].is_screened(attorney_id)
            windows = working_windows(
                a.working_hours,
                ZoneInfo(a.timezone),
                ap.starts_at - timedelta(days=1),
                ap.ends_at + timedelta(days=1),
            )
            assert any(w.start <= ap.starts_at and ap.ends_at <= w.end for w in windows)
            for s, e in busy.get(attorney_id, []):
                assert not (s < ap.ends_at and ap.starts_at < e)
            per_attorney.setdefault(attorney_id, []).append(
                (ap.starts_at, ap.ends_at, ap.buffer_minutes)
            )
        if ap.room_id:
            per_room.setdefault(ap.room_id, []).append((ap.starts_at, ap.ends_at, 0))
    for spans in [*per_attorney.values(), *per_room.values()]:
        spans.sort()
        for (_s1, e1, b1), (s2, _e2, b2) in itertools.pairwise(spans):
            assert s2 >= e1 + timedelta(minutes=max(b1, b2))


def test_one_attorney_has_a_packed_day_to_replan() -> None:
    firm = build_demo_firm(START)
    per_day = Counter(
        (a, ap.starts_at.astimezone(ZoneInfo("America/New_York")).date())
        for ap in firm.appointments
        for a in ap.attorney_ids
    )
    assert per_day.most_common(1)[0][1] >= 8


def test_next_monday() -> None:
    assert next_monday(date(2026, 11, 26)) == date(2026, 11, 30)
    assert next_monday(date(2026, 11, 30)) == date(2026, 12, 7)
