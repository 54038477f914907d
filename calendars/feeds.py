"""Subscription feeds (``webcal://`` / ``https://`` calendars): rendering and HTTP caching facts.

A feed is a plain VCALENDAR with no METHOD: stable UIDs, UTC times (so no VTIMEZONE is needed
and every client shows the right instant), all-day items as ``VALUE=DATE``, ``NAME`` and
``X-WR-CALNAME`` for the display name, ``X-WR-TIMEZONE`` for display, and refresh hints
(``REFRESH-INTERVAL;VALUE=DURATION:PT1H``, ``X-PUBLISHED-TTL:PT1H``).

Output never depends on the time of the request: DTSTAMP is when each item last changed, so an
unchanged feed gives the same bytes and the same strong ETag. What goes into a feed, and for whom,
is decided by the caller (``scheduler.services.calendars``); this module only writes it.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from calendars.text import FOLD_OCTETS, escape_text, fold_line
from calendars.writer import PRODID, IcsWriter, format_date, format_duration, format_utc

REFRESH = "PT1H"


@dataclass(frozen=True, slots=True)
class FeedAlarm:
    """A display alarm, ``before`` the event's start (a tickler on a deadline)."""

    before: timedelta
    text: str


@dataclass(frozen=True, slots=True)
class FeedEvent:
    """One item of a feed. Timed items have ``starts_at``/``ends_at``; all-day items ``day``."""

    uid: str
    stamp: datetime
    summary: str
    starts_at: datetime | None = None
    ends_at: datetime | None = None
    day: date | None = None
    description: str = ""
    location: str = ""
    status: str = "CONFIRMED"
    sequence: int = 0
    busy: bool = True
    private: bool = True
    busy_status: str | None = None
    alarms: tuple[FeedAlarm, ...] = ()


@dataclass(frozen=True, slots=True)
class Feed:
    name: str
    timezone: str
    events: Sequence[FeedEvent]
    description: str = ""


def render_feed(feed: Feed) -> bytes:
    """The feed as folded CRLF bytes (written directly; see :mod:`calendars.writer`)."""
    w = IcsWriter()
    w.begin("VCALENDAR")
    w.raw("PRODID", PRODID)
    w.raw("VERSION", "2.0")
    w.raw("CALSCALE", "GREGORIAN")
    w.text("NAME", feed.name, multiline=False)
    w.text("X-WR-CALNAME", feed.name, multiline=False)
    if feed.description:
        w.text("X-WR-CALDESC", feed.description)
    w.text("X-WR-TIMEZONE", feed.timezone, multiline=False)
    w.raw("REFRESH-INTERVAL", REFRESH, [("VALUE", "DURATION")])
    w.raw("X-PUBLISHED-TTL", REFRESH)
    stamps: dict[datetime, str] = {}
    body = "".join([_event(e, stamps) for e in feed.events])
    return w.to_bytes() + body.encode("utf-8") + b"END:VCALENDAR\r\n"


def _text(name: str, value: str, multiline: bool = False) -> str:
    line = name + escape_text(value, multiline=multiline)
    # escape_text leaves no line break, so a short ASCII line needs nothing more.
    return line if len(line) <= FOLD_OCTETS and line.isascii() else fold_line(line)


def _event(event: FeedEvent, stamps: dict[datetime, str]) -> str:
    """One VEVENT, folded, CRLF after each line. Free text goes through ``escape_text`` (no line
    break survives it) and ``fold_line`` (which refuses one); every other line is made here."""
    stamp = stamps.get(event.stamp)
    if stamp is None:
        stamp = stamps[event.stamp] = format_utc(event.stamp)
    lines = [
        "BEGIN:VEVENT",
        _text("UID:", event.uid),
        "DTSTAMP:" + stamp,
    ]
    add = lines.append
    if event.day is not None:
        add("DTSTART;VALUE=DATE:" + format_date(event.day))
        add("DTEND;VALUE=DATE:" + format_date(event.day + timedelta(days=1)))
    elif event.starts_at is not None and event.ends_at is not None:
        add("DTSTART:" + format_utc(event.starts_at))
        add("DTEND:" + format_utc(event.ends_at))
    else:
        raise ValueError("a feed event needs a day or a start and an end")
    if event.sequence:
        add(f"SEQUENCE:{event.sequence:d}")
    add(_text("SUMMARY:", event.summary))
    if event.location:
        add(_text("LOCATION:", event.location))
    if event.description:
        add(_text("DESCRIPTION:", event.description, True))
    add(_STATUS[event.status])
    add("TRANSP:OPAQUE" if event.busy else "TRANSP:TRANSPARENT")
    if event.private:
        add("CLASS:PRIVATE")
    if event.busy_status:
        add(_BUSY_STATUS[event.busy_status])
    for alarm in event.alarms:
        add("BEGIN:VALARM")
        add("ACTION:DISPLAY")
        add("TRIGGER:" + format_duration(-alarm.before))
        add(_text("DESCRIPTION:", alarm.text))
        add("END:VALARM")
    add("END:VEVENT\r\n")
    return "\r\n".join(lines)


_STATUS = {s: f"STATUS:{s}" for s in ("CONFIRMED", "TENTATIVE", "CANCELLED")}
_BUSY_STATUS = {s: f"X-MICROSOFT-CDO-BUSYSTATUS:{s}" for s in ("BUSY", "TENTATIVE", "OOF", "FREE")}


def strong_etag(body: bytes) -> str:
    """A strong ETag: a hash of the exact bytes."""
    return '"' + hashlib.sha256(body).hexdigest()[:40] + '"'
