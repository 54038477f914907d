"""A check of every rule of the schedule problem format, independent of the solver.

It reads the validated :class:`~scheduler.solver.problem.Problem` (instants and wall-clock
ranges, not the solver's grid) and a list of placements or a whole result, and answers with the
rules that are broken. It shares no code with the preprocessing, the models or the search: local
dates and working ranges are computed here with ``zoneinfo`` directly. The solver runs it on every
plan before returning it, the tests run it on every result, and the benchmarks count on it.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from scheduler.solver.problem import MeetingSpec, Placement, Problem


@dataclass(frozen=True, slots=True)
class Violation:
    """One broken rule: a short rule name, the meetings involved and a plain sentence."""

    rule: str
    meetings: tuple[str, ...]
    message: str

    def __str__(self) -> str:
        return self.message


class PlanInvalid(AssertionError):
    """Raised by :func:`assert_valid`; the solver never returns a plan that raises it."""

    def __init__(self, violations: Sequence[Violation]) -> None:
        shown = "; ".join(v.message for v in violations[:5])
        more = f" (and {len(violations) - 5} more)" if len(violations) > 5 else ""
        super().__init__(f"{len(violations)} rule(s) broken: {shown}{more}")
        self.violations = list(violations)


def _midnight(day: date, zone: ZoneInfo) -> datetime:
    return datetime.combine(day, datetime.min.time(), tzinfo=zone)


def _in_one_working_range(
    problem: Problem, attorney_id: str, start: datetime, end: datetime
) -> bool:
    attorney = problem.attorney_by_id[attorney_id]
    local_day = start.astimezone(attorney.zone).date()
    for r in attorney.working_hours.ranges_on(local_day):
        lo = datetime.combine(local_day, r.start, tzinfo=attorney.zone)
        hi = datetime.combine(local_day, r.end, tzinfo=attorney.zone)
        if lo <= start and end <= hi:
            return True
    return False


def check_placements(problem: Problem, placements: Sequence[Placement]) -> list[Violation]:
    """Every rule a set of placements must keep (each meeting on its own and all together)."""
    out: list[Violation] = []
    seen: set[str] = set()
    valid: list[tuple[Placement, MeetingSpec, datetime]] = []
    for p in placements:
        meeting = problem.meeting_by_id.get(p.meeting)
        if meeting is None:
            out.append(Violation("unknown", (p.meeting,), f"'{p.meeting}' is not a meeting"))
            continue
        if p.meeting in seen:
            out.append(Violation("twice", (p.meeting,), f"{p.meeting} is placed twice"))
            continue
        seen.add(p.meeting)
        end = p.start + meeting.duration
        out.extend(_check_one(problem, meeting, p, end))
        valid.append((p, meeting, end))
    out.extend(_check_attorneys_together(problem, valid))
    out.extend(_check_rooms_together(valid))
    out.extend(_check_rooms_open(problem, valid))
    out.extend(_check_adverse(problem, valid))
    out.extend(_check_daily_limits(problem, valid))
    out.extend(_check_frozen(problem, {p.meeting: p for p, _, _ in valid}))
    return out


def _check_one(problem: Problem, m: MeetingSpec, p: Placement, end: datetime) -> list[Violation]:
    out: list[Violation] = []

    def bad(rule: str, message: str) -> None:
        out.append(Violation(rule, (m.id,), f"{m.id} {message}"))

    start = p.start
    offset = (start - problem.horizon.start).total_seconds()
    if offset % (problem.granularity_minutes * 60):
        bad("grid", f"starts off the {problem.granularity_minutes}-minute grid")
    if start < problem.horizon.start or end > problem.horizon.end:
        bad("horizon", "lies outside the horizon")
    if len(p.attorneys) != m.attorneys_needed or len(set(p.attorneys)) != len(p.attorneys):
        bad("attorneys", f"needs {m.attorneys_needed} distinct attending attorneys")
    for a in p.attorneys:
        if a not in m.attorneys:
            bad("attorneys", f"has {a}, who is not one of its candidate attorneys")
            continue
        attorney = problem.attorney_by_id[a]
        if m.matter is not None and m.matter in attorney.screened_matters:
            bad("wall", f"has {a}, who is screened from matter {m.matter}")
        if not _in_one_working_range(problem, a, start, end):
            bad("working-hours", f"is not inside one working-hours range of {a}")
        widened = timedelta(minutes=m.buffer_minutes)
        for block in attorney.busy:
            if block.overlaps(start - widened, end + widened):
                bad("busy", f"touches a busy block of {a} (buffer included)")
                break
    if m.needs_room:
        if p.room is None or p.room not in problem.candidate_rooms(m):
            bad("room", "needs one of its candidate rooms")
    elif p.room is not None:
        bad("room", "has a room but does not need one")
    for closed in problem.closed_dates:
        lo = _midnight(closed, problem.zone)
        hi = _midnight(closed + timedelta(days=1), problem.zone)
        if lo < end and start < hi:
            bad("closed", f"falls on {closed.isoformat()}, when the firm is closed")
    if m.windows is not None and not any(w.contains(start, end) for w in m.windows):
        bad("windows", "is not inside one of the client's windows")
    if m.earliest_start is not None and start < m.earliest_start:
        bad("earliest-start", "starts before its earliest start")
    if m.deadline is not None and end > m.deadline:
        bad("deadline", "ends after its deadline")
    return out


Row = tuple[Placement, MeetingSpec, datetime]


def _check_attorneys_together(problem: Problem, rows: list[Row]) -> list[Violation]:
    out: list[Violation] = []
    by_attorney: dict[str, list[Row]] = defaultdict(list)
    for row in rows:
        for a in row[0].attorneys:
            if a in problem.attorney_by_id:
                by_attorney[a].append(row)
    reach = timedelta(minutes=max((m.buffer_minutes for m in problem.meetings), default=0))
    for a, items in by_attorney.items():
        items.sort(key=lambda r: (r[0].start, r[0].meeting))
        for i, (_, m, end) in enumerate(items):
            for q, n, _ in items[i + 1 :]:
                if q.start >= end + reach:
                    break
                gap = timedelta(minutes=max(m.buffer_minutes, n.buffer_minutes))
                if q.start < end + gap:
                    what = "overlap" if q.start < end else f"are less than {gap} apart"
                    out.append(
                        Violation(
                            "attorney-overlap",
                            (m.id, n.id),
                            f"{m.id} and {n.id} {what} for attorney {a}",
                        )
                    )
    return out


def _check_rooms_together(rows: list[Row]) -> list[Violation]:
    out: list[Violation] = []
    by_room: dict[str, list[Row]] = defaultdict(list)
    for row in rows:
        if row[0].room is not None:
            by_room[row[0].room].append(row)
    for room, items in by_room.items():
        items.sort(key=lambda r: (r[0].start, r[0].meeting))
        for i, (_, m, end) in enumerate(items):
            for q, n, _ in items[i + 1 :]:
                if q.start >= end:
                    break
                out.append(
                    Violation("room-overlap", (m.id, n.id), f"{m.id} and {n.id} share room {room}")
                )
    return out


def _check_rooms_open(problem: Problem, rows: list[Row]) -> list[Violation]:
    out: list[Violation] = []
    for p, m, end in rows:
        if p.room is None or p.room not in problem.room_by_id:
            continue
        for busy in problem.room_by_id[p.room].busy:
            if p.start < busy.end and busy.start < end:
                out.append(
                    Violation("room-busy", (m.id,), f"{m.id} is in room {p.room} while it is busy")
                )
                break
    return out


def _check_adverse(problem: Problem, rows: list[Row]) -> list[Violation]:
    out: list[Violation] = []
    gap = timedelta(minutes=problem.adverse_separation_minutes)
    office: dict[str, list[Row]] = defaultdict(list)
    for row in rows:
        if row[1].needs_room:
            office[row[1].client].append(row)
    reported: set[tuple[str, str]] = set()
    for p, m, end in (r for rs in office.values() for r in rs):
        for client in m.adverse_clients:
            for q, n, n_end in office.get(client, ()):
                pair = (min(m.id, n.id), max(m.id, n.id))
                if n.id == m.id or pair in reported:
                    continue
                if q.start < end + gap and p.start < n_end + gap:
                    reported.add(pair)
                    out.append(
                        Violation(
                            "adverse",
                            pair,
                            f"{pair[0]} and {pair[1]} are meetings of opposing parties less than "
                            f"{problem.adverse_separation_minutes} minutes apart",
                        )
                    )
    return out


def _check_daily_limits(problem: Problem, rows: list[Row]) -> list[Violation]:
    out: list[Violation] = []
    counts: dict[tuple[str, date], list[str]] = defaultdict(list)
    for p, m, _ in rows:
        for a in p.attorneys:
            attorney = problem.attorney_by_id.get(a)
            if attorney is not None and attorney.max_meetings_per_day is not None:
                counts[(a, p.start.astimezone(attorney.zone).date())].append(m.id)
    for (a, day), ids in counts.items():
        limit = problem.attorney_by_id[a].max_meetings_per_day
        assert limit is not None
        if len(ids) > limit:
            out.append(
                Violation(
                    "daily-limit",
                    tuple(sorted(ids)),
                    f"{a} has {len(ids)} meetings on {day.isoformat()}, more than {limit}",
                )
            )
    return out


def _check_frozen(problem: Problem, placed: Mapping[str, Placement]) -> list[Violation]:
    out: list[Violation] = []
    for meeting_id in problem.frozen:
        want = problem.current_by_meeting[meeting_id]
        got = placed.get(meeting_id)
        if (
            got is None
            or got.start != want.start
            or set(got.attorneys) != set(want.attorneys)
            or got.room != want.room
        ):
            out.append(Violation("frozen", (meeting_id,), f"{meeting_id} is frozen but was moved"))
    return out


def check_result(problem: Problem, result: Mapping[str, Any]) -> list[Violation]:
    """Every rule, on a result in the JSON format (as ``to_json`` writes it)."""
    out: list[Violation] = []
    scheduled = list(result.get("scheduled", []))
    unscheduled = list(result.get("unscheduled", []))
    placements: list[Placement] = []
    for entry in scheduled:
        start = datetime.fromisoformat(entry["start"])
        end = datetime.fromisoformat(entry["end"])
        meeting = problem.meeting_by_id.get(entry["meeting"])
        if meeting is not None and end - start != meeting.duration:
            out.append(
                Violation(
                    "duration", (meeting.id,), f"{meeting.id}: end - start is not its duration"
                )
            )
        placements.append(
            Placement(entry["meeting"], start, tuple(entry["attorneys"]), entry.get("room"))
        )
    if result.get("status") == "infeasible":
        if placements:
            out.append(Violation("infeasible", (), "an infeasible result schedules nothing"))
    else:
        out.extend(check_placements(problem, placements))
    listed = [p.meeting for p in placements] + [u["meeting"] for u in unscheduled]
    counts: dict[str, int] = defaultdict(int)
    for meeting_id in listed:
        counts[meeting_id] += 1
    for m in problem.meetings:
        if counts.get(m.id, 0) != 1:
            out.append(
                Violation(
                    "coverage",
                    (m.id,),
                    f"{m.id} appears {counts.get(m.id, 0)} times in scheduled and unscheduled",
                )
            )
    for meeting_id in counts:
        if meeting_id not in problem.meeting_by_id:
            out.append(Violation("unknown", (meeting_id,), f"'{meeting_id}' is not a meeting"))
    for u in unscheduled:
        if not u.get("code") or not u.get("reason"):
            out.append(Violation("reason", (u["meeting"],), f"{u['meeting']} has no reason"))
    if result.get("status") != "infeasible":
        expected = sorted(changed_meetings(problem, placements))
        if sorted(result.get("changed", [])) != expected:
            out.append(
                Violation("changed", tuple(expected), "the list of changed meetings is wrong")
            )
    return out


def changed_meetings(problem: Problem, placements: Iterable[Placement]) -> list[str]:
    """Meetings of ``current`` whose start, attorney set or room differ, or that are unplaced."""
    placed = {p.meeting: p for p in placements}
    out = []
    for want in problem.current:
        got = placed.get(want.meeting)
        if (
            got is None
            or got.start != want.start
            or set(got.attorneys) != set(want.attorneys)
            or (got.room != want.room and problem.meeting_by_id[want.meeting].needs_room)
        ):
            out.append(want.meeting)
    return out


def assert_valid(problem: Problem, placements: Sequence[Placement]) -> None:
    violations = check_placements(problem, placements)
    if violations:
        raise PlanInvalid(violations)
