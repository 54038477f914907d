"""A few lines give a schedule problem: a firm in New York, Monday 7 December 2026 onwards."""

from __future__ import annotations

import json
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from scheduler.solver import Problem, check_result, parse_problem, solve, to_json

NEW_YORK = "America/New_York"
MONDAY = date(2026, 12, 7)
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri")


def at(day: int, hhmm: str, zone: str = NEW_YORK, *, start: date = MONDAY) -> str:
    """An instant with its offset: ``day`` days after ``start``, at local ``hhmm``."""
    moment = datetime.combine(start + timedelta(days=day), time.fromisoformat(hhmm))
    return moment.replace(tzinfo=ZoneInfo(zone)).isoformat()


def attorney(
    id: str = "a1",
    hours: str | list[str] = "09:00-17:00",
    days: tuple[str, ...] = WEEKDAYS,
    **kw: Any,
) -> dict[str, Any]:
    ranges = [hours] if isinstance(hours, str) else list(hours)
    return {
        "id": id,
        "name": f"Attorney {id.upper()}",
        "working_hours": dict.fromkeys(days, ranges),
        **kw,
    }


def meeting(
    id: str,
    attorneys: list[str] | None = None,
    *,
    duration: int = 60,
    client: str | None = None,
    **kw: Any,
) -> dict[str, Any]:
    return {
        "id": id,
        "client": client or f"c-{id}",
        "duration_minutes": duration,
        "attorneys": attorneys or ["a1"],
        **kw,
    }


def problem(
    meetings: list[dict[str, Any]],
    attorneys: list[dict[str, Any]] | None = None,
    *,
    days: int = 5,
    start: date = MONDAY,
    rooms: int | list[str] = 0,
    **kw: Any,
) -> dict[str, Any]:
    room_ids = [f"r{i + 1}" for i in range(rooms)] if isinstance(rooms, int) else rooms
    return {
        "version": 1,
        "timezone": NEW_YORK,
        "horizon": {"start": at(0, "00:00", start=start), "end": at(days, "00:00", start=start)},
        "granularity_minutes": 15,
        "attorneys": attorneys or [attorney()],
        "rooms": [{"id": r} for r in room_ids],
        "meetings": meetings,
        **kw,
    }


def run(
    data: dict[str, Any], *, seconds: float = 2.0, workers: int = 1, seed: int = 0
) -> tuple[Problem, dict[str, Any]]:
    """Solve, check the result with the independent validator, and return its JSON."""
    parsed = parse_problem(json.loads(json.dumps(data)))
    body = to_json(solve(parsed, time_limit_seconds=seconds, workers=workers, seed=seed))
    violations = check_result(parsed, body)
    assert violations == [], [str(v) for v in violations]
    return parsed, body


def placed(body: dict[str, Any], meeting_id: str) -> dict[str, Any] | None:
    return next((s for s in body["scheduled"] if s["meeting"] == meeting_id), None)


def missing(body: dict[str, Any], meeting_id: str) -> dict[str, Any]:
    entry = next((u for u in body["unscheduled"] if u["meeting"] == meeting_id), None)
    assert entry is not None, f"{meeting_id} was scheduled"
    return entry


def local(text: str, zone: str = NEW_YORK) -> datetime:
    return datetime.fromisoformat(text).astimezone(ZoneInfo(zone))
