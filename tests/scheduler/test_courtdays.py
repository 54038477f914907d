"""Court calendars: the holiday tables of the research notes, arithmetic, and properties."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from scheduler.courtdays import (
    FIRST_YEAR,
    LAST_YEAR,
    DayKind,
    Jurisdiction,
    calendar_for,
    court_closed_days,
    parse_date,
)
from scheduler.errors import InvalidInput
from scheduler.rules import PeriodRequest, ServiceMethod, compute, services_for

D = date.fromisoformat
FED, CA, NY = Jurisdiction.US_FED, Jurisdiction.US_CA, Jurisdiction.US_NY

# research/deadline-rules.md section 5, federal table, 2025-2028: (holiday, observed) dates.
FEDERAL_TABLE = {
    2025: "01-01 01-20 02-17 05-26 06-19 07-04 09-01 10-13 11-11 11-27 12-25",
    2026: "01-01 01-19 02-16 05-25 06-19 07-04 09-07 10-12 11-11 11-26 12-25",
    2027: "01-01 01-18 02-15 05-31 06-19 07-04 09-06 10-11 11-11 11-25 12-25",
    2028: "01-01 01-17 02-21 05-29 06-19 07-04 09-04 10-09 11-11 11-23 12-25",
}
FEDERAL_OBSERVED = {
    # observed day -> the holiday's own date
    "2026-07-03": "2026-07-04",
    "2027-06-18": "2027-06-19",
    "2027-07-05": "2027-07-04",
    "2027-12-24": "2027-12-25",
    "2027-12-31": "2028-01-01",
    "2028-11-10": "2028-11-11",
}
# The California judicial holidays of the same section (weekdays the courts are closed).
CALIFORNIA_CLOSED = {
    2025: "01-01 01-20 02-12 02-17 03-31 05-26 06-19 07-04 09-01 09-26 11-11 11-27 11-28 12-25",
    2026: "01-01 01-19 02-12 02-16 03-31 05-25 06-19 07-03 09-07 09-25 11-11 11-26 11-27 12-25",
    2027: "01-01 01-18 02-12 02-15 03-31 05-31 06-18 07-05 09-06 09-24 11-11 11-25 11-26 12-24 "
    "12-31",
    2028: "01-17 02-11 02-21 03-31 05-29 06-19 07-04 09-04 09-22 11-10 11-23 11-24 12-25",
}
# New York (GCL 24), 2026 and 2027: the statutory days, including Sunday->Monday substitutes.
NEW_YORK_TABLE = {
    2026: "01-01 01-19 02-12 02-16 05-25 06-19 07-04 09-07 10-12 11-03 11-11 11-26 12-25",
    2027: "01-01 01-18 02-12 02-15 05-31 06-19 07-04 07-05 09-06 10-11 11-02 11-11 11-25 12-25",
}


def _dates(year: int, text: str) -> set[date]:
    return {D(f"{year}-{md}") for md in text.split()}


@pytest.mark.parametrize("year", sorted(FEDERAL_TABLE))
def test_federal_holidays_match_the_research_table(year: int) -> None:
    calendar = calendar_for(FED)
    statutory = {h.on for h in calendar.holidays(year) if h.kind is DayKind.HOLIDAY}
    assert statutory == _dates(year, FEDERAL_TABLE[year])


def test_federal_observed_days_match_and_are_unsettled() -> None:
    calendar = calendar_for(FED)
    for observed, actual in FEDERAL_OBSERVED.items():
        holiday = calendar.holiday_on(D(observed))
        assert holiday is not None and holiday.kind is DayKind.OBSERVED, observed
        assert holiday.actual == D(actual) and not holiday.settled
        assert not calendar.is_court_day(D(observed))  # the courts are in fact closed
    observed_2026_2028 = {
        h.on for y in (2026, 2027, 2028) for h in calendar.holidays(y) if h.kind is DayKind.OBSERVED
    }
    assert observed_2026_2028 == {D(d) for d in FEDERAL_OBSERVED}


@pytest.mark.parametrize("year", sorted(CALIFORNIA_CLOSED))
def test_california_closed_weekdays_match_the_research_table(year: int) -> None:
    closed = court_closed_days(date(year, 1, 1), date(year, 12, 31), CA)
    assert closed == _dates(year, CALIFORNIA_CLOSED[year])


def test_california_is_not_the_holidays_package() -> None:
    calendar = calendar_for(CA)
    # Not court holidays: Columbus Day, Admission Day, Diwali, Susan B. Anthony Day, Good Friday.
    for day in ("2026-10-12", "2026-09-09", "2027-10-29", "2028-02-15", "2026-04-03"):
        assert calendar.is_court_day(D(day)), day
    # Court holidays the package misses: Lincoln Day (observed) and Native American Day.
    for day in ("2028-02-11", "2026-09-25", "2027-09-24"):
        assert not calendar.is_court_day(D(day)), day


@pytest.mark.parametrize("year", sorted(NEW_YORK_TABLE))
def test_new_york_public_holidays_match_gcl_24(year: int) -> None:
    calendar = calendar_for(NY)
    settled = {h.on for h in calendar.holidays(year) if h.settled and h.name != "Flag Day"}
    assert settled == _dates(year, NEW_YORK_TABLE[year])


def test_new_york_has_no_saturday_substitute_by_statute() -> None:
    calendar = calendar_for(NY)
    for friday in ("2026-07-03", "2027-06-18", "2027-12-24", "2027-12-31", "2028-02-11"):
        holiday = calendar.holiday_on(D(friday))
        assert holiday is not None and not holiday.settled, friday
    assert calendar.reading(count_unsettled=False).is_court_day(D("2026-07-03"))


def test_every_supported_year_has_its_holidays() -> None:
    for jurisdiction, count in ((FED, 11), (CA, 14), (NY, 14)):
        calendar = calendar_for(jurisdiction)
        for year in range(FIRST_YEAR, LAST_YEAR + 1):
            names = {h.name for h in calendar.holidays(year) if h.kind is DayKind.HOLIDAY}
            assert len(names) == count, (jurisdiction, year)


def test_arithmetic() -> None:
    calendar = calendar_for(FED)
    assert calendar.next_court_day(D("2026-12-24")) == D("2026-12-28")
    assert calendar.previous_court_day(D("2026-12-28")) == D("2026-12-24")
    assert calendar.roll_forward(D("2026-12-26")) == D("2026-12-28")
    assert calendar.roll_backward(D("2026-12-26")) == D("2026-12-24")
    assert calendar.roll_forward(D("2026-12-24")) == D("2026-12-24")
    assert calendar.add_court_days(D("2026-12-24"), 1) == D("2026-12-28")
    assert calendar.add_court_days(D("2026-12-28"), -1) == D("2026-12-24")
    assert calendar.add_court_days(D("2026-12-28"), 0) == D("2026-12-28")
    assert calendar.add_calendar_days(D("2028-02-28"), 1) == D("2028-02-29")
    assert calendar.court_days_between(D("2026-12-24"), D("2026-12-31")) == 4


def test_closures_are_added_per_court() -> None:
    plain = calendar_for(FED)
    closed = plain.with_closures([(D("2026-03-23"), "clerk's office inaccessible (storm)")])
    assert plain.is_court_day(D("2026-03-23"))
    assert not closed.is_court_day(D("2026-03-23"))
    assert "storm" in (closed.closed_reason(D("2026-03-23")) or "")
    result = compute(
        PeriodRequest(FED, D("2026-03-02"), 21, closures=((D("2026-03-23"), "storm"),))
    )
    assert result.due == D("2026-03-24")  # FRCP 6(a)(3): the next accessible day


@pytest.mark.parametrize("text", ["2023-12-31", "2036-01-01", "1999-05-05"])
def test_dates_outside_the_calendars_are_refused(text: str) -> None:
    with pytest.raises(InvalidInput) as error:
        parse_date(text, field="trigger")
    assert error.value.field == "trigger"
    with pytest.raises(InvalidInput):
        calendar_for(FED).is_court_day(D(text))


@pytest.mark.parametrize("text", ["2026-3-2", "03/02/2026", "tomorrow", "2026-02-30", ""])
def test_malformed_dates_are_refused(text: str) -> None:
    with pytest.raises(InvalidInput) as error:
        parse_date(text, field="date")
    assert error.value.field == "date"


def test_unknown_jurisdiction_is_refused() -> None:
    with pytest.raises(InvalidInput) as error:
        calendar_for("US-TX")
    assert error.value.field == "jurisdiction"


# --- properties ------------------------------------------------------------------------------

days_in_range = st.dates(min_value=date(2024, 7, 1), max_value=date(2034, 10, 31))
jurisdictions = st.sampled_from(list(Jurisdiction))
services = st.sampled_from(list(ServiceMethod))


@settings(max_examples=300, deadline=None)
@given(
    jurisdiction=jurisdictions,
    trigger=days_in_range,
    days=st.integers(min_value=1, max_value=120),
    court_days=st.booleans(),
    before=st.booleans(),
    service=services,
)
def test_a_computed_deadline_is_a_court_day(
    jurisdiction: Jurisdiction,
    trigger: date,
    days: int,
    court_days: bool,
    before: bool,
    service: ServiceMethod,
) -> None:
    """Always a court day; where it is a day the courts close only under an unsettled reading
    (a federal or New York observed day), the answer says so and its alternative is a court
    day."""
    assume(service in services_for(jurisdiction))
    calendar = calendar_for(jurisdiction)
    result = compute(PeriodRequest(jurisdiction, trigger, days, court_days, before, service))
    assert result.due.weekday() < 5
    if calendar.is_court_day(result.due):
        return
    holiday = calendar.holiday_on(result.due)
    assert holiday is not None and not holiday.settled
    assert result.unsettled and all(calendar.is_court_day(a.due) for a in result.unsettled)


@settings(max_examples=300, deadline=None)
@given(
    jurisdiction=jurisdictions,
    first=days_in_range,
    gap=st.integers(min_value=0, max_value=40),
    count=st.integers(min_value=-60, max_value=60),
)
def test_court_day_addition_is_monotonic(
    jurisdiction: Jurisdiction, first: date, gap: int, count: int
) -> None:
    calendar = calendar_for(jurisdiction)
    second = first + timedelta(days=gap)
    assert calendar.add_court_days(first, count) <= calendar.add_court_days(second, count)
    assert calendar.add_court_days(first, count) <= calendar.add_court_days(first, count + 1)
    landed = calendar.add_court_days(first, count)
    if count:
        assert calendar.is_court_day(landed)


@settings(max_examples=200, deadline=None)
@given(
    jurisdiction=jurisdictions,
    trigger=days_in_range,
    days=st.integers(min_value=1, max_value=100),
    service=services,
)
def test_a_longer_period_is_never_due_earlier(
    jurisdiction: Jurisdiction, trigger: date, days: int, service: ServiceMethod
) -> None:
    assume(service in services_for(jurisdiction))
    shorter = compute(PeriodRequest(jurisdiction, trigger, days, service=service)).due
    longer = compute(PeriodRequest(jurisdiction, trigger, days + 1, service=service)).due
    assert shorter <= longer
    assert shorter > trigger
