"""Why a meeting was not scheduled, in one sentence a secretary can read to the client.

Two kinds of answer, both true by construction:

* **Nothing could fit** (the meeting has no option even in an empty calendar). The conditions
  that shape its options (the ethical wall, daily limits, working hours, closed days, the client's
  windows, the earliest start, the deadline, busy blocks) are tested one by one: a condition is
  named when dropping it alone would give the meeting a time (then the sentence says what would
  allow it); otherwise the first condition, in that order, after which no time is left.
* **The time went to other meetings** (it has options, but the final plan leaves none free). The
  sentence names the placed meetings that hold its options, with their priorities; when frozen
  meetings alone hold them all, the code is ``FROZEN_CONFLICT``.

Sentences name attorneys (firm staff) and meeting ids, never another client or a meeting title:
they may be read aloud to a client.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime

from scheduler.solver import bits
from scheduler.solver.bits import Ranges
from scheduler.solver.occupancy import Occupancy
from scheduler.solver.preprocess import Instance, MeetingInfo, Preprocessor, Slot

SCREENED = "SCREENED"
DAILY_LIMIT = "DAILY_LIMIT"
WORKING_HOURS = "WORKING_HOURS"
CLOSED = "CLOSED"
CLIENT_WINDOWS = "CLIENT_WINDOWS"
EARLIEST_START = "EARLIEST_START"
DEADLINE = "DEADLINE"
BUSY = "BUSY"
HORIZON = "HORIZON"
ROOM = "ROOM"
NO_COMMON_TIME = "NO_COMMON_TIME"
TAKEN_BY_OTHERS = "TAKEN_BY_OTHERS"
FROZEN_CONFLICT = "FROZEN_CONFLICT"

#: Order in which conditions are applied when no single one is to blame.
SEQUENCE = (
    SCREENED,
    DAILY_LIMIT,
    WORKING_HOURS,
    CLOSED,
    CLIENT_WINDOWS,
    EARLIEST_START,
    DEADLINE,
    BUSY,
)
#: Which condition to name when several would each, dropped alone, give the meeting a time.
PREFERENCE = (
    DEADLINE,
    CLIENT_WINDOWS,
    EARLIEST_START,
    SCREENED,
    BUSY,
    CLOSED,
    DAILY_LIMIT,
    WORKING_HOURS,
)
#: How many other meetings a TAKEN_BY_OTHERS sentence names before "and N more".
NAMED_BLOCKERS = 3

Table = dict[str, dict[int, int | None]]


@dataclass(frozen=True, slots=True)
class Explanation:
    code: str
    reason: str


def when(moment: datetime, instance: Instance) -> str:
    """``Tuesday 8 December 2026 at 17:00 EST`` in the firm's zone."""
    local = instance.problem.local(moment)
    return f"{local:%A} {local.day} {local:%B %Y} at {local:%H:%M} {local.tzname()}"


def _join(names: Sequence[str], word: str) -> str:
    if len(names) == 1:
        return names[0]
    return f"{', '.join(names[:-1])} {word} {names[-1]}"


class Explainer:
    def __init__(self, instance: Instance, preprocessor: Preprocessor, final: Occupancy) -> None:
        self.instance = instance
        self.pre = preprocessor
        self.final = final
        self._frozen_only: Occupancy | None = None

    def explain(self, meeting: int) -> Explanation:
        info = self.instance.meetings[meeting]
        if info.needs_room and not info.rooms:
            return Explanation(
                ROOM, "It needs a conference room, but none of the rooms it may use is defined."
            )
        if info.any_allowed:
            return self._taken(info)
        return self._no_fit(info)

    # --- Nothing could fit -----------------------------------------------------------------------

    def _names(self, attorneys: Sequence[int], need: int) -> str:
        labels = [self.instance.attorneys[a].spec.label for a in attorneys]
        if need == 1:
            return _join(labels, "or")
        if need >= len(labels):
            return _join(labels, "and")
        return f"{need} of {_join(labels, 'and')}"

    def _possessive(self, attorneys: Sequence[int]) -> str:
        labels = [self.instance.attorneys[a].spec.label for a in attorneys]
        if len(labels) == 1:
            return f"{labels[0]}'s calendar is"
        return f"the calendars of {_join(labels, 'and')} are"

    def _filters(self, info: MeetingInfo) -> dict[str, Callable[[int], Ranges | None]]:
        """Per condition: the start minutes it allows for one candidate (None: the attorney is
        excluded altogether)."""
        pre = self.pre
        spec = info.spec
        length = spec.duration_minutes
        everything = pre.horizon_starts(length)

        def screened(a: int) -> Ranges | None:
            return None if pre.screened(spec, self.instance.attorneys[a].spec) else everything

        def daily(a: int) -> Ranges | None:
            return None if self.instance.attorneys[a].limit == 0 else everything

        def busy(a: int) -> Ranges:
            return bits.subtract_ranges(everything, pre.busy_starts(a, length, spec.buffer_minutes))

        def closed(a: int) -> Ranges:
            # Working starts without closed days, minus those with: what the closures remove.
            open_hours = pre.working_starts(a, length, with_closed=True)
            all_hours = pre.working_starts(a, length, with_closed=False)
            removed = bits.subtract_ranges(all_hours, open_hours)
            return bits.subtract_ranges(everything, removed)

        return {
            SCREENED: screened,
            DAILY_LIMIT: daily,
            WORKING_HOURS: lambda a: pre.working_starts(a, length, with_closed=False),
            CLOSED: closed,
            CLIENT_WINDOWS: lambda a: pre.window_starts(spec),
            EARLIEST_START: lambda a: pre.earliest_starts(spec),
            DEADLINE: lambda a: pre.deadline_starts(spec),
            BUSY: busy,
        }

    def _table(self, info: MeetingInfo) -> Table:
        """Each condition as a set of grid starts per candidate (None: attorney excluded)."""
        out: Table = {}
        for name, allows in self._filters(info).items():
            row: dict[int, int | None] = {}
            for a in info.candidates:
                ranges = allows(a)
                row[a] = None if ranges is None else self.pre.to_grid(ranges)
            out[name] = row
        return out

    def _starts(self, info: MeetingInfo, attorney: int, active: Sequence[str], table: Table) -> int:
        mask = self.pre.to_grid(self.pre.horizon_starts(info.spec.duration_minutes))
        for name in active:
            piece = table[name][attorney]
            if piece is None:
                return 0
            mask &= piece
        return mask

    def _feasible(self, info: MeetingInfo, active: Sequence[str], table: Table) -> bool:
        masks = [self._starts(info, a, active, table) for a in info.candidates]
        return bool(bits.at_least(masks, info.need))

    def _no_fit(self, info: MeetingInfo) -> Explanation:
        table = self._table(info)
        if not self._feasible(info, (), table):
            return Explanation(
                HORIZON,
                f"At {info.spec.duration_minutes} minutes it does not fit in the planning period.",
            )
        if info.need >= 2:
            alone = [a for a in info.candidates if self._starts(info, a, SEQUENCE, table)]
            if len(alone) >= info.need:
                who = self._names(info.candidates, info.need)
                return Explanation(
                    NO_COMMON_TIME,
                    f"{who} must attend together, but there is no time when enough of them are "
                    "free and the client can attend.",
                )
        sole = [
            name
            for name in PREFERENCE
            if self._feasible(info, [n for n in SEQUENCE if n != name], table)
        ]
        if sole:
            return self._sentence(info, sole[0], sole=True, table=table)
        for i, name in enumerate(SEQUENCE):
            if not self._feasible(info, SEQUENCE[: i + 1], table):
                return self._sentence(info, name, sole=False, table=table)
        raise AssertionError("a meeting without options must fail some condition")

    def _sentence(
        self,
        info: MeetingInfo,
        code: str,
        *,
        sole: bool,
        table: Table,
    ) -> Explanation:
        spec = info.spec
        walled = [a for a in info.candidates if table[SCREENED][a] is None]
        open_candidates = [a for a in info.candidates if a not in walled] or list(info.candidates)
        who = self._names(open_candidates, info.need)
        dl = f" before its deadline ({when(spec.deadline, self.instance)})" if spec.deadline else ""
        if code == SCREENED:
            names = self._names(walled, len(walled))
            verb = "is" if len(walled) == 1 else "are"
            if len(open_candidates) == len(info.candidates) or len(walled) == len(info.candidates):
                text = (
                    f"Every attorney who could take it ({names}) is screened from this matter "
                    "by an ethical wall."
                )
            elif sole:
                text = (
                    f"{names} {verb} screened from this matter by an ethical wall, and the other "
                    "candidates have no time that suits the client."
                )
            else:
                text = (
                    f"{names} {verb} screened from this matter by an ethical wall, which leaves "
                    f"fewer than the {info.need} attorneys it needs."
                )
        elif code == DAILY_LIMIT:
            text = f"{who} take no meetings on any day under their daily limit (0 a day)."
        elif code == WORKING_HOURS:
            if sole:
                text = f"No time that suits the client falls within the working hours of {who}."
            elif info.need >= 2:
                text = (
                    f"{who} are never all at work for {spec.duration_minutes} minutes at the same "
                    "time in this period."
                )
            else:
                text = (
                    f"{who} has no working-hours range in this period long enough for a "
                    f"{spec.duration_minutes}-minute meeting."
                )
        elif code == CLOSED:
            dates = ", ".join(f"{d:%A} {d.day} {d:%B}" for d in self.instance.problem.closed_dates)
            if sole:
                text = (
                    "The only times that would otherwise suit fall on days the firm is closed "
                    f"({dates})."
                )
            else:
                text = (
                    f"Every working time of {who} long enough for it falls on a day the firm is "
                    f"closed ({dates})."
                )
        elif code == CLIENT_WINDOWS:
            if sole:
                text = (
                    f"None of the times the client can attend suits {who}{dl}; other times for the "
                    "client would allow it."
                )
            else:
                text = (
                    f"None of the times the client can attend falls within the working hours of "
                    f"{who} on a day the firm is open."
                )
        elif code == EARLIEST_START:
            assert spec.earliest_start is not None
            es = when(spec.earliest_start, self.instance)
            if sole:
                text = (
                    f"No time after its earliest start ({es}) suits both the client and {who}{dl}; "
                    "an earlier start would allow it."
                )
            else:
                text = (
                    f"After its earliest start ({es}), {who} has no working time the client can "
                    "attend."
                )
        elif code == DEADLINE:
            assert spec.deadline is not None
            deadline = when(spec.deadline, self.instance)
            if sole:
                text = (
                    f"No time before its deadline ({deadline}) suits both the client and {who}; a "
                    "later deadline would allow it."
                )
            else:
                text = (
                    f"Before its deadline ({deadline}), {who} has no working time the client can "
                    "attend."
                )
        else:  # BUSY
            buffer = (
                f" (counting the {spec.buffer_minutes}-minute buffer)"
                if spec.buffer_minutes
                else ""
            )
            whose = self._possessive(open_candidates)
            text = (
                f"{whose[:1].upper()}{whose[1:]} already taken at every time that would "
                f"otherwise suit{buffer}."
            )
        return Explanation(code, text)

    # --- The time went to other meetings ---------------------------------------------------------

    def _blockers(self, info: MeetingInfo, occupancy: Occupancy) -> set[int]:
        """Placed meetings that hold at least one of this meeting's options."""
        inst = self.instance
        options = info.any_allowed
        found: set[int] = set()
        for i, a in enumerate(info.candidates):
            allowed = info.allowed[i]
            if not allowed:
                continue
            for other in occupancy.by_attorney[a]:
                slot = occupancy.slots[other]
                o = inst.meetings[other]
                gap = max(info.buffer, o.buffer)
                held = bits.span(
                    slot.start - info.length - gap + 1, slot.start + o.length + gap - 1
                )
                if held & allowed:
                    found.add(other)
            full = occupancy.full_days(a) & allowed
            if full:
                for other in occupancy.by_attorney[a]:
                    if self._same_day(a, occupancy, other, full):
                        found.add(other)
        if info.needs_room:
            for r in info.rooms:
                for other in occupancy.by_room[r]:
                    slot = occupancy.slots[other]
                    o = inst.meetings[other]
                    if bits.span(slot.start - info.length + 1, slot.start + o.length - 1) & options:
                        found.add(other)
        sep = inst.separation
        for other in info.adverse:
            placed = occupancy.slots.get(other)
            if placed is not None:
                o = inst.meetings[other]
                held = bits.span(
                    placed.start - info.length - sep + 1, placed.start + o.length + sep - 1
                )
                if held & options:
                    found.add(other)
        return found

    def _same_day(self, attorney: int, occupancy: Occupancy, other: int, full: int) -> bool:
        day = occupancy.day_index(attorney, occupancy.slots[other].start)
        if day is None:
            return False
        return bool(self.instance.attorneys[attorney].days[day][1] & full)

    def _frozen_occupancy(self) -> Occupancy:
        if self._frozen_only is None:
            frozen: list[tuple[int, Slot]] = [
                (m, s) for m, s in self.final.slots.items() if self.instance.meetings[m].frozen
            ]
            self._frozen_only = Occupancy(self.instance, frozen)
        return self._frozen_only

    def _taken(self, info: MeetingInfo) -> Explanation:
        inst = self.instance
        able = [a for a, mask in zip(info.candidates, info.allowed, strict=True) if mask]
        who = self._names(able, info.need)
        if info.needs_room and not Occupancy(inst).options(info)[0]:
            rooms = [inst.problem.room_by_id[inst.rooms[r]].label for r in info.rooms]
            return Explanation(
                ROOM,
                f"At every time that suits both the client and {who}, "
                f"{_join(rooms, 'and')} {'is' if len(rooms) == 1 else 'are'} closed.",
            )
        frozen = self._frozen_occupancy()
        starts, _ = frozen.options(info)
        if not starts:
            holders = sorted(self._blockers(info, frozen), key=lambda m: inst.meetings[m].spec.id)
            return Explanation(
                FROZEN_CONFLICT,
                f"Every time that suits both the client and {who} is held by meetings that may "
                f"not move: {self._list(holders)}.",
            )
        holders = sorted(
            self._blockers(info, self.final),
            key=lambda m: (-inst.meetings[m].priority, inst.meetings[m].spec.id),
        )
        higher = all(inst.meetings[m].priority > info.priority for m in holders)
        kind = "higher-priority meetings" if higher else "other meetings"
        return Explanation(
            TAKEN_BY_OTHERS,
            f"Every time that suits both the client and {who} went to {kind}: "
            f"{self._list(holders)}.",
        )

    def _list(self, meetings: Sequence[int]) -> str:
        inst = self.instance
        named = [
            f"{inst.meetings[m].spec.id} (priority {inst.meetings[m].priority})"
            for m in meetings[:NAMED_BLOCKERS]
        ]
        rest = len(meetings) - len(named)
        if rest > 0:
            named.append(f"{rest} more")
        return _join(named, "and")
