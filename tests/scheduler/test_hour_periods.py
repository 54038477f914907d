"""Periods stated in hours (FRCP 6(a)(2)), each worked out by hand from the rule text.

Rule 6(a)(2): begin counting immediately on the event; count every hour, including weekends and
legal holidays; if the period would end on a Saturday, Sunday or legal holiday, it continues to
run until the same time on the next day that is none of those. Rule 6(a)(3)(B): if the clerk's
office is inaccessible during the last hour, to the same time on the first accessible day that is
not one. Hours are elapsed hours; "the same time" is the time on the court's clock.
"""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from scheduler.courtdays import Jurisdiction
from scheduler.errors import InvalidInput
from scheduler.rules.hours import HourRequest, compute_hours

NEW_YORK = ZoneInfo("America/New_York")
CHICAGO = ZoneInfo("America/Chicago")


def ny(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=NEW_YORK)  # type: ignore[misc]


def period(trigger: datetime, hours: int, **kw: object) -> HourRequest:
    return HourRequest(
        Jurisdiction.US_FED,
        trigger,
        hours,
        kw.pop("zone", NEW_YORK),  # type: ignore[arg-type]
        kw.pop("closures", ()),  # type: ignore[arg-type]
    )


@pytest.mark.parametrize(
    ("trigger", "hours", "due", "why"),
    [
        (ny(2026, 3, 3, 9), 24, ny(2026, 3, 4, 9), "Tue 09:00 + 24 h is Wed 09:00, a court day."),
        (
            ny(2026, 3, 6, 17),
            24,
            ny(2026, 3, 9, 17),
            "Fri 17:00 + 24 h is Sat 17:00: to 17:00 on Monday (6(a)(2)(C)).",
        ),
        (
            ny(2026, 3, 6, 17),
            48,
            ny(2026, 3, 9, 18),
            "48 elapsed hours from Fri 17:00 EST end Sun 18:00 EDT (clocks went forward at 02:00 "
            "on Sunday 8 March 2026): to 18:00 on Monday.",
        ),
        (
            ny(2026, 10, 31, 12),
            24,
            ny(2026, 11, 2, 11),
            "24 elapsed hours from Sat 31 October 12:00 EDT end Sun 1 November 11:00 EST (clocks "
            "went back at 02:00): a Sunday, so to 11:00 on Monday 2 November.",
        ),
        (
            ny(2026, 11, 25, 12),
            24,
            ny(2026, 11, 27, 12),
            "Wed 25 November 12:00 + 24 h is Thanksgiving (Thu 26 November 2026, 5 U.S.C. 6103): "
            "to 12:00 on Friday 27 November, an ordinary court day.",
        ),
        (
            ny(2026, 1, 16, 10),
            72,
            ny(2026, 1, 20, 10),
            "Fri 16 January 10:00 + 72 h is Mon 19 January, Martin Luther King Jr. Day (third "
            "Monday of January): to 10:00 on Tuesday 20 January.",
        ),
    ],
)
def test_hand_worked_hour_period(trigger: datetime, hours: int, due: datetime, why: str) -> None:
    result = compute_hours(period(trigger, hours))
    assert result.due == due, why
    assert result.due.utcoffset() == due.utcoffset(), why  # the court's clock, right offset
    assert "FRCP 6(a)(2)(A)-(B)" in result.citations
    assert result.unsettled == ()


def test_an_observed_day_is_unsettled_and_the_earlier_time_is_taken() -> None:
    # Independence Day 2026 falls on a Saturday; federal courts observe it on Friday 3 July.
    result = compute_hours(period(ny(2026, 7, 1, 9), 48))
    assert result.due == ny(2026, 7, 3, 9)
    [alternative] = result.unsettled
    assert alternative.due == ny(2026, 7, 6, 9)
    assert "unsettled" in result.steps[-1] and "earlier time" in result.steps[-1]


def test_an_inaccessible_clerks_office_runs_to_the_same_time_on_the_next_open_day() -> None:
    closed = ((date(2026, 3, 6), "the courthouse lost power"),)
    result = compute_hours(period(ny(2026, 3, 5, 10), 24, closures=closed))
    assert result.due == ny(2026, 3, 9, 10)
    assert "FRCP 6(a)(3)(B)" in result.citations
    assert "inaccessible" in result.steps[1] and "lost power" in result.steps[1]


def test_the_same_time_is_on_the_courts_own_clock() -> None:
    # 17:00 in New York is 16:00 in Chicago; a Chicago court's period ends at 16:00 its time.
    result = compute_hours(period(ny(2026, 3, 6, 17), 24, zone=CHICAGO))
    assert result.due == datetime(2026, 3, 9, 16, tzinfo=CHICAGO)
    assert "16:00 CDT" in result.steps[1] or "16:00 CST" in result.steps[1]


@pytest.mark.parametrize(
    ("request_", "field"),
    [
        (HourRequest(Jurisdiction.US_CA, ny(2026, 3, 3, 9), 24, NEW_YORK), "hours"),
        (HourRequest(Jurisdiction.US_FED, datetime(2026, 3, 3, 9), 24, NEW_YORK), "trigger"),
        (HourRequest(Jurisdiction.US_FED, ny(2026, 3, 3, 9), 0, NEW_YORK), "hours"),
        (HourRequest(Jurisdiction.US_FED, ny(2026, 3, 3, 9), 100_000, NEW_YORK), "hours"),
        (HourRequest(Jurisdiction.US_FED, ny(2019, 3, 3, 9), 24, NEW_YORK), "trigger"),
    ],
)
def test_what_is_refused_names_the_field(request_: HourRequest, field: str) -> None:
    with pytest.raises(InvalidInput) as refused:
        compute_hours(request_)
    assert refused.value.field == field
