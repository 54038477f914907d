"""A folder of real-world-shaped calendars, each with the busy times it must give.

``tests/data/ics/NAME.ics`` is read as the calendar of an attorney (zone and address in
``NAME.json``) over the JSON's window; the merged busy blocks must be exactly the JSON's ``busy``.
Files with ``skipped`` series are refused in strict mode, naming each bad series by UID (and by
summary, unless the event is private), and give ``busy`` in tolerant mode.
"""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

from calendars.ics_import import ImportOptions, ImportRejected, busy_from_ics

DATA = Path(__file__).resolve().parents[1] / "data" / "ics"
CASES = sorted(p.stem for p in DATA.glob("*.ics"))


def load(name: str) -> tuple[bytes, dict[str, Any]]:
    return (DATA / f"{name}.ics").read_bytes(), json.loads((DATA / f"{name}.json").read_text())


def options(expected: dict[str, Any], *, tolerant: bool) -> ImportOptions:
    start, end = (datetime.fromisoformat(t) for t in expected["window"])
    return ImportOptions(
        zone=expected["zone"],
        window_start=start,
        window_end=end,
        emails=(expected["email"],),
        tolerant=tolerant,
    )


def as_pairs(blocks: list[Any]) -> list[list[str]]:
    return [
        [b.start.strftime("%Y-%m-%dT%H:%M:%SZ"), b.end.strftime("%Y-%m-%dT%H:%M:%SZ")]
        for b in blocks
    ]


def test_every_file_has_its_expectations() -> None:
    assert len(CASES) >= 7
    for name in CASES:
        assert (DATA / f"{name}.json").is_file(), name
        assert b"\r\n" in (DATA / f"{name}.ics").read_bytes(), f"{name} should use CRLF"


@pytest.mark.parametrize("name", CASES)
def test_file_gives_the_expected_busy_times(name: str) -> None:
    data, expected = load(name)
    result = busy_from_ics(data, options(expected, tolerant=bool(expected["skipped"])))
    assert as_pairs(result.blocks) == expected["busy"]
    assert sorted(p.uid for p in result.problems) == sorted(expected["skipped"])
    assert result.floating == expected.get("floating", 0)
    for block in result.blocks:
        assert block.start.utcoffset() is not None and block.start.utcoffset().total_seconds() == 0


@pytest.mark.parametrize("name", [n for n in CASES if load(n)[1]["skipped"]])
def test_strict_import_refuses_bad_series_naming_them(name: str) -> None:
    data, expected = load(name)
    with pytest.raises(ImportRejected) as refused:
        busy_from_ics(data, options(expected, tolerant=False))
    message = str(refused.value)
    assert refused.value.field == "ics"
    assert sorted(p.uid for p in refused.value.problems) == sorted(expected["skipped"])
    for uid in expected["skipped"]:
        assert uid in message
    for secret in expected.get("never_shown", []):
        assert secret not in message
    assert "(private event)" in message or not expected.get("never_shown")
    # Summaries of ordinary events are named so a person can find them.
    assert "Weekly sync" in message and "Client visit" in message


def test_unknown_zone_is_never_read_as_floating_time() -> None:
    data, expected = load("broken_series")
    result = busy_from_ics(data, options(expected, tolerant=True))
    reasons = {p.uid: p.reason for p in result.problems}
    assert "Customized Time Zone" in reasons["custom-tz@example.com"]
    assert result.floating == 0


def test_reimport_is_idempotent() -> None:
    data, expected = load("outlook_windows_zones")
    first = busy_from_ics(data, options(expected, tolerant=False))
    second = busy_from_ics(data, options(expected, tolerant=False))
    assert first.blocks == second.blocks
