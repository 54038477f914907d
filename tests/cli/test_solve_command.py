"""``secretary solve``: a summary or the JSON result, a file, and exit 2 naming a bad field."""

from __future__ import annotations

import json
from pathlib import Path

from scheduler.solver import check_result, parse_problem
from tests.cli.conftest import Run
from tests.scheduler.solver.builders import at, attorney, meeting, problem

HAND = Path(__file__).resolve().parents[1] / "data" / "instances" / "hand-dst-firm" / "problem.json"


def test_json_result_is_valid_and_written_to_a_file(run: Run, tmp_path: Path) -> None:
    out = tmp_path / "plan.json"
    result = run(
        "solve", str(HAND), "--time-limit", "2", "--workers", "1", "--json", "-o", str(out)
    )
    assert result.exit_code == 0, result.output
    body = json.loads(result.stdout)
    assert body == json.loads(out.read_text(encoding="utf-8"))
    assert check_result(parse_problem(HAND.read_text(encoding="utf-8")), body) == []
    assert body["status"] in ("optimal", "feasible") and body["changed"] == ["moved"]


def test_summary_names_priorities_bound_and_reasons(run: Run) -> None:
    result = run("solve", str(HAND), "--time-limit", "1", "--workers", "1")
    assert result.exit_code == 0, result.output
    text = " ".join(result.stdout.split())
    assert "10 of 14 meetings scheduled" in text
    assert "first-fit" in text and "proven bound" in text
    assert "walled-only" in text and "SCREENED" in text


def test_bad_problem_exits_2_with_the_field_path(run: Run, tmp_path: Path) -> None:
    data = problem([meeting("m0"), meeting("m1", ["a1", "ghost"])])
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    out = tmp_path / "never.json"
    result = run("solve", str(path), "-o", str(out))
    assert result.exit_code == 2
    assert "meetings[1].attorneys[1]" in result.output and "ghost" in result.output
    assert not out.exists()  # nothing is half-solved


def test_missing_file_and_bad_limits_exit_2(run: Run, tmp_path: Path) -> None:
    assert run("solve", str(tmp_path / "nope.json")).exit_code == 2
    path = tmp_path / "ok.json"
    path.write_text(json.dumps(problem([meeting("m")])), encoding="utf-8")
    assert run("solve", str(path), "--time-limit", "0").exit_code == 2
    assert run("solve", str(path), "--workers", "0").exit_code == 2


def test_infeasible_frozen_plan_exits_1_but_writes_the_result(run: Run, tmp_path: Path) -> None:
    data = problem(
        [meeting("m1")],
        [attorney(hours="09:00-10:00")],
        current=[{"meeting": "m1", "start": at(0, "11:00"), "attorneys": ["a1"]}],
        frozen=["m1"],
    )
    path = tmp_path / "frozen.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    out = tmp_path / "plan.json"
    result = run("solve", str(path), "-o", str(out))
    assert result.exit_code == 1
    assert "frozen meeting m1 breaks a rule" in " ".join(result.output.split())
    assert json.loads(out.read_text(encoding="utf-8"))["status"] == "infeasible"
