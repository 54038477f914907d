"""Reading the problem format: every refusal names the path of the wrong value."""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

import pytest

from scheduler.errors import InvalidInput
from scheduler.solver import parse_problem
from tests.scheduler.solver.builders import at, attorney, meeting, problem


def base() -> dict[str, Any]:
    return problem(
        [
            meeting("m0", ["a1", "a2"], windows=[{"start": at(0, "09:00"), "end": at(0, "12:00")}]),
            meeting("m1", ["a1"], needs_room=True, rooms=["r1"]),
            meeting("m2", ["a2"], deadline=at(2, "17:00")),
            meeting("m3", ["a1", "a2"], attorneys_needed=2),
        ],
        [
            attorney("a1", busy=[{"start": at(0, "09:00"), "end": at(0, "10:00")}]),
            attorney("a2", timezone="America/Chicago"),
        ],
        rooms=1,
        current=[{"meeting": "m1", "start": at(1, "09:00"), "attorneys": ["a1"], "room": "r1"}],
        frozen=["m1"],
    )


Edit = Callable[[dict[str, Any]], None]


def _set(path: list[Any], value: Any) -> Edit:
    def edit(data: dict[str, Any]) -> None:
        node = data
        for key in path[:-1]:
            node = node[key]
        node[path[-1]] = value

    return edit


CASES: list[tuple[str, Edit, str, str]] = [
    (
        "unknown attorney",
        _set(["meetings", 3, "attorneys", 1], "a9"),
        "meetings[3].attorneys[1]",
        "a9",
    ),
    ("duplicate meeting", _set(["meetings", 1, "id"], "m0"), "meetings[1].id", "duplicate"),
    ("duplicate attorney", _set(["attorneys", 1, "id"], "a1"), "attorneys[1].id", "duplicate"),
    (
        "duplicate candidate",
        _set(["meetings", 0, "attorneys"], ["a1", "a1"]),
        "meetings[0].attorneys[1]",
        "duplicate",
    ),
    (
        "zero duration",
        _set(["meetings", 2, "duration_minutes"], 0),
        "meetings[2].duration_minutes",
        "positive",
    ),
    (
        "negative duration",
        _set(["meetings", 2, "duration_minutes"], -30),
        "meetings[2].duration_minutes",
        "positive",
    ),
    (
        "off-grid duration",
        _set(["meetings", 2, "duration_minutes"], 50),
        "meetings[2].duration_minutes",
        "multiple",
    ),
    (
        "window backwards",
        _set(["meetings", 0, "windows", 0, "end"], at(0, "08:00")),
        "meetings[0].windows[0].end",
        "before",
    ),
    (
        "busy backwards",
        _set(["attorneys", 0, "busy", 0, "end"], at(0, "09:00")),
        "attorneys[0].busy[0].end",
        "before",
    ),
    ("horizon backwards", _set(["horizon", "end"], at(0, "00:00")), "horizon.end", "before"),
    (
        "too many needed",
        _set(["meetings", 3, "attorneys_needed"], 3),
        "meetings[3].attorneys_needed",
        "between 1 and",
    ),
    (
        "no offset",
        _set(["meetings", 2, "deadline"], "2026-12-09T17:00:00"),
        "meetings[2].deadline",
        "offset",
    ),
    (
        "not an instant",
        _set(["meetings", 2, "deadline"], "Wednesday"),
        "meetings[2].deadline",
        "instant",
    ),
    (
        "number as text",
        _set(["meetings", 2, "duration_minutes"], "60"),
        "meetings[2].duration_minutes",
        "whole number",
    ),
    (
        "fractional granularity",
        _set(["granularity_minutes"], 15.5),
        "granularity_minutes",
        "whole number",
    ),
    ("priority out of range", _set(["meetings", 1, "priority"], 6), "meetings[1].priority", "5"),
    (
        "text as boolean",
        _set(["meetings", 1, "needs_room"], "yes"),
        "meetings[1].needs_room",
        "true or false",
    ),
    (
        "text instead of list",
        _set(["meetings", 0, "attorneys"], "a1"),
        "meetings[0].attorneys",
        "list",
    ),
    ("number as id", _set(["meetings", 0, "client"], 17), "meetings[0].client", "text"),
    ("missing client", lambda d: d["meetings"][0].pop("client"), "meetings[0].client", "required"),
    ("version 2", _set(["version"], 2), "version", "not supported"),
    (
        "unknown zone",
        _set(["attorneys", 1, "timezone"], "Mars/Olympus"),
        "attorneys[1].timezone",
        "time zone",
    ),
    (
        "bad hours",
        _set(["attorneys", 0, "working_hours", "mon"], ["9-5"]),
        "attorneys[0].working_hours.mon[0]",
        "HH:MM",
    ),
    (
        "bad weekday",
        _set(["attorneys", 0, "working_hours", "monday"], ["09:00-12:00"]),
        "attorneys[0].working_hours.monday",
        "day of the week",
    ),
    ("unknown room", _set(["meetings", 1, "rooms"], ["r7"]), "meetings[1].rooms[0]", "r7"),
    ("unknown current meeting", _set(["current", 0, "meeting"], "m9"), "current[0].meeting", "m9"),
    ("unknown current room", _set(["current", 0, "room"], "r9"), "current[0].room", "r9"),
    ("frozen without placement", _set(["frozen"], ["m2"]), "frozen[0]", "no placement"),
    ("frozen unknown", _set(["frozen"], ["m1", "zz"]), "frozen[1]", "zz"),
    ("closed date", _set(["closed_dates"], ["2026-12-32"]), "closed_dates[0]", "date"),
]


@pytest.mark.parametrize(
    ("edit", "path", "words"), [c[1:] for c in CASES], ids=[c[0] for c in CASES]
)
def test_bad_input_names_the_field(edit: Edit, path: str, words: str) -> None:
    data = copy.deepcopy(base())
    edit(data)
    with pytest.raises(InvalidInput) as caught:
        parse_problem(data)
    assert caught.value.field == path
    assert words in caught.value.message


def test_the_base_problem_is_valid() -> None:
    parsed = parse_problem(base())
    assert [m.id for m in parsed.meetings] == ["m0", "m1", "m2", "m3"]
    assert parsed.attorney_by_id["a2"].timezone == "America/Chicago"
    assert parsed.attorney_by_id["a1"].timezone == "America/New_York"  # the firm's zone
    assert parsed.meeting_by_id["m2"].priority == 3 and parsed.granularity_minutes == 15
    assert parsed.warnings == ()


def test_not_json_and_not_an_object() -> None:
    with pytest.raises(InvalidInput) as caught:
        parse_problem("{not json")
    assert caught.value.field == "problem"
    with pytest.raises(InvalidInput):
        parse_problem("[1, 2]")


def test_unknown_fields_are_reported_not_refused() -> None:
    data = base()
    data["meetings"][0]["attorney_needed"] = 2  # a typo of attorneys_needed
    data["owner"] = "someone"
    parsed = parse_problem(data)
    assert (
        "meetings[0].attorney_needed is not a field of the format and was ignored"
        in parsed.warnings
    )
    assert any(w.startswith("owner ") for w in parsed.warnings)


def test_instants_keep_their_meaning_in_utc() -> None:
    parsed = parse_problem(base())
    deadline = parsed.meeting_by_id["m2"].deadline
    assert deadline is not None and deadline.utcoffset() is not None
    assert deadline.isoformat() == "2026-12-09T22:00:00+00:00"
