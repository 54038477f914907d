"""Busy times from attorneys' own calendars (``.ics`` files, subscription feeds, CalDAV objects).

The pipeline, for a bounded window:

1. parse with ``icalendar`` (UTF-8, falling back to Latin-1);
2. repair Google's ``X-WR-TIMEZONE`` exports with ``x_wr_timezone.to_standard``;
3. check every event: a property that cannot be read, or a TZID that names no zone we know
   (after mapping Windows names such as ``Eastern Standard Time 1`` and old Mozilla prefixes) is
   a *problem*, reported with the event's UID and summary, never silently turned into floating
   time. By default any problem rejects the whole import (:class:`ImportRejected`); in tolerant
   mode the bad series are skipped and listed;
4. expand recurrences with ``recurring_ical_events`` (RRULE, RDATE, EXDATE, RECURRENCE-ID);
5. drop what does not make the attorney busy: ``STATUS:CANCELLED``, Outlook's "Canceled:"
   titles, ``TRANSP:TRANSPARENT``, ``X-MICROSOFT-CDO-BUSYSTATUS:FREE`` and events the attorney
   declined;
6. all-day events cover the attorney's local day(s); floating times are the attorney's local
   time; everything becomes UTC, clipped to the window and merged.

Only times are kept. Summaries are read for problem reports only, and a private event's summary
is never shown even there.
"""

from __future__ import annotations

import re
import warnings
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import recurring_ical_events
import x_wr_timezone
from icalendar import Calendar, Component
from icalendar.error import GloballyUniqueTZIDGuessed
from icalendar.prop import vBroken, vDDDLists, vDDDTypes
from icalendar.timezone.windows_to_olson import WINDOWS_TO_OLSON

from scheduler.domain import require_zone
from scheduler.errors import InvalidInput
from scheduler.intervals import Interval, clip, merge

TIME_PROPERTIES = ("DTSTART", "DTEND", "RECURRENCE-ID", "EXDATE", "RDATE")
_CANCELLED_PREFIX = re.compile(r"\s*(canceled|cancelled|cancelado|cancelada)\s*:", re.IGNORECASE)
_WINDOWS_LOWER = {k.lower(): v for k, v in WINDOWS_TO_OLSON.items()}
MAX_PROBLEMS_SHOWN = 5


@dataclass(frozen=True, slots=True)
class ImportProblem:
    """An event that could not be read, named so a person can find it in their calendar."""

    uid: str
    summary: str
    reason: str

    def __str__(self) -> str:
        return f"'{self.summary}' (UID {self.uid}): {self.reason}"


class ImportRejected(InvalidInput):
    """The calendar holds events that cannot be read; nothing was imported."""

    def __init__(self, problems: Sequence[ImportProblem]) -> None:
        shown = "; ".join(str(p) for p in problems[:MAX_PROBLEMS_SHOWN])
        more = len(problems) - MAX_PROBLEMS_SHOWN
        if more > 0:
            shown += f"; and {more} more"
        super().__init__(
            f"{len(problems)} event(s) cannot be read: {shown}. Nothing was imported. Fix them in "
            "the calendar, or import in tolerant mode to skip them.",
            field="ics",
        )
        self.problems = list(problems)


@dataclass(frozen=True, slots=True)
class ImportOptions:
    """Whose calendar it is and which stretch of time to read."""

    zone: str
    window_start: datetime
    window_end: datetime
    emails: tuple[str, ...] = ()
    tolerant: bool = False

    def __post_init__(self) -> None:
        require_zone(self.zone, field="timezone")
        if self.window_start.tzinfo is None or self.window_end.tzinfo is None:
            raise InvalidInput("the import window needs aware instants", field="window")
        if self.window_end <= self.window_start:
            raise InvalidInput("the import window ends before it starts", field="window")


@dataclass(slots=True)
class ImportResult:
    """Merged busy intervals in UTC, and what was skipped or assumed on the way."""

    blocks: list[Interval] = field(default_factory=list)
    problems: list[ImportProblem] = field(default_factory=list)
    events: int = 0
    occurrences: int = 0
    ignored: int = 0  # cancelled, free, declined or zero-length occurrences
    floating: int = 0  # occurrences given the attorney's zone because they had none


def parse_calendar(data: bytes | str) -> Calendar:
    """An ``icalendar.Calendar`` from raw bytes, or a clear error."""
    if isinstance(data, bytes):
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            text = data.decode("latin-1")
    else:
        text = data
    if "BEGIN:VCALENDAR" not in text[:4096].upper():
        raise InvalidInput("this is not an iCalendar (.ics) file", field="ics")
    try:
        with warnings.catch_warnings():
            # "/mozilla.org/.../Europe/London" read as Europe/London: what we want, said once here.
            warnings.simplefilter("ignore", GloballyUniqueTZIDGuessed)
            calendar = Calendar.from_ical(text)
    except (ValueError, IndexError, KeyError) as error:
        raise InvalidInput(
            f"this iCalendar file cannot be read ({type(error).__name__})", field="ics"
        ) from None
    if not isinstance(calendar, Calendar) or calendar.name != "VCALENDAR":
        raise InvalidInput("this is not an iCalendar (.ics) file", field="ics")
    return calendar


def busy_from_ics(data: bytes | str, options: ImportOptions) -> ImportResult:
    """Busy intervals from one ``.ics`` document."""
    return busy_from_documents([data], options)


def busy_from_documents(documents: Iterable[bytes | str], options: ImportOptions) -> ImportResult:
    """Busy intervals from several documents (a CalDAV calendar has one per event series)."""
    result = ImportResult()
    intervals: list[Interval] = []
    for data in documents:
        calendar = x_wr_timezone.to_standard(parse_calendar(data))
        problems = _check_and_repair(calendar)
        result.events += len(calendar.walk("VEVENT"))
        if problems and not options.tolerant:
            raise ImportRejected(problems)
        if problems:
            _drop_series(calendar, {p.uid for p in problems})
        try:
            occurrences = _expand(calendar, options)
        except recurring_ical_events.InvalidCalendar:
            occurrences, late = _expand_each_series(calendar, options)
            if late and not options.tolerant:
                raise ImportRejected(problems + late) from None
            problems += late
        result.problems.extend(problems)
        intervals += _busy_intervals(occurrences, options, result)
    window = Interval(options.window_start.astimezone(UTC), options.window_end.astimezone(UTC))
    result.blocks = clip(merge(intervals), window)
    return result


# --- checks and repairs ----------------------------------------------------------------------


def _describe(event: Component) -> tuple[str, str]:
    uid = str(event.get("UID") or "").strip() or "(no UID)"
    klass = str(event.get("CLASS") or "").upper()
    if klass in ("PRIVATE", "CONFIDENTIAL"):
        return uid, "(private event)"
    summary = str(event.get("SUMMARY") or "").strip() or "(no title)"
    summary = " ".join(summary.split())
    return uid, summary if len(summary) <= 80 else summary[:77] + "..."


def _check_and_repair(calendar: Calendar) -> list[ImportProblem]:
    """Problems per event; unknown TZIDs that map to a zone are rewritten in place."""
    problems: list[ImportProblem] = []
    for event in calendar.walk("VEVENT"):
        uid, summary = _describe(event)
        reasons: list[str] = []
        broken = list(dict.fromkeys(name for name, _message in getattr(event, "errors", [])))
        if broken:
            reasons.append(f"its {', '.join(broken)} cannot be read")
        if "DTSTART" not in event:
            reasons.append("it has no start time (DTSTART)")
        unknown: list[str] = []
        for name in TIME_PROPERTIES:
            if name not in event:
                continue
            current: Any = event[name]
            values = current if isinstance(current, list) else [current]
            for value in values:
                zone = _repair_zone(event, name, value)
                if zone is not None and zone not in unknown:
                    unknown.append(zone)
        reasons += [f"its time zone '{zone}' is not known" for zone in unknown]
        if reasons:
            problems.append(ImportProblem(uid, summary, "; ".join(dict.fromkeys(reasons))))
    return problems


def _repair_zone(event: Component, name: str, value: Any) -> str | None:
    """Give a naive value with a TZID its zone if the name maps to one; else the bad TZID."""
    if isinstance(value, vBroken):
        return None  # reported from the component's errors
    params = getattr(value, "params", None)
    tzid = params.get("TZID") if params is not None else None
    if not tzid or params is None:
        return None
    moments = _moments(value)
    if not moments or all(not isinstance(m, datetime) or m.tzinfo is not None for m in moments):
        return None
    zone = resolve_tzid(str(tzid))
    if zone is None:
        return str(tzid)
    fixed = [
        m.replace(tzinfo=zone) if isinstance(m, datetime) and m.tzinfo is None else m
        for m in moments
    ]
    replacement: Any = vDDDLists(fixed) if isinstance(value, vDDDLists) else vDDDTypes(fixed[0])
    replacement.params = params.copy()
    replacement.params["TZID"] = zone.key
    current = event[name]
    if isinstance(current, list):
        event[name] = [replacement if item is value else item for item in current]
    else:
        event[name] = replacement
    return None


def _moments(value: Any) -> list[Any]:
    if isinstance(value, vDDDLists):
        return [v.dt for v in value.dts]
    dt = getattr(value, "dt", None)
    return [dt] if dt is not None else []


def resolve_tzid(tzid: str) -> ZoneInfo | None:
    """The zone a TZID means: an IANA name, a Windows name (also with Outlook's " 1" suffix),
    or an IANA name behind a path prefix (``/mozilla.org/20050126_1/America/New_York``)."""
    candidates = [tzid.strip().strip('"')]
    base = re.sub(r"\s+\d+$", "", candidates[0])
    candidates.append(base)
    candidates += [_WINDOWS_LOWER.get(c.lower(), "") for c in (candidates[0], base)]
    parts = candidates[0].split("/")
    candidates += ["/".join(parts[i:]) for i in range(1, len(parts) - 1)]
    for candidate in candidates:
        if not candidate or candidate.startswith("/") or ".." in candidate:
            continue
        try:
            return ZoneInfo(candidate)
        except (ZoneInfoNotFoundError, ValueError):
            continue
    return None


def _drop_series(calendar: Calendar, uids: set[str]) -> None:
    calendar.subcomponents = [
        c for c in calendar.subcomponents if c.name != "VEVENT" or _describe(c)[0] not in uids
    ]


# --- expansion -------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Occurrence:
    """One occurrence: the component it comes from (the master or its override) and its times."""

    component: Component
    start: date | datetime
    end: date | datetime


class _OccurrenceQuery(recurring_ical_events.CalendarQuery):  # type: ignore[misc]
    """Occurrences without a copy of the component for each one.

    ``recurring_ical_events`` normally returns every occurrence as a new component (a copy of its
    series with the occurrence's times); for a year of weekly meetings that copy is most of the
    work. Busy time needs only the times and the source component's status, so this keeps those.
    """

    def _occurrences_to_components(self, occurrences: list[Any]) -> list[_Occurrence]:
        found: list[_Occurrence] = []
        for occurrence in occurrences:
            source = getattr(getattr(occurrence, "_adapter", None), "_component", None)
            if source is None:  # a future version of the library: take the documented way
                source = occurrence.as_component(False)
            found.append(_Occurrence(source, occurrence.start, occurrence.end))
        return found


def _expand(calendar: Calendar, options: ImportOptions) -> list[_Occurrence]:
    # Widen by a day each side: all-day and floating events are placed in the attorney's zone
    # afterwards, and the result is clipped to the exact window then.
    start = options.window_start.astimezone(UTC) - timedelta(days=1)
    end = options.window_end.astimezone(UTC) + timedelta(days=1)
    query = recurring_ical_events.of(calendar, calendar_query=_OccurrenceQuery)
    found: list[_Occurrence] = query.between(start, end)
    return found


def _expand_each_series(
    calendar: Calendar, options: ImportOptions
) -> tuple[list[_Occurrence], list[ImportProblem]]:
    """Expand series one by one, to name the ones the expander cannot handle."""
    zones = [c for c in calendar.subcomponents if c.name == "VTIMEZONE"]
    groups: dict[str, list[Component]] = defaultdict(list)
    for component in calendar.subcomponents:
        if component.name == "VEVENT":
            groups[_describe(component)[0]].append(component)
    occurrences: list[_Occurrence] = []
    problems: list[ImportProblem] = []
    for members in groups.values():
        single = Calendar()
        for key, value in calendar.items():
            single[key] = value
        single.subcomponents = [*zones, *members]
        try:
            occurrences += _expand(single, options)
        except (recurring_ical_events.InvalidCalendar, ValueError, TypeError):
            master = next((m for m in members if "RECURRENCE-ID" not in m), members[0])
            uid, summary = _describe(master)
            problems.append(ImportProblem(uid, summary, "its recurrence cannot be worked out"))
    return occurrences, problems


# --- one occurrence --------------------------------------------------------------------------


def _is_busy(event: Component, emails: Sequence[str]) -> bool:
    if str(event.get("STATUS") or "").upper() == "CANCELLED":
        return False
    if str(event.get("TRANSP") or "").upper() == "TRANSPARENT":
        return False
    if str(event.get("X-MICROSOFT-CDO-BUSYSTATUS") or "").upper() == "FREE":
        return False
    if _CANCELLED_PREFIX.match(str(event.get("SUMMARY") or "")):
        return False
    if emails:
        attendees = event.get("ATTENDEE") or []
        if not isinstance(attendees, list):
            attendees = [attendees]
        for attendee in attendees:
            address = str(attendee).strip().lower().removeprefix("mailto:")
            partstat = str(getattr(attendee, "params", {}).get("PARTSTAT", "")).upper()
            if address in emails and partstat == "DECLINED":
                return False
    return True


def _busy_intervals(
    occurrences: list[_Occurrence], options: ImportOptions, result: ImportResult
) -> list[Interval]:
    emails = tuple(e.lower() for e in options.emails)
    zone = ZoneInfo(options.zone)
    busy: dict[int, bool] = {}  # per source component: a series shares its status
    intervals: list[Interval] = []
    for occurrence in occurrences:
        result.occurrences += 1
        key = id(occurrence.component)
        keep = busy.get(key)
        if keep is None:
            keep = busy[key] = _is_busy(occurrence.component, emails)
        if not keep:
            result.ignored += 1
            continue
        begins, floating_start = _instant(occurrence.start, zone)
        ends, floating_end = _instant(occurrence.end, zone)
        if isinstance(occurrence.start, datetime) and not isinstance(occurrence.end, datetime):
            ends = begins  # a malformed mix of date and date-time: no length we can trust
        if floating_start or floating_end:
            result.floating += 1
        if ends <= begins:
            result.ignored += 1
            continue
        intervals.append(Interval(begins, ends))
    return intervals


def _instant(value: date | datetime, zone: ZoneInfo) -> tuple[datetime, bool]:
    """UTC instant of a DTSTART/DTEND value; True when it was floating (no zone of its own)."""
    if isinstance(value, datetime):
        if value.tzinfo is None:
            return value.replace(tzinfo=zone).astimezone(UTC), True
        return value.astimezone(UTC), False
    return datetime.combine(value, time(0), tzinfo=zone).astimezone(UTC), False
