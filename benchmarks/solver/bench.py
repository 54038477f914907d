"""Batch-scheduling benchmark: first-fit, CP-SAT hinted with first-fit (one global run) and the
solver (``scheduler.solver.solve``), on generated firms, with the same time and workers.

    python -m benchmarks.solver.bench                    # all sizes, seed 1, 2 workers
    python -m benchmarks.solver.bench --sizes small medium --seeds 1 2 --workers 2

Each method runs in a fresh process (so its peak memory is its own) and prints JSON; this script
collects the runs, re-checks every plan with the independent validator, measures every gap
against the solver's proven bound (the same bound for all three methods), checks the targets of
issue 4 and prints one JSON document.
"""

from __future__ import annotations

import argparse
import json
import platform
import resource
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

LIMITS = {"small": 2.0, "medium": 10.0, "large": 30.0, "replan": 10.0}
METHODS = ("greedy", "hinted", "solver")


def _placements_body(instance: Any, slots: dict[int, Any], status: str) -> dict[str, Any]:
    """A result document for a bare plan (first-fit or the hinted global run)."""
    from scheduler.solver.plan import changed

    problem = instance.problem
    scheduled = []
    for m, slot in sorted(slots.items()):
        p = instance.slot_to_placement(m, slot)
        scheduled.append(
            {
                "meeting": p.meeting,
                "start": problem.local(p.start).isoformat(),
                "end": problem.local(
                    p.start + problem.meeting_by_id[p.meeting].duration
                ).isoformat(),
                "attorneys": list(p.attorneys),
                "room": p.room,
            }
        )
    unscheduled = [
        {"meeting": m.spec.id, "code": "NOT_PLACED", "reason": "not placed by this method"}
        for m in instance.meetings
        if m.index not in slots
    ]
    return {
        "version": 1,
        "status": status,
        "scheduled": scheduled,
        "unscheduled": unscheduled,
        "changed": [instance.meetings[m].spec.id for m in changed(instance, slots)],
    }


def run_one(method: str, size: str, seed: int, limit: float, workers: int) -> dict[str, Any]:
    """One method on one problem, in this process."""
    from benchmarks.solver.generate import generate
    from scheduler.solver import check_result, parse_problem, solve, to_json
    from scheduler.solver.greedy import first_fit
    from scheduler.solver.model import ScheduleModel
    from scheduler.solver.occupancy import Occupancy
    from scheduler.solver.plan import quality
    from scheduler.solver.preprocess import preprocess

    problem = parse_problem(generate(size, seed))
    started = time.perf_counter()
    out: dict[str, Any] = {"method": method}
    if method == "solver":
        result = solve(problem, time_limit_seconds=limit, workers=workers, seed=seed)
        wall = time.perf_counter() - started
        body = to_json(result)
        stats = body["stats"]
        out.update(
            status=body["status"],
            scheduled_by_priority=stats["scheduled_by_priority"],
            changed=stats["changed"],
            score=stats["score"],
            score_bound=stats["score_bound"],
            proved_optimal=stats["proved_optimal"],
            proved_priorities_and_changes=stats["proved_priorities_and_changes"],
            neighbourhoods=stats["neighbourhoods"],
            improvements=stats["improvements"],
            path=stats["method"],
        )
    else:
        instance = preprocess(problem)
        greedy = first_fit(instance)
        slots = greedy
        status = "feasible"
        if method == "hinted":
            frozen = [(m, s) for m, s in greedy.items() if instance.meetings[m].frozen]
            free = [m.index for m in instance.meetings if not m.frozen and m.any_allowed]
            model = ScheduleModel(
                instance, Occupancy(instance, frozen), free, objective="placement", capacity=False
            )
            model.hint(greedy)
            outcome = model.solve(
                time_limit=limit - (time.perf_counter() - started), workers=workers, seed=seed
            )
            out["cp_sat_status"] = outcome.status
            out["cp_sat_bound"] = outcome.bound
            if outcome.solved:
                slots = dict(frozen)
                slots.update(outcome.slots)
                status = "optimal" if outcome.optimal else "feasible"
        wall = time.perf_counter() - started
        q = quality(instance, slots)
        body = _placements_body(instance, slots, status)
        out.update(
            status=status,
            scheduled_by_priority={str(p): n for p, n in q.placed.items()},
            changed=q.changes,
            score=q.score,
        )
    out["wall_seconds"] = round(wall, 3)
    out["violations"] = len(check_result(problem, body))
    out["peak_rss_mib"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)
    return out


def _child(method: str, size: str, seed: int, limit: float, workers: int) -> dict[str, Any]:
    command = [
        sys.executable,
        str(Path(__file__).resolve()),
        "--one",
        method,
        "--sizes",
        size,
        "--seeds",
        str(seed),
        "--workers",
        str(workers),
        "--time-limit",
        str(limit),
    ]
    done = subprocess.run(command, capture_output=True, text=True, check=True, cwd=ROOT)
    result: dict[str, Any] = json.loads(done.stdout)
    return result


def _gap(bound: int, score: int) -> float:
    return round((bound - score) / bound, 5) if bound else 0.0


def _dominates(a: dict[str, int], b: dict[str, int]) -> bool:
    return all(a[p] >= b[p] for p in b)


def _not_behind_in_priority_order(a: dict[str, int], b: dict[str, int]) -> bool:
    """``a`` is at least as good as ``b`` in the format's strict order: compared level by
    level from priority 5 down, the first level that differs decides."""
    levels = sorted(b, key=int, reverse=True)
    return [a[p] for p in levels] >= [b[p] for p in levels]


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Batch-scheduling benchmark (issue 4).")
    parser.add_argument("--sizes", nargs="+", default=list(LIMITS), choices=list(LIMITS))
    parser.add_argument("--seeds", nargs="+", type=int, default=[1])
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--time-limit", type=float, help="override the per-size limits")
    parser.add_argument("--one", choices=METHODS, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.one:
        size, seed = args.sizes[0], args.seeds[0]
        limit = args.time_limit or LIMITS[size]
        sys.stdout.write(json.dumps(run_one(args.one, size, seed, limit, args.workers)) + "\n")
        return
    runs = []
    for size in args.sizes:
        for seed in args.seeds:
            limit = args.time_limit or LIMITS[size]
            by_method = {m: _child(m, size, seed, limit, args.workers) for m in METHODS}
            bound = by_method["solver"]["score_bound"]
            for r in by_method.values():
                r["gap"] = _gap(bound, r["score"])
            solver, greedy, hinted = by_method["solver"], by_method["greedy"], by_method["hinted"]
            targets: dict[str, bool] = {
                "valid": all(r["violations"] == 0 for r in by_method.values()),
                "never_below_greedy_at_any_level": _dominates(
                    solver["scheduled_by_priority"], greedy["scheduled_by_priority"]
                ),
                "never_below_hinted_at_any_level": _dominates(
                    solver["scheduled_by_priority"], hinted["scheduled_by_priority"]
                ),
                "not_behind_hinted_in_priority_order": _not_behind_in_priority_order(
                    solver["scheduled_by_priority"], hinted["scheduled_by_priority"]
                ),
                "within_time": solver["wall_seconds"] <= limit + 1.0,
            }
            if size == "small":
                targets["proved_optimal"] = bool(solver["proved_optimal"])
            if size == "large":
                targets["peak_under_1_gib"] = solver["peak_rss_mib"] < 1024
                targets["gap_at_most_half_of_greedy"] = solver["gap"] <= greedy["gap"] / 2
            runs.append(
                {
                    "size": size,
                    "seed": seed,
                    "time_limit": limit,
                    "workers": args.workers,
                    "bound": bound,
                    "methods": by_method,
                    "targets": targets,
                }
            )
            sys.stderr.write(f"{size} seed {seed}: {json.dumps(targets)}\n")
    report = {
        "machine": {"python": platform.python_version(), "cpus": _cpus(), "load": _load()},
        "runs": runs,
    }
    sys.stdout.write(json.dumps(report, indent=1) + "\n")


def _cpus() -> int:
    import os

    return os.cpu_count() or 0


def _load() -> list[float]:
    import os

    return [round(x, 2) for x in os.getloadavg()]


if __name__ == "__main__":
    main()
