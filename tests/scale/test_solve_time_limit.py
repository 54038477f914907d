"""A solve that hits its time limit answers with the best plan found so far, marked as such."""

from __future__ import annotations

import time

from benchmarks.solver.generate import generate
from scheduler.solver import check_result, parse_problem, solve, to_json


def test_a_large_solve_stops_at_its_limit_with_a_valid_plan_marked_feasible() -> None:
    problem = parse_problem(generate("large", seed=3))  # 60 attorneys, 2,000 meetings
    began = time.monotonic()
    result = solve(problem, time_limit_seconds=3.0, workers=2, seed=1)
    elapsed = time.monotonic() - began
    body = to_json(result)
    assert body["status"] == "feasible"  # not proved: the best found so far
    assert body["stats"]["proved_optimal"] is False
    assert body["scheduled"] and check_result(problem, body) == []
    placed = {s["meeting"] for s in body["scheduled"]} | {u["meeting"] for u in body["unscheduled"]}
    assert len(placed) == len(problem.meetings)
    assert elapsed < 3.0 + 2.0  # the limit, plus building and writing the answer
