"""How long `secretary reschedule-day` takes on a large firm, start-up included.

Creates the large demo firm (60 attorneys, about 2,000 appointments over four weeks) in a fresh
SQLite file, finds the attorney-day with the most appointments, and times the dry run as a whole
process, the way a secretary runs it. Prints one JSON document.

    .venv/bin/python -m benchmarks.replan.bench --runs 5
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def secretary(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "scheduler.cli", *args],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite:///{Path(folder) / 'large.db'}"
        env = {**os.environ, "SECRETARY_DATABASE_URL": url}
        made = json.loads(
            secretary("demo", "--size", "large", "--seed", str(args.seed), "--json", env=env).stdout
        )
        start = made["start"]
        days = []
        for offset in range(14):
            day = time.strftime(
                "%Y-%m-%d",
                time.gmtime(time.mktime(time.strptime(start, "%Y-%m-%d")) + offset * 86400 + 43200),
            )
            agenda = json.loads(secretary("agenda", day, "--json", env=env).stdout)
            days += [((len(a["appointments"])), a["id"], day) for a in agenda["attorneys"]]
        count, attorney, day = max(days)
        walls: list[float] = []
        plan: dict[str, object] = {}
        for _ in range(args.runs):
            began = time.perf_counter()
            out = secretary("reschedule-day", day, "--attorney", attorney, "--json", env=env)
            walls.append(time.perf_counter() - began)
            plan = json.loads(out.stdout)
        peak_kib = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    print(
        json.dumps(
            {
                "firm": {k: made[k] for k in ("attorneys", "appointments", "rooms", "matters")},
                "attorney": attorney,
                "day": day,
                "appointments_that_day": count,
                "moved": len(plan["moved"]),  # type: ignore[arg-type]
                "unplaced": len(plan["unplaced"]),  # type: ignore[arg-type]
                "solve_seconds": plan["solve_seconds"],
                "wall_seconds": {
                    "median": round(statistics.median(walls), 3),
                    "min": round(min(walls), 3),
                    "max": round(max(walls), 3),
                },
                "runs": args.runs,
                "peak_rss_mib_of_any_child": round(peak_kib / 1024, 1),
                "load_average": os.getloadavg(),
                "counted_by_day": dict(Counter(d for _, _, d in days)),
            },
            indent=2,
        )
    )


if __name__ == "__main__":
    main()
