"""How good a plan is, exactly as the format defines "best", and how plans compare.

A plan is a mapping from meeting index to :class:`~scheduler.solver.preprocess.Slot`. Its
:class:`Quality` orders plans lexicographically: meetings placed at priority 5, then 4, ... then 1
(more is better), then changes to ``current`` (fewer is better), then earliness (smaller is
better). Earliness is the sum, over placed meetings, of the days (in the firm's zone) between the
day a meeting is placed and the first day it could have been, counted three times for a meeting
with a deadline. Days rather than minutes: within a day any hour is as good, which keeps the
last step of the order provable by CP-SAT.

The *score* (16, 8, 4, 2, 1 per placed meeting of priority 5..1) is a single number for reports:
the solver's proven bound is a bound on it, and the gap is measured on it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from scheduler.solver.preprocess import Instance, Slot

PRIORITIES = (5, 4, 3, 2, 1)
SCORE_WEIGHTS = {p: 2 ** (p - 1) for p in PRIORITIES}


@dataclass(frozen=True, slots=True, order=True)
class Quality:
    """Comparable: a greater Quality is a better plan."""

    key: tuple[int, ...]

    @property
    def placed(self) -> dict[int, int]:
        return dict(zip(PRIORITIES, self.key[:5], strict=True))

    @property
    def changes(self) -> int:
        return -self.key[5]

    @property
    def earliness(self) -> int:
        return -self.key[6]

    @property
    def score(self) -> int:
        return sum(SCORE_WEIGHTS[p] * n for p, n in self.placed.items())

    def dominates_levels(self, other: Quality) -> bool:
        """At least as many meetings as ``other`` at every priority level."""
        return all(a >= b for a, b in zip(self.key[:5], other.key[:5], strict=True))


def changed(instance: Instance, slots: Mapping[int, Slot]) -> list[int]:
    """Meetings of ``current`` whose placement differs (or that are no longer placed)."""
    return [
        m.index
        for m in instance.meetings
        if m.in_current and (m.current_slot is None or slots.get(m.index) != m.current_slot)
    ]


def lateness(instance: Instance, meeting: int, slot: Slot) -> int:
    info = instance.meetings[meeting]
    return info.late_weight * (instance.day_of(slot.start) - info.reference)


def quality(instance: Instance, slots: Mapping[int, Slot]) -> Quality:
    placed = dict.fromkeys(PRIORITIES, 0)
    earliness = 0
    for meeting, slot in slots.items():
        placed[instance.meetings[meeting].priority] += 1
        earliness += lateness(instance, meeting, slot)
    changes = len(changed(instance, slots))
    return Quality((*(placed[p] for p in PRIORITIES), -changes, -earliness))


def score_of(instance: Instance, meetings: Mapping[int, object]) -> int:
    return sum(SCORE_WEIGHTS[instance.meetings[m].priority] for m in meetings)
