"""Golden instances (``tests/data/instances/<name>/``): results within stored bounds.

The assertions are bounds (at least so many meetings per priority, at most so many changes, the
placements the rules force), not exact plans, so that a better or differently tied search does
not break them.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tests.scheduler.solver.builders import placed, run

INSTANCES = Path(__file__).resolve().parents[2] / "data" / "instances"
NAMES = sorted(p.name for p in INSTANCES.iterdir() if (p / "problem.json").exists())


def test_the_golden_instances_are_there() -> None:
    assert {"hand-dst-firm", "generated-small", "generated-replan-small"} <= set(NAMES)


@pytest.mark.parametrize("name", NAMES)
def test_golden_instance(name: str) -> None:
    data = json.loads((INSTANCES / name / "problem.json").read_text(encoding="utf-8"))
    expected: dict[str, Any] = json.loads((INSTANCES / name / "expected.json").read_text("utf-8"))
    _, body = run(data, seconds=expected["time_limit"], workers=1)
    stats = body["stats"]
    assert body["status"] in expected["status_in"]
    for p, least in expected["min_scheduled_by_priority"].items():
        assert stats["scheduled_by_priority"][p] >= least, f"priority {p}"
        assert stats["scheduled_by_priority"][p] >= stats["greedy"]["scheduled_by_priority"][p]
    assert stats["score"] >= expected.get("min_score", 0)
    assert stats["score_bound"] >= stats["score"]
    if "max_changed" in expected:
        assert stats["changed"] <= expected["max_changed"]
    if "changed" in expected:
        assert body["changed"] == expected["changed"]
    for meeting_id, want in expected.get("placements", {}).items():
        got = placed(body, meeting_id)
        assert got is not None, meeting_id
        for key, value in want.items():
            assert got[key] == value, (meeting_id, key)
    codes = {u["meeting"]: u for u in body["unscheduled"]}
    for meeting_id, code in expected["unscheduled_codes"].items():
        assert codes[meeting_id]["code"] == code
    for meeting_id, words in expected.get("reasons_contain", {}).items():
        assert words in codes[meeting_id]["reason"]
