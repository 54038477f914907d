"""The CP-SAT model of a schedule, or of one neighbourhood of it.

Some meetings are *free* (the model decides them); every other placed meeting is *fixed* and is
folded into the free meetings' options beforehand (an :class:`Occupancy`), so a neighbourhood
model holds only what can change. The global model is the special case where only the frozen
meetings are fixed.

Variables, per free meeting: ``present``, ``start`` (on the grid, over its remaining options),
``attends[m,a]`` per candidate attorney and ``in_room[m,r]`` per candidate room, each tied to an
optional interval. Each rule is one function below, named for it, whose docstring starts "Hard:"
or "Soft:".

The objective follows the format's "best", strictly lexicographic: weights are computed from the
sizes of the model so that one more meeting at priority ``p`` outweighs any change at lower
priorities, one change kept outweighs any earliness, and so on (see :func:`lexicographic_weights`).
When those weights would exceed what the solver's linear relaxation holds exactly (2**50), the
earliness term, then the changes term, leave the objective; the search still compares plans with
the exact ordering, so the only effect is a weaker tie-break inside that one model.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from ortools.sat.python import cp_model

from scheduler.solver import bits
from scheduler.solver.occupancy import Occupancy
from scheduler.solver.plan import PRIORITIES, SCORE_WEIGHTS
from scheduler.solver.preprocess import Instance, MeetingInfo, Slot

Objective = Literal["lexicographic", "placement", "score"]
#: Largest objective magnitude kept exact in the linear relaxation (doubles hold 2**53).
EXACT_LIMIT = 2**50


def domain(mask: int) -> cp_model.Domain:
    return cp_model.Domain.from_intervals([list(r) for r in bits.to_ranges(mask)])


@dataclass(slots=True)
class MeetingVars:
    info: MeetingInfo
    present: Any
    start: Any
    starts: int
    attends: dict[int, Any] = field(default_factory=dict)
    attorney_starts: dict[int, int] = field(default_factory=dict)
    in_room: dict[int, Any] = field(default_factory=dict)
    room_starts: dict[int, int] = field(default_factory=dict)
    day_literals: dict[tuple[int, int], Any] = field(default_factory=dict)
    day_of_start: dict[int, Any] = field(default_factory=dict)
    attorney_day: dict[tuple[int, int], Any] = field(default_factory=dict)
    keep: Any = None

    @property
    def lo(self) -> int:
        return bits.first(self.starts)

    @property
    def hi(self) -> int:
        return bits.last(self.starts)


@dataclass(frozen=True, slots=True)
class Weights:
    level: Mapping[int, int]
    keep: int
    earliness: int
    #: True when the weights order plans exactly as the format's "best" does.
    exact: bool


@dataclass(slots=True)
class Outcome:
    status: str
    slots: dict[int, Slot]
    objective: float | None
    bound: float | None
    wall_seconds: float
    deterministic_time: float

    @property
    def solved(self) -> bool:
        return self.status in ("OPTIMAL", "FEASIBLE")

    @property
    def optimal(self) -> bool:
        return self.status == "OPTIMAL"


def lexicographic_weights(
    per_level: Mapping[int, int], keepable: int, earliness_range: int
) -> Weights:
    """Weights that order plans by priority levels, then changes, then earliness.

    With ``E`` the largest possible earliness, ``keep = E + 1``; each priority level's weight is
    one more than everything below it can add up to. Terms are dropped from the bottom while
    the total would not be exact in the relaxation; if even the levels alone are too large, a
    geometric fallback keeps the priority order for any realistic count.
    """
    for use_earliness, use_keep in ((True, True), (False, True), (False, False)):
        total = earliness_range if use_earliness else 0
        keep = total + 1 if use_keep else 0
        total += keep * keepable
        level: dict[int, int] = {}
        for p in sorted(PRIORITIES):
            level[p] = total + 1
            total += level[p] * per_level.get(p, 0)
        if total < EXACT_LIMIT:
            return Weights(level, keep, 1 if use_earliness else 0, use_earliness and use_keep)
    base = max(2, int((EXACT_LIMIT / max(1, sum(per_level.values()))) ** 0.25))
    return Weights({p: base ** (p - 1) for p in PRIORITIES}, 0, 0, False)


class ScheduleModel:
    """A model over the ``free`` meetings, given the ``fixed`` occupancy of everything else."""

    def __init__(
        self,
        instance: Instance,
        fixed: Occupancy,
        free: Sequence[int],
        *,
        windows: Mapping[int, int] | None = None,
        objective: Objective = "lexicographic",
        floor: Mapping[int, int] | None = None,
        capacity: bool = True,
        relaxed: bool = False,
    ) -> None:
        self.instance = instance
        self.fixed = fixed
        self.model = cp_model.CpModel()
        self.vars: dict[int, MeetingVars] = {}
        self.objective_kind = objective
        self.weights: Weights | None = None
        self.unplaceable: list[int] = []
        self._segments: dict[int, list[tuple[int, int]]] = {}
        for m in free:
            info = instance.meetings[m]
            window = -1 if windows is None else windows.get(m, -1)
            self.options_left_by_fixed_meetings(info, window)
        self.attendees_can_make_it()
        if not relaxed:  # a relaxation for bounds: rooms and opposing parties left out
            self.a_room_of_its_own()
            self.one_meeting_at_a_time_per_room()
            self.opposing_parties_kept_apart()
        self.one_meeting_at_a_time_per_attorney()
        self.daily_meeting_limits()
        self.unplaced_meetings_rest_at_their_earliest_start()
        if capacity:
            self.attorney_segment_capacity()
        self.keeps: list[Any] = []
        if objective == "score":
            self.maximize_score()
        else:
            self.never_below_first_fit(floor or {})
            self.lexicographic_objective(with_earliness=objective == "lexicographic")

    # --- Hard rules ------------------------------------------------------------------------------

    def options_left_by_fixed_meetings(self, info: MeetingInfo, window: int) -> None:
        """Hard: fixed meetings (frozen ones, and in a neighbourhood every meeting outside it)
        keep their places; a free meeting's starts exclude the time, rooms and days they hold."""
        free = [self.fixed.attorney_free(info, i) & window for i in range(len(info.candidates))]
        starts = bits.at_least(free, info.need) if free else 0
        if starts and info.needs_room:
            starts &= ~self.fixed.rooms_blocked(info)
        if starts and info.adverse:
            starts &= ~self.fixed.adverse_blocked(info)
        if not starts:
            self.unplaceable.append(info.index)
            return
        name = info.spec.id
        mv = MeetingVars(
            info=info,
            present=self.model.new_bool_var(f"present[{name}]"),
            start=self.model.new_int_var_from_domain(domain(starts), f"start[{name}]"),
            starts=starts,
        )
        for a, mask in zip(info.candidates, free, strict=True):
            if mask & starts:
                mv.attorney_starts[a] = mask & starts
        if info.needs_room:
            for r in info.rooms:
                mask = ~self.fixed.room_blocked(info, r) & starts
                if mask:
                    mv.room_starts[r] = mask
        self.vars[info.index] = mv

    def attendees_can_make_it(self) -> None:
        """Hard: a placed meeting has exactly ``attorneys_needed`` attending candidates, each free
        at its start (working hours, closed days, busy blocks, walls, windows, deadline)."""
        for mv in self.vars.values():
            name = mv.info.spec.id
            for a, mask in mv.attorney_starts.items():
                lit = self.model.new_bool_var(f"attends[{name},{self._attorney(a)}]")
                mv.attends[a] = lit
                if mask != mv.starts:
                    self.model.add_linear_expression_in_domain(
                        mv.start, domain(mask)
                    ).only_enforce_if(lit)
            self.model.add(sum(mv.attends.values()) == mv.info.need * mv.present).with_name(
                f"attorneys_needed[{name}]"
            )

    def a_room_of_its_own(self) -> None:
        """Hard: a meeting that needs a room is placed in exactly one of its candidate rooms."""
        for mv in self.vars.values():
            if not mv.info.needs_room:
                continue
            name = mv.info.spec.id
            for r, mask in mv.room_starts.items():
                lit = self.model.new_bool_var(f"in_room[{name},{self.instance.rooms[r]}]")
                mv.in_room[r] = lit
                if mask != mv.starts:
                    self.model.add_linear_expression_in_domain(
                        mv.start, domain(mask)
                    ).only_enforce_if(lit)
            self.model.add(sum(mv.in_room.values()) == mv.present).with_name(f"room[{name}]")

    def one_meeting_at_a_time_per_attorney(self) -> None:
        """Hard: an attorney attends one meeting at a time, and two of their meetings are at
        least the larger of the two buffers apart."""
        per_attorney: dict[int, list[tuple[MeetingVars, Any]]] = {}
        for mv in self.vars.values():
            for a, lit in mv.attends.items():
                per_attorney.setdefault(a, []).append((mv, lit))
        for a, items in per_attorney.items():
            if len(items) < 2:
                continue
            buffers = {mv.info.buffer for mv, _ in items}
            trailing = []
            leading = []
            for mv, lit in items:
                info = mv.info
                size = info.length + info.buffer
                trailing.append(
                    self.model.new_optional_fixed_size_interval_var(
                        mv.start, size, lit, f"busy[{info.spec.id},{self._attorney(a)}]"
                    )
                )
                if len(buffers) > 1:
                    leading.append(
                        self.model.new_optional_fixed_size_interval_var(
                            mv.start - info.buffer,
                            size,
                            lit,
                            f"busy_before[{info.spec.id},{self._attorney(a)}]",
                        )
                    )
            self.model.add_no_overlap(trailing).with_name(f"one_at_a_time[{self._attorney(a)}]")
            if leading:
                self.model.add_no_overlap(leading).with_name(f"buffers_before[{self._attorney(a)}]")

    def one_meeting_at_a_time_per_room(self) -> None:
        """Hard: a room holds one meeting at a time."""
        per_room: dict[int, list[Any]] = {}
        for mv in self.vars.values():
            for r, lit in mv.in_room.items():
                per_room.setdefault(r, []).append(
                    self.model.new_optional_fixed_size_interval_var(
                        mv.start,
                        mv.info.length,
                        lit,
                        f"room_use[{mv.info.spec.id},{self.instance.rooms[r]}]",
                    )
                )
        for r, intervals in per_room.items():
            if len(intervals) > 1:
                self.model.add_no_overlap(intervals).with_name(
                    f"room_one_at_a_time[{self.instance.rooms[r]}]"
                )

    def opposing_parties_kept_apart(self) -> None:
        """Hard: in-office meetings of opposing parties are at least the separation apart."""
        sep = self.instance.separation
        intervals: dict[int, Any] = {}
        for m, mv in self.vars.items():
            for n in mv.info.adverse:
                if n <= m or n not in self.vars:
                    continue
                other = self.vars[n]
                if mv.lo > other.hi + other.info.length + sep or other.lo > (
                    mv.hi + mv.info.length + sep
                ):
                    continue
                for k in (m, n):
                    if k not in intervals:
                        kv = self.vars[k]
                        intervals[k] = self.model.new_optional_fixed_size_interval_var(
                            kv.start,
                            kv.info.length + sep,
                            kv.present,
                            f"kept_apart[{kv.info.spec.id}]",
                        )
                self.model.add_no_overlap([intervals[m], intervals[n]]).with_name(
                    f"opposing_parties[{mv.info.spec.id},{other.info.spec.id}]"
                )

    def daily_meeting_limits(self) -> None:
        """Hard: an attorney with ``max_meetings_per_day`` starts no more meetings of this
        problem on one of their local dates."""
        for a, attorney in enumerate(self.instance.attorneys):
            if attorney.limit is None:
                continue
            per_day: dict[int, list[Any]] = {}
            for mv in self.vars.values():
                lit = mv.attends.get(a)
                if lit is None:
                    continue
                mask = mv.attorney_starts[a]
                days = [i for i, (_, day) in enumerate(attorney.days) if day & mask]
                if len(days) == 1:
                    per_day.setdefault(days[0], []).append(lit)
                    continue
                literals = []
                for i in days:
                    z = self.model.new_bool_var(
                        f"on_day[{mv.info.spec.id},{self._attorney(a)},{attorney.days[i][0]}]"
                    )
                    self.model.add_linear_expression_in_domain(
                        mv.start, domain(mask & attorney.days[i][1])
                    ).only_enforce_if(z)
                    mv.day_literals[(a, i)] = z
                    per_day.setdefault(i, []).append(z)
                    literals.append(z)
                self.model.add(sum(literals) == lit)
            for i, literals in per_day.items():
                room_left = attorney.limit - self.fixed.day_count.get((a, i), 0)
                if len(literals) > room_left:
                    self.model.add(sum(literals) <= room_left).with_name(
                        f"daily_limit[{self._attorney(a)},{attorney.days[i][0]}]"
                    )

    def unplaced_meetings_rest_at_their_earliest_start(self) -> None:
        """Hard: an unplaced meeting's start is its first option (no effect on the plan; it keeps
        the objective exact and removes needless symmetry)."""
        for mv in self.vars.values():
            self.model.add(mv.start == mv.lo).only_enforce_if(mv.present.Not())

    def never_below_first_fit(self, floor: Mapping[int, int]) -> None:
        """Hard: at every priority level, at least as many meetings as the first-fit plan
        (``floor`` is what the free meetings of each level must make up)."""
        for p in PRIORITIES:
            need = floor.get(p, 0)
            if need > 0:
                self.model.add(
                    sum(mv.present for mv in self.vars.values() if mv.info.priority == p) >= need
                ).with_name(f"first_fit_floor[priority {p}]")

    # --- Soft rules (objective terms) ------------------------------------------------------------

    def more_meetings_by_priority(self) -> dict[int, list[Any]]:
        """Soft: place as many meetings as possible, level by level from priority 5 down."""
        out: dict[int, list[Any]] = {p: [] for p in PRIORITIES}
        for mv in self.vars.values():
            out[mv.info.priority].append(mv.present)
        return out

    def fewer_changes_to_current_plan(self) -> list[Any]:
        """Soft: keep meetings of ``current`` where they are (same start, attorneys and room);
        returns the ``keep[m]`` literals."""
        keeps = []
        for mv in self.vars.values():
            slot = mv.info.current_slot
            if slot is None or not mv.starts >> slot.start & 1:
                continue
            if any(not mv.attorney_starts.get(a, 0) >> slot.start & 1 for a in slot.attorneys):
                continue
            if mv.info.needs_room and (
                slot.room is None or not mv.room_starts.get(slot.room, 0) >> slot.start & 1
            ):
                continue
            keep = self.model.new_bool_var(f"keep[{mv.info.spec.id}]")
            self.model.add_implication(keep, mv.present)
            self.model.add(mv.start == slot.start).only_enforce_if(keep)
            for a in slot.attorneys:
                self.model.add_implication(keep, mv.attends[a])
            if mv.info.needs_room and slot.room is not None:
                self.model.add_implication(keep, mv.in_room[slot.room])
            mv.keep = keep
            keeps.append(keep)
        return keeps

    def attorney_segment_capacity(self) -> None:
        """Hard (implied): the meetings an attorney holds in one stretch of free working time
        (between busy blocks, fixed meetings and breaks) fit in it, buffers included. Redundant
        with the no-overlap rule; it gives the linear relaxation a real bound."""
        instance = self.instance
        self.earlier_days_deadlines_first()  # makes the day literals
        segments: dict[int, list[tuple[int, int]]] = {}
        per: dict[tuple[int, int], list[tuple[int, Any]]] = {}
        reach: dict[tuple[int, int], int] = {}
        for mv in self.vars.values():
            info = mv.info
            name = info.spec.id
            for a, lit in mv.attends.items():
                if a not in segments:
                    free = instance.attorneys[a].free_cells & ~self.fixed.core[a]
                    segments[a] = bits.to_ranges(free)
                mask = mv.attorney_starts[a]
                usable = []
                for index, (lo, hi) in enumerate(segments[a]):
                    inside = mask & bits.span(lo, hi - info.length + 1)
                    if inside:
                        usable.append((index, inside))
                if not usable:
                    continue
                parts = []
                for index, inside in usable:
                    if len(usable) == 1:
                        y = lit
                    else:
                        y = self.model.new_bool_var(f"stretch[{name},{self._attorney(a)},{index}]")
                        if inside != mask:
                            self.model.add_linear_expression_in_domain(
                                mv.start, domain(inside)
                            ).only_enforce_if(y)
                        mv.attorney_day[(a, index)] = y
                        parts.append(y)
                    per.setdefault((a, index), []).append((info.length + info.buffer, y))
                    reach[(a, index)] = max(reach.get((a, index), 0), info.buffer)
                if parts:
                    self.model.add(sum(parts) == lit)
        for (a, index), items in per.items():
            lo, hi = segments[a][index]
            capacity = hi - lo + 1 + reach[(a, index)]
            if len(items) > 1 and sum(size for size, _ in items) > capacity:
                self.model.add(sum(size * y for size, y in items) <= capacity).with_name(
                    f"stretch_capacity[{self._attorney(a)},{index}]"
                )

    def earlier_days_deadlines_first(self) -> tuple[Any, int]:
        """Soft: place meetings on early days (firm zone), counting each day of delay three times
        for a meeting with a deadline; returns the earliness expression and its largest value."""
        terms = []
        largest = 0
        instance = self.instance
        for mv in self.vars.values():
            info = mv.info
            weight = info.late_weight
            first_day = instance.day_of(mv.lo)
            days = [
                d
                for d in range(first_day, instance.day_of(mv.hi) + 1)
                if mv.starts & instance.day_mask(d)
            ]
            largest += weight * (days[-1] - info.reference)
            if len(days) == 1:
                terms.append(weight * (days[0] - info.reference) * mv.present)
                continue
            if not mv.day_of_start:
                for d in days:
                    lit = self.model.new_bool_var(
                        f"on_day[{info.spec.id},{instance.firm_days[d][0]}]"
                    )
                    self.model.add_linear_expression_in_domain(
                        mv.start, domain(mv.starts & instance.day_mask(d))
                    ).only_enforce_if(lit)
                    mv.day_of_start[d] = lit
                self.model.add_exactly_one(mv.day_of_start.values())
            # Days after the reference when placed; 0 when not (then start == lo).
            terms.append(
                weight
                * (
                    sum((d - info.reference) * lit for d, lit in mv.day_of_start.items())
                    - (first_day - info.reference) * (1 - mv.present)
                )
            )
        return sum(terms), largest

    def lexicographic_objective(self, *, with_earliness: bool) -> None:
        """The format's order as one weighted sum (``placement``: without the earliness)."""
        levels = self.more_meetings_by_priority()
        keeps = self.fewer_changes_to_current_plan()
        self.keeps = keeps
        earliness, largest = self.earlier_days_deadlines_first() if with_earliness else (0, 0)
        weights = lexicographic_weights({p: len(v) for p, v in levels.items()}, len(keeps), largest)
        self.weights = weights
        objective = sum(weights.level[p] * sum(v) for p, v in levels.items() if v)
        if weights.keep and keeps:
            objective += weights.keep * sum(keeps)
        if weights.earliness and with_earliness:
            objective -= earliness
        self.model.maximize(objective)

    def polish(self, placed: Mapping[int, int], kept: int, hint: Mapping[int, Slot]) -> None:
        """Turn a solved ``placement`` model into the earliness step of the same order: keep at
        least ``placed[p]`` meetings at each priority and ``kept`` meetings of ``current`` where
        they are, and start as early as possible."""
        self.model.clear_objective()  # type: ignore[no-untyped-call]
        self.model.clear_hints()  # type: ignore[no-untyped-call]
        for p, count in placed.items():
            members = [mv.present for mv in self.vars.values() if mv.info.priority == p]
            if count > 0 and members:
                self.model.add(sum(members) >= count).with_name(f"keep_placed[priority {p}]")
        if kept > 0 and self.keeps:
            self.model.add(sum(self.keeps) >= kept).with_name("keep_unchanged")
        earliness, _ = self.earlier_days_deadlines_first()
        self.model.minimize(earliness)
        self.hint(hint)

    def maximize_score(self) -> None:
        """Soft: the report score (16, 8, 4, 2, 1 per meeting of priority 5..1); used for the
        proven bound."""
        self.model.maximize(
            sum(SCORE_WEIGHTS[mv.info.priority] * mv.present for mv in self.vars.values())
        )

    # --- Hints, solving, reading -----------------------------------------------------------------

    def hint(self, slots: Mapping[int, Slot]) -> None:
        """A complete hint: the given plan for the free meetings (absent ones at their lo)."""
        model = self.model
        for m, mv in self.vars.items():
            slot = slots.get(m)
            usable = (
                slot is not None
                and mv.starts >> slot.start & 1
                and all(a in mv.attends for a in slot.attorneys)
                and (slot.room is None or not mv.in_room or slot.room in mv.in_room)
            )
            if not usable or slot is None:
                model.add_hint(mv.present, False)
                model.add_hint(mv.start, mv.lo)
                for lit in (*mv.attends.values(), *mv.in_room.values(), *mv.day_literals.values()):
                    model.add_hint(lit, False)
                for d, lit in mv.day_of_start.items():
                    model.add_hint(lit, d == self.instance.day_of(mv.lo))
                for lit in mv.attorney_day.values():
                    model.add_hint(lit, False)
                if mv.keep is not None:
                    model.add_hint(mv.keep, False)
                continue
            model.add_hint(mv.present, True)
            model.add_hint(mv.start, slot.start)
            for a, lit in mv.attends.items():
                model.add_hint(lit, a in slot.attorneys)
            for r, lit in mv.in_room.items():
                model.add_hint(lit, r == slot.room)
            for (a, i), lit in mv.day_literals.items():
                on = a in slot.attorneys and bool(
                    self.instance.attorneys[a].days[i][1] >> slot.start & 1
                )
                model.add_hint(lit, on)
            for d, lit in mv.day_of_start.items():
                model.add_hint(lit, d == self.instance.day_of(slot.start))
            for (a, index), lit in mv.attorney_day.items():
                lo, hi = self.segment(a, index)
                model.add_hint(lit, a in slot.attorneys and lo <= slot.start <= hi)
            if mv.keep is not None:
                model.add_hint(mv.keep, slot == mv.info.current_slot)

    def solve(
        self,
        *,
        time_limit: float,
        workers: int = 1,
        seed: int = 0,
        deterministic_limit: float | None = None,
        probing: bool | None = None,
        light: bool = False,
        on_solution: Callable[[dict[int, Slot]], None] | None = None,
    ) -> Outcome:
        """Solve (``light``: skip probing and symmetry detection, for small neighbourhoods;
        ``on_solution`` gets every improving plan of the free meetings as it is found)."""
        solver = cp_model.CpSolver()
        params = solver.parameters
        params.max_time_in_seconds = max(0.01, time_limit)
        if deterministic_limit is not None:
            params.max_deterministic_time = deterministic_limit
        params.num_workers = workers
        params.random_seed = seed
        params.log_search_progress = False
        if probing is None:
            probing = len(self.vars) <= 600
        if not probing or light:
            params.cp_model_probing_level = 0
        if light:
            params.symmetry_level = 0
        if on_solution is None:
            status = solver.solve(self.model)
        else:
            status = solver.solve(self.model, _Listener(self, on_solution))
        name = solver.status_name(status)
        slots: dict[int, Slot] = {}
        objective = bound = None
        if name in ("OPTIMAL", "FEASIBLE"):
            objective = solver.objective_value
            bound = solver.best_objective_bound
            slots = self.read(solver.value)
        return Outcome(name, slots, objective, bound, solver.wall_time, solver.deterministic_time)

    def read(self, value: Callable[[Any], int]) -> dict[int, Slot]:
        """The placed free meetings of a solution (``value`` reads a variable)."""
        slots: dict[int, Slot] = {}
        for m, mv in self.vars.items():
            if not value(mv.present):
                continue
            attorneys = tuple(sorted(a for a, lit in mv.attends.items() if value(lit)))
            room = next((r for r, lit in mv.in_room.items() if value(lit)), None)
            slots[m] = Slot(int(value(mv.start)), attorneys, room)
        return slots

    def segment(self, attorney: int, index: int) -> tuple[int, int]:
        free = self.instance.attorneys[attorney].free_cells & ~self.fixed.core[attorney]
        if attorney not in self._segments:
            self._segments[attorney] = bits.to_ranges(free)
        return self._segments[attorney][index]

    def _attorney(self, a: int) -> str:
        return self.instance.attorneys[a].spec.id


class _Listener(cp_model.CpSolverSolutionCallback):
    """Hands every improving solution of a long solve to the caller, as a plan."""

    def __init__(self, model: ScheduleModel, deliver: Callable[[dict[int, Slot]], None]) -> None:
        super().__init__()
        self._model = model
        self._deliver = deliver

    def on_solution_callback(self) -> None:
        self._deliver(self._model.read(self.value))
