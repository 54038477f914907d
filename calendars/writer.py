"""A direct iCalendar writer: content lines straight to folded CRLF bytes.

Feeds are read far more often than they change, and the ``icalendar`` library's ``to_ical`` needs
about two seconds for 10,000 events on our machines. This writer does the same job an order of
magnitude faster by writing each content line once, already escaped and folded. Its output is
checked against ``icalendar`` (and ``vobject`` and ical.js) by round-trip tests.

Safety is structural: free text goes through :func:`calendars.text.escape_text`, parameter values
through :func:`calendars.text.param_value` (unless they are plain tokens), addresses and URIs are
refused when they contain whitespace or control characters, and :func:`calendars.text.fold`
refuses any line that still holds a line break. Property names are always chosen by our code.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import UTC, date, datetime, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

from icalendar import Timezone

from calendars.text import FOLD_OCTETS, escape_text, fold_line, param_value
from scheduler.errors import InvalidInput

PRODID = "-//legal-secretary//Scheduling Engine 0.1//EN"

_TOKEN = re.compile(r"[A-Za-z0-9-]+\Z")
_URI_UNSAFE = re.compile(r"[\s\x00-\x1f\x7f\"<>\\^`{|}]")
_EMAIL = re.compile(r"[\w.+'-]+@[\w-]+(\.[\w-]+)+\Z")

Params = Sequence[tuple[str, str]]


def format_utc(moment: datetime) -> str:
    """``20261207T150000Z`` for an aware instant."""
    if moment.tzinfo is None:
        raise ValueError("a UTC time needs an aware datetime")
    m = moment if moment.tzinfo is UTC else moment.astimezone(UTC)
    # printf-style formatting is 2.5x faster than f-string format specs here (feeds hit it often)
    return "%04d%02d%02dT%02d%02d%02dZ" % (m.year, m.month, m.day, m.hour, m.minute, m.second)  # noqa: UP031


def format_local(moment: datetime, zone: ZoneInfo) -> str:
    """``20261207T100000``: the wall-clock time of ``moment`` in ``zone`` (used with TZID)."""
    m = moment.astimezone(zone)
    return f"{m.year:04d}{m.month:02d}{m.day:02d}T{m.hour:02d}{m.minute:02d}{m.second:02d}"


def format_date(day: date) -> str:
    return f"{day.year:04d}{day.month:02d}{day.day:02d}"


def format_duration(delta: timedelta) -> str:
    """An RFC 5545 DURATION such as ``-P1D``, ``-PT1H`` or ``-P8DT15H``."""
    seconds = int(delta.total_seconds())
    sign = "-" if seconds < 0 else ""
    seconds = abs(seconds)
    days, within_day = divmod(seconds, 86400)
    hours, within_hour = divmod(within_day, 3600)
    minutes, secs = divmod(within_hour, 60)
    if days and not within_day:
        if days % 7 == 0:
            return f"{sign}P{days // 7}W"
        return f"{sign}P{days}D"
    out = f"{sign}P{days}D" if days else f"{sign}P"
    out += "T"
    if hours:
        out += f"{hours}H"
    if minutes:
        out += f"{minutes}M"
    if secs or out.endswith("T"):
        out += f"{secs}S"
    return out


def safe_uri(value: str, *, field: str) -> str:
    """A URI value that cannot break a content line, or a clear error."""
    if not value or _URI_UNSAFE.search(value):
        raise InvalidInput("this address contains spaces or control characters", field=field)
    return value


def mailto(email: str, *, field: str = "email") -> str:
    """``mailto:`` URI for a plain e-mail address (anything else is refused)."""
    if not _EMAIL.match(email):
        raise InvalidInput(f"'{email[:80]}' is not a plain e-mail address", field=field)
    return "mailto:" + email


@lru_cache(maxsize=64)
def vtimezone(tzid: str, first_year: int, last_year: int) -> bytes:
    """A VTIMEZONE for an IANA zone, covering ``first_year`` to ``last_year`` (bytes, CRLF)."""
    component = Timezone.from_tzid(
        tzid, first_date=date(first_year, 1, 1), last_date=date(last_year + 1, 1, 1)
    )
    data: bytes = component.to_ical()
    return data if data.endswith(b"\r\n") else data + b"\r\n"


class IcsWriter:
    """Builds one iCalendar object, line by line; :meth:`to_bytes` folds and joins with CRLF."""

    __slots__ = ("lines",)

    def __init__(self) -> None:
        self.lines: list[str] = []

    def begin(self, component: str) -> None:
        self.lines.append("BEGIN:" + component)

    def end(self, component: str) -> None:
        self.lines.append("END:" + component)

    def raw(self, name: str, value: str, params: Params = ()) -> None:
        """A property whose value our code produced (a date, a number, a checked URI)."""
        if params:
            self.lines.append(f"{name}{_params(params)}:{value}")
        else:
            self.lines.append(f"{name}:{value}")

    def text(self, name: str, value: str, *, multiline: bool = True, params: Params = ()) -> None:
        """A TEXT property: the value is escaped, whatever it holds."""
        self.raw(name, escape_text(value, multiline=multiline), params)

    def utc(self, name: str, moment: datetime) -> None:
        self.lines.append(f"{name}:{format_utc(moment)}")

    def local(self, name: str, moment: datetime, tzid: str) -> None:
        """A date-time with ``TZID``; the caller also writes the zone's VTIMEZONE."""
        self.lines.append(f"{name};TZID={tzid}:{format_local(moment, ZoneInfo(tzid))}")

    def date(self, name: str, day: date) -> None:
        self.lines.append(f"{name};VALUE=DATE:{format_date(day)}")

    def address(self, name: str, email: str, params: Params = ()) -> None:
        """ORGANIZER / ATTENDEE: a checked ``mailto:`` address with its parameters."""
        self.raw(name, mailto(email, field=name.lower()), params)

    def block(self, data: bytes) -> None:
        """Pre-rendered content lines (a VTIMEZONE), already folded with CRLF."""
        self.lines.extend(data.decode("utf-8").removesuffix("\r\n").split("\r\n"))

    def to_bytes(self) -> bytes:
        """CRLF after every line (the last one too), each line folded at 75 octets.

        Refuses (ValueError) if any line still holds a line break: that would be an injection.
        """
        lines = self.lines
        body = "\n".join(lines)
        if "\r" in body or body.count("\n") != len(lines) - 1:
            raise ValueError("a content line holds a line break; its value was not escaped")
        folded = [
            line if len(line) <= FOLD_OCTETS and line.isascii() else fold_line(line)
            for line in lines
        ]
        return ("\r\n".join(folded) + "\r\n").encode("utf-8")


def _params(params: Params) -> str:
    out = []
    for key, value in params:
        out.append(f";{key}={value if _TOKEN.match(value) else param_value(value)}")
    return "".join(out)
