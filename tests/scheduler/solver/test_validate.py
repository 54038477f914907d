"""The independent validator: a plan that keeps every rule passes; each broken rule is named."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import pytest

from scheduler.solver import Placement, check_placements, check_result, parse_problem
from tests.scheduler.solver.builders import at, attorney, meeting, problem


def _with_busy_room(data: dict[str, Any]) -> dict[str, Any]:
    data["rooms"][1]["busy"] = [{"start": at(1, "09:00"), "end": at(1, "12:00")}]
    return data


PROBLEM = parse_problem(
    _with_busy_room(
        problem(
            [
                meeting(
                    "m1", ["a1", "a2"], needs_room=True, client="acme", adverse_clients=["globex"]
                ),
                meeting("m2", ["a1"], buffer_minutes=30, client="globex", needs_room=True),
                meeting("m3", ["a2"], matter="mat-9", deadline=at(1, "12:00")),
                meeting(
                    "m4",
                    ["a1", "a2"],
                    attorneys_needed=2,
                    windows=[{"start": at(2, "13:00"), "end": at(2, "15:00")}],
                ),
                meeting("m5", ["a2"], earliest_start=at(3, "10:00"), rooms=None),
            ],
            [
                attorney(
                    "a1",
                    hours=["09:00-12:00", "13:00-17:00"],
                    max_meetings_per_day=2,
                    busy=[{"start": at(0, "15:00"), "end": at(0, "16:00")}],
                ),
                attorney("a2", timezone="America/Chicago", screened_matters=["mat-x"]),
            ],
            rooms=2,
            closed_dates=["2026-12-11"],
            current=[{"meeting": "m5", "start": at(3, "11:00"), "attorneys": ["a2"]}],
            frozen=["m5"],
        )
    )
)


def p(meeting_id: str, start: str, attorneys: list[str], room: str | None = None) -> Placement:
    return Placement(meeting_id, datetime.fromisoformat(start), tuple(attorneys), room)


VALID = [
    p("m1", at(0, "09:00"), ["a1"], "r1"),
    p("m2", at(0, "10:30"), ["a1"], "r2"),
    p("m3", at(1, "10:00"), ["a2"]),
    p("m4", at(2, "13:00"), ["a1", "a2"]),
    p("m5", at(3, "11:00"), ["a2"]),
]


def broken(index: int, replacement: Placement) -> list[Placement]:
    plan = list(VALID)
    plan[index] = replacement
    return plan


def test_a_valid_plan_passes() -> None:
    assert check_placements(PROBLEM, VALID) == []


@pytest.mark.parametrize(
    ("plan", "rule"),
    [
        (broken(2, p("m3", at(1, "10:05"), ["a2"])), "grid"),
        (broken(2, p("m3", at(1, "11:30"), ["a2"])), "deadline"),
        (broken(2, p("m3", at(1, "10:00"), ["a1"])), "attorneys"),
        (broken(3, p("m4", at(2, "13:00"), ["a1"])), "attorneys"),
        (broken(3, p("m4", at(2, "14:30"), ["a1", "a2"])), "windows"),
        (broken(0, p("m1", at(0, "11:30"), ["a1"], "r1")), "working-hours"),
        (broken(0, p("m1", at(0, "07:00"), ["a2"], "r1")), "working-hours"),  # 06:00 in Chicago
        (broken(0, p("m1", at(0, "15:30"), ["a1"], "r1")), "busy"),
        (broken(0, p("m1", at(0, "09:00"), ["a1"], None)), "room"),
        (broken(2, p("m3", at(1, "10:00"), ["a2"], "r1")), "room"),
        (broken(0, p("m1", at(0, "09:45"), ["a2"], "r2")), "room-overlap"),
        (broken(0, p("m1", at(1, "11:30"), ["a1"], "r2")), "room-busy"),  # r2 busy 9-12
        (broken(1, p("m2", at(0, "10:15"), ["a1"], "r2")), "attorney-overlap"),  # 15 < 30 min apart
        (broken(1, p("m2", at(0, "10:15"), ["a1"], "r2")), "adverse"),
        (broken(2, p("m3", at(3, "09:00"), ["a2"])), "deadline"),
        (broken(4, p("m5", at(3, "12:00"), ["a2"])), "frozen"),
        (broken(3, p("m4", at(3, "13:00"), ["a1", "a2"])), "windows"),
        (broken(0, p("m1", at(4, "09:00"), ["a1"], "r1")), "closed"),  # Friday 11 December
        (broken(2, p("m3", at(-1, "10:00"), ["a2"])), "horizon"),
    ],
)
def test_each_broken_rule_is_named(plan: list[Placement], rule: str) -> None:
    assert rule in {v.rule for v in check_placements(PROBLEM, plan)}


def test_screened_attorney_is_refused() -> None:
    walled = parse_problem(
        problem(
            [meeting("m", ["a1"], matter="mat-1")], [attorney("a1", screened_matters=["mat-1"])]
        )
    )
    rules = {v.rule for v in check_placements(walled, [p("m", at(0, "09:00"), ["a1"])])}
    assert rules == {"wall"}


def test_daily_limit_is_counted_on_the_attorneys_date() -> None:
    crowded = broken(2, p("m3", at(1, "10:00"), ["a2"]))
    crowded[3] = p("m4", at(0, "13:00"), ["a1", "a2"])  # third meeting of a1 on Monday
    rules = {v.rule for v in check_placements(PROBLEM, crowded)}
    assert "daily-limit" in rules


def test_result_check_covers_every_meeting_and_the_changed_list() -> None:
    body = {
        "version": 1,
        "status": "feasible",
        "scheduled": [
            {
                "meeting": x.meeting,
                "start": x.start.isoformat(),
                "end": (x.start + PROBLEM.meeting_by_id[x.meeting].duration).isoformat(),
                "attorneys": list(x.attorneys),
                "room": x.room,
            }
            for x in VALID
        ],
        "unscheduled": [],
        "changed": [],
        "stats": {},
    }
    assert check_result(PROBLEM, body) == []
    dropped = dict(body, scheduled=body["scheduled"][:4])
    rules = {v.rule for v in check_result(PROBLEM, dropped)}
    assert {"coverage", "changed", "frozen"} <= rules
