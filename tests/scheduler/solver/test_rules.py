"""Each rule of the format, on a tiny problem: once where it can be kept, once where it cannot.

Every result also passes the independent validator (``builders.run`` checks it).
"""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from scheduler.errors import InvalidInput
from scheduler.solver import parse_problem
from tests.scheduler.solver.builders import (
    at,
    attorney,
    local,
    meeting,
    missing,
    placed,
    problem,
    run,
)


def window(day: int, lo: str, hi: str) -> dict[str, str]:
    return {"start": at(day, lo), "end": at(day, hi)}


# --- Working hours ------------------------------------------------------------------------------


def test_working_hours_feasible_inside_one_range() -> None:
    _, body = run(
        problem([meeting("m", duration=120)], [attorney(hours=["09:00-12:00", "13:00-17:00"])])
    )
    start = local(placed(body, "m")["start"])  # type: ignore[index]
    assert (start.hour, start.minute) == (9, 0)


def test_working_hours_ranges_are_not_merged() -> None:
    data = problem([meeting("m", duration=360)], [attorney(hours=["09:00-12:00", "12:00-17:00"])])
    _, body = run(data)
    assert missing(body, "m")["code"] == "WORKING_HOURS"


def test_working_hours_follow_the_attorney_across_dst() -> None:
    # New York leaves daylight time on Sunday 1 November 2026; 09:00 stays 09:00 local.
    data = problem(
        [
            meeting(
                "m",
                windows=[
                    {
                        "start": at(7, "00:00", start=date(2026, 10, 26)),
                        "end": at(8, "00:00", start=date(2026, 10, 26)),
                    }
                ],
            )
        ],
        [attorney(days=("mon",))],
        start=date(2026, 10, 26),
        days=8,
    )
    _, body = run(data)
    assert placed(body, "m")["start"] == "2026-11-02T09:00:00-05:00"  # type: ignore[index]


def test_working_hours_in_the_attorneys_own_zone() -> None:
    # A London attorney working 09:00-11:00 London is free 04:00-06:00 New York in December.
    data = problem([meeting("m")], [attorney(hours="09:00-11:00", timezone="Europe/London")])
    _, body = run(data)
    assert placed(body, "m")["start"] == "2026-12-07T04:00:00-05:00"  # type: ignore[index]
    short = problem(
        [meeting("m", duration=180)], [attorney(hours="09:00-11:00", timezone="Europe/London")]
    )
    assert missing(run(short)[1], "m")["code"] == "WORKING_HOURS"


# --- Closed dates -------------------------------------------------------------------------------


def test_closed_dates_feasible_on_an_open_day() -> None:
    data = problem([meeting("m")], [attorney(days=("mon", "tue"))], closed_dates=["2026-12-07"])
    assert placed(run(data)[1], "m")["start"].startswith("2026-12-08T09:00")  # type: ignore[index]


def test_closed_dates_empty_the_only_working_day() -> None:
    data = problem([meeting("m")], [attorney(days=("wed",))], closed_dates=["2026-12-09"])
    entry = missing(run(data)[1], "m")
    assert entry["code"] == "CLOSED" and "Wednesday 9 December" in entry["reason"]


# --- Client windows, earliest start, deadline -----------------------------------------------------


def test_client_window_feasible() -> None:
    data = problem([meeting("m", windows=[window(1, "14:00", "15:30")])])
    assert placed(run(data)[1], "m")["start"] == at(1, "14:00")  # type: ignore[index]


def test_client_window_outside_working_hours() -> None:
    data = problem([meeting("m", windows=[window(5, "10:00", "12:00")])], days=7)  # a Saturday
    assert missing(run(data)[1], "m")["code"] == "CLIENT_WINDOWS"


def test_meeting_must_lie_inside_one_window() -> None:
    data = problem(
        [meeting("m", windows=[window(0, "09:00", "09:30"), window(0, "09:30", "10:00")])]
    )
    assert missing(run(data)[1], "m")["code"] == "CLIENT_WINDOWS"


def test_earliest_start_feasible_and_inclusive() -> None:
    data = problem([meeting("m", earliest_start=at(2, "13:00"))])
    assert placed(run(data)[1], "m")["start"] == at(2, "13:00")  # type: ignore[index]


def test_earliest_start_after_the_last_working_time() -> None:
    data = problem([meeting("m", earliest_start=at(4, "16:30"))])
    assert missing(run(data)[1], "m")["code"] == "EARLIEST_START"


def test_deadline_feasible_and_inclusive() -> None:
    data = problem([meeting("m", deadline=at(0, "10:00"))])
    body = run(data)[1]
    assert placed(body, "m")["end"] == at(0, "10:00")  # type: ignore[index]


def test_deadline_too_early() -> None:
    data = problem([meeting("m", deadline=at(0, "09:30"))])
    entry = missing(run(data)[1], "m")
    assert entry["code"] == "DEADLINE" and "Monday 7 December 2026 at 09:30" in entry["reason"]


# --- Busy blocks and buffers --------------------------------------------------------------------


def busy_ten_to_eleven() -> dict[str, object]:
    return attorney(hours="09:00-12:00", busy=[{"start": at(0, "10:00"), "end": at(0, "11:00")}])


def test_busy_block_with_buffer_feasible() -> None:
    data = problem([meeting("m", duration=45, buffer_minutes=15)], [busy_ten_to_eleven()], days=1)
    assert placed(run(data)[1], "m")["start"] == at(0, "09:00")  # type: ignore[index]


def test_busy_block_with_buffer_leaves_no_room() -> None:
    data = problem([meeting("m", duration=60, buffer_minutes=15)], [busy_ten_to_eleven()], days=1)
    entry = missing(run(data)[1], "m")
    assert entry["code"] == "BUSY" and "15-minute buffer" in entry["reason"]


def test_two_meetings_are_the_larger_buffer_apart() -> None:
    data = problem(
        [meeting("m1", duration=45), meeting("m2", duration=45, buffer_minutes=30)],
        [attorney(hours="09:00-11:00")],
        days=1,
    )
    body = run(data)[1]
    starts = sorted(local(placed(body, m)["start"]) for m in ("m1", "m2"))  # type: ignore[index]
    assert starts[1] - starts[0] == timedelta(minutes=75)


def test_buffers_that_do_not_fit() -> None:
    data = problem(
        [meeting("m1", priority=5), meeting("m2", buffer_minutes=15, priority=2)],
        [attorney(hours="09:00-11:00")],
        days=1,
    )
    body = run(data)[1]
    entry = missing(body, "m2")
    assert entry["code"] == "TAKEN_BY_OTHERS" and "m1 (priority 5)" in entry["reason"]


# --- Rooms --------------------------------------------------------------------------------------


def two_attorneys_at_nine() -> list[dict[str, object]]:
    return [attorney("a1", hours="09:00-10:00"), attorney("a2", hours="09:00-10:00")]


def test_rooms_feasible_with_two_rooms() -> None:
    data = problem(
        [meeting("m1", ["a1"], needs_room=True), meeting("m2", ["a2"], needs_room=True)],
        two_attorneys_at_nine(),
        rooms=2,
        days=1,
    )
    body = run(data)[1]
    rooms = {placed(body, m)["room"] for m in ("m1", "m2")}  # type: ignore[index]
    assert rooms == {"r1", "r2"}


def test_one_room_holds_one_meeting_at_a_time() -> None:
    data = problem(
        [
            meeting("m1", ["a1"], needs_room=True, priority=4),
            meeting("m2", ["a2"], needs_room=True),
        ],
        two_attorneys_at_nine(),
        rooms=1,
        days=1,
    )
    body = run(data)[1]
    assert placed(body, "m1")["room"] == "r1"  # type: ignore[index]
    assert "m1 (priority 4)" in missing(body, "m2")["reason"]


def test_a_meeting_without_a_room_to_use() -> None:
    data = problem([meeting("m", needs_room=True)], rooms=0)
    assert missing(run(data)[1], "m")["code"] == "ROOM"


def test_a_busy_room_is_not_used() -> None:
    data = problem(
        [
            meeting("m1", ["a1"], needs_room=True, priority=4),
            meeting("m2", ["a2"], needs_room=True),
        ],
        two_attorneys_at_nine(),
        rooms=2,
        days=1,
    )
    data["rooms"][0]["busy"] = [window(0, "08:00", "09:30")]
    body = run(data)[1]
    assert placed(body, "m1")["room"] == "r2"  # type: ignore[index]
    assert "m1 (priority 4)" in missing(body, "m2")["reason"]
    data["rooms"] = [data["rooms"][0]]  # r1 alone, busy until 9:30: neither fits at 9:00
    body = run(data)[1]
    for m in ("m1", "m2"):
        entry = missing(body, m)
        assert entry["code"] == "ROOM" and "r1 is closed" in entry["reason"], entry


def test_a_room_busy_time_that_ends_before_it_starts_is_refused() -> None:
    data = problem([meeting("m", needs_room=True)], rooms=1)
    data["rooms"][0]["busy"] = [{"start": at(0, "10:00"), "end": at(0, "09:00")}]
    with pytest.raises(InvalidInput) as refused:
        parse_problem(data)
    assert refused.value.field == "rooms[0].busy[0].end"


# --- Opposing parties ---------------------------------------------------------------------------


def adverse_pair(until: str) -> dict[str, object]:
    return problem(
        [
            meeting(
                "m1", ["a1"], client="acme", needs_room=True, adverse_clients=["globex"], priority=5
            ),
            meeting("m2", ["a2"], client="globex", needs_room=True, duration=45),
        ],
        [attorney("a1", hours=f"09:00-{until}"), attorney("a2", hours=f"09:00-{until}")],
        rooms=2,
        days=1,
    )


def test_opposing_parties_kept_apart_when_there_is_time() -> None:
    body = run(adverse_pair("11:15"))[1]
    first, second = sorted(
        (local(placed(body, m)["start"]), local(placed(body, m)["end"]))
        for m in ("m1", "m2")  # type: ignore[index]
    )
    assert second[0] - first[1] >= timedelta(minutes=30)


def test_opposing_parties_never_meet_in_the_office() -> None:
    body = run(adverse_pair("10:00"))[1]
    entry = missing(body, "m2")
    assert entry["code"] == "TAKEN_BY_OTHERS" and "m1 (priority 5)" in entry["reason"]


def test_opposing_parties_only_apply_in_the_office() -> None:
    data = adverse_pair("10:00")
    for m in data["meetings"]:  # type: ignore[attr-defined]
        m["needs_room"] = False
    body = run(data)[1]
    assert placed(body, "m1") and placed(body, "m2")


# --- Daily limits -------------------------------------------------------------------------------


def test_daily_limit_spreads_meetings_over_days() -> None:
    data = problem([meeting("m1"), meeting("m2")], [attorney(max_meetings_per_day=1)], days=2)
    body = run(data)[1]
    days = {placed(body, m)["start"][:10] for m in ("m1", "m2")}  # type: ignore[index]
    assert days == {"2026-12-07", "2026-12-08"}


def test_daily_limit_on_a_single_day() -> None:
    data = problem(
        [meeting("m1", priority=4), meeting("m2")], [attorney(max_meetings_per_day=1)], days=1
    )
    body = run(data)[1]
    assert placed(body, "m1") and "m1 (priority 4)" in missing(body, "m2")["reason"]


# --- Ethical walls ------------------------------------------------------------------------------


def test_wall_sends_the_meeting_to_another_candidate() -> None:
    data = problem(
        [meeting("m", ["a1", "a2"], matter="mat-1")],
        [attorney("a1", screened_matters=["mat-1"]), attorney("a2")],
    )
    assert placed(run(data)[1], "m")["attorneys"] == ["a2"]  # type: ignore[index]


def test_wall_screens_every_candidate() -> None:
    data = problem([meeting("m", matter="mat-1")], [attorney("a1", screened_matters=["mat-1"])])
    entry = missing(run(data)[1], "m")
    assert entry["code"] == "SCREENED" and "Attorney A1" in entry["reason"]


# --- Several attorneys at once -----------------------------------------------------------------


def test_two_attorneys_meet_when_both_are_free() -> None:
    data = problem(
        [meeting("m", ["a1", "a2"], duration=30, attorneys_needed=2)],
        [attorney("a1", hours="09:00-10:00"), attorney("a2", hours="09:30-11:00")],
        days=1,
    )
    body = run(data)[1]
    assert placed(body, "m") == {
        "meeting": "m",
        "start": at(0, "09:30"),
        "end": at(0, "10:00"),
        "attorneys": ["a1", "a2"],
        "room": None,
    }


def test_two_attorneys_who_are_never_free_together() -> None:
    data = problem(
        [meeting("m", ["a1", "a2"], duration=30, attorneys_needed=2)],
        [attorney("a1", hours="09:00-10:00"), attorney("a2", hours="10:00-11:00")],
        days=1,
    )
    assert missing(run(data)[1], "m")["code"] == "NO_COMMON_TIME"


# --- Frozen placements, current plan, priorities -----------------------------------------------


def test_frozen_meeting_stays_where_it_is() -> None:
    data = problem(
        [meeting("m1"), meeting("m2")],
        current=[{"meeting": "m1", "start": at(2, "15:00"), "attorneys": ["a1"]}],
        frozen=["m1"],
    )
    body = run(data)[1]
    assert placed(body, "m1")["start"] == at(2, "15:00")  # type: ignore[index]
    assert placed(body, "m2")["start"] == at(0, "09:00")  # type: ignore[index]
    assert body["changed"] == []


def test_frozen_meeting_that_breaks_a_rule_makes_the_problem_infeasible() -> None:
    data = problem(
        [meeting("m1"), meeting("m2")],
        current=[{"meeting": "m1", "start": at(2, "20:00"), "attorneys": ["a1"]}],
        frozen=["m1"],
    )
    body = run(data)[1]
    assert body["status"] == "infeasible" and body["scheduled"] == []
    assert body["error"] == (
        "The frozen meeting m1 breaks a rule, so nothing was scheduled: "
        "m1 is not inside one working-hours range of a1."
    )
    assert {u["meeting"] for u in body["unscheduled"]} == {"m1", "m2"}
    assert {u["code"] for u in body["unscheduled"]} == {"FROZEN_CONFLICT"}


def test_two_frozen_meetings_that_overlap() -> None:
    current = [
        {"meeting": "m1", "start": at(0, "10:00"), "attorneys": ["a1"]},
        {"meeting": "m2", "start": at(0, "10:30"), "attorneys": ["a1"]},
    ]
    body = run(problem([meeting("m1"), meeting("m2")], current=current, frozen=["m1", "m2"]))[1]
    assert body["status"] == "infeasible" and "m1 and m2 overlap" in body["error"]


def test_current_placements_are_kept_when_they_still_work() -> None:
    current = [{"meeting": "m1", "start": at(3, "11:00"), "attorneys": ["a1"]}]
    body = run(problem([meeting("m1"), meeting("m2")], current=current))[1]
    assert placed(body, "m1")["start"] == at(3, "11:00")  # type: ignore[index]
    assert body["changed"] == [] and body["stats"]["changed"] == 0


def test_higher_priority_wins_the_only_slot() -> None:
    data = problem(
        [meeting("low", priority=1), meeting("high", priority=5)],
        [attorney(hours="09:00-10:00")],
        days=1,
    )
    body = run(data)[1]
    assert placed(body, "high") and missing(body, "low")["code"] == "TAKEN_BY_OTHERS"
    assert body["stats"]["scheduled_by_priority"] == {"5": 1, "4": 0, "3": 0, "2": 0, "1": 0}


def test_starts_lie_on_the_grid() -> None:
    data = problem(
        [meeting("m", duration=30)], [attorney(hours="09:10-12:00")], granularity_minutes=30
    )
    assert placed(run(data)[1], "m")["start"] == at(0, "09:30")  # type: ignore[index]
