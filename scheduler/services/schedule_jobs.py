"""Batch-scheduling jobs: submitted now, solved in another process, polled from any API worker.

The job (the problem, then the result) lives in the database, so whichever API worker answers
the poll sees the same state, and a solve that takes minutes never holds a request open. The
solving process claims the job (queued -> running, once), solves, and writes the result. A job
still unfinished well after its time limit (the process was killed, the machine restarted) is
reported failed rather than left running forever.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable, Mapping
from datetime import datetime, timedelta
from typing import Any

from scheduler.clock import Clock
from scheduler.domain import AuditEntry, ScheduleJob, ScheduleJobStatus
from scheduler.errors import InvalidInput, SecretaryError
from scheduler.ports import HasScheduleJobs
from scheduler.services.access import Actor, require_staff
from scheduler.solver import parse_problem, solve, to_json

#: The longest time limit a job accepts (seconds).
MAX_JOB_SECONDS = 3600.0
#: A job not finished this long after its time limit is reported failed.
GRACE_SECONDS = 120.0
STOPPED = "The solving process stopped before it finished; please submit the problem again."


def submit_job(
    uow: HasScheduleJobs,
    actor: Actor,
    now: datetime,
    problem: Mapping[str, Any],
    *,
    time_limit_seconds: float,
    workers: int,
    seed: int,
) -> ScheduleJob:
    """Check the problem (bad input is refused now, with its field path) and queue it."""
    require_staff(actor)
    if not 0 < time_limit_seconds <= MAX_JOB_SECONDS:
        raise InvalidInput(
            f"give a number of seconds above 0 and at most {MAX_JOB_SECONDS:g}", field="time_limit"
        )
    parsed = parse_problem(problem)
    job = ScheduleJob(
        id=f"job-{secrets.token_hex(10)}",
        status=ScheduleJobStatus.QUEUED,
        problem=dict(problem),
        time_limit_seconds=time_limit_seconds,
        workers=workers,
        seed=seed,
        created_at=now,
        created_by=actor.label,
    )
    uow.schedule_jobs.add(job)
    uow.audit.record(
        AuditEntry(
            at=now,
            actor=actor.label,
            action="schedule.job.submit",
            entity_type="schedule_job",
            entity_id=job.id,
            detail=f"{len(parsed.meetings)} meetings, {time_limit_seconds:g} s",
        )
    )
    uow.commit()
    return job


def get_job(uow: HasScheduleJobs, actor: Actor, now: datetime, job_id: str) -> ScheduleJob:
    """The job as it is now; one that should long have finished is marked failed."""
    require_staff(actor)
    job = uow.schedule_jobs.get(job_id)
    # Measured from the submission (the API's clock), not from the solving process's start.
    overdue = now - job.created_at > timedelta(seconds=job.time_limit_seconds + GRACE_SECONDS)
    if job.status in (ScheduleJobStatus.QUEUED, ScheduleJobStatus.RUNNING) and overdue:
        uow.schedule_jobs.finish(job_id, now, result=None, error=STOPPED)
        uow.commit()
        job = uow.schedule_jobs.get(job_id)
    return job


def run_job(units: Callable[[], HasScheduleJobs], job_id: str, clock: Clock) -> bool:
    """Solve one queued job and store its result; False if it was not queued (taken already)."""
    with units() as uow:
        if not uow.schedule_jobs.claim(job_id, clock.now()):
            return False
        job = uow.schedule_jobs.get(job_id)
        uow.commit()
    result: dict[str, Any] | None = None
    error: str | None = None
    try:
        problem = parse_problem(job.problem)
        solved = solve(
            problem,
            time_limit_seconds=job.time_limit_seconds,
            workers=job.workers,
            seed=job.seed,
        )
        result = to_json(solved)
    except SecretaryError as failure:
        error = str(failure)
    except Exception as failure:  # never a traceback or the problem's data in the answer
        error = f"The solver failed ({type(failure).__name__}); nothing was scheduled."
    with units() as uow:
        uow.schedule_jobs.finish(job_id, clock.now(), result=result, error=error)
        uow.commit()
    return True
