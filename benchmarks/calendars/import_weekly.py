"""Import 200 weekly series over a year (about 10,400 occurrences) as busy time.

Run from the repository root:  python -m benchmarks.calendars.import_weekly [--series N] [--seed S]
Prints one JSON document. The calendar looks like an Outlook export: a VTIMEZONE for New York,
weekly series at random weekdays and hours, some with EXDATEs, a few with a moved occurrence.
The time covers parsing, X-WR-TIMEZONE repair, checks, recurrence expansion, filtering, UTC
conversion and merging (``calendars.ics_import.busy_from_ics``), not the database write.
"""

from __future__ import annotations

import argparse
import json
import platform
import random
import statistics
import time
from datetime import UTC, datetime, timedelta

from calendars.ics_import import ImportOptions, busy_from_ics

VTIMEZONE = """BEGIN:VTIMEZONE\r
TZID:America/New_York\r
BEGIN:DAYLIGHT\r
TZOFFSETFROM:-0500\r
TZOFFSETTO:-0400\r
TZNAME:EDT\r
DTSTART:19700308T020000\r
RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=2SU\r
END:DAYLIGHT\r
BEGIN:STANDARD\r
TZOFFSETFROM:-0400\r
TZOFFSETTO:-0500\r
TZNAME:EST\r
DTSTART:19701101T020000\r
RRULE:FREQ=YEARLY;BYMONTH=11;BYDAY=1SU\r
END:STANDARD\r
END:VTIMEZONE\r
"""


def calendar(series: int, seed: int) -> bytes:
    rng = random.Random(seed)
    out = ["BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//bench//weekly//EN\r\n", VTIMEZONE]
    first = datetime(2026, 1, 5)
    for i in range(series):
        start = first + timedelta(days=rng.randrange(7), hours=rng.randrange(8, 18))
        end = start + timedelta(minutes=rng.choice((30, 45, 60, 90)))
        lines = [
            "BEGIN:VEVENT",
            f"UID:weekly-{i}-{rng.getrandbits(64):016x}@bench.example",
            "DTSTAMP:20260101T000000Z",
            f"SUMMARY:Weekly series {i}",
            f"DTSTART;TZID=America/New_York:{start:%Y%m%dT%H%M%S}",
            f"DTEND;TZID=America/New_York:{end:%Y%m%dT%H%M%S}",
            "RRULE:FREQ=WEEKLY;COUNT=52",
        ]
        if i % 4 == 0:
            skipped = start + timedelta(weeks=rng.randrange(1, 50))
            lines.append(f"EXDATE;TZID=America/New_York:{skipped:%Y%m%dT%H%M%S}")
        lines.append("END:VEVENT")
        if i % 10 == 0:
            original = start + timedelta(weeks=rng.randrange(1, 50))
            moved = original + timedelta(hours=2)
            lines += [
                "BEGIN:VEVENT",
                lines[1],
                "DTSTAMP:20260101T000000Z",
                f"RECURRENCE-ID;TZID=America/New_York:{original:%Y%m%dT%H%M%S}",
                f"DTSTART;TZID=America/New_York:{moved:%Y%m%dT%H%M%S}",
                f"DTEND;TZID=America/New_York:{moved + (end - start):%Y%m%dT%H%M%S}",
                "SUMMARY:Moved this week",
                "END:VEVENT",
            ]
        out.append("\r\n".join(lines) + "\r\n")
    out.append("END:VCALENDAR\r\n")
    return "".join(out).encode()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--series", type=int, default=200)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    data = calendar(args.series, args.seed)
    options = ImportOptions(
        zone="America/New_York",
        window_start=datetime(2026, 1, 1, tzinfo=UTC),
        window_end=datetime(2027, 1, 1, tzinfo=UTC),
        emails=("adaeze.okafor@hargrove-vance.example",),
    )
    runs = []
    result = None
    for _ in range(args.repeat):
        started = time.perf_counter()
        result = busy_from_ics(data, options)
        runs.append(time.perf_counter() - started)
    assert result is not None
    print(
        json.dumps(
            {
                "benchmark": "import_weekly",
                "series": args.series,
                "seed": args.seed,
                "bytes": len(data),
                "occurrences": result.occurrences,
                "busy_blocks": len(result.blocks),
                "seconds": {
                    "median": round(statistics.median(runs), 4),
                    "min": round(min(runs), 4),
                    "max": round(max(runs), 4),
                    "runs": args.repeat,
                },
                "target_seconds": 1.0,
                "met": statistics.median(runs) < 1.0,
                "python": platform.python_version(),
            },
            indent=2,
        )
    )


if __name__ == "__main__":
    main()
