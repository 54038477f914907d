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

from calendars.text import escape_text
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
    for event in feed.events:
        _event(w.lines, event)
    w.end("VCALENDAR")
    return w.to_bytes()


def _event(out: list[str], event: FeedEvent) -> None:
    add = out.append
    add("BEGIN:VEVENT")
    add("UID:" + escape_text(event.uid, multiline=False))
    add("DTSTAMP:" + format_utc(event.stamp))
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
    add("SUMMARY:" + escape_text(event.summary, multiline=False))
    if event.location:
        add("LOCATION:" + escape_text(event.location, multiline=False))
    if event.description:
        add("DESCRIPTION:" + escape_text(event.description))
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
        add("DESCRIPTION:" + escape_text(alarm.text, multiline=False))
        add("END:VALARM")
    add("END:VEVENT")


_STATUS = {s: f"STATUS:{s}" for s in ("CONFIRMED", "TENTATIVE", "CANCELLED")}
_BUSY_STATUS = {s: f"X-MICROSOFT-CDO-BUSYSTATUS:{s}" for s in ("BUSY", "TENTATIVE", "OOF", "FREE")}


def strong_etag(body: bytes) -> str:
    """A strong ETag: a hash of the exact bytes."""
    return '"' + hashlib.sha256(body).hexdigest()[:40] + '"'
