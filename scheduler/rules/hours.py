"""Periods stated in hours, under FRCP 6(a)(2) (federal courts), with every step written down.

Counting starts at once, at the event; every hour counts, weekends and legal holidays included
(6(a)(2)(A)-(B)). If the last hour ends on a Saturday, Sunday or legal holiday, the period runs
until the same time on the next day that is none of those (6(a)(2)(C)); if the clerk's office
was inaccessible then (a closure recorded for the court), to the same time on the first
accessible day that is not one (6(a)(3)(B)).

Hours are elapsed hours: 24 hours after 17:00 on the day before a daylight-saving change end at
18:00 (or 16:00) on the clock. "The same time" on a later day is the same time on the court's
clock. California and New York set no periods in hours; they are refused.

Whether an observed day (a holiday falling on a weekend, observed on the Friday or Monday) is a
"legal holiday" under 6(a)(6) is unsettled, as for periods in days: both readings are computed and
the earlier time is the answer, the steps saying what the other reading gives.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from scheduler.courtdays import (
    CALENDAR_CITATIONS,
    FIRST_YEAR,
    LAST_YEAR,
    CourtCalendar,
    DayKind,
    Jurisdiction,
    calendar_for,
    check_in_range,
    long_date,
)
from scheduler.errors import InvalidInput
from scheduler.rules.periods import QUESTIONS, STATE_HOLIDAY_NOTE, open_words

#: The longest period in hours this engine counts (rules set 24, 48, 72 hours and the like).
MAX_HOURS = 24 * 60

COUNT = "FRCP 6(a)(2)(A)-(B)"
ROLL = "FRCP 6(a)(2)(C)"
INACCESSIBLE = "FRCP 6(a)(3)(B)"


@dataclass(frozen=True, slots=True)
class HourRequest:
    """A period of ``hours`` from ``trigger`` (an instant), on the court's clock ``zone``."""

    jurisdiction: Jurisdiction
    trigger: datetime
    hours: int
    zone: ZoneInfo
    closures: tuple[tuple[date, str], ...] = ()


@dataclass(frozen=True, slots=True)
class HourAlternative:
    question: str
    due: datetime

    def to_json(self) -> dict[str, str]:
        return {"question": self.question, "due": self.due.isoformat()}


@dataclass(frozen=True, slots=True)
class HourComputation:
    due: datetime  # on the court's clock, with its offset
    steps: tuple[str, ...]
    citations: tuple[str, ...]
    unsettled: tuple[HourAlternative, ...] = ()
    notes: tuple[str, ...] = ()

    def to_json(self) -> dict[str, Any]:
        return {
            "due": self.due.isoformat(),
            "due_weekday": f"{self.due:%A}",
            "steps": list(self.steps),
            "citations": list(self.citations),
            "unsettled": [a.to_json() for a in self.unsettled],
            "notes": list(self.notes),
        }


def at(moment: datetime) -> str:
    """``Friday 6 March 2026 at 17:00 EST``: a moment as the steps write it."""
    return f"{long_date(moment.date())} at {moment:%H:%M} {moment.tzname()}"


def validate_hours(request: HourRequest) -> datetime:
    """Refuse what cannot be an hour period, naming the field; the trigger on the court's clock."""
    if request.jurisdiction is not Jurisdiction.US_FED:
        raise InvalidInput(
            "periods in hours are set for federal courts (FRCP 6(a)(2)); California and New York "
            "periods are counted in days",
            field="hours",
        )
    if request.trigger.tzinfo is None or request.trigger.utcoffset() is None:
        raise InvalidInput(
            "give the time the period runs from with its offset, e.g. 2026-03-06T17:00-05:00",
            field="trigger",
        )
    if not 1 <= request.hours <= MAX_HOURS:
        raise InvalidInput(f"give 1 to {MAX_HOURS} hours", field="hours")
    local = request.trigger.astimezone(request.zone)
    check_in_range(local.date(), field="trigger")
    return local


def _end(calendar: CourtCalendar, end: datetime, hours: int) -> tuple[datetime, str, str | None]:
    """The deadline under one reading: the moment, the step that lands there, its citation."""
    day = end.date()
    reason = calendar.closed_reason(day)
    if reason is None:
        words = open_words(calendar, day)
        return (
            end,
            f"Hour {hours} ends {at(end)}. That day is {words}, so the period ends then.",
            None,
        )

    target = calendar.next_court_day(day)
    due = datetime.combine(target, end.time(), tzinfo=end.tzinfo)
    holiday = calendar.holiday_on(day)
    if holiday is not None and holiday.kind is DayKind.CLOSURE and day.weekday() < 5:
        text = (
            f"Hour {hours} ends {at(end)}, but {long_date(day)} is {reason}: the clerk's office "
            "was inaccessible, so the period runs until the same time on the first accessible "
            f"day that is not a Saturday, Sunday or legal holiday: {at(due)}."
        )
        return due, text, INACCESSIBLE
    text = (
        f"Hour {hours} ends {at(end)}, but {long_date(day)} is {reason}, so the period runs until "
        f"the same time on the next day that is not a Saturday, Sunday or legal holiday: "
        f"{at(due)}."
    )
    return due, text, ROLL


def compute_hours(request: HourRequest, calendar: CourtCalendar | None = None) -> HourComputation:
    """The moment a period in hours ends, with its steps, citations and unsettled points."""
    start = validate_hours(request)
    base = calendar or calendar_for(request.jurisdiction)
    if request.closures:
        base = base.with_closures(request.closures)
    end = (start.astimezone(UTC) + timedelta(hours=request.hours)).astimezone(request.zone)
    try:
        readings = {
            counted: _end(base.reading(count_unsettled=counted), end, request.hours)
            for counted in (True, False)
        }
    except InvalidInput:
        raise InvalidInput(
            f"the deadline would fall outside the court calendars, which cover {FIRST_YEAR} "
            f"to {LAST_YEAR}",
            field="hours",
        ) from None
    chosen = min(readings, key=lambda counted: (readings[counted][0], not counted))
    due, landing, cite = readings[chosen]
    other_due = readings[not chosen][0]
    steps = [
        f"Count {request.hours} hours from {at(start)}: counting starts at once, and every hour "
        "counts, weekends and legal holidays included.",
        landing,
    ]
    unsettled: list[HourAlternative] = []
    if other_due != due:
        question = QUESTIONS[("count_unsettled_days", Jurisdiction.US_FED)]
        unsettled.append(HourAlternative(question, other_due))
        steps.append(
            f"Unsettled: {question} Read the other way, the period would end {at(other_due)}; "
            "this answer takes the earlier time."
        )
    citations = [COUNT, *([cite] if cite else []), CALENDAR_CITATIONS[request.jurisdiction]]
    return HourComputation(
        due=due,
        steps=tuple(steps),
        citations=tuple(citations),
        unsettled=tuple(unsettled),
        notes=(STATE_HOLIDAY_NOTE,),
    )
