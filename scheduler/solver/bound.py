"""A proven upper bound on the score, so that the remaining headroom is visible.

CP-SAT's bound on the whole problem is weak (its linear relaxation of thousands of optional
intervals in no-overlap constraints says little more than "every meeting that could fit on its own
fits"). A relaxation that splits does better: leave out the rules that tie attorneys together
besides shared meetings (rooms and opposing parties), and the problem falls apart into groups of
attorneys who share candidate meetings (a practice group, typically). Each group is then a
problem CP-SAT can often close, and the sum of the groups' bounds, plus the frozen meetings, is a
bound on the score of any valid plan. Groups are solved smallest first, each with a share of the
time; a group without a proof still contributes its (weaker) bound.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from scheduler.solver.model import ScheduleModel
from scheduler.solver.occupancy import Occupancy
from scheduler.solver.plan import SCORE_WEIGHTS
from scheduler.solver.preprocess import Instance


def attorney_groups(instance: Instance, free: list[int]) -> list[list[int]]:
    """The free meetings, grouped so that no two groups share a candidate attorney."""
    parent = list(range(len(instance.attorneys)))

    def find(a: int) -> int:
        while parent[a] != a:
            parent[a] = parent[parent[a]]
            a = parent[a]
        return a

    for m in free:
        info = instance.meetings[m]
        able = [a for a, mask in zip(info.candidates, info.allowed, strict=True) if mask]
        for a in able[1:]:
            ra, rb = find(able[0]), find(a)
            if ra != rb:
                parent[max(ra, rb)] = min(ra, rb)
    groups: dict[int, list[int]] = {}
    for m in free:
        info = instance.meetings[m]
        first = next(a for a, mask in zip(info.candidates, info.allowed, strict=True) if mask)
        groups.setdefault(find(first), []).append(m)
    return sorted(groups.values(), key=lambda g: (len(g), g[0]))


def score_bound(
    instance: Instance,
    fixed: Occupancy,
    free: list[int],
    *,
    seconds: float,
    workers: int = 1,
    seed: int = 0,
    deterministic: float | None = None,
    stop: Callable[[], bool] | None = None,
) -> int:
    """An upper bound on the score of every valid plan that keeps the fixed meetings."""
    started = time.perf_counter()
    fixed_score: int = sum(SCORE_WEIGHTS[instance.meetings[m].priority] for m in fixed.slots)
    groups = attorney_groups(instance, free)
    bounds: list[int] = [
        sum(SCORE_WEIGHTS[instance.meetings[m].priority] for m in g) for g in groups
    ]
    total = sum(len(g) for g in groups) or 1
    for i, group in enumerate(groups):
        left = seconds - (time.perf_counter() - started)
        if left <= 0.02 or (stop is not None and stop()):
            break
        remaining = sum(len(g) for g in groups[i:])
        # With a deterministic budget the clock is only a safety net (the answer must not
        # depend on it); otherwise each group gets its share of the time left.
        share = left if deterministic is not None else left * len(group) / remaining
        model = ScheduleModel(
            instance, fixed, group, objective="score", relaxed=True, capacity=False
        )
        outcome = model.solve(
            light=True,
            time_limit=share,
            workers=workers,
            seed=seed,
            deterministic_limit=None
            if deterministic is None
            else deterministic * len(group) / total,
        )
        if outcome.bound is not None:
            bounds[i] = min(bounds[i], int(outcome.bound + 1e-6))
    return fixed_score + sum(bounds)
