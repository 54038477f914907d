"""Batch scheduling over HTTP: the schedule problem format in, the result format out.

``POST /v1/schedule/solve`` answers in the request (a synchronous route, so it runs in the
server's thread pool and never blocks the event loop; CP-SAT releases the interpreter lock while
it searches). Its time limit is capped at ``MAX_SYNC_SECONDS`` and at most
``MAX_CONCURRENT_SOLVES`` run at once per API process (more get 503 with Retry-After); longer
solves go through the jobs routes below.

``POST /v1/schedule/jobs`` stores the problem as a job in the database and starts a separate
process (``python -m scheduler.cli.job_runner``) that solves it and writes the result back;
``GET /v1/schedule/jobs/{id}`` answers from the database, so any API worker can answer the poll.
"""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Body, Query, Response
from pydantic import BaseModel, Field

from api.deps import ActorDep, ClockDep, SettingsDep, UowDep
from scheduler.domain import ScheduleJob
from scheduler.errors import Unavailable
from scheduler.services.access import require_staff
from scheduler.services.schedule_jobs import MAX_JOB_SECONDS, get_job, submit_job
from scheduler.settings import Settings
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


class JobOut(BaseModel):
    id: str
    status: str = Field(description="queued, running, done or failed")
    created_at: datetime
    started_at: datetime | None = None
    finished_at: datetime | None = None
    time_limit_seconds: float
    result: ResultOut | None = Field(default=None, description="When done: the result format.")
    error: str | None = Field(default=None, description="When failed: what went wrong.")

    @classmethod
    def of(cls, job: ScheduleJob) -> JobOut:
        return cls(
            id=job.id,
            status=job.status.value,
            created_at=job.created_at,
            started_at=job.started_at,
            finished_at=job.finished_at,
            time_limit_seconds=job.time_limit_seconds,
            result=ResultOut.model_validate(job.result) if job.result is not None else None,
            error=job.error,
        )


def start_solving_process(job_id: str, settings: Settings) -> None:
    """Solve the job in a process of its own (reaped by a daemon thread when it ends)."""
    env = dict(os.environ, SECRETARY_DATABASE_URL=settings.database_url)
    process = subprocess.Popen(
        [sys.executable, "-m", "scheduler.cli.job_runner", job_id],
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    threading.Thread(target=process.wait, name=f"reap {job_id}", daemon=True).start()


@router.post("/jobs", status_code=202, response_model=JobOut, response_model_exclude_none=True)
def submit_solve_job(
    problem: Annotated[
        dict[str, Any],
        Body(
            description="A problem in the schedule problem format (version 1).",
            openapi_examples={"one meeting": {"value": EXAMPLE_PROBLEM}},
        ),
    ],
    response: Response,
    uow: UowDep,
    actor: ActorDep,
    clock: ClockDep,
    settings: SettingsDep,
    time_limit: Annotated[
        float | None,
        Query(gt=0, le=MAX_JOB_SECONDS, description="Seconds to search (at most an hour)."),
    ] = None,
    workers: Annotated[
        int | None,
        Query(ge=1, le=64, description="CP-SAT workers (capped by SECRETARY_SOLVER_WORKERS)."),
    ] = None,
    seed: Annotated[int, Query(ge=0, description="Random seed of the search.")] = 0,
) -> JobOut:
    """Queue a schedule problem and solve it in the background (staff only); poll the job.

    The problem is checked now: bad input answers 422 with the field path and queues nothing.
    """
    job = submit_job(
        uow,
        actor,
        clock.now(),
        problem,
        time_limit_seconds=time_limit or settings.solver_time_limit_seconds,
        workers=min(workers or settings.solver_workers, settings.solver_workers),
        seed=seed,
    )
    start_solving_process(job.id, settings)
    response.headers["Location"] = f"/v1/schedule/jobs/{job.id}"
    return JobOut.of(job)


@router.get("/jobs/{job_id}", response_model=JobOut, response_model_exclude_none=True)
def poll_solve_job(job_id: str, uow: UowDep, actor: ActorDep, clock: ClockDep) -> JobOut:
    """A job's status, and its result once done (staff only)."""
    return JobOut.of(get_job(uow, actor, clock.now(), job_id))
