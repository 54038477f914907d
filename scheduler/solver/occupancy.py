"""The meetings placed so far, and the starts they leave open for one more meeting.

Each attorney keeps two sets of cells: ``core`` (cells inside placed meetings) and ``wide``
(cells inside placed meetings widened by their own buffer). A meeting with buffer ``b`` may start
at ``k`` when its stay widened by ``b`` misses ``core`` and its bare stay misses ``wide``: together
that is exactly "the two meetings are at least max(a, b) apart". Rooms keep ``core`` only,
starting from the cells their busy times touch; the daily limit counts meetings per local date;
opposing parties keep the separation.

Greedy first-fit, the neighbourhood models of the search and the explanations all ask these
questions, so they agree on what "free" means.
"""

from __future__ import annotations

import bisect
from collections.abc import Iterable

from scheduler.solver import bits
from scheduler.solver.preprocess import Instance, MeetingInfo, Slot


class Occupancy:
    def __init__(self, instance: Instance, slots: Iterable[tuple[int, Slot]] = ()) -> None:
        self.instance = instance
        n_att = len(instance.attorneys)
        self.slots: dict[int, Slot] = {}
        self.by_attorney: list[set[int]] = [set() for _ in range(n_att)]
        self.by_room: list[set[int]] = [set() for _ in instance.rooms]
        self.core = [0] * n_att
        self.wide = [0] * n_att
        self.room_core = list(instance.room_closed) or [0] * len(instance.rooms)
        self.day_count: dict[tuple[int, int], int] = {}
        self._day_starts = [[bits.first(mask) for _, mask in a.days] for a in instance.attorneys]
        for meeting, slot in slots:
            self.add(meeting, slot)

    def copy(self) -> Occupancy:
        other = Occupancy.__new__(Occupancy)
        other.instance = self.instance
        other.slots = dict(self.slots)
        other.by_attorney = [set(s) for s in self.by_attorney]
        other.by_room = [set(s) for s in self.by_room]
        other.core = list(self.core)
        other.wide = list(self.wide)
        other.room_core = list(self.room_core)
        other.day_count = dict(self.day_count)
        other._day_starts = self._day_starts
        return other

    # --- Changes ---------------------------------------------------------------------------------

    def add(self, meeting: int, slot: Slot) -> None:
        info = self.instance.meetings[meeting]
        self.slots[meeting] = slot
        cells = bits.span(slot.start, slot.start + info.length - 1)
        for a in slot.attorneys:
            self.by_attorney[a].add(meeting)
            self.core[a] |= cells
            if info.buffer:
                self.wide[a] |= bits.span(
                    slot.start - info.buffer, slot.start + info.length + info.buffer - 1
                )
            day = self.day_index(a, slot.start)
            if day is not None:
                self.day_count[(a, day)] = self.day_count.get((a, day), 0) + 1
        if slot.room is not None:
            self.by_room[slot.room].add(meeting)
            self.room_core[slot.room] |= cells

    def remove(self, meeting: int) -> Slot:
        slot = self.slots.pop(meeting)
        for a in slot.attorneys:
            self.by_attorney[a].discard(meeting)
            self._rebuild_attorney(a)
            day = self.day_index(a, slot.start)
            if day is not None:
                self.day_count[(a, day)] -= 1
        if slot.room is not None:
            self.by_room[slot.room].discard(meeting)
            core = self.instance.room_closed[slot.room] if self.instance.room_closed else 0
            for other in self.by_room[slot.room]:
                s = self.slots[other]
                core |= bits.span(s.start, s.start + self.instance.meetings[other].length - 1)
            self.room_core[slot.room] = core
        return slot

    def _rebuild_attorney(self, attorney: int) -> None:
        core = wide = 0
        for other in self.by_attorney[attorney]:
            s = self.slots[other]
            info = self.instance.meetings[other]
            core |= bits.span(s.start, s.start + info.length - 1)
            if info.buffer:
                wide |= bits.span(s.start - info.buffer, s.start + info.length + info.buffer - 1)
        self.core[attorney] = core
        self.wide[attorney] = wide

    # --- Questions -------------------------------------------------------------------------------

    def day_index(self, attorney: int, position: int) -> int | None:
        """The attorney's local date of a start (index into its ``days``), if it has a limit."""
        starts = self._day_starts[attorney]
        if not starts:
            return None
        i = bisect.bisect_right(starts, position) - 1
        return i if i >= 0 else None

    def full_days(self, attorney: int) -> int:
        """Starts on the attorney's local dates that already hold ``max_meetings_per_day``."""
        info = self.instance.attorneys[attorney]
        if info.limit is None:
            return 0
        mask = 0
        for i, (_, day) in enumerate(info.days):
            if self.day_count.get((attorney, i), 0) >= info.limit:
                mask |= day
        return mask

    def attorney_blocked(self, meeting: MeetingInfo, attorney: int) -> int:
        """Starts at which other meetings of the attorney (with buffers) are in the way."""
        length, buffer = meeting.length, meeting.buffer
        blocked = bits.spread(self.core[attorney], length + buffer - 1, buffer)
        if self.wide[attorney]:
            blocked |= bits.spread(self.wide[attorney], length - 1)
        return blocked

    def attorney_free(self, meeting: MeetingInfo, index_in_candidates: int) -> int:
        """Starts where the candidate can take the meeting now (static options minus others)."""
        attorney = meeting.candidates[index_in_candidates]
        allowed = meeting.allowed[index_in_candidates]
        if not allowed:
            return 0
        return allowed & ~(self.attorney_blocked(meeting, attorney) | self.full_days(attorney))

    def room_blocked(self, meeting: MeetingInfo, room: int) -> int:
        return bits.spread(self.room_core[room], meeting.length - 1)

    def adverse_blocked(self, meeting: MeetingInfo) -> int:
        """Starts too close to a placed in-office meeting of an opposing party."""
        blocked = 0
        sep = self.instance.separation
        for other in meeting.adverse:
            slot = self.slots.get(other)
            if slot is not None:
                end = slot.start + self.instance.meetings[other].length
                blocked |= bits.span(slot.start - meeting.length - sep + 1, end + sep - 1)
        return blocked

    def rooms_blocked(self, meeting: MeetingInfo) -> int:
        """Starts at which every candidate room is taken (all starts when there is no room)."""
        if not meeting.needs_room:
            return 0
        if not meeting.rooms:
            return -1
        blocked = -1
        for r in meeting.rooms:
            blocked &= self.room_blocked(meeting, r)
        return blocked

    def options(self, meeting: MeetingInfo) -> tuple[int, list[int]]:
        """Starts where the meeting fits now, and the per-candidate free starts behind it."""
        free = [self.attorney_free(meeting, i) for i in range(len(meeting.candidates))]
        starts = bits.at_least(free, meeting.need) if free else 0
        if starts and meeting.needs_room:
            starts &= ~self.rooms_blocked(meeting)
        if starts and meeting.adverse:
            starts &= ~self.adverse_blocked(meeting)
        return starts, free

    def slot_at(self, meeting: MeetingInfo, start: int, free: list[int]) -> Slot:
        """The first candidates (in listed order) and the first free room at ``start``."""
        chosen = [a for a, mask in zip(meeting.candidates, free, strict=True) if mask >> start & 1]
        room = None
        if meeting.needs_room:
            room = next(r for r in meeting.rooms if not self.room_blocked(meeting, r) >> start & 1)
        return Slot(start, tuple(sorted(chosen[: meeting.need])), room)

    def fits(self, meeting: MeetingInfo, slot: Slot) -> bool:
        """Whether this exact placement is possible now (the meeting itself not placed)."""
        if len(slot.attorneys) != meeting.need or len(set(slot.attorneys)) != meeting.need:
            return False
        for a in slot.attorneys:
            if a not in meeting.candidates:
                return False
            if not self.attorney_free(meeting, meeting.candidates.index(a)) >> slot.start & 1:
                return False
        if meeting.needs_room:
            if slot.room is None or slot.room not in meeting.rooms:
                return False
            if self.room_blocked(meeting, slot.room) >> slot.start & 1:
                return False
        elif slot.room is not None:
            return False
        return not (meeting.adverse and self.adverse_blocked(meeting) >> slot.start & 1)
