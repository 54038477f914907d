"""Render a 10,000-event feed with the direct writer, and with icalendar for comparison.

Run from the repository root:  python -m benchmarks.calendars.feed_render [--events N] [--seed S]
Prints one JSON document. The events look like an attorney's feed (titles with client names,
descriptions of several lines, rooms, some non-ASCII text); the same events are rendered by
``icalendar``'s ``to_ical`` as the reference.
"""

from __future__ import annotations

import argparse
import json
import platform
import random
import statistics
import time
from datetime import UTC, datetime, timedelta

import icalendar

from calendars.feeds import Feed, FeedEvent, render_feed

NAMES = ["Adaeze Okafor", "Mei Zhou", "Ulises Ibarra", "Señora Núñez", "Jonah Brennan"]
TITLES = ["Deposition preparation", "Case strategy meeting", "Settlement discussion"]
ROOMS = ["Hudson Conference Room, 41 Larkspur Street, 18th Floor, New York, NY 10013"]


def events(count: int, seed: int) -> list[FeedEvent]:
    rng = random.Random(seed)
    start = datetime(2026, 12, 7, 14, tzinfo=UTC)
    out = []
    for i in range(count):
        begins = start + timedelta(minutes=30 * i)
        client = rng.choice(NAMES)
        out.append(
            FeedEvent(
                uid=f"{rng.getrandbits(128):032x}@hargrove-vance.example",
                stamp=start - timedelta(days=3),
                summary=f"{rng.choice(TITLES)}: {client}",
                starts_at=begins,
                ends_at=begins + timedelta(minutes=rng.choice((30, 45, 60))),
                description=(
                    f"Client: {client}\nMatter: {client}: Contract dispute\n"
                    f"Attorneys: {rng.choice(NAMES)}\nWhere: {ROOMS[0]}"
                ),
                location=ROOMS[0],
                sequence=rng.randint(0, 3),
            )
        )
    return out


def with_icalendar(feed: Feed) -> bytes:
    calendar = icalendar.Calendar()
    calendar.add("PRODID", "-//legal-secretary//Scheduling Engine 0.1//EN")
    calendar.add("VERSION", "2.0")
    calendar.add("X-WR-CALNAME", icalendar.vText(feed.name))
    for e in feed.events:
        event = icalendar.Event()
        event.add("UID", e.uid)
        event.add("DTSTAMP", e.stamp)
        event.add("DTSTART", e.starts_at)
        event.add("DTEND", e.ends_at)
        event.add("SEQUENCE", e.sequence)
        event.add("SUMMARY", e.summary)
        event.add("LOCATION", e.location)
        event.add("DESCRIPTION", e.description)
        event.add("STATUS", e.status)
        event.add("TRANSP", "OPAQUE")
        event.add("CLASS", "PRIVATE")
        calendar.add_component(event)
    data: bytes = calendar.to_ical()
    return data


def timed(fn, repeat: int) -> list[float]:  # type: ignore[no-untyped-def]
    runs = []
    for _ in range(repeat):
        started = time.perf_counter()
        fn()
        runs.append(time.perf_counter() - started)
    return runs


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--events", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args()
    feed = Feed(
        "Adaeze Okafor - Hargrove & Vance LLP", "America/New_York", events(args.events, args.seed)
    )
    direct = timed(lambda: render_feed(feed), args.repeat)
    reference = timed(lambda: with_icalendar(feed), 2)
    size = len(render_feed(feed))
    print(
        json.dumps(
            {
                "benchmark": "feed_render",
                "events": args.events,
                "seed": args.seed,
                "bytes": size,
                "direct_writer_seconds": {
                    "median": round(statistics.median(direct), 4),
                    "min": round(min(direct), 4),
                    "max": round(max(direct), 4),
                    "runs": args.repeat,
                },
                "icalendar_to_ical_seconds": {
                    "median": round(statistics.median(reference), 4),
                    "runs": 2,
                },
                "target_seconds": 0.25,
                "met": statistics.median(direct) < 0.25,
                "python": platform.python_version(),
            },
            indent=2,
        )
    )


if __name__ == "__main__":
    main()
