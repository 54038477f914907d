"""Batch scheduling over HTTP: the schedule problem format in, the result format out.

``POST /v1/schedule/solve`` answers in the request (a synchronous route, so it runs in the
server's thread pool and never blocks the event loop; CP-SAT releases the interpreter lock while
it searches). Its time limit is capped at ``MAX_SYNC_SECONDS`` and at most
``MAX_CONCURRENT_SOLVES`` run at once per API process (more get 503 with Retry-After); longer
solves go through the jobs routes below.
"""

from __future__ import annotations

import threading
from typing import Annotated, Any

from fastapi import APIRouter, Body, Query
from pydantic import BaseModel, Field

from api.deps import ActorDep, SettingsDep
from scheduler.errors import Unavailable
from scheduler.services.access import require_staff
from scheduler.solver import parse_problem, solve, to_json

router = APIRouter(prefix="/v1/schedule", tags=["schedule"])

#: The longest solve the synchronous route accepts (seconds).
MAX_SYNC_SECONDS = 30.0
#: Synchronous solves running at once in one API process.
MAX_CONCURRENT_SOLVES = 2
_running = threading.BoundedSemaphore(MAX_CONCURRENT_SOLVES)

EXAMPLE_PROBLEM: dict[str, Any] = {
    "version": 1,
    "timezone": "America/New_York",
    "horizon": {"start": "2026-12-07T00:00:00-05:00", "end": "2026-12-12T00:00:00-05:00"},
    "granularity_minutes": 15,
    "attorneys": [
        {
            "id": "att-okafor",
            "name": "Adaeze Okafor",
            "working_hours": {d: ["09:00-12:00", "13:00-17:00"] for d in ("mon", "tue", "wed")},
            "busy": [{"start": "2026-12-07T09:00:00-05:00", "end": "2026-12-07T11:00:00-05:00"}],
        }
    ],
    "rooms": [{"id": "room-1", "name": "Conference 1"}],
    "meetings": [
        {
            "id": "m-1",
            "client": "cli-17",
            "matter": "mat-17-1",
            "duration_minutes": 60,
            "attorneys": ["att-okafor"],
            "needs_room": True,
            "priority": 5,
            "deadline": "2026-12-08T17:00:00-05:00",
        }
    ],
}


class ScheduledOut(BaseModel):
    meeting: str
    start: str = Field(description="ISO 8601 with the firm's offset.")
    end: str
    attorneys: list[str]
    room: str | None


class UnscheduledOut(BaseModel):
    meeting: str
    code: str = Field(description="DEADLINE, CLIENT_WINDOWS, TAKEN_BY_OTHERS, FROZEN_CONFLICT ...")
    reason: str = Field(description="One plain sentence a secretary can read to the client.")


class ResultOut(BaseModel):
    """The result format of the schedule problem (see README, 'The schedule problem format')."""

    version: int
    status: str = Field(description="optimal, feasible or infeasible")
    error: str | None = None
    scheduled: list[ScheduledOut]
    unscheduled: list[UnscheduledOut]
    changed: list[str]
    stats: dict[str, Any]
    warnings: list[str] | None = None


@router.post("/solve", response_model=ResultOut, response_model_exclude_none=True)
def solve_problem(
    problem: Annotated[
        dict[str, Any],
        Body(
            description="A problem in the schedule problem format (version 1).",
            openapi_examples={"one meeting": {"value": EXAMPLE_PROBLEM}},
        ),
    ],
    actor: ActorDep,
    settings: SettingsDep,
    time_limit: Annotated[
        float | None,
        Query(
            gt=0,
            le=MAX_SYNC_SECONDS,
            description="Seconds to search (default from the settings; at most "
            f"{MAX_SYNC_SECONDS:g} here, use /v1/schedule/jobs for longer).",
        ),
    ] = None,
    workers: Annotated[
        int | None,
        Query(ge=1, le=64, description="CP-SAT workers (capped by SECRETARY_SOLVER_WORKERS)."),
    ] = None,
    seed: Annotated[int, Query(ge=0, description="Random seed of the search.")] = 0,
) -> dict[str, Any]:
    """Solve a schedule problem now and answer with the plan (staff only).

    Bad input answers 422 with the path of the wrong field (``meetings[3].attorneys[1]``).
    """
    require_staff(actor)
    parsed = parse_problem(problem)
    limit = min(time_limit or settings.solver_time_limit_seconds, MAX_SYNC_SECONDS)
    threads = min(workers or settings.solver_workers, settings.solver_workers)
    if not _running.acquire(blocking=False):
        raise Unavailable(
            "The solver is busy with other problems; try again shortly, or submit a job to "
            "/v1/schedule/jobs.",
            retry_after_seconds=int(limit) + 1,
        )
    try:
        result = solve(parsed, time_limit_seconds=limit, workers=threads, seed=seed)
    finally:
        _running.release()
    return to_json(result)
