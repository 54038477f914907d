"""Jobs for long solves: queued in the database, solved by another process, polled by anyone on
the staff (the state is in the database, so any API worker can answer)."""

from __future__ import annotations

import json
import time
from datetime import timedelta
from pathlib import Path

from fastapi.testclient import TestClient

from scheduler.clock import FixedClock
from scheduler.domain import ScheduleJobStatus
from scheduler.services.access import operator
from scheduler.services.schedule_jobs import STOPPED, get_job, run_job, submit_job
from scheduler.solver import check_result, parse_problem
from scheduler.store import Store
from tests.scheduler.solver.builders import meeting, problem

HAND = Path(__file__).resolve().parents[1] / "data" / "instances" / "hand-dst-firm" / "problem.json"


def test_a_job_is_solved_by_another_process(api: TestClient, key_for) -> None:  # type: ignore[no-untyped-def]
    data = json.loads(HAND.read_text(encoding="utf-8"))
    staff = key_for("secretary")
    submitted = api.post("/v1/schedule/jobs?time_limit=1&workers=1", json=data, headers=staff)
    assert submitted.status_code == 202, submitted.text
    job = submitted.json()
    assert job["status"] == "queued" and submitted.headers["location"].endswith(job["id"])
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        polled = api.get(f"/v1/schedule/jobs/{job['id']}", headers=key_for("admin")).json()
        if polled["status"] in ("done", "failed"):
            break
        time.sleep(0.2)
    assert polled["status"] == "done", polled
    assert check_result(parse_problem(data), polled["result"]) == []
    assert polled["started_at"] and polled["finished_at"]


def test_jobs_refuse_bad_input_and_outsiders(api: TestClient, key_for) -> None:  # type: ignore[no-untyped-def]
    bad = problem([meeting("m", ["nobody"])])
    refused = api.post("/v1/schedule/jobs", json=bad, headers=key_for("secretary"))
    assert refused.status_code == 422 and refused.json()["field"] == "meetings[0].attorneys[0]"
    client = key_for("client", client_id="cli-001")
    assert (
        api.post("/v1/schedule/jobs", json=problem([meeting("m")]), headers=client).status_code
        == 403
    )
    assert api.get("/v1/schedule/jobs/job-unknown", headers=key_for("secretary")).status_code == 404
    assert api.get("/v1/schedule/jobs/job-unknown", headers=client).status_code == 403


def test_run_job_claims_once_and_a_lost_job_is_reported(store: Store, clock: FixedClock) -> None:
    with store.unit_of_work() as uow:
        job = submit_job(
            uow,
            operator(),
            clock.now(),
            problem([meeting("m")]),
            time_limit_seconds=1,
            workers=1,
            seed=0,
        )
    assert run_job(store.unit_of_work, job.id, clock) is True
    assert run_job(store.unit_of_work, job.id, clock) is False  # already taken
    with store.unit_of_work() as uow:
        done = get_job(uow, operator(), clock.now(), job.id)
    assert done.status is ScheduleJobStatus.DONE and done.result is not None
    assert done.result["scheduled"][0]["meeting"] == "m"

    with store.unit_of_work() as uow:
        lost = submit_job(
            uow,
            operator(),
            clock.now(),
            problem([meeting("m")]),
            time_limit_seconds=5,
            workers=1,
            seed=0,
        )
    later = clock.now() + timedelta(minutes=10)
    with store.unit_of_work() as uow:
        reported = get_job(uow, operator(), later, lost.id)
    assert reported.status is ScheduleJobStatus.FAILED and reported.error == STOPPED
