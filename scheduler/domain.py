"""The firm's vocabulary as plain, immutable data.

Everything here is pure: no I/O, no database, no web framework. Instants are tz-aware datetimes in
UTC (``starts_at``, ``ends_at``); calendar dates are ``date`` objects (``due_on``); zones are IANA
names; intervals are half-open ``[start, end)``. Identifiers are short strings (``att-okafor``,
``mat-017``) so they read well in a command line and in the JSON problem format.
"""

from __future__ import annotations

import enum
import itertools
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from scheduler.errors import InvalidInput

AttorneyId = str
ClientId = str
MatterId = str
RoomId = str
AppointmentId = str


class Weekday(enum.IntEnum):
    """ISO weekday numbers minus one, as ``date.weekday()`` returns them."""

    MON = 0
    TUE = 1
    WED = 2
    THU = 3
    FRI = 4
    SAT = 5
    SUN = 6

    @property
    def key(self) -> str:
        """The three-letter key used in working-hours maps (``"mon"``)."""
        return self.name.lower()

    @classmethod
    def from_key(cls, key: str) -> Weekday:
        try:
            return cls[key.upper()]
        except KeyError:
            raise InvalidInput(
                f"'{key}' is not a day of the week; use mon, tue, wed, thu, fri, sat or sun",
                field="working_hours",
            ) from None


class AppointmentStatus(enum.StrEnum):
    TENTATIVE = "tentative"
    CONFIRMED = "confirmed"
    CANCELLED = "cancelled"

    @property
    def occupies_time(self) -> bool:
        """Tentative and confirmed appointments both hold their attorneys and room."""
        return self is not AppointmentStatus.CANCELLED


class Role(enum.StrEnum):
    ADMIN = "admin"
    SECRETARY = "secretary"
    ATTORNEY = "attorney"
    CLIENT = "client"


class Language(enum.StrEnum):
    EN = "en"
    ES = "es"


JURISDICTIONS: tuple[str, ...] = ("US-FED", "US-CA", "US-NY")
# Appointment reminders, in minutes before the start, unless the firm or the client says otherwise.
DEFAULT_REMINDER_OFFSETS_MINUTES: tuple[int, ...] = (24 * 60, 120)


def require_zone(name: str, *, field: str = "timezone") -> ZoneInfo:
    """The ZoneInfo for an IANA name, or a clear error naming the field."""
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, OSError):  # "America" names a folder
        raise InvalidInput(
            f"'{name}' is not a known time zone; use an IANA name such as America/New_York",
            field=field,
        ) from None


def require_utc(moment: datetime, *, field: str) -> datetime:
    """The same instant in UTC; naive datetimes are refused rather than guessed."""
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise InvalidInput(
            "an instant needs a UTC offset (for example 2026-12-07T09:00:00-05:00)", field=field
        )
    return moment.astimezone(UTC)


@dataclass(frozen=True, slots=True)
class TimeRange:
    """A local wall-clock range within one day, such as 09:00-12:30."""

    start: time
    end: time

    def __post_init__(self) -> None:
        if self.end <= self.start:
            raise InvalidInput(f"the range {self} ends before it starts", field="working_hours")

    def __str__(self) -> str:
        return f"{self.start:%H:%M}-{self.end:%H:%M}"

    @classmethod
    def parse(cls, text: str, *, field: str = "working_hours") -> TimeRange:
        """Parse ``"HH:MM-HH:MM"``."""
        try:
            left, right = text.split("-")
            start = time.fromisoformat(left.strip())
            end = time.fromisoformat(right.strip())
        except ValueError:
            raise InvalidInput(
                f"'{text}' is not a time range; write it as HH:MM-HH:MM", field=field
            ) from None
        if end <= start:
            raise InvalidInput(f"'{text}' ends before it starts", field=field)
        return cls(start, end)

    @property
    def minutes(self) -> int:
        return (self.end.hour * 60 + self.end.minute) - (self.start.hour * 60 + self.start.minute)


@dataclass(frozen=True, slots=True)
class WeeklyHours:
    """Working hours per weekday in the owner's zone; a day that is absent is not worked.

    Ranges are kept as listed (not merged): a meeting must lie inside one range.
    """

    days: Mapping[Weekday, tuple[TimeRange, ...]] = field(default_factory=dict)

    def ranges_on(self, day: date) -> tuple[TimeRange, ...]:
        return self.days.get(Weekday(day.weekday()), ())

    def to_json(self) -> dict[str, list[str]]:
        return {
            day.key: [str(r) for r in ranges] for day, ranges in sorted(self.days.items()) if ranges
        }

    @classmethod
    def from_json(
        cls, data: Mapping[str, list[str]], *, field: str = "working_hours"
    ) -> WeeklyHours:
        days: dict[Weekday, tuple[TimeRange, ...]] = {}
        for key, ranges in data.items():
            weekday = Weekday.from_key(key)
            parsed = tuple(
                sorted(
                    (TimeRange.parse(r, field=f"{field}.{key}[{i}]") for i, r in enumerate(ranges)),
                    key=lambda r: r.start,
                )
            )
            for before, after in itertools.pairwise(parsed):
                if after.start < before.end:
                    raise InvalidInput(
                        f"the ranges {before} and {after} overlap", field=f"{field}.{key}"
                    )
            days[weekday] = parsed
        return cls(days)

    @property
    def weekly_minutes(self) -> int:
        return sum(r.minutes for ranges in self.days.values() for r in ranges)


@dataclass(frozen=True, slots=True)
class Firm:
    name: str
    timezone: str
    address: str
    email: str
    phone: str = ""
    # Appointment reminders, in minutes before the start (24 h and 2 h by default).
    reminder_offsets_minutes: tuple[int, ...] = DEFAULT_REMINDER_OFFSETS_MINUTES
    # Deadline ticklers, in court days before the due date.
    tickler_court_days: tuple[int, ...] = (14, 7, 3, 1)
    # Minimum notice for a client booking, counted in business hours.
    min_notice_business_hours: int = 4

    @property
    def domain(self) -> str:
        """The firm's own domain (from its e-mail), for the UIDs of what it organizes."""
        return self.email.rpartition("@")[2] or "legal-secretary.invalid"


@dataclass(frozen=True, slots=True)
class Attorney:
    id: AttorneyId
    name: str
    email: str
    timezone: str
    working_hours: WeeklyHours
    practice_areas: tuple[str, ...] = ()
    title: str = "Associate"
    office: str = ""
    max_meetings_per_day: int | None = None
    buffer_minutes: int = 0
    active: bool = True


@dataclass(frozen=True, slots=True)
class TimeOff:
    id: str
    attorney_id: AttorneyId
    starts_at: datetime
    ends_at: datetime
    reason: str = ""


@dataclass(frozen=True, slots=True)
class RoomClosure:
    """Time a room cannot be used (repairs, a room out for the day): nothing is booked in it."""

    id: str
    room_id: RoomId
    starts_at: datetime
    ends_at: datetime
    reason: str = ""


@dataclass(frozen=True, slots=True)
class BusyBlock:
    """Time an attorney is committed elsewhere (a hearing, a deposition, an imported event).

    Only the time is kept: the summary of an imported private event is never stored.
    """

    attorney_id: AttorneyId
    starts_at: datetime
    ends_at: datetime
    source_id: str = "manual"


@dataclass(frozen=True, slots=True)
class CalendarSource:
    """Where an attorney's busy times come from: an uploaded file, a subscription URL, a CalDAV
    calendar, or entries made by hand.

    ``url`` may itself be a secret (a "secret address" feed): it is never printed in full.
    CalDAV passwords are never stored: ``password_env`` names the environment variable that
    holds the password wherever the sync runs.
    """

    id: str
    attorney_id: AttorneyId
    kind: str  # file | upload | url | caldav | manual
    created_at: datetime
    url: str = ""
    label: str = ""
    username: str = ""
    password_env: str = ""
    etag: str | None = None
    last_modified: str | None = None
    poll_minutes: int = 15
    last_polled_at: datetime | None = None
    last_error: str | None = None


@dataclass(frozen=True, slots=True)
class Client:
    id: ClientId
    name: str
    email: str
    phone: str = ""
    timezone: str = "America/New_York"
    language: Language = Language.EN
    # Reminder offsets in minutes before an appointment; None means the firm's policy.
    reminder_offsets_minutes: tuple[int, ...] | None = None


@dataclass(frozen=True, slots=True)
class AdverseParty:
    """An opposing party; ``client_id`` is set when that party is also a client of record."""

    name: str
    client_id: ClientId | None = None


@dataclass(frozen=True, slots=True)
class Matter:
    id: MatterId
    client_id: ClientId
    title: str
    jurisdiction: str
    practice_area: str
    responsible_attorneys: tuple[AttorneyId, ...]
    court: str = ""
    adverse_parties: tuple[AdverseParty, ...] = ()
    # The ethical wall: these attorneys never see or work on the matter.
    screened_attorneys: tuple[AttorneyId, ...] = ()
    opened_on: date | None = None
    status: str = "open"

    def is_screened(self, attorney_id: AttorneyId) -> bool:
        return attorney_id in self.screened_attorneys

    @property
    def adverse_client_ids(self) -> tuple[ClientId, ...]:
        return tuple(p.client_id for p in self.adverse_parties if p.client_id)


@dataclass(frozen=True, slots=True)
class Room:
    id: RoomId
    name: str
    capacity: int = 6
    location: str = ""


@dataclass(frozen=True, slots=True)
class Appointment:
    """A meeting on the firm's calendar.

    ``uid`` is the iCalendar UID for the appointment's whole life; ``sequence`` rises on every
    change that attendees must see (time, attendees, room, status).
    """

    id: AppointmentId
    uid: str
    client_id: ClientId
    matter_id: MatterId
    attorney_ids: tuple[AttorneyId, ...]
    starts_at: datetime
    ends_at: datetime
    title: str
    status: AppointmentStatus = AppointmentStatus.CONFIRMED
    sequence: int = 0
    room_id: RoomId | None = None
    buffer_minutes: int = 0
    priority: int = 3
    video_url: str = ""
    created_at: datetime | None = None
    updated_at: datetime | None = None

    @property
    def duration_minutes(self) -> int:
        return int((self.ends_at - self.starts_at).total_seconds() // 60)


@dataclass(frozen=True, slots=True)
class Window:
    starts_at: datetime
    ends_at: datetime


@dataclass(frozen=True, slots=True)
class MeetingRequest:
    """A client meeting that still has to be placed (the batch solver's input)."""

    id: str
    client_id: ClientId
    duration_minutes: int
    candidate_attorneys: tuple[AttorneyId, ...]
    matter_id: MatterId | None = None
    title: str = ""
    attorneys_needed: int = 1
    needs_room: bool = False
    candidate_rooms: tuple[RoomId, ...] | None = None
    windows: tuple[Window, ...] = ()
    earliest_start: datetime | None = None
    deadline: datetime | None = None
    priority: int = 3
    buffer_minutes: int = 0


@dataclass(frozen=True, slots=True)
class TriggerEvent:
    """Something that happened in a matter and starts court deadlines running (service of the
    complaint, entry of judgment, a hearing date)."""

    id: str
    matter_id: MatterId
    event: str
    occurred_on: date
    jurisdiction: str
    service: str = "personal"
    note: str = ""


@dataclass(frozen=True, slots=True)
class Deadline:
    """A court deadline on a matter's docket, with the reasoning that produced it."""

    id: str
    matter_id: MatterId
    title: str
    due_on: date
    jurisdiction: str
    rule_id: str = ""
    trigger_id: str | None = None
    steps: tuple[str, ...] = ()
    citations: tuple[str, ...] = ()
    responsible_attorneys: tuple[AttorneyId, ...] = ()
    status: str = "open"


@dataclass(frozen=True, slots=True)
class CourtClosure:
    """A day a court was closed, entered by the firm (a clerk's office inaccessible, FRCP
    6(a)(3); a public office closed all day, Cal. CCP 12b); deadlines treat it as a holiday."""

    jurisdiction: str
    closed_on: date
    reason: str = ""


class FeedKind(enum.StrEnum):
    ATTORNEY = "attorney"
    CLIENT = "client"
    MATTER = "matter"
    FIRM_BUSY = "firm-busy"


@dataclass(frozen=True, slots=True)
class FeedToken:
    """A calendar-subscription token. Only its SHA-256 hash is stored."""

    id: str
    kind: FeedKind
    subject_id: str | None
    token_hash: str
    created_at: datetime
    revoked_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class ApiKey:
    """An API key; only its hash is stored. Attorney and client keys are tied to one person."""

    id: str
    role: Role
    key_hash: str
    created_at: datetime
    attorney_id: AttorneyId | None = None
    client_id: ClientId | None = None
    label: str = ""
    revoked_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class IdempotencyRecord:
    """What a mutating request with an ``Idempotency-Key`` answered, so a retry answers the same."""

    key: str
    scope: str
    request_hash: str
    status_code: int
    response_body: str
    created_at: datetime


class MessageKind(enum.StrEnum):
    INVITATION = "invitation"
    UPDATE = "update"
    CANCELLATION = "cancellation"
    REMINDER = "reminder"
    TICKLER = "tickler"


@dataclass(frozen=True, slots=True)
class OutboxMessage:
    """A message the engine owes someone, queued in the transaction of the change that caused it.

    ``payload`` is a JSON-ready snapshot of what the message is about; ``message_id`` is stable,
    so a resend after a crash is recognised as the same message by mail systems. Reminders and
    deadline ticklers are messages like any other, with ``due_at`` in the future; cancelling a
    reminder marks its pending message cancelled.
    """

    id: str
    kind: MessageKind
    dedupe_key: str
    recipient: str  # "client:<id>" or "attorney:<id>"
    subject_id: str  # appointment or deadline id
    payload: Mapping[str, Any]
    due_at: datetime
    message_id: str
    created_at: datetime
    status: str = "pending"  # pending | sent | failed | cancelled
    attempts: int = 0
    lease_until: datetime | None = None
    last_error: str | None = None
    sent_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class AuditEntry:
    """Who changed or viewed what, and when. ``detail`` never holds a client's privileged data."""

    at: datetime
    actor: str
    action: str
    entity_type: str
    entity_id: str
    detail: str = ""
    id: int | None = None


def utc(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    """A UTC instant; a small convenience for demo data and tests."""
    return datetime(year, month, day, hour, minute, tzinfo=UTC)


@dataclass(frozen=True, slots=True)
class Hold:
    """A short reservation of a slot while a client confirms; it lapses at ``expires_at``.

    While it lasts, nobody else is offered or given that time; the client (``client_id``) it was
    made for can book it.
    """

    id: str
    attorney_ids: tuple[AttorneyId, ...]
    starts_at: datetime
    ends_at: datetime
    expires_at: datetime
    created_by: str
    created_at: datetime
    client_id: ClientId | None = None
    room_id: RoomId | None = None


@dataclass(frozen=True, slots=True)
class ClosedDay:
    """A date the whole firm is closed (a holiday, an office closure), in the firm's zone."""

    day: date
    reason: str = ""


@dataclass(frozen=True, slots=True)
class Span:
    """A bare span of time in integer microseconds since the epoch, read lean for availability.

    ``owner`` is the attorney, room or client it belongs to; nothing confidential is carried.
    """

    owner: str
    start_us: int
    end_us: int
    buffer_minutes: int = 0
    appointment_id: str = ""
    room_id: str | None = None


@dataclass(frozen=True, slots=True)
class BookingLink:
    """A link the firm sends a client to book one meeting on one matter (``/book/{token}``).

    Only the SHA-256 hash of the token is stored. The link offers meetings of
    ``duration_minutes`` with one of ``attorney_ids`` (all of them attend when ``attend_all``),
    ending by the end of ``meet_by`` (in the firm's zone) when it is set. New bookings are taken
    until ``expires_at``; the meeting booked through it (``appointment_id``) can be moved or
    cancelled through the same link until it starts. A revoked link opens nothing.
    """

    id: str
    token_hash: str
    client_id: ClientId
    matter_id: MatterId
    duration_minutes: int
    attorney_ids: tuple[AttorneyId, ...]
    title: str
    expires_at: datetime
    created_at: datetime
    created_by: str
    needs_room: bool = False
    attend_all: bool = False
    meet_by: date | None = None
    appointment_id: AppointmentId | None = None
    revoked_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class WebSession:
    """A signed-in staff member's browser session (the day board); only the hash of the cookie
    value is stored. The session acts with the API key it was opened with, so revoking the key
    ends the session too."""

    id: str
    token_hash: str
    api_key_id: str
    created_at: datetime
    expires_at: datetime
    revoked_at: datetime | None = None


class ScheduleJobStatus(enum.StrEnum):
    QUEUED = "queued"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"


@dataclass(frozen=True, slots=True)
class ScheduleJob:
    """A batch-scheduling problem solved outside the request that submitted it.

    ``problem`` and ``result`` are the JSON documents of the schedule problem format; the job
    lives in the database so that any API worker can answer a poll for it.
    """

    id: str
    status: ScheduleJobStatus
    problem: Mapping[str, Any]
    time_limit_seconds: float
    workers: int
    seed: int
    created_at: datetime
    created_by: str
    started_at: datetime | None = None
    finished_at: datetime | None = None
    result: Mapping[str, Any] | None = None
    error: str | None = None


@dataclass(frozen=True, slots=True)
class HeldSpan:
    """An unexpired hold as availability reads it: its time in microseconds since the epoch."""

    hold_id: str
    start_us: int
    end_us: int
    attorney_ids: tuple[AttorneyId, ...]
    client_id: ClientId | None = None
    room_id: RoomId | None = None


#: A bare span as ``window_facts`` reads it: (owner, start_us, end_us, buffer_minutes,
#: appointment id or "", room id or None).
SpanRow = tuple[str, int, int, int, str, str | None]


@dataclass(frozen=True, slots=True)
class WindowFacts:
    """Everything that occupies time around a window, read in one statement (see
    ``AppointmentRepository.window_facts``): meetings by attorney, room and client, busy blocks,
    time off (plain tuples, one per row: thousands are read per query), and unexpired holds."""

    by_attorney: list[SpanRow]
    by_room: list[SpanRow]
    by_client: list[SpanRow]
    busy: list[SpanRow]
    time_off: list[SpanRow]
    holds: list[HeldSpan]
