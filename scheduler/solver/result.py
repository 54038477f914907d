"""The answer to a schedule problem, and its JSON form (the format's "Result")."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Literal

from scheduler.solver.plan import PRIORITIES
from scheduler.solver.problem import FORMAT_VERSION, Problem

Status = Literal["optimal", "feasible", "infeasible"]


@dataclass(frozen=True, slots=True)
class ScheduledMeeting:
    meeting: str
    start: datetime
    end: datetime
    attorneys: tuple[str, ...]
    room: str | None


@dataclass(frozen=True, slots=True)
class UnscheduledMeeting:
    meeting: str
    code: str
    reason: str


@dataclass(frozen=True, slots=True)
class PlanSummary:
    scheduled_by_priority: dict[int, int]
    changed: int
    score: int


@dataclass(frozen=True, slots=True)
class SolveStats:
    wall_seconds: float
    scheduled_by_priority: dict[int, int]
    changed: int
    proved_optimal: bool
    #: 16, 8, 4, 2, 1 per scheduled meeting of priority 5..1.
    score: int
    #: A proven upper bound on the score of any valid plan, and the relative gap to it.
    score_bound: int
    gap: float
    greedy: PlanSummary
    method: str
    #: Neighbourhoods tried and improvements found by the search.
    #: Proved best for priorities and changes (``proved_optimal`` adds earliness).
    proved_placement: bool = False
    neighbourhoods: int = 0
    improvements: int = 0
    earliness: int = 0


@dataclass(frozen=True)
class SolveResult:
    problem: Problem = field(repr=False)
    status: Status
    scheduled: tuple[ScheduledMeeting, ...]
    unscheduled: tuple[UnscheduledMeeting, ...]
    changed: tuple[str, ...]
    stats: SolveStats
    error: str | None = None

    @property
    def warnings(self) -> tuple[str, ...]:
        return self.problem.warnings


def _by_priority(counts: dict[int, int]) -> dict[str, int]:
    return {str(p): counts.get(p, 0) for p in PRIORITIES}


def to_json(result: SolveResult) -> dict[str, Any]:
    """The result in the JSON format (instants in the firm's zone, with their offset)."""
    problem = result.problem
    stats = result.stats
    body: dict[str, Any] = {"version": FORMAT_VERSION, "status": result.status}
    if result.error is not None:
        body["error"] = result.error
    body["scheduled"] = [
        {
            "meeting": s.meeting,
            "start": problem.local(s.start).isoformat(),
            "end": problem.local(s.end).isoformat(),
            "attorneys": list(s.attorneys),
            "room": s.room,
        }
        for s in result.scheduled
    ]
    body["unscheduled"] = [
        {"meeting": u.meeting, "code": u.code, "reason": u.reason} for u in result.unscheduled
    ]
    body["changed"] = list(result.changed)
    body["stats"] = {
        "wall_seconds": round(stats.wall_seconds, 3),
        "scheduled_by_priority": _by_priority(stats.scheduled_by_priority),
        "changed": stats.changed,
        "proved_optimal": stats.proved_optimal,
        "proved_priorities_and_changes": stats.proved_placement,
        "score": stats.score,
        "score_bound": stats.score_bound,
        "gap": round(stats.gap, 6),
        "earliness": stats.earliness,
        "method": stats.method,
        "neighbourhoods": stats.neighbourhoods,
        "improvements": stats.improvements,
        "greedy": {
            "scheduled_by_priority": _by_priority(stats.greedy.scheduled_by_priority),
            "changed": stats.greedy.changed,
            "score": stats.greedy.score,
        },
    }
    if problem.warnings:
        body["warnings"] = list(problem.warnings)
    return body
