"""Solves one batch-scheduling job in a process of its own.

``python -m scheduler.cli.job_runner JOB_ID``, started by ``POST /v1/schedule/jobs``; the
database comes from ``SECRETARY_DATABASE_URL`` (the environment, never the command line, so a
password does not show in the process list). Not a ``secretary`` command: nobody runs it by hand.
"""

from __future__ import annotations

import sys

from scheduler.clock import SystemClock
from scheduler.services.schedule_jobs import run_job
from scheduler.settings import Settings
from scheduler.store import open_store


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        sys.stderr.write("usage: python -m scheduler.cli.job_runner JOB_ID\n")
        return 2
    store = open_store(Settings().database_url, migrate=False)
    try:
        run_job(store.unit_of_work, argv[0], SystemClock())
    finally:
        store.dispose()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
