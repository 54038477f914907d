"""Batch scheduling: the schedule problem format, solved with first-fit and CP-SAT, explained.

The public entry for the rest of the engine::

    from scheduler.solver import parse_problem, solve, to_json

    problem = parse_problem(json_text_or_dict)        # InvalidInput(field=path) on bad input
    result = solve(problem, time_limit_seconds=10, workers=2, seed=0)
    body = to_json(result)                            # the format's Result, as a dict

``Problem`` can also be built in code (``secretary reschedule-day`` builds one from the store with
``current`` and ``frozen``): construct the dataclasses of :mod:`scheduler.solver.problem`, or
build the JSON object and pass it through :func:`parse_problem`, which checks it.
:func:`scheduler.solver.validate.check_placements` re-checks any plan against every rule.
"""

from __future__ import annotations

from scheduler.solver.problem import (
    AttorneySpec,
    MeetingSpec,
    Placement,
    Problem,
    RoomSpec,
    Span,
    parse_problem,
)
from scheduler.solver.result import (
    ScheduledMeeting,
    SolveResult,
    SolveStats,
    UnscheduledMeeting,
    to_json,
)
from scheduler.solver.search import Progress, ProgressCallback, SolverFailure, solve
from scheduler.solver.validate import Violation, check_placements, check_result

__all__ = [
    "AttorneySpec",
    "MeetingSpec",
    "Placement",
    "Problem",
    "Progress",
    "ProgressCallback",
    "RoomSpec",
    "ScheduledMeeting",
    "SolveResult",
    "SolveStats",
    "SolverFailure",
    "Span",
    "UnscheduledMeeting",
    "Violation",
    "check_placements",
    "check_result",
    "parse_problem",
    "solve",
    "to_json",
]
