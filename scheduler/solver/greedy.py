"""First-fit: the plan a careful person would make by hand, in milliseconds.

Frozen meetings first, as they are. Then every other meeting, most important first (priority,
then the nearest deadline, then the fewest options, then the longest), takes its earliest start
that is free. A meeting of ``current`` keeps its placement when that is still free; a new meeting
avoids the times the current plan gives to meetings not yet handled when it can, so that
re-planning moves as little as possible; only when nothing else is free does it take such a time.

This plan is the floor: the search starts from it and never returns anything worse, at any
priority level.
"""

from __future__ import annotations

from scheduler.solver import bits
from scheduler.solver.occupancy import Occupancy
from scheduler.solver.preprocess import Instance, MeetingInfo, Slot


def greedy_order(instance: Instance) -> list[MeetingInfo]:
    """Non-frozen meetings in the order first-fit places them."""

    def key(m: MeetingInfo) -> tuple[int, int, float, int, int, int]:
        deadline = m.spec.deadline
        return (
            -m.priority,
            0 if deadline is not None else 1,
            deadline.timestamp() if deadline is not None else 0.0,
            bits.count(m.any_allowed),
            -m.length,
            m.index,
        )

    return sorted((m for m in instance.meetings if not m.frozen), key=key)


def frozen_slots(instance: Instance) -> dict[int, Slot]:
    """The frozen placements on the grid (the caller has checked that they are valid)."""
    out: dict[int, Slot] = {}
    for m in instance.meetings:
        if m.frozen:
            assert m.current_slot is not None
            out[m.index] = m.current_slot
    return out


def first_fit(instance: Instance) -> dict[int, Slot]:
    """The greedy plan: meeting index -> slot, for the meetings it places."""
    fixed = frozen_slots(instance)
    placed = Occupancy(instance, fixed.items())
    order = greedy_order(instance)
    # Everything placed so far plus the current plan's times of meetings not handled yet.
    reserved = placed.copy()
    for m in order:
        if m.current_slot is not None:
            reserved.add(m.index, m.current_slot)
    slots = dict(fixed)
    for m in order:
        if m.index in reserved.slots:
            reserved.remove(m.index)
        slot: Slot | None = _keep_current(placed, m)
        if slot is None:
            starts, free = reserved.options(m)
            source = reserved
            if not starts:
                starts, free = placed.options(m)
                source = placed
            if starts:
                slot = source.slot_at(m, bits.first(starts), free)
        if slot is not None:
            placed.add(m.index, slot)
            reserved.add(m.index, slot)
            slots[m.index] = slot
    return slots


def _keep_current(placed: Occupancy, meeting: MeetingInfo) -> Slot | None:
    slot = meeting.current_slot
    if slot is not None and placed.fits(meeting, slot):
        return slot
    return None
