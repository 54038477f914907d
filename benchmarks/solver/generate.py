"""A seeded generator of realistic schedule problems (the JSON format of version 1).

A firm in New York with attorneys also in Chicago, Los Angeles, Phoenix (no DST) and London, in
practice groups; working hours in each attorney's own zone (lunch breaks, part-timers, early
starters); court days and depositions as busy blocks, some off the 15-minute grid; a holiday;
conference rooms; clients with matters, some behind ethical walls and some facing each other;
meetings of 30 minutes to 2 hours with 1-3 candidate attorneys (popular partners more often),
some needing two attorneys, a room, a buffer, client windows, an earliest start or a deadline.

Every horizon spans a daylight-saving change: small starts Thursday 29 October 2026 (London has
changed, New York changes on Sunday 1 November), medium starts Monday 26 October, large Monday
19 October (both changes inside); replan is the medium firm re-planned after an attorney falls
ill, with 80 % of the meetings already placed by a current plan and half of those frozen.

    python -m benchmarks.solver.generate --size medium --seed 1 -o medium.json
"""

from __future__ import annotations

import argparse
import json
import random
import sys
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

FIRM_ZONE = "America/New_York"
ZONES = [
    ("America/New_York", 0.6),
    ("America/Chicago", 0.15),
    ("America/Los_Angeles", 0.13),
    ("America/Phoenix", 0.06),
    ("Europe/London", 0.06),
]
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri")


@dataclass(frozen=True)
class Size:
    name: str
    attorneys: int
    meetings: int
    working_days: int
    start: date
    rooms: int
    replan: bool = False


SIZES = {
    "small": Size("small", 8, 60, 5, date(2026, 10, 29), 3),
    "medium": Size("medium", 30, 600, 10, date(2026, 10, 26), 8),
    "large": Size("large", 60, 2000, 20, date(2026, 10, 19), 15),
    "replan": Size("replan", 30, 600, 10, date(2026, 10, 26), 8, replan=True),
}


def _iso(moment: datetime) -> str:
    return moment.isoformat()


def _working_days(start: date, count: int, closed: set[date]) -> list[date]:
    days: list[date] = []
    day = start
    while len(days) < count:
        if day.weekday() < 5 and day not in closed:
            days.append(day)
        day += timedelta(days=1)
    return days


def _hours(rng: random.Random) -> dict[str, list[str]]:
    kind = rng.random()
    if kind < 0.55:
        day = ["09:00-12:00", "13:00-17:00"]
    elif kind < 0.8:
        day = ["08:30-17:30"]
    elif kind < 0.9:
        day = ["10:00-13:00", "14:00-18:00"]
    else:
        day = ["07:30-12:30", "13:00-15:30"]
    worked = WEEKDAYS if rng.random() < 0.85 else WEEKDAYS[:4]
    return {d: list(day) for d in worked}


def _local(day: date, hhmm: str, zone: ZoneInfo) -> datetime:
    return datetime.combine(day, time.fromisoformat(hhmm), tzinfo=zone)


def generate(size_name: str, seed: int = 1) -> dict[str, Any]:
    """One problem (a JSON-ready dict) of the named size."""
    size = SIZES[size_name]
    rng = random.Random(f"{size_name}-{seed}")
    firm = ZoneInfo(FIRM_ZONE)
    holiday = size.start + timedelta(days=(3 - size.start.weekday()) % 7 + 7)  # a Thursday
    closed = {holiday} if size.working_days >= 10 else set()
    days = _working_days(size.start, size.working_days, closed)
    horizon_start = datetime.combine(size.start, time(0), tzinfo=firm)
    horizon_end = datetime.combine(days[-1] + timedelta(days=1), time(0), tzinfo=firm)

    # Attorneys, in practice groups of about five; popularity skewed within the firm.
    attorneys: list[dict[str, Any]] = []
    zones = [z for z, _ in ZONES]
    weights = [w for _, w in ZONES]
    for i in range(size.attorneys):
        zone_name = rng.choices(zones, weights)[0]
        zone = ZoneInfo(zone_name)
        hours = _hours(rng)
        busy = []
        for day in days:
            key = WEEKDAYS[day.weekday()]
            if key not in hours:
                continue
            if rng.random() < 0.08:  # a day in court
                begin = _local(day, "09:30", zone)
                busy.append({"start": _iso(begin), "end": _iso(begin + timedelta(hours=6))})
                continue
            for _ in range(rng.choices((0, 1, 2, 3), (0.3, 0.35, 0.25, 0.1))[0]):
                begin = _local(day, rng.choice(("08:00", "09:00", "10:30", "13:30", "15:00")), zone)
                begin += timedelta(minutes=rng.choice((0, 0, 0, 10, 20, 45)))
                length = timedelta(minutes=rng.choice((30, 45, 60, 90, 120, 180)))
                busy.append({"start": _iso(begin), "end": _iso(begin + length)})
        attorney: dict[str, Any] = {
            "id": f"att-{i:03d}",
            "name": f"Attorney {i:03d}",
            "working_hours": hours,
            "busy": busy,
        }
        if zone_name != FIRM_ZONE:
            attorney["timezone"] = zone_name
        if rng.random() < 0.3:
            attorney["max_meetings_per_day"] = rng.choice((3, 4, 5, 6))
        attorneys.append(attorney)
    groups = [list(range(i, min(i + 5, size.attorneys))) for i in range(0, size.attorneys, 5)]
    popularity = [rng.paretovariate(1.1) for _ in range(size.attorneys)]

    rooms = [{"id": f"room-{r + 1}", "name": f"Conference {r + 1}"} for r in range(size.rooms)]

    # Clients and matters; walls; opposing parties.
    n_clients = max(4, size.meetings // 3)
    matters: dict[str, list[str]] = {}
    for c in range(n_clients):
        matters[f"cli-{c:04d}"] = [f"mat-{c:04d}-{k}" for k in range(rng.choice((1, 1, 2)))]
    walls: dict[str, list[int]] = {}
    for ms in matters.values():
        for mat in ms:
            if rng.random() < 0.05:
                walls[mat] = rng.sample(range(size.attorneys), k=rng.choice((1, 2)))
    for mat, screened in walls.items():
        for a in screened:
            attorneys[a].setdefault("screened_matters", []).append(mat)
    clients = list(matters)
    adverse: dict[str, list[str]] = {}
    for c in clients:
        if rng.random() < 0.1:
            other = rng.choice(clients)
            if other != c:
                adverse.setdefault(c, []).append(other)

    meetings: list[dict[str, Any]] = []
    for i in range(size.meetings):
        client = rng.choice(clients)
        matter = rng.choice(matters[client])
        group = rng.choice(groups)
        n_cand = min(len(group), rng.choices((1, 2, 3), (0.4, 0.4, 0.2))[0])
        pool = list(group)
        candidates: list[int] = []
        while len(candidates) < n_cand:
            pick = rng.choices(pool, [popularity[a] for a in pool])[0]
            pool.remove(pick)
            candidates.append(pick)
        meeting: dict[str, Any] = {
            "id": f"m-{i:04d}",
            "client": client,
            "matter": matter,
            "title": f"Meeting {i:04d}",
            "duration_minutes": rng.choices((30, 60, 90, 120), (0.35, 0.4, 0.15, 0.1))[0],
            "attorneys": [attorneys[a]["id"] for a in candidates],
            "priority": rng.choices((1, 2, 3, 4, 5), (0.25, 0.25, 0.25, 0.15, 0.1))[0],
        }
        roll = rng.random()
        if len(candidates) >= 2 and roll < 0.1:
            meeting["attorneys_needed"] = rng.choice((2, len(candidates)))
        if rng.random() < 0.45:
            meeting["needs_room"] = True
            if rng.random() < 0.3 and len(rooms) > 2:
                meeting["rooms"] = [
                    r["id"] for r in rng.sample(rooms, k=rng.randint(2, min(4, len(rooms))))
                ]
            if client in adverse:
                meeting["adverse_clients"] = adverse[client]
        roll = rng.random()
        if roll < 0.25:
            meeting["buffer_minutes"] = 15
        elif roll < 0.3:
            meeting["buffer_minutes"] = 30
        if rng.random() < 0.4:
            chosen = sorted(rng.sample(days, k=min(len(days), rng.randint(1, 4))))
            part = rng.choices(("all", "morning", "afternoon"), (0.4, 0.3, 0.3))[0]
            lo, hi = {
                "all": ("08:00", "18:00"),
                "morning": ("08:30", "12:30"),
                "afternoon": ("13:00", "18:00"),
            }[part]
            meeting["windows"] = [
                {"start": _iso(_local(d, lo, firm)), "end": _iso(_local(d, hi, firm))}
                for d in chosen
            ]
        if rng.random() < 0.2:
            meeting["earliest_start"] = _iso(
                _local(rng.choice(days[: max(1, len(days) // 2)]), "12:00", firm)
            )
        if rng.random() < 0.3:
            due = rng.choice(days[max(1, len(days) // 4) :])
            meeting["deadline"] = _iso(_local(due, "17:00", firm))
        meetings.append(meeting)

    problem: dict[str, Any] = {
        "version": 1,
        "timezone": FIRM_ZONE,
        "horizon": {"start": _iso(horizon_start), "end": _iso(horizon_end)},
        "granularity_minutes": 15,
        "closed_dates": sorted(d.isoformat() for d in closed),
        "adverse_separation_minutes": 30,
        "attorneys": attorneys,
        "rooms": rooms,
        "meetings": meetings,
    }
    if size.replan:
        _make_replan(problem, rng, days)
    return problem


def _make_replan(problem: dict[str, Any], rng: random.Random, days: list[date]) -> None:
    """A current plan of 80 % of the meetings (first-fit on them), half of it frozen; then an
    attorney falls ill for two days and a few busy blocks appear."""
    from scheduler.solver.greedy import first_fit
    from scheduler.solver.preprocess import preprocess
    from scheduler.solver.problem import parse_problem

    meetings = problem["meetings"]
    subset = rng.sample(range(len(meetings)), k=int(0.8 * len(meetings)))
    earlier = dict(problem, meetings=[meetings[i] for i in sorted(subset)])
    instance = preprocess(parse_problem(earlier))
    plan = first_fit(instance)
    current = []
    for m, slot in sorted(plan.items()):
        p = instance.slot_to_placement(m, slot)
        entry: dict[str, Any] = {
            "meeting": p.meeting,
            "start": _iso(p.start.astimezone(ZoneInfo(FIRM_ZONE))),
            "attorneys": list(p.attorneys),
        }
        if p.room is not None:
            entry["room"] = p.room
        current.append(entry)
    # The attorney with the most current meetings is out for two days.
    load: dict[str, int] = {}
    for entry in current:
        for a in entry["attorneys"]:
            load[a] = load.get(a, 0) + 1
    ill = max(sorted(load), key=lambda a: load[a])
    out_days = days[2:4]
    attorney = next(a for a in problem["attorneys"] if a["id"] == ill)
    zone = ZoneInfo(attorney.get("timezone", FIRM_ZONE))
    for day in out_days:
        attorney["busy"].append(
            {"start": _iso(_local(day, "00:00", zone)), "end": _iso(_local(day, "23:59", zone))}
        )
    out_spans = [(_local(d, "00:00", zone), _local(d, "23:59", zone)) for d in out_days]

    def hit(entry: dict[str, Any]) -> bool:
        if ill not in entry["attorneys"]:
            return False
        start = datetime.fromisoformat(entry["start"])
        return any(lo <= start < hi for lo, hi in out_spans)

    movable = [e for e in current if not hit(e)]
    frozen = rng.sample(movable, k=min(len(movable), len(current) // 2))
    problem["current"] = current
    problem["frozen"] = sorted(e["meeting"] for e in frozen)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", choices=sorted(SIZES), default="small")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("-o", "--output", type=Path)
    args = parser.parse_args(argv)
    text = json.dumps(generate(args.size, args.seed), indent=1)
    if args.output:
        args.output.write_text(text + "\n", encoding="utf-8")
    else:
        sys.stdout.write(text + "\n")


if __name__ == "__main__":
    main()
