"""The direct feed writer says exactly what ``icalendar`` would say, only faster."""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, timedelta
from typing import Any

import icalendar
from icalendar import vDuration, vText

from calendars.feeds import Feed, FeedAlarm, FeedEvent, render_feed, strong_etag
from calendars.writer import format_duration
from tests.calendars.validator import problems

BASE = datetime(2026, 12, 7, 14, 0, tzinfo=UTC)
WORDS = ["Deposition", "Señora Núñez", "naïve, café; \\ back", "línea\nnueva", "東京", "𝄞 music"]


def sample_events(count: int, seed: int = 3) -> list[FeedEvent]:
    rng = random.Random(seed)
    events: list[FeedEvent] = []
    for i in range(count):
        text = " ".join(rng.choice(WORDS) for _ in range(rng.randint(1, 12)))
        if i % 5 == 0:
            events.append(
                FeedEvent(
                    uid=f"deadline-{i}@firm.example",
                    stamp=BASE,
                    summary=f"DUE: {text}",
                    day=date(2026, 12, 1) + timedelta(days=i),
                    description=text * 2,
                    busy=False,
                    alarms=(FeedAlarm(timedelta(days=7) - timedelta(hours=9), "Tickler"),),
                )
            )
            continue
        start = BASE + timedelta(minutes=37 * i)
        events.append(
            FeedEvent(
                uid=f"{i:08x}-1111-2222-3333-444455556666@firm.example",
                stamp=BASE - timedelta(days=1, seconds=i),
                summary=text,
                starts_at=start,
                ends_at=start + timedelta(minutes=rng.choice((30, 45, 60))),
                description=f"Client: {text}\nWhere: {text}",
                location=text if i % 2 else "",
                status="TENTATIVE" if i % 7 == 0 else "CONFIRMED",
                sequence=i % 4,
                private=i % 3 != 0,
                busy_status="BUSY" if i % 3 == 0 else None,
            )
        )
    return events


def with_icalendar(feed: Feed) -> bytes:
    """The same feed built with the icalendar library (the reference)."""
    calendar = icalendar.Calendar()
    calendar.add("PRODID", "-//legal-secretary//Scheduling Engine 0.1//EN")
    calendar.add("VERSION", "2.0")
    calendar.add("CALSCALE", "GREGORIAN")
    calendar.add("NAME", vText(feed.name))
    calendar.add("X-WR-CALNAME", vText(feed.name))
    calendar.add("X-WR-TIMEZONE", vText(feed.timezone))
    calendar.add(
        "REFRESH-INTERVAL", vDuration(timedelta(hours=1)), parameters={"VALUE": "DURATION"}
    )
    calendar.add("X-PUBLISHED-TTL", vDuration(timedelta(hours=1)))
    for e in feed.events:
        event = icalendar.Event()
        event.add("UID", e.uid)
        event.add("DTSTAMP", e.stamp)
        if e.day is not None:
            event.add("DTSTART", e.day)
            event.add("DTEND", e.day + timedelta(days=1))
        else:
            event.add("DTSTART", e.starts_at)
            event.add("DTEND", e.ends_at)
        if e.sequence:
            event.add("SEQUENCE", e.sequence)
        event.add("SUMMARY", e.summary.replace("\n", " "))
        if e.location:
            event.add("LOCATION", e.location.replace("\n", " "))
        if e.description:
            event.add("DESCRIPTION", e.description)
        event.add("STATUS", e.status)
        event.add("TRANSP", "OPAQUE" if e.busy else "TRANSPARENT")
        if e.private:
            event.add("CLASS", "PRIVATE")
        if e.busy_status:
            event.add("X-MICROSOFT-CDO-BUSYSTATUS", e.busy_status)
        for a in e.alarms:
            alarm = icalendar.Alarm()
            alarm.add("ACTION", "DISPLAY")
            alarm.add("TRIGGER", -a.before)
            alarm.add("DESCRIPTION", a.text)
            event.add_component(alarm)
        calendar.add_component(event)
    data: bytes = calendar.to_ical()
    return data


def facts(data: bytes) -> list[dict[str, Any]]:
    calendar = icalendar.Calendar.from_ical(data)
    out: list[dict[str, Any]] = [
        {k: str(calendar[k]) for k in ("PRODID", "VERSION", "X-WR-TIMEZONE")}
    ]
    for event in calendar.walk("VEVENT"):
        row: dict[str, Any] = {}
        for key, value in event.items():
            row[key] = value.dt if hasattr(value, "dt") else str(value)
        row["alarms"] = [
            (str(a["ACTION"]), a["TRIGGER"].dt, str(a["DESCRIPTION"])) for a in event.walk("VALARM")
        ]
        out.append(row)
    return out


def test_direct_writer_agrees_with_icalendar() -> None:
    feed = Feed("Docket - Núñez, Ltd.; \\ et al.", "America/New_York", sample_events(120))
    ours = render_feed(feed)
    reference = with_icalendar(feed)
    assert facts(ours) == facts(reference)
    assert problems(ours, itip=False) == []


def test_output_does_not_depend_on_when_it_is_rendered() -> None:
    feed = Feed("Busy", "America/New_York", sample_events(50))
    assert strong_etag(render_feed(feed)) == strong_etag(render_feed(feed))


def test_feed_head_has_names_and_refresh_hints() -> None:
    data = render_feed(Feed("Okafor, A. - Firm", "America/Chicago", []))
    lines = data.decode().split("\r\n")
    assert "NAME:Okafor\\, A. - Firm" in lines
    assert "X-WR-CALNAME:Okafor\\, A. - Firm" in lines
    assert "REFRESH-INTERVAL;VALUE=DURATION:PT1H" in lines
    assert "X-PUBLISHED-TTL:PT1H" in lines
    assert "X-WR-TIMEZONE:America/Chicago" in lines
    assert not [line for line in lines if line.startswith("METHOD")]


def test_durations() -> None:
    assert format_duration(-timedelta(days=1)) == "-P1D"
    assert format_duration(-timedelta(hours=1)) == "-PT1H"
    assert format_duration(-timedelta(days=14)) == "-P2W"
    assert format_duration(-(timedelta(days=9) - timedelta(hours=9))) == "-P8DT15H"
    assert format_duration(timedelta(minutes=90)) == "PT1H30M"
    assert format_duration(timedelta(0)) == "PT0S"
