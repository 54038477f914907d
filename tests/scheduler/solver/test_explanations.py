"""The reasons for unscheduled meetings are true: checked by changing what they blame."""

from __future__ import annotations

import copy
import itertools
import re
from datetime import timedelta
from typing import Any

import pytest

from benchmarks.solver.generate import generate
from scheduler.solver import Placement, check_placements
from tests.scheduler.solver.builders import at, attorney, meeting, missing, placed, problem, run


def without(data: dict[str, Any], meeting_id: str, field: str) -> dict[str, Any]:
    changed = copy.deepcopy(data)
    for m in changed["meetings"]:
        if m["id"] == meeting_id:
            m.pop(field)
    return changed


def test_deadline_is_blamed_and_a_later_one_would_allow_it() -> None:
    data = problem(
        [
            meeting(
                "m",
                windows=[{"start": at(1, "09:00"), "end": at(1, "17:00")}],
                deadline=at(0, "17:00"),
            )
        ],
    )
    entry = missing(run(data)[1], "m")
    assert entry["code"] == "DEADLINE" and "a later deadline would allow it" in entry["reason"]
    assert placed(run(without(data, "m", "deadline"))[1], "m")


def test_client_windows_are_blamed_and_other_times_would_allow_it() -> None:
    data = problem([meeting("m", windows=[{"start": at(0, "18:00"), "end": at(0, "20:00")}])])
    entry = missing(run(data)[1], "m")
    assert entry["code"] == "CLIENT_WINDOWS" and "other times for the client" in entry["reason"]
    assert placed(run(without(data, "m", "windows"))[1], "m")


def test_busy_calendar_is_blamed_and_a_free_one_would_allow_it() -> None:
    busy = [{"start": at(0, "09:00"), "end": at(0, "17:00")}]
    data = problem([meeting("m")], [attorney(busy=busy)], days=1)
    entry = missing(run(data)[1], "m")
    assert entry["code"] == "BUSY" and entry["reason"].startswith("Attorney A1's calendar is")
    free = copy.deepcopy(data)
    free["attorneys"][0]["busy"] = []
    assert placed(run(free)[1], "m")


def test_the_time_went_to_named_higher_priority_meetings() -> None:
    data = problem(
        [
            meeting("urgent", priority=5),
            meeting("also", priority=4),
            meeting("later", priority=2, duration=120),
        ],
        [attorney(hours="09:00-11:00")],
        days=1,
    )
    body = run(data)[1]
    entry = missing(body, "later")
    assert entry["code"] == "TAKEN_BY_OTHERS"
    assert entry["reason"] == (
        "Every time that suits both the client and Attorney A1 went to higher-priority meetings: "
        "urgent (priority 5) and also (priority 4)."
    )
    assert placed(body, "urgent") and placed(body, "also")


def test_frozen_meetings_holding_every_option_are_named() -> None:
    data = problem(
        [meeting("fixed"), meeting("new", priority=5)],
        [attorney(hours="09:00-10:00")],
        days=1,
        current=[{"meeting": "fixed", "start": at(0, "09:00"), "attorneys": ["a1"]}],
        frozen=["fixed"],
    )
    entry = missing(run(data)[1], "new")
    assert entry["code"] == "FROZEN_CONFLICT" and "fixed (priority 3)" in entry["reason"]


def test_reasons_never_mention_another_client_or_a_title() -> None:
    data = problem(
        [
            meeting("m1", client="Acme Holdings", title="Acme v. Globex strategy", priority=5),
            meeting("m2", client="Globex", title="Globex settlement"),
        ],
        [attorney(hours="09:00-10:00")],
        days=1,
    )
    reason = missing(run(data)[1], "m2")["reason"]
    assert "Acme" not in reason and "Globex" not in reason and "m1 (priority 5)" in reason


NAMED = re.compile(r"([\w-]+) \(priority (\d)\)")


def crowded_firm() -> dict[str, Any]:
    """The small generated firm with every request made twice: time runs short."""
    data = generate("small", 3)
    again = copy.deepcopy(data["meetings"])
    for m in again:
        m["id"] += "-b"
    data["meetings"] += again
    return data


def test_reasons_on_a_crowded_firm_are_true() -> None:
    data = crowded_firm()
    parsed, body = run(data, seconds=2.0)
    taken = 0
    scheduled = {s["meeting"]: s for s in body["scheduled"]}
    plan = [
        Placement(s["meeting"], _instant(s["start"]), tuple(s["attorneys"]), s["room"])
        for s in body["scheduled"]
    ]
    checked = 0
    for entry in body["unscheduled"]:
        m = parsed.meeting_by_id[entry["meeting"]]
        if entry["code"] == "TAKEN_BY_OTHERS":
            for meeting_id, priority in NAMED.findall(entry["reason"]):
                assert meeting_id in scheduled
                assert parsed.meeting_by_id[meeting_id].priority == int(priority)
            if taken < 6:  # a brute force over every start: a handful is enough
                assert not _fits_somewhere(parsed, plan, m.id), f"{m.id} could have been placed"
            taken += 1
            checked += 1
        elif "would allow it" in entry["reason"]:
            field = {
                "DEADLINE": "deadline",
                "CLIENT_WINDOWS": "windows",
                "EARLIEST_START": "earliest_start",
            }.get(entry["code"])
            if field is not None:
                alone = dict(data, meetings=[x for x in data["meetings"] if x["id"] == m.id])
                alone.pop("current", None)
                alone.pop("frozen", None)
                assert placed(run(without(alone, m.id, field), seconds=1.0)[1], m.id)
                checked += 1
    assert taken >= 4 and checked >= 6


def _instant(text: str):  # type: ignore[no-untyped-def]
    from datetime import datetime

    return datetime.fromisoformat(text)


def _fits_somewhere(parsed, plan: list[Placement], meeting_id: str) -> bool:  # type: ignore[no-untyped-def]
    """Brute force with the validator: any start, attorney set and room that keeps every rule."""
    m = parsed.meeting_by_id[meeting_id]
    step = timedelta(minutes=parsed.granularity_minutes)
    rooms = parsed.candidate_rooms(m) or (None,)
    moment = parsed.horizon.start
    while moment + m.duration <= parsed.horizon.end:
        local = moment.astimezone(parsed.zone)
        if 6 <= local.hour <= 20:  # every attorney of the generator works within these hours
            for team in itertools.combinations(m.attorneys, m.attorneys_needed):
                for room in rooms:
                    option = Placement(m.id, moment, team, room)
                    if check_placements(parsed, [option]):
                        continue  # not even possible on its own
                    if not check_placements(parsed, [*plan, option]):
                        return True
        moment += step
    return False


@pytest.mark.parametrize("code", ["SCREENED", "ROOM"])
def test_static_codes(code: str) -> None:
    if code == "SCREENED":
        data = problem([meeting("m", matter="x")], [attorney(screened_matters=["x"])])
    else:
        data = problem([meeting("m", needs_room=True)])
    assert missing(run(data)[1], "m")["code"] == code
