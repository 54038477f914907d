"""Solving a schedule problem: first-fit, then CP-SAT, within the time limit.

1. **Frozen check.** If the frozen placements themselves break a rule, the answer is
   ``infeasible`` with a sentence naming them.
2. **First-fit** (:mod:`scheduler.solver.greedy`): milliseconds; the floor the answer never goes
   below, at any priority level.
3. **Exact solve** when the problem is small (at most ``EXACT_MAX_MEETINGS`` meetings to decide
   and exact lexicographic weights): one CP-SAT model of the whole problem, hinted with first-fit,
   on all workers. When CP-SAT proves it optimal the status is ``optimal``.
4. **Large-neighbourhood search** otherwise. A global CP-SAT run on thousands of optional
   intervals spends its time propagating huge no-overlap constraints, so instead the search
   repeatedly frees a neighbourhood (an unscheduled meeting with the meetings that hold its
   options on one to three days; a whole group of attorneys who share meetings, on a window of
   days when the group is large; an attorney and the attorneys who share meetings with them on
   some days; a moved meeting with what now holds its old place), keeps everything else fixed
   (folded into the options, see :class:`~scheduler.solver.model.ScheduleModel`) and re-solves
   it exactly with CP-SAT. A neighbourhood's answer is taken only if the whole plan gets better
   in the format's exact order without losing a meeting at any priority level: the search climbs
   level by level and never trades a lower-priority meeting for a higher one (the exact solve of
   small problems does consider such trades, above the first-fit floor). Neighbourhood sizes
   adapt: bigger while CP-SAT proves them optimal, smaller when it runs out of time.
5. **The second worker and the bound.** With two or more workers, a companion thread runs
   alongside the search: for problems of moderate size it runs CP-SAT on the whole problem,
   hinted with first-fit; for larger ones it re-solves whole groups of attorneys who share
   meetings from a snapshot of the plan; either way it hands every better plan to the search.
   In its last share of the time it proves an upper bound on the score (16, 8, 4, 2, 1 per
   meeting of priority 5..1, see :mod:`scheduler.solver.bound`), so the gap shows how much could
   at most still be gained. With one worker the bound runs after the search.
6. **Finish.** Any meeting that still fits somewhere is placed (first-fit again), the plan is
   checked by :mod:`scheduler.solver.validate`, and every unscheduled meeting is explained.

The time limit is honoured: the search stops early enough for the finish, and every CP-SAT call
gets only the time that is left.

**Determinism.** With one worker the search is measured in deterministic work: CP-SAT's
deterministic time plus a fixed cost per solve and per model variable (each neighbourhood solve
has a fixed deterministic budget; the total is proportional to the time limit), and every random
choice comes from ``seed``; the same problem, seed and limit then give
the same answer on every run, unless the machine is so slow that the wall-clock limit cuts the
search first. With two or more workers the bound runs in parallel and the search follows the
clock, so answers may differ from run to run (never below first-fit).
"""

from __future__ import annotations

import random
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from scheduler.errors import SecretaryError
from scheduler.solver import bits
from scheduler.solver.bound import attorney_groups, score_bound
from scheduler.solver.explain import FROZEN_CONFLICT, Explainer
from scheduler.solver.greedy import first_fit, greedy_order
from scheduler.solver.model import Outcome, ScheduleModel
from scheduler.solver.occupancy import Occupancy
from scheduler.solver.plan import PRIORITIES, SCORE_WEIGHTS, Quality, changed, quality
from scheduler.solver.preprocess import Instance, Preprocessor, Slot
from scheduler.solver.problem import Problem
from scheduler.solver.result import (
    PlanSummary,
    ScheduledMeeting,
    SolveResult,
    SolveStats,
    UnscheduledMeeting,
)
from scheduler.solver.validate import Violation, check_placements

#: Problems with at most this many meetings to decide are solved as one exact model.
EXACT_MAX_MEETINGS = 200
#: Work per second of limit for the one-worker search: CP-SAT's deterministic time plus a fixed
#: cost per solve and per model variable (see ``_Search.count``). Calibrated on a loaded 2-core
#: machine, where one unit took about 12 s of wall time, so the search ends within the limit.
DETERMINISTIC_PER_SECOND = 0.05
WORK_PER_SOLVE = 0.001
WORK_PER_VARIABLE = 0.00001
#: Deterministic budgets of one neighbourhood solve: placing more, then earlier days.
PLACEMENT_DETERMINISTIC_LIMIT = 0.02
POLISH_DETERMINISTIC_LIMIT = 0.015
#: Wall-clock cap of one neighbourhood solve: with several workers it cuts solves that stall
#: (the search follows the clock anyway); with one it is only a safety net, far above what the
#: deterministic budget takes, so that it never decides the answer.
NEIGHBOURHOOD_SECONDS = 0.5
NEIGHBOURHOOD_SECONDS_ONE_WORKER = 5.0
MIN_NEIGHBOURHOOD, MAX_NEIGHBOURHOOD, START_NEIGHBOURHOOD = 12, 160, 40
#: Up to this many meetings to decide, the second worker first runs CP-SAT on the whole problem
#: (for this share of the time) before it turns to the bound.
PORTFOLIO_MAX_MEETINGS = 450
#: The companion's last share of the time goes to the bound; the groups it re-solves before
#: that are cut to a window of days above this size.
BOUND_SHARE = 0.4
COMPANION_GROUP_MAX_MEETINGS = 250
PORTFOLIO_WORKERS = 2
#: Whole-group neighbourhoods: their share of the search's work, how large (more meetings: a
#: window of days), and the budget of one (deterministic, and a wall-clock cap with several
#: workers).
GROUP_SHARE = 0.35
GROUP_MAX_MEETINGS = 100
GROUP_DETERMINISTIC_LIMIT = 0.3
GROUP_SECONDS = 1.0


class SolverFailure(SecretaryError):
    """The solver produced a plan that its own validator refused (a bug); nothing is returned."""

    http_status = 500
    code = "solver-failure"


@dataclass(frozen=True, slots=True)
class Progress:
    """What a progress display shows while a solve runs."""

    elapsed: float
    time_limit: float
    phase: str
    scheduled_by_priority: Mapping[int, int]
    changed: int
    score: int
    score_bound: int | None


ProgressCallback = Callable[[Progress], None]


def solve(
    problem: Problem,
    *,
    time_limit_seconds: float = 10.0,
    workers: int = 2,
    seed: int = 0,
    progress: ProgressCallback | None = None,
) -> SolveResult:
    """Schedule as many meetings as possible, most important first, within the time limit.

    Args:
        problem: a validated problem (:func:`scheduler.solver.parse_problem`).
        time_limit_seconds: wall-clock budget; the answer comes back within it plus the time to
            build the result (a fraction of a second even for thousands of meetings).
        workers: CP-SAT workers (threads); with one, the answer is deterministic for a seed.
        seed: the seed of every random choice.
        progress: called now and then with a :class:`Progress` (from the calling thread).

    Returns:
        A :class:`~scheduler.solver.result.SolveResult`; ``to_json`` gives the JSON form.
    """
    if time_limit_seconds <= 0:
        raise ValueError("time_limit_seconds must be positive")
    if workers < 1:
        raise ValueError("workers must be at least 1")
    started = time.perf_counter()
    frozen = [problem.current_by_meeting[m] for m in problem.frozen]
    violations = check_placements(problem, frozen)
    if violations:
        return _infeasible(problem, violations, time.perf_counter() - started)
    pre = Preprocessor(problem)
    instance = pre.instance()
    search = _Search(instance, started, time_limit_seconds, workers, seed, progress)
    search.run()
    return search.result(pre)


def _infeasible(problem: Problem, violations: list[Violation], elapsed: float) -> SolveResult:
    involved = sorted({m for v in violations for m in v.meetings if m in problem.frozen})
    rules = "; ".join(dict.fromkeys(v.message for v in violations[:4]))
    who = (
        f"frozen meeting {involved[0]} breaks"
        if len(involved) == 1
        else f"frozen meetings {', '.join(involved)} break"
    )
    error = f"The {who} a rule, so nothing was scheduled: {rules}."
    unscheduled = []
    for m in problem.meetings:
        if m.id in involved:
            reason = (
                "Its fixed placement breaks a rule: "
                + "; ".join(v.message for v in violations if m.id in v.meetings)
                + "."
            )
        else:
            reason = f"Nothing was scheduled, because the {who} a rule."
        unscheduled.append(UnscheduledMeeting(m.id, FROZEN_CONFLICT, reason))
    empty = dict.fromkeys(PRIORITIES, 0)
    stats = SolveStats(
        wall_seconds=elapsed,
        scheduled_by_priority=empty,
        changed=len(problem.current),
        proved_optimal=False,
        score=0,
        score_bound=0,
        gap=0.0,
        greedy=PlanSummary(empty, len(problem.current), 0),
        method="none",
    )
    return SolveResult(
        problem=problem,
        status="infeasible",
        scheduled=(),
        unscheduled=tuple(unscheduled),
        changed=tuple(p.meeting for p in problem.current),
        stats=stats,
        error=error,
    )


class _Companion(threading.Thread):
    """The second worker (one CP-SAT worker of its own), alongside the neighbourhood search.

    Problems of moderate size (at most ``PORTFOLIO_MAX_MEETINGS`` to decide): a global CP-SAT
    run, hinted with first-fit; its every improving plan is offered to the search, which takes it
    when it is better. Larger problems (where a global run barely moves): whole groups of
    attorneys who share meetings are re-solved one after another from a snapshot of the search's
    plan, and each better group plan is offered (the search merges it if it still fits). Either
    way the last ``BOUND_SHARE`` of the time goes to the bound (:mod:`scheduler.solver.bound`).
    """

    def __init__(
        self,
        search: _Search,
        fixed: Occupancy,
        *,
        seconds: float,
        portfolio: bool,
    ) -> None:
        super().__init__(name="schedule-companion", daemon=True)
        self.search = search
        self.instance = search.instance
        self.fixed = fixed
        self.free = search.free
        self.seconds = seconds
        self.seed = search.seed
        self.portfolio = portfolio
        self.hint = dict(search.slots)
        self.floor = search.floor(search.free)
        self.rng = random.Random(search.seed + 1)
        self.bound: int | None = None
        self._lock = threading.Lock()
        self._offer: dict[int, Slot] | None = None
        self._groups: list[tuple[list[int], dict[int, Slot]]] = []

    def run(self) -> None:
        started = time.perf_counter()
        search_until = (1 - BOUND_SHARE) * self.seconds
        if self.portfolio:
            model = ScheduleModel(
                self.instance,
                self.fixed,
                self.free,
                objective="placement",
                floor=self.floor,
                capacity=False,
            )
            model.hint(self.hint)
            model.solve(
                time_limit=search_until - (time.perf_counter() - started),
                workers=PORTFOLIO_WORKERS,
                seed=self.seed,
                probing=False,
                on_solution=self._offered,
            )
        else:
            while time.perf_counter() - started < search_until - GROUP_SECONDS:
                self._resolve_a_group()
        left = self.seconds - (time.perf_counter() - started)
        self.bound = score_bound(
            self.instance, self.fixed, self.free, seconds=left, workers=1, seed=self.seed
        )

    def _resolve_a_group(self) -> None:
        instance = self.instance
        snapshot = self.search.snapshot()
        waiting = {m for m in self.free if m not in snapshot}
        groups = self.search.groups
        if not waiting or not groups:
            time.sleep(0.05)
            return
        weights = [sum(1 for m in g if m in waiting) for g in groups]
        if not any(weights):
            time.sleep(0.05)
            return
        members = self.rng.choices(groups, weights=weights)[0]
        window = -1
        if len(members) > COMPANION_GROUP_MAX_MEETINGS:  # a window of days of a large group
            days = len(instance.firm_days)
            span = max(1, days * COMPANION_GROUP_MAX_MEETINGS // len(members))
            lo = self.rng.randrange(max(1, days - span + 1))
            _, first, _ = instance.firm_days[lo]
            _, _, last = instance.firm_days[min(days - 1, lo + span - 1)]
            window = bits.span(first, last)
            members = [
                m
                for m in members
                if (m in snapshot and window >> snapshot[m].start & 1)
                or (m not in snapshot and instance.meetings[m].any_allowed & window)
            ]
        free = [m for m in members if not instance.meetings[m].frozen]
        chosen = set(free)
        rest = Occupancy(instance, ((m, s) for m, s in snapshot.items() if m not in chosen))
        before = {m: snapshot[m] for m in free if m in snapshot}
        placed = dict.fromkeys(PRIORITIES, 0)
        for m in before:
            placed[instance.meetings[m].priority] += 1
        windows = {
            m: window | (bits.span(snapshot[m].start, snapshot[m].start) if m in snapshot else 0)
            for m in free
        }
        model = ScheduleModel(
            instance,
            rest,
            free,
            windows=windows,
            objective="placement",
            floor=placed,
            capacity=False,
        )
        model.hint(before)
        outcome = model.solve(
            time_limit=GROUP_SECONDS, workers=1, seed=self.rng.randrange(1 << 30), light=True
        )
        if outcome.solved and len(outcome.slots) > len(before):
            with self._lock:
                self._groups.append((free, outcome.slots))

    def _offered(self, slots: dict[int, Slot]) -> None:
        with self._lock:
            self._offer = slots

    def take(self) -> dict[int, Slot] | None:
        """The latest plan of the free meetings found by the global run, once."""
        with self._lock:
            offer, self._offer = self._offer, None
        return offer

    def take_groups(self) -> list[tuple[list[int], dict[int, Slot]]]:
        """Better plans of whole groups found since the last call."""
        with self._lock:
            groups, self._groups = self._groups, []
        return groups


class _Search:
    def __init__(
        self,
        instance: Instance,
        started: float,
        time_limit: float,
        workers: int,
        seed: int,
        progress: ProgressCallback | None,
    ) -> None:
        self.instance = instance
        self.started = started
        self.time_limit = time_limit
        self.deadline = started + time_limit
        self.workers = workers
        self.seed = seed
        self.rng = random.Random(seed)
        self.progress = progress
        self.greedy = first_fit(instance)
        self.slots = dict(self.greedy)
        self.occupancy = Occupancy(instance, self.slots.items())
        self.quality = quality(instance, self.slots)
        self.greedy_quality = self.quality
        self.free = [m.index for m in instance.meetings if not m.frozen and m.any_allowed]
        frozen_score = sum(SCORE_WEIGHTS[m.priority] for m in instance.meetings if m.frozen)
        self.frozen_score = frozen_score
        self.bound = frozen_score + sum(
            SCORE_WEIGHTS[instance.meetings[m].priority] for m in self.free
        )
        self.proved = not self.free
        # Proved: priorities and changes (the placement step), and everything.
        self.proved_placement = self.proved
        self.method = "first-fit"
        self.neighbourhoods = 0
        self.improvements = 0
        self.size = START_NEIGHBOURHOOD
        self.radius = 0
        self.failures: dict[int, int] = {}
        self.groups = attorney_groups(instance, self.free)
        self.group_work = 0.0
        self._snapshot_lock = threading.Lock()
        self._snapshot: dict[int, Slot] = dict(self.slots)
        self.deterministic_used = 0.0
        self.last_report = 0.0
        # Time kept for the finish: filling, validation, explanations, the result.
        self.reserve = min(0.25 * time_limit, 0.1 + 0.0004 * len(instance.meetings))

    # --- Driver ----------------------------------------------------------------------------------

    def left(self) -> float:
        return self.deadline - self.reserve - time.perf_counter()

    def report(self, phase: str, *, force: bool = False) -> None:
        if self.progress is None:
            return
        now = time.perf_counter()
        if not force and now - self.last_report < 0.2:
            return
        self.last_report = now
        q = self.quality
        self.progress(
            Progress(
                elapsed=now - self.started,
                time_limit=self.time_limit,
                phase=phase,
                scheduled_by_priority=q.placed,
                changed=q.changes,
                score=q.score,
                score_bound=self.bound,
            )
        )

    def run(self) -> None:
        self.report("first-fit", force=True)
        if self.proved:
            return
        if len(self.free) <= EXACT_MAX_MEETINGS and self.exact():
            return
        self.large_neighbourhood_search()

    def accept(self, slots: dict[int, Slot], *, monotone: bool = False) -> bool:
        """Take a plan if it is better and never below first-fit at any level (``monotone``:
        never below the current plan at any level either)."""
        candidate = quality(self.instance, slots)
        floor = self.quality if monotone else self.greedy_quality
        if candidate > self.quality and candidate.dominates_levels(floor):
            self.slots = slots
            self.quality = candidate
            self.occupancy = Occupancy(self.instance, slots.items())
            self.publish()
            return True
        return False

    def adopt(self, offer: Mapping[int, Slot] | None) -> None:
        """Take a plan of the free meetings from the global run if it is better."""
        if offer is None:
            return
        slots = {m: s for m, s in self.slots.items() if self.instance.meetings[m].frozen}
        slots.update(offer)
        if self.accept(slots, monotone=True):
            self.improvements += 1

    def snapshot(self) -> dict[int, Slot]:
        """A copy of the current plan (for the companion thread)."""
        with self._snapshot_lock:
            return dict(self._snapshot)

    def publish(self) -> None:
        with self._snapshot_lock:
            self._snapshot = dict(self.slots)

    def merge_group(self, members: list[int], slots: Mapping[int, Slot]) -> None:
        """Take a group's new plan (found from an older snapshot) if it still fits and is
        better, level by level."""
        occupancy = self.occupancy
        removed = {m: occupancy.remove(m) for m in members if m in occupancy.slots}
        added: list[int] = []
        fits = True
        for m, slot in sorted(slots.items(), key=lambda item: item[1].start):
            if not occupancy.fits(self.instance.meetings[m], slot):
                fits = False
                break
            occupancy.add(m, slot)
            added.append(m)
        if fits:
            candidate = {m: s for m, s in self.slots.items() if m not in removed}
            candidate.update(slots)
            q = quality(self.instance, candidate)
            if q > self.quality and q.dominates_levels(self.quality):
                self.slots = candidate
                self.quality = q
                self.improvements += 1
                self.publish()
                return
        for m in added:
            occupancy.remove(m)
        for m, slot in removed.items():
            occupancy.add(m, slot)

    def floor(self, free: list[int], *, monotone: bool = False) -> dict[int, int]:
        """What the free meetings must place, per level, to stay at or above first-fit
        (``monotone``: at or above the current plan, i.e. as many as they place now)."""
        inside = dict.fromkeys(PRIORITIES, 0)
        for m in free:
            if m in self.slots:
                inside[self.instance.meetings[m].priority] += 1
        if monotone:
            return inside
        placed = self.quality.placed
        target = self.greedy_quality.placed
        return {p: target[p] - (placed[p] - inside[p]) for p in PRIORITIES}

    # --- Exact ----------------------------------------------------------------------------------

    def exact(self) -> bool:
        """One model of the whole problem; False when its weights cannot be exact."""
        fixed = self.frozen_occupancy()
        model = ScheduleModel(
            self.instance, fixed, self.free, objective="placement", floor=self.floor(self.free)
        )
        if model.weights is None or not model.weights.exact:
            return False
        self.method = "exact"
        self.report("exact", force=True)
        deterministic = DETERMINISTIC_PER_SECOND * self.time_limit if self.workers == 1 else None
        placed, proved_placement, proved = self.two_steps(
            model,
            dict(self.slots),
            seconds=0.8 * self.left(),
            workers=self.workers,
            seed=self.seed,
            deterministic=deterministic,
        )
        slots = {m: s for m, s in self.slots.items() if self.instance.meetings[m].frozen}
        slots.update(placed)
        self.accept(slots)
        self.proved = proved and quality(self.instance, slots) == self.quality
        self.proved_placement = proved_placement and quality(self.instance, slots) == self.quality
        self.score_bound_run(fixed)
        return True

    def two_steps(
        self,
        model: ScheduleModel,
        incumbent: Mapping[int, Slot],
        *,
        seconds: float,
        workers: int,
        seed: int,
        deterministic: float | None,
    ) -> tuple[dict[int, Slot], bool, bool]:
        """Placement first (priorities, then changes), then earliness with those kept.

        Returns the best slots of the free meetings, and whether the placement step, and both
        steps, were proved optimal. ``incumbent`` is the current plan of the free meetings.
        """
        started = time.perf_counter()
        free_incumbent = {m: s for m, s in incumbent.items() if m in model.vars}
        model.hint(free_incumbent)
        first = model.solve(
            time_limit=max(0.02, 0.6 * seconds),
            workers=workers,
            seed=seed,
            deterministic_limit=None if deterministic is None else 0.5 * deterministic,
        )
        self.count(model, first)
        if not first.solved:
            return free_incumbent, False, False
        mine = self.placement_key(first.slots)
        theirs = self.placement_key(free_incumbent)
        start_from = first.slots if mine > theirs else free_incumbent
        best_key = max(mine, theirs)
        placed = dict.fromkeys(PRIORITIES, 0)
        for m in start_from:
            placed[self.instance.meetings[m].priority] += 1
        kept = self.kept(start_from)
        model.polish(placed, kept, start_from)
        second = model.solve(
            time_limit=max(0.02, seconds - (time.perf_counter() - started)),
            workers=workers,
            seed=seed,
            deterministic_limit=None if deterministic is None else 0.5 * deterministic,
        )
        self.count(model, second)
        if second.solved and self.placement_key(second.slots) >= best_key:
            return second.slots, first.optimal, first.optimal and second.optimal
        return dict(start_from), first.optimal, False

    def placement_key(self, slots: Mapping[int, Slot]) -> tuple[int, ...]:
        """Priorities then kept placements, for the free meetings of a model."""
        placed = self.counts(slots)
        return (*(placed[p] for p in PRIORITIES), self.kept(slots))

    def kept(self, slots: Mapping[int, Slot]) -> int:
        return sum(1 for m, s in slots.items() if s == self.instance.meetings[m].current_slot)

    def frozen_occupancy(self) -> Occupancy:
        return Occupancy(
            self.instance,
            ((m, s) for m, s in self.slots.items() if self.instance.meetings[m].frozen),
        )

    def score_bound_run(self, fixed: Occupancy) -> None:
        """The bound after the search (one worker), with the time that is left."""
        if self.bound <= self.quality.score:
            return
        left = self.left()
        if left < 0.05:
            return
        self.take_bound(
            score_bound(
                self.instance,
                fixed,
                self.free,
                seconds=left,
                workers=self.workers,
                seed=self.seed,
                deterministic=0.2 * DETERMINISTIC_PER_SECOND * self.time_limit
                if self.workers == 1
                else None,
            )
        )

    def take_bound(self, bound: int | None) -> None:
        if bound is not None:
            self.bound = min(self.bound, bound)

    # --- Large-neighbourhood search --------------------------------------------------------------

    def large_neighbourhood_search(self) -> None:
        self.method = "neighbourhood search"
        fixed = self.frozen_occupancy()
        companion: _Companion | None = None
        lns_workers = self.workers
        if self.workers >= 2:
            companion = _Companion(
                self,
                fixed,
                seconds=self.left(),
                portfolio=len(self.free) <= PORTFOLIO_MAX_MEETINGS,
            )
            companion.start()
            lns_workers = self.workers - 1
        budget = DETERMINISTIC_PER_SECOND * self.time_limit
        if self.workers == 1:
            budget *= 0.8
        while self.left() > 0.05:
            if self.workers == 1 and self.deterministic_used >= budget:
                break
            if companion is not None:
                self.adopt(companion.take())
                for members, slots in companion.take_groups():
                    self.merge_group(members, slots)
            kind, free, windows = self.neighbourhood()
            if not free:
                continue
            self.neighbourhoods += 1
            self.try_neighbourhood(kind, free, windows, lns_workers)
            self.report("search")
        if companion is not None:
            companion.join(max(0.0, self.deadline - time.perf_counter()))
            self.adopt(companion.take())
            for members, slots in companion.take_groups():
                self.merge_group(members, slots)
            self.take_bound(companion.bound)
        else:
            self.score_bound_run(fixed)

    def try_neighbourhood(
        self, kind: str, free: list[int], windows: dict[int, int], workers: int
    ) -> None:
        """Re-solve one neighbourhood; keep the answer if the whole plan gets better.

        ``compact`` neighbourhoods only look for earlier days (what is placed and kept stays);
        the others first look for more placed or kept meetings and, when they find some, tidy
        the earliness of the neighbourhood.
        """
        instance = self.instance
        occupancy = self.occupancy
        removed: dict[int, Slot] = {}
        for m in free:
            if m in occupancy.slots:
                removed[m] = occupancy.remove(m)
        group = kind == "group"
        work_before = self.deterministic_used
        model = ScheduleModel(
            instance,
            occupancy,
            free,
            windows=windows,
            objective="placement",
            floor=self.floor(free, monotone=True),
            capacity=not group,
        )
        seed = self.seed + self.neighbourhoods
        finished = False
        slots: Mapping[int, Slot] = removed
        placing = GROUP_DETERMINISTIC_LIMIT if group else PLACEMENT_DETERMINISTIC_LIMIT
        if kind == "compact":
            model.polish(self.counts(removed), self.kept(removed), removed)
            outcome = self.sub_solve(model, workers, seed, POLISH_DETERMINISTIC_LIMIT)
            finished = outcome.optimal
            if outcome.solved:
                slots = outcome.slots
        else:
            model.hint(removed)
            outcome = self.sub_solve(model, workers, seed, placing, group=group)
            finished = outcome.optimal
            if outcome.solved and self.placement_key(outcome.slots) > self.placement_key(removed):
                slots = outcome.slots
                model.polish(self.counts(slots), self.kept(slots), slots)
                tidy = self.sub_solve(model, workers, seed, POLISH_DETERMINISTIC_LIMIT)
                if tidy.solved:
                    slots = tidy.slots
        candidate = {m: s for m, s in self.slots.items() if m not in removed}
        candidate.update(slots)
        q = quality(instance, candidate)
        if q > self.quality and q.dominates_levels(self.quality):
            for m, s in slots.items():
                occupancy.add(m, s)
            self.slots = candidate
            self.quality = q
            self.improvements += 1
            self.publish()
        else:
            for m, s in removed.items():
                occupancy.add(m, s)
        # Adapt: larger while neighbourhoods are solved to the end, smaller when time runs out.
        if group:
            self.group_work += self.deterministic_used - work_before
        elif finished:
            self.size = min(MAX_NEIGHBOURHOOD, self.size + 2)
        else:
            self.size = max(MIN_NEIGHBOURHOOD, self.size - 4)

    def sub_solve(
        self,
        model: ScheduleModel,
        workers: int,
        seed: int,
        deterministic: float,
        *,
        group: bool = False,
    ) -> Outcome:
        cap = NEIGHBOURHOOD_SECONDS_ONE_WORKER if self.workers == 1 else NEIGHBOURHOOD_SECONDS
        if group and self.workers > 1:
            cap = GROUP_SECONDS
        outcome = model.solve(
            time_limit=max(0.02, min(cap, self.left())),
            workers=workers,
            seed=seed,
            deterministic_limit=deterministic,
            light=True,
        )
        self.count(model, outcome)
        return outcome

    def count(self, model: ScheduleModel, outcome: Outcome) -> None:
        """Add a solve's work: deterministic, so a one-worker search stops at the same point."""
        self.deterministic_used += (
            outcome.deterministic_time
            + WORK_PER_SOLVE
            + WORK_PER_VARIABLE * len(model.model.proto.variables)
        )

    def counts(self, slots: Mapping[int, Slot]) -> dict[int, int]:
        placed = dict.fromkeys(PRIORITIES, 0)
        for m in slots:
            placed[self.instance.meetings[m].priority] += 1
        return placed

    def neighbourhood(self) -> tuple[str, list[int], dict[int, int]]:
        unplaced = [m for m in self.free if m not in self.slots]
        moved = [
            m
            for m in changed(self.instance, self.slots)
            if self.instance.meetings[m].current_slot is not None
        ]
        roll = self.rng.random()
        # Whole groups get a share of the work (they are slow but often worth it).
        if unplaced and self.groups and self.group_work <= GROUP_SHARE * self.deterministic_used:
            return ("group", *self.whole_group(unplaced))
        if unplaced and roll < 0.75:
            return ("rescue", *self.rescue(unplaced))
        if moved and roll < 0.9:
            return ("restore", *self.restore(self.rng.choice(moved)))
        return ("compact", *self.compact())

    def whole_group(self, unplaced: list[int]) -> tuple[list[int], dict[int, int]]:
        """Every meeting of a group of attorneys who share meetings (on some days if the group
        is large), placed or not: the neighbourhood that lets meetings trade attorneys and days."""
        instance = self.instance
        waiting = set(unplaced)
        weights = [1 + sum(1 for m in g if m in waiting) for g in self.groups]
        members = self.rng.choices(self.groups, weights=weights)[0]
        window = -1
        if len(members) > GROUP_MAX_MEETINGS:
            days = len(instance.firm_days)
            span = max(1, days * GROUP_MAX_MEETINGS // len(members))
            lo = self.rng.randrange(max(1, days - span + 1))
            window = self._window(lo, min(days - 1, lo + span - 1))
            members = [
                m
                for m in members
                if (m in self.slots and window >> self.slots[m].start & 1)
                or (m not in self.slots and instance.meetings[m].any_allowed & window)
            ]
        free = [m for m in members if not instance.meetings[m].frozen]
        return free, self._windows(free, window)

    def _days_window(self, day: int) -> tuple[int, int]:
        days = self.instance.firm_days
        radius = self.rng.choice((0, 0, 1)) if self.size >= 30 else 0
        lo = max(0, day - radius)
        hi = min(len(days) - 1, day + radius)
        return lo, hi

    def _window(self, lo: int, hi: int) -> int:
        days = self.instance.firm_days
        return bits.span(days[lo][1], days[hi][2])

    def _placed_in(self, attorneys: set[int], window: int) -> list[int]:
        out = set()
        for a in attorneys:
            for m in self.occupancy.by_attorney[a]:
                if window >> self.slots[m].start & 1 and not self.instance.meetings[m].frozen:
                    out.add(m)
        return sorted(out, key=lambda m: (-self.instance.meetings[m].priority, m))

    def _grow(self, core: list[int], attorneys: set[int], window: int) -> list[int]:
        """Core meetings, then the placed meetings of ``attorneys`` in the window, then their
        other candidates' meetings and unplaced meetings with options there, up to the size."""
        chosen: dict[int, None] = dict.fromkeys(core)
        for m in self._placed_in(attorneys, window):
            if len(chosen) >= self.size:
                break
            chosen.setdefault(m)
        second = {a for m in list(chosen) for a in self.instance.meetings[m].candidates} - attorneys
        for m in self._placed_in(second, window):
            if len(chosen) >= self.size:
                break
            chosen.setdefault(m)
        pool = attorneys | second
        for m in self.free:
            if len(chosen) >= self.size:
                break
            if m in self.slots or m in chosen:
                continue
            info = self.instance.meetings[m]
            if info.any_allowed & window and pool.intersection(info.candidates):
                chosen.setdefault(m)
        return list(chosen)

    def _windows(self, free: list[int], window: int) -> dict[int, int]:
        out = {}
        for m in free:
            slot = self.slots.get(m)
            out[m] = window | (bits.span(slot.start, slot.start) if slot is not None else 0)
        return out

    def rescue(self, unplaced: list[int]) -> tuple[list[int], dict[int, int]]:
        """An unscheduled meeting, with the meetings that hold its options on a few days."""
        instance = self.instance
        weights = [
            4 ** (instance.meetings[m].priority - 1) / (1 + self.failures.get(m, 0))
            for m in unplaced
        ]
        target = self.rng.choices(unplaced, weights=weights)[0]
        self.failures[target] = self.failures.get(target, 0) + 1
        info = instance.meetings[target]
        options = info.any_allowed
        days = [
            i for i, (_, lo, hi) in enumerate(instance.firm_days) if options & bits.span(lo, hi)
        ]
        lo, hi = self._days_window(self.rng.choice(days))
        window = self._window(lo, hi)
        attorneys = {
            a for a, mask in zip(info.candidates, info.allowed, strict=True) if mask & window
        }
        core = [target]
        if info.needs_room:
            span_of_options = options & window
            for r in info.rooms:
                for m in sorted(self.occupancy.by_room[r]):
                    slot = self.slots[m]
                    other = instance.meetings[m]
                    if other.frozen:
                        continue
                    if (
                        bits.span(slot.start - info.length + 1, slot.start + other.length - 1)
                        & span_of_options
                    ):
                        core.append(m)
                        if len(core) >= self.size // 3:
                            break
        for m in info.adverse:
            if (
                m in self.slots
                and window >> self.slots[m].start & 1
                and not instance.meetings[m].frozen
            ):
                core.append(m)
        free = self._grow(list(dict.fromkeys(core)), attorneys, window)
        return free, self._windows(free, window)

    def restore(self, meeting: int) -> tuple[list[int], dict[int, int]]:
        """A moved meeting of ``current``, with what now holds its old place."""
        instance = self.instance
        info = instance.meetings[meeting]
        slot = info.current_slot
        assert slot is not None
        day = instance.day_of(slot.start)
        lo, hi = self._days_window(day)
        window = self._window(lo, hi)
        attorneys = set(slot.attorneys) | set(info.candidates)
        core = [meeting]
        if slot.room is not None:
            for m in sorted(self.occupancy.by_room[slot.room]):
                other = self.slots[m]
                if (
                    abs(other.start - slot.start) < info.length + instance.meetings[m].length
                    and not instance.meetings[m].frozen
                ):
                    core.append(m)
        free = self._grow(core, attorneys, window)
        return free, self._windows(free, window)

    def compact(self) -> tuple[list[int], dict[int, int]]:
        """An attorney and those who share meetings with them, on a few days."""
        instance = self.instance
        busy = [a for a in range(len(instance.attorneys)) if self.occupancy.by_attorney[a]]
        if not busy:
            return [], {}
        attorney = self.rng.choice(busy)
        day = instance.day_of(
            self.slots[self.rng.choice(sorted(self.occupancy.by_attorney[attorney]))].start
        )
        lo, hi = self._days_window(day)
        window = self._window(lo, hi)
        free = self._grow([], {attorney}, window)
        return free, self._windows(free, window)

    # --- Finish ----------------------------------------------------------------------------------

    def fill(self) -> None:
        """Place any meeting that still fits somewhere (only ever adds)."""
        for info in greedy_order(self.instance):
            m = info.index
            if m in self.slots or not info.any_allowed:
                continue
            starts, free = self.occupancy.options(info)
            if starts:
                slot = self.occupancy.slot_at(info, bits.first(starts), free)
                self.occupancy.add(m, slot)
                self.slots[m] = slot
        self.quality = quality(self.instance, self.slots)

    def result(self, pre: Preprocessor) -> SolveResult:
        instance = self.instance
        problem = instance.problem
        self.fill()
        placements = [instance.slot_to_placement(m, s) for m, s in sorted(self.slots.items())]
        violations = check_placements(problem, placements)
        if violations:
            greedy = [instance.slot_to_placement(m, s) for m, s in sorted(self.greedy.items())]
            if check_placements(problem, greedy):
                raise SolverFailure(
                    "The solver produced a plan that breaks a rule; nothing was returned. "
                    "Please report this problem file."
                )
            self.slots = dict(self.greedy)
            self.occupancy = Occupancy(instance, self.slots.items())
            self.quality = self.greedy_quality
            self.proved = self.proved_placement = False
            placements = greedy
        self.report("done", force=True)
        explainer = Explainer(instance, pre, self.occupancy)
        unscheduled = tuple(
            UnscheduledMeeting(m.spec.id, e.code, e.reason)
            for m in instance.meetings
            if m.index not in self.slots
            for e in [explainer.explain(m.index)]
        )
        scheduled = tuple(
            ScheduledMeeting(
                meeting=p.meeting,
                start=p.start,
                end=p.start + problem.meeting_by_id[p.meeting].duration,
                attorneys=p.attorneys,
                room=p.room,
            )
            for p in sorted(placements, key=lambda p: (p.start, p.meeting))
        )
        moved = tuple(instance.meetings[m].spec.id for m in changed(instance, self.slots))
        q = self.quality
        g = self.greedy_quality
        bound = max(self.bound, q.score)
        stats = SolveStats(
            wall_seconds=time.perf_counter() - self.started,
            scheduled_by_priority=q.placed,
            changed=q.changes,
            proved_optimal=self.proved,
            proved_placement=self.proved_placement,
            score=q.score,
            score_bound=bound,
            gap=(bound - q.score) / bound if bound else 0.0,
            greedy=PlanSummary(g.placed, g.changes, g.score),
            method=self.method,
            neighbourhoods=self.neighbourhoods,
            improvements=self.improvements,
            earliness=q.earliness,
        )
        return SolveResult(
            problem=problem,
            status="optimal" if self.proved else "feasible",
            scheduled=scheduled,
            unscheduled=unscheduled,
            changed=moved,
            stats=stats,
        )


__all__ = ["Progress", "ProgressCallback", "Quality", "SolverFailure", "solve"]
