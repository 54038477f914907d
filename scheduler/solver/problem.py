"""The schedule problem format (version 1): reading it, checking it, and the validated model.

A problem arrives as JSON (``secretary solve PROBLEM.json``, ``POST /v1/schedule/solve``) and is
read in two steps. First the shape and the types, with pydantic in strict mode (a number where
text is expected, a string where a number is expected, an instant without an offset: all refused).
Then the meaning: unknown and duplicate ids, ranges that end before they start, durations that are
not a positive multiple of the granularity, ``attorneys_needed`` above the candidates, frozen
meetings without a current placement. Every refusal is an :class:`InvalidInput` whose ``field``
is the path of the offending value (``meetings[3].attorneys[1]``), so nothing is half-solved.

The result is a :class:`Problem`: frozen dataclasses with instants in UTC, zones resolved and
working hours parsed. Fields the format does not define are not an error (integrators may carry
their own), but each one is reported in ``Problem.warnings`` so that a misspelt field name never
goes unnoticed.
"""

from __future__ import annotations

import itertools
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Annotated, Any, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, ValidationError
from pydantic import StrictBool as _Bool
from pydantic import StrictInt as _Int
from pydantic import StrictStr as _Str

from scheduler.domain import TimeRange, Weekday, WeeklyHours
from scheduler.errors import InvalidInput

FORMAT_VERSION = 1
DEFAULT_GRANULARITY_MINUTES = 15
DEFAULT_ADVERSE_SEPARATION_MINUTES = 30
DEFAULT_PRIORITY = 3
#: The longest horizon accepted (a year and a day): longer plans are not batch scheduling.
MAX_HORIZON_DAYS = 366


# --- Shape and types (pydantic, strict) ---------------------------------------------------------


def _instant(value: Any) -> datetime:
    if isinstance(value, datetime):
        moment = value
    elif isinstance(value, str):
        try:
            moment = datetime.fromisoformat(value.strip())
        except ValueError:
            raise ValueError(
                f"'{value}' is not an instant; write it as ISO 8601 with an offset, "
                "for example 2026-12-07T09:00:00-05:00"
            ) from None
    else:
        raise ValueError("expected an instant as text, for example 2026-12-07T09:00:00-05:00")
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(
            f"'{value}' has no UTC offset; an instant needs one "
            "(for example 2026-12-07T09:00:00-05:00 or 2026-12-07T14:00:00Z)"
        )
    return moment.astimezone(UTC)


def _date(value: Any) -> date:
    if isinstance(value, date) and not isinstance(value, datetime):
        return value
    if isinstance(value, str):
        try:
            return date.fromisoformat(value.strip())
        except ValueError:
            pass
    raise ValueError(f"{json.dumps(value, default=str)} is not a date; write it as YYYY-MM-DD")


_Instant = Annotated[datetime, BeforeValidator(_instant)]
_Date = Annotated[date, BeforeValidator(_date)]
_Id = Annotated[_Str, Field(min_length=1, max_length=200)]


class _Doc(BaseModel):
    model_config = ConfigDict(strict=True, frozen=True, extra="allow")


class _SpanDoc(_Doc):
    start: _Instant
    end: _Instant


class _AttorneyDoc(_Doc):
    id: _Id
    name: _Str | None = None
    timezone: _Str | None = None
    working_hours: dict[_Str, list[_Str]] = Field(default_factory=dict)
    busy: list[_SpanDoc] = Field(default_factory=list)
    max_meetings_per_day: Annotated[_Int, Field(ge=0)] | None = None
    screened_matters: list[_Id] = Field(default_factory=list)


class _RoomDoc(_Doc):
    id: _Id
    name: _Str | None = None
    busy: list[_SpanDoc] = Field(default_factory=list)


class _MeetingDoc(_Doc):
    id: _Id
    client: _Id
    matter: _Id | None = None
    title: _Str | None = None
    duration_minutes: _Int
    attorneys: list[_Id]
    attorneys_needed: _Int = 1
    needs_room: _Bool = False
    rooms: list[_Id] | None = None
    windows: list[_SpanDoc] | None = None
    earliest_start: _Instant | None = None
    deadline: _Instant | None = None
    priority: Annotated[_Int, Field(ge=1, le=5)] = DEFAULT_PRIORITY
    buffer_minutes: Annotated[_Int, Field(ge=0, le=24 * 60)] = 0
    adverse_clients: list[_Id] = Field(default_factory=list)


class _PlacementDoc(_Doc):
    meeting: _Id
    start: _Instant
    attorneys: list[_Id]
    room: _Id | None = None


class _ProblemDoc(_Doc):
    version: Literal[1]
    timezone: _Str
    horizon: _SpanDoc
    granularity_minutes: Annotated[_Int, Field(ge=1, le=24 * 60)] = DEFAULT_GRANULARITY_MINUTES
    closed_dates: list[_Date] = Field(default_factory=list)
    adverse_separation_minutes: Annotated[_Int, Field(ge=0, le=24 * 60)] = (
        DEFAULT_ADVERSE_SEPARATION_MINUTES
    )
    attorneys: list[_AttorneyDoc]
    rooms: list[_RoomDoc] = Field(default_factory=list)
    meetings: list[_MeetingDoc]
    current: list[_PlacementDoc] = Field(default_factory=list)
    frozen: list[_Id] = Field(default_factory=list)


# --- The validated model -------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Span:
    """A half-open UTC interval ``[start, end)``: a busy block or a client's window."""

    start: datetime
    end: datetime

    def contains(self, start: datetime, end: datetime) -> bool:
        return self.start <= start and end <= self.end

    def overlaps(self, start: datetime, end: datetime) -> bool:
        return self.start < end and start < self.end


@dataclass(frozen=True, slots=True)
class AttorneySpec:
    id: str
    name: str | None
    timezone: str
    zone: ZoneInfo
    working_hours: WeeklyHours
    busy: tuple[Span, ...]
    max_meetings_per_day: int | None
    screened_matters: frozenset[str]

    @property
    def label(self) -> str:
        """How a sentence names the attorney: the name when given, else the id."""
        return self.name or self.id


@dataclass(frozen=True, slots=True)
class RoomSpec:
    id: str
    name: str | None
    #: Times the room cannot be used (closed for repairs, out for the day).
    busy: tuple[Span, ...] = ()

    @property
    def label(self) -> str:
        return self.name or self.id


@dataclass(frozen=True, slots=True)
class MeetingSpec:
    id: str
    client: str
    matter: str | None
    title: str | None
    duration_minutes: int
    attorneys: tuple[str, ...]
    attorneys_needed: int
    needs_room: bool
    #: Candidate rooms; ``None`` means every room of the problem.
    rooms: tuple[str, ...] | None
    #: When the client can attend; ``None`` means the whole horizon.
    windows: tuple[Span, ...] | None
    earliest_start: datetime | None
    deadline: datetime | None
    priority: int
    buffer_minutes: int
    adverse_clients: frozenset[str]

    @property
    def duration(self) -> timedelta:
        return timedelta(minutes=self.duration_minutes)


@dataclass(frozen=True, slots=True)
class Placement:
    """Where a meeting is (or stays): its start, its attorneys and its room (or none)."""

    meeting: str
    start: datetime
    attorneys: tuple[str, ...]
    room: str | None = None


@dataclass(frozen=True)
class Problem:
    """A validated schedule problem. Build one with :func:`parse_problem`."""

    timezone: str
    zone: ZoneInfo
    horizon: Span
    granularity_minutes: int
    closed_dates: tuple[date, ...]
    adverse_separation_minutes: int
    attorneys: tuple[AttorneySpec, ...]
    rooms: tuple[RoomSpec, ...]
    meetings: tuple[MeetingSpec, ...]
    current: tuple[Placement, ...]
    frozen: tuple[str, ...]
    warnings: tuple[str, ...] = ()
    version: int = FORMAT_VERSION
    attorney_by_id: Mapping[str, AttorneySpec] = field(init=False, repr=False, compare=False)
    room_by_id: Mapping[str, RoomSpec] = field(init=False, repr=False, compare=False)
    meeting_by_id: Mapping[str, MeetingSpec] = field(init=False, repr=False, compare=False)
    current_by_meeting: Mapping[str, Placement] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "attorney_by_id", {a.id: a for a in self.attorneys})
        object.__setattr__(self, "room_by_id", {r.id: r for r in self.rooms})
        object.__setattr__(self, "meeting_by_id", {m.id: m for m in self.meetings})
        object.__setattr__(self, "current_by_meeting", {p.meeting: p for p in self.current})

    def candidate_rooms(self, meeting: MeetingSpec) -> tuple[str, ...]:
        """The rooms a meeting may use (its own list, or every room); empty without a need."""
        if not meeting.needs_room:
            return ()
        return meeting.rooms if meeting.rooms is not None else tuple(r.id for r in self.rooms)

    def adverse(self, one: MeetingSpec, other: MeetingSpec) -> bool:
        """Two in-office meetings of opposing parties (either side listing the other)."""
        return (
            one.id != other.id
            and one.needs_room
            and other.needs_room
            and (other.client in one.adverse_clients or one.client in other.adverse_clients)
        )

    def local(self, moment: datetime) -> datetime:
        """An instant in the firm's zone (how results and sentences show it)."""
        return moment.astimezone(self.zone)


# --- Reading -------------------------------------------------------------------------------------

_PLAIN_MESSAGES = {
    "missing": "this field is required",
    "int_type": "expected a whole number",
    "int_from_float": "expected a whole number",
    "string_type": "expected text (a string)",
    "bool_type": "expected true or false",
    "list_type": "expected a list",
    "dict_type": "expected an object",
    "model_type": "expected an object",
    "model_attributes_type": "expected an object",
    "none_required": "expected null",
}


def field_path(loc: Sequence[int | str]) -> str:
    """``('meetings', 3, 'attorneys', 1)`` as ``meetings[3].attorneys[1]``."""
    path = ""
    for part in loc:
        if isinstance(part, int):
            path += f"[{part}]"
        else:
            path += f".{part}" if path else part
    return path or "problem"


def _first_error(error: ValidationError) -> InvalidInput:
    # Optional fields are unions with None; pydantic names the branch ('int', 'str') in the loc.
    detail = error.errors()[0]
    loc = [p for p in detail["loc"] if not (isinstance(p, str) and p in _UNION_TAGS)]
    kind = detail["type"]
    if kind == "literal_error" and loc == ["version"]:
        message = f"version {json.dumps(detail.get('input'))} is not supported; this engine reads 1"
    elif kind in _PLAIN_MESSAGES:
        message = _PLAIN_MESSAGES[kind]
    elif kind == "value_error":
        message = str(detail["ctx"]["error"])
    else:
        message = detail["msg"][:1].lower() + detail["msg"][1:]
    return InvalidInput(message, field=field_path(loc))


_UNION_TAGS = {"int", "str", "bool", "list[str]", "list[_SpanDoc]", "datetime", "_SpanDoc"}


def parse_problem(data: Mapping[str, Any] | str | bytes) -> Problem:
    """Read and check a problem (a JSON text or the decoded object).

    Raises:
        InvalidInput: with ``field`` set to the path of the first wrong value.
    """
    if isinstance(data, str | bytes):
        try:
            data = json.loads(data)
        except (json.JSONDecodeError, UnicodeDecodeError) as error:
            raise InvalidInput(
                f"the problem is not valid JSON ({error})", field="problem"
            ) from None
    if not isinstance(data, Mapping):
        raise InvalidInput("expected a JSON object", field="problem")
    try:
        doc = _ProblemDoc.model_validate(data)
    except ValidationError as error:
        raise _first_error(error) from None
    return _Checker(doc).problem()


class _Checker:
    """The meaning of a well-typed document: references, ranges, and the rest."""

    def __init__(self, doc: _ProblemDoc) -> None:
        self.doc = doc
        self.warnings: list[str] = []

    def problem(self) -> Problem:
        doc = self.doc
        zone = _zone(doc.timezone, "timezone")
        horizon = self._span(doc.horizon, "horizon")
        if horizon.end - horizon.start > timedelta(days=MAX_HORIZON_DAYS):
            raise InvalidInput(
                f"the horizon is longer than {MAX_HORIZON_DAYS} days; plan a shorter period",
                field="horizon",
            )
        _no_duplicates([d.isoformat() for d in doc.closed_dates], "closed_dates", "date")
        attorneys = tuple(self._attorney(a, f"attorneys[{i}]") for i, a in enumerate(doc.attorneys))
        _no_duplicates([a.id for a in attorneys], "attorneys", "attorney id", suffix=".id")
        rooms = tuple(
            RoomSpec(
                r.id,
                r.name,
                tuple(self._span(b, f"rooms[{i}].busy[{j}]") for j, b in enumerate(r.busy)),
            )
            for i, r in enumerate(doc.rooms)
        )
        _no_duplicates([r.id for r in rooms], "rooms", "room id", suffix=".id")
        attorney_ids = {a.id for a in attorneys}
        room_ids = {r.id for r in rooms}
        meetings = tuple(
            self._meeting(m, f"meetings[{i}]", attorney_ids, room_ids)
            for i, m in enumerate(doc.meetings)
        )
        _no_duplicates([m.id for m in meetings], "meetings", "meeting id", suffix=".id")
        by_id = {m.id: m for m in meetings}
        current = tuple(
            self._placement(p, f"current[{i}]", by_id, attorney_ids, room_ids)
            for i, p in enumerate(doc.current)
        )
        _no_duplicates([p.meeting for p in current], "current", "meeting", suffix=".meeting")
        placed = {p.meeting for p in current}
        for i, meeting_id in enumerate(doc.frozen):
            if meeting_id not in by_id:
                raise InvalidInput(f"no meeting '{meeting_id}' is defined", field=f"frozen[{i}]")
            if meeting_id not in placed:
                raise InvalidInput(
                    f"meeting '{meeting_id}' is frozen but has no placement in current",
                    field=f"frozen[{i}]",
                )
        _no_duplicates(list(doc.frozen), "frozen", "meeting")
        self._collect_extra(doc, "")
        return Problem(
            timezone=doc.timezone,
            zone=zone,
            horizon=horizon,
            granularity_minutes=doc.granularity_minutes,
            closed_dates=tuple(sorted(doc.closed_dates)),
            adverse_separation_minutes=doc.adverse_separation_minutes,
            attorneys=attorneys,
            rooms=rooms,
            meetings=meetings,
            current=current,
            frozen=tuple(doc.frozen),
            warnings=tuple(self.warnings),
        )

    def _span(self, span: _SpanDoc, path: str) -> Span:
        if span.end <= span.start:
            raise InvalidInput(
                f"ends ({span.end.isoformat()}) at or before it starts ({span.start.isoformat()})",
                field=f"{path}.end",
            )
        return Span(span.start, span.end)

    def _attorney(self, doc: _AttorneyDoc, path: str) -> AttorneySpec:
        timezone = doc.timezone if doc.timezone is not None else self.doc.timezone
        zone = _zone(timezone, f"{path}.timezone")
        return AttorneySpec(
            id=doc.id,
            name=doc.name,
            timezone=timezone,
            zone=zone,
            working_hours=_hours(doc.working_hours, f"{path}.working_hours"),
            busy=tuple(self._span(b, f"{path}.busy[{i}]") for i, b in enumerate(doc.busy)),
            max_meetings_per_day=doc.max_meetings_per_day,
            screened_matters=frozenset(doc.screened_matters),
        )

    def _meeting(
        self, doc: _MeetingDoc, path: str, attorney_ids: set[str], room_ids: set[str]
    ) -> MeetingSpec:
        grain = self.doc.granularity_minutes
        if doc.duration_minutes <= 0:
            raise InvalidInput(
                "must be a positive number of minutes", field=f"{path}.duration_minutes"
            )
        if doc.duration_minutes % grain:
            raise InvalidInput(
                f"{doc.duration_minutes} is not a multiple of the granularity ({grain} minutes)",
                field=f"{path}.duration_minutes",
            )
        if not doc.attorneys:
            raise InvalidInput("list at least one candidate attorney", field=f"{path}.attorneys")
        for i, attorney_id in enumerate(doc.attorneys):
            if attorney_id not in attorney_ids:
                raise InvalidInput(
                    f"no attorney '{attorney_id}' is defined", field=f"{path}.attorneys[{i}]"
                )
        _no_duplicates(list(doc.attorneys), f"{path}.attorneys", "attorney")
        if not 1 <= doc.attorneys_needed <= len(doc.attorneys):
            raise InvalidInput(
                f"must be between 1 and the number of candidate attorneys ({len(doc.attorneys)})",
                field=f"{path}.attorneys_needed",
            )
        if doc.rooms is not None:
            for i, room_id in enumerate(doc.rooms):
                if room_id not in room_ids:
                    raise InvalidInput(
                        f"no room '{room_id}' is defined", field=f"{path}.rooms[{i}]"
                    )
            _no_duplicates(list(doc.rooms), f"{path}.rooms", "room")
            if not doc.needs_room:
                self.warnings.append(
                    f"{path}.rooms is ignored: the meeting does not need a room (needs_room false)"
                )
        windows = (
            None
            if doc.windows is None
            else tuple(self._span(w, f"{path}.windows[{i}]") for i, w in enumerate(doc.windows))
        )
        return MeetingSpec(
            id=doc.id,
            client=doc.client,
            matter=doc.matter,
            title=doc.title,
            duration_minutes=doc.duration_minutes,
            attorneys=tuple(doc.attorneys),
            attorneys_needed=doc.attorneys_needed,
            needs_room=doc.needs_room,
            rooms=tuple(doc.rooms) if doc.rooms is not None else None,
            windows=windows,
            earliest_start=doc.earliest_start,
            deadline=doc.deadline,
            priority=doc.priority,
            buffer_minutes=doc.buffer_minutes,
            adverse_clients=frozenset(doc.adverse_clients),
        )

    def _placement(
        self,
        doc: _PlacementDoc,
        path: str,
        meetings: Mapping[str, MeetingSpec],
        attorney_ids: set[str],
        room_ids: set[str],
    ) -> Placement:
        if doc.meeting not in meetings:
            raise InvalidInput(f"no meeting '{doc.meeting}' is defined", field=f"{path}.meeting")
        if not doc.attorneys:
            raise InvalidInput("list the attending attorneys", field=f"{path}.attorneys")
        for i, attorney_id in enumerate(doc.attorneys):
            if attorney_id not in attorney_ids:
                raise InvalidInput(
                    f"no attorney '{attorney_id}' is defined", field=f"{path}.attorneys[{i}]"
                )
        _no_duplicates(list(doc.attorneys), f"{path}.attorneys", "attorney")
        if doc.room is not None and doc.room not in room_ids:
            raise InvalidInput(f"no room '{doc.room}' is defined", field=f"{path}.room")
        return Placement(doc.meeting, doc.start, tuple(doc.attorneys), doc.room)

    def _collect_extra(self, node: Any, path: str) -> None:
        if isinstance(node, BaseModel):
            for name in node.model_extra or {}:
                where = f"{path}.{name}" if path else name
                self.warnings.append(f"{where} is not a field of the format and was ignored")
            for name in type(node).model_fields:
                child = getattr(node, name)
                self._collect_extra(child, f"{path}.{name}" if path else name)
        elif isinstance(node, list):
            for i, item in enumerate(node):
                self._collect_extra(item, f"{path}[{i}]")


def _zone(name: str, path: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise InvalidInput(
            f"'{name}' is not a known time zone; use an IANA name such as America/New_York",
            field=path,
        ) from None


def _hours(data: Mapping[str, list[str]], path: str) -> WeeklyHours:
    days: dict[Weekday, tuple[TimeRange, ...]] = {}
    for key, texts in data.items():
        try:
            weekday = Weekday[key.upper()]
        except KeyError:
            raise InvalidInput(
                f"'{key}' is not a day of the week; use mon, tue, wed, thu, fri, sat or sun",
                field=f"{path}.{key}",
            ) from None
        ranges = [TimeRange.parse(t, field=f"{path}.{key}[{i}]") for i, t in enumerate(texts)]
        ordered = sorted(ranges, key=lambda r: r.start)
        for before, after in itertools.pairwise(ordered):
            if after.start < before.end:
                raise InvalidInput(
                    f"the ranges {before} and {after} overlap", field=f"{path}.{key}"
                )
        days[weekday] = tuple(ordered)
    return WeeklyHours(days)


def _no_duplicates(values: Sequence[str], path: str, what: str, *, suffix: str = "") -> None:
    seen: set[str] = set()
    for i, value in enumerate(values):
        if value in seen:
            raise InvalidInput(f"duplicate {what} '{value}'", field=f"{path}[{i}]{suffix}")
        seen.add(value)
