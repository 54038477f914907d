"""Court calendars: which days a court is open, and arithmetic over them.

Each calendar is built from the rules that define its holidays (a fixed date, the nth weekday of a
month, a day relative to another holiday) and the jurisdiction's observance rule for holidays that
fall on a weekend, not from typed-in lists:

- ``US-FED``: the eleven legal public holidays of 5 U.S.C. 6103(a), which FRCP 6(a)(6)(A) names.
  A Saturday holiday is observed on the Friday before and a Sunday holiday on the Monday after
  (5 U.S.C. 6103(b), Executive Order 11582); federal courts close on those days, but whether an
  observed day is a "legal holiday" under Rule 6(a)(6) is unsettled, so they are marked
  ``settled=False`` and the deadline rules weigh both readings.
- ``US-CA``: the judicial holidays of Code Civ. Proc. 135 (the full-day holidays of Gov. Code 6700
  except Admission Day, Columbus Day, Lunar New Year, Genocide Remembrance Day and Diwali, plus
  Thanksgiving and the day after). A Saturday holiday closes the courts on the Friday before and a
  Sunday holiday on the Monday after (Cal. Rules of Court 1.11); those days count as holidays for
  computing time (CCP 12b), so they are settled.
- ``US-NY``: the public holidays of General Construction Law 24, including each general election
  day. A Sunday holiday (except Flag Day) also makes the Monday after a holiday, by the statute
  itself. There is no Saturday-to-Friday rule in the statute; courts may close on that Friday, so
  it is marked as an unsettled observed day.

Calendars cover the years :data:`FIRST_YEAR` to :data:`LAST_YEAR`; a date outside them is an
:class:`~scheduler.errors.InvalidInput`, never a guess. Closures (a day a clerk's office was
inaccessible, FRCP 6(a)(3); a public office closed all day, CCP 12b) can be added per court with
:meth:`CourtCalendar.with_closures`.

Everything here is pure and works on ``date`` objects.
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import cache

from dateutil.relativedelta import FR, MO, SU, TH, relativedelta, weekday

from scheduler.errors import InvalidInput

FIRST_YEAR = 2024
LAST_YEAR = 2035
ONE_DAY = timedelta(days=1)


class Jurisdiction(enum.StrEnum):
    US_FED = "US-FED"
    US_CA = "US-CA"
    US_NY = "US-NY"

    @classmethod
    def parse(cls, text: str, *, field: str = "jurisdiction") -> Jurisdiction:
        try:
            return cls(text.strip().upper())
        except ValueError:
            known = ", ".join(j.value for j in cls)
            raise InvalidInput(
                f"'{text}' is not a jurisdiction this engine knows; use one of {known}",
                field=field,
            ) from None


class DayKind(enum.StrEnum):
    """Why a day is not an ordinary court day."""

    HOLIDAY = "holiday"  # the holiday itself, on its own date
    OBSERVED = "observed"  # a weekday standing in for a holiday that falls on a weekend
    CLOSURE = "closure"  # an added closure of one court (FRCP 6(a)(3), CCP 12b)


@dataclass(frozen=True, slots=True)
class Holiday:
    """A day a court is closed, and why.

    ``settled`` is False where the law is unsettled whether the day counts as a holiday when a
    period is computed (a federal observed day under FRCP 6(a)(6); a New York Friday before a
    Saturday holiday).
    """

    on: date
    name: str
    kind: DayKind
    settled: bool = True
    actual: date | None = None  # for an observed day: the date of the holiday itself

    def describe(self) -> str:
        """Plain words for the day, e.g. "Memorial Day" or "the observed day of Christmas Day"."""
        if self.kind is DayKind.OBSERVED and self.actual is not None:
            if self.settled:
                return f"{self.name} (observed, as it falls on a {self.actual:%A})"
            return f"the day courts close for {self.name}, which falls on a {self.actual:%A}"
        if self.kind is DayKind.CLOSURE:
            return f"a day the court was closed ({self.name})"
        return self.name


# --- Holiday rules ---------------------------------------------------------------------------


DateRule = Callable[[int], date]


def fixed(month: int, day: int) -> DateRule:
    """The same date every year (January 1)."""
    return lambda year: date(year, month, day)


def nth_weekday(month: int, which: weekday) -> DateRule:
    """The nth weekday of a month, e.g. ``nth_weekday(1, MO(+3))`` for the third Monday of
    January, or ``nth_weekday(5, MO(-1))`` for the last Monday of May."""
    if which.n is not None and which.n < 0:
        return lambda year: date(year, month, 1) + relativedelta(day=31, weekday=which)
    return lambda year: date(year, month, 1) + relativedelta(weekday=which)


def days_after(rule: DateRule, days: int) -> DateRule:
    """A day at a fixed distance from another rule's day (the day after Thanksgiving)."""
    return lambda year: rule(year) + timedelta(days=days)


class Observance(enum.Enum):
    """What happens when a holiday falls on a weekend."""

    NONE = "none"
    # Saturday -> the Friday before, Sunday -> the Monday after.
    FRIDAY_MONDAY = "friday-monday"
    # Sunday -> the Monday after (a holiday by statute); Saturday -> nothing by statute, but the
    # courts may close on the Friday before (unsettled).
    MONDAY_ONLY = "monday-only"


@dataclass(frozen=True, slots=True)
class HolidayRule:
    name: str
    when: DateRule
    since: int = 0  # first year the holiday is in force
    observance: Observance | None = None  # None: the calendar's default


@dataclass(frozen=True, slots=True)
class CalendarDefinition:
    jurisdiction: Jurisdiction
    name: str
    citation: str
    holiday_word: str  # "legal holiday", "judicial holiday", "public holiday"
    rules: tuple[HolidayRule, ...]
    observance: Observance
    observed_settled: bool  # whether Saturday->Friday observed days are settled holidays


NEW_YEAR = fixed(1, 1)
MLK = nth_weekday(1, MO(+3))
WASHINGTON = nth_weekday(2, MO(+3))
MEMORIAL = nth_weekday(5, MO(-1))
JUNETEENTH = fixed(6, 19)
INDEPENDENCE = fixed(7, 4)
LABOR = nth_weekday(9, MO(+1))
COLUMBUS = nth_weekday(10, MO(+2))
VETERANS = fixed(11, 11)
THANKSGIVING = nth_weekday(11, TH(+4))
CHRISTMAS = fixed(12, 25)

FEDERAL = CalendarDefinition(
    jurisdiction=Jurisdiction.US_FED,
    name="Federal courts (5 U.S.C. 6103(a); FRCP 6(a)(6))",
    citation="5 U.S.C. 6103; FRCP 6(a)(6)",
    holiday_word="legal holiday",
    rules=(
        HolidayRule("New Year's Day", NEW_YEAR),
        HolidayRule("Birthday of Martin Luther King, Jr.", MLK),
        HolidayRule("Washington's Birthday", WASHINGTON),
        HolidayRule("Memorial Day", MEMORIAL),
        HolidayRule("Juneteenth National Independence Day", JUNETEENTH, since=2021),
        HolidayRule("Independence Day", INDEPENDENCE),
        HolidayRule("Labor Day", LABOR),
        HolidayRule("Columbus Day", COLUMBUS),
        HolidayRule("Veterans Day", VETERANS),
        HolidayRule("Thanksgiving Day", THANKSGIVING),
        HolidayRule("Christmas Day", CHRISTMAS),
    ),
    observance=Observance.FRIDAY_MONDAY,
    observed_settled=False,
)

CALIFORNIA = CalendarDefinition(
    jurisdiction=Jurisdiction.US_CA,
    name="California courts (CCP 135; Gov. Code 6700; Cal. Rules of Court 1.11)",
    citation="Code Civ. Proc. 135; Gov. Code 6700; Cal. Rules of Court, rule 1.11",
    holiday_word="judicial holiday",
    rules=(
        HolidayRule("New Year's Day", NEW_YEAR),
        HolidayRule("Martin Luther King, Jr. Day", MLK),
        HolidayRule("Lincoln Day", fixed(2, 12)),
        HolidayRule("Presidents' Day", WASHINGTON),
        HolidayRule("Cesar Chavez Day", fixed(3, 31)),
        HolidayRule("Memorial Day", MEMORIAL),
        HolidayRule("Juneteenth", JUNETEENTH, since=2024),
        HolidayRule("Independence Day", INDEPENDENCE),
        HolidayRule("Labor Day", LABOR),
        HolidayRule("Native American Day", nth_weekday(9, FR(+4))),
        HolidayRule("Veterans Day", VETERANS),
        HolidayRule("Thanksgiving Day", THANKSGIVING),
        HolidayRule("the day after Thanksgiving", days_after(THANKSGIVING, 1)),
        HolidayRule("Christmas Day", CHRISTMAS),
    ),
    observance=Observance.FRIDAY_MONDAY,
    observed_settled=True,
)

NEW_YORK = CalendarDefinition(
    jurisdiction=Jurisdiction.US_NY,
    name="New York courts (General Construction Law 24 and 25-a)",
    citation="N.Y. Gen. Constr. Law 24, 25-a",
    holiday_word="public holiday",
    rules=(
        HolidayRule("New Year's Day", NEW_YEAR),
        HolidayRule("Dr. Martin Luther King, Jr. Day", MLK),
        HolidayRule("Lincoln's Birthday", fixed(2, 12)),
        HolidayRule("Washington's Birthday", WASHINGTON),
        HolidayRule("Memorial Day", MEMORIAL),
        HolidayRule("Flag Day", nth_weekday(6, SU(+2)), observance=Observance.NONE),
        HolidayRule("Juneteenth", JUNETEENTH, since=2020),
        HolidayRule("Independence Day", INDEPENDENCE),
        HolidayRule("Labor Day", LABOR),
        HolidayRule("Columbus Day", COLUMBUS),
        # "Each general election day": the Tuesday after the first Monday of November.
        HolidayRule("General Election Day", days_after(nth_weekday(11, MO(+1)), 1)),
        HolidayRule("Veterans' Day", VETERANS),
        HolidayRule("Thanksgiving Day", THANKSGIVING),
        HolidayRule("Christmas Day", CHRISTMAS),
    ),
    observance=Observance.MONDAY_ONLY,
    observed_settled=False,
)

DEFINITIONS: dict[Jurisdiction, CalendarDefinition] = {
    d.jurisdiction: d for d in (FEDERAL, CALIFORNIA, NEW_YORK)
}
# Every calendar's statute, for the citations of a computation.
CALENDAR_CITATIONS = {j: d.citation for j, d in DEFINITIONS.items()}


def _holidays_of_year(definition: CalendarDefinition, year: int) -> Iterator[Holiday]:
    for rule in definition.rules:
        if year < rule.since:
            continue
        on = rule.when(year)
        yield Holiday(on, rule.name, DayKind.HOLIDAY)
        observance = rule.observance or definition.observance
        weekday_no = on.weekday()
        if observance is Observance.NONE:
            continue
        if weekday_no == 6:  # Sunday -> Monday
            settled = True if observance is Observance.MONDAY_ONLY else definition.observed_settled
            yield Holiday(on + ONE_DAY, rule.name, DayKind.OBSERVED, settled, actual=on)
        elif weekday_no == 5:  # Saturday -> Friday
            yield Holiday(
                on - ONE_DAY, rule.name, DayKind.OBSERVED, definition.observed_settled, actual=on
            )


@cache
def _holiday_index(jurisdiction: Jurisdiction) -> dict[date, Holiday]:
    """Every holiday of the supported years (and their neighbours, for observed days)."""
    definition = DEFINITIONS[jurisdiction]
    index: dict[date, Holiday] = {}
    for year in range(FIRST_YEAR - 1, LAST_YEAR + 2):
        for holiday in _holidays_of_year(definition, year):
            present = index.get(holiday.on)
            # A real holiday wins over an observed day on the same date; settled over unsettled.
            if present is None or (
                present.kind is DayKind.OBSERVED and holiday.kind is DayKind.HOLIDAY
            ):
                index[holiday.on] = holiday
    return index


def check_in_range(day: date, *, field: str = "date") -> date:
    """``day`` itself, or a clear error if it is outside the calendars' years."""
    if not FIRST_YEAR <= day.year <= LAST_YEAR:
        raise InvalidInput(
            f"{day.isoformat()} is outside the court calendars, which cover "
            f"{FIRST_YEAR} to {LAST_YEAR}",
            field=field,
        )
    return day


def long_date(day: date) -> str:
    """``Monday 2 March 2026``: the form every step uses."""
    return f"{day:%A} {day.day} {day:%B %Y}"


def parse_date(text: str, *, field: str) -> date:
    """A YYYY-MM-DD date inside the calendars' years, or an error naming the field."""
    try:
        day = date.fromisoformat(text.strip())
    except ValueError:
        raise InvalidInput(f"'{text}' is not a date; write it as YYYY-MM-DD", field=field) from None
    if len(text.strip()) != 10:
        raise InvalidInput(f"'{text}' is not a date; write it as YYYY-MM-DD", field=field)
    return check_in_range(day, field=field)


@dataclass(frozen=True, slots=True)
class CourtCalendar:
    """The days one court is closed: its jurisdiction's holidays plus any added closures.

    ``count_unsettled`` decides whether days whose status is unsettled (see :class:`Holiday`)
    count as closed. The default, True, describes when the court is actually open; the deadline
    rules also try False and take whichever reading gives the earlier date.
    """

    jurisdiction: Jurisdiction
    closures: frozenset[Holiday] = field(default_factory=frozenset)
    count_unsettled: bool = True

    @property
    def definition(self) -> CalendarDefinition:
        return DEFINITIONS[self.jurisdiction]

    def with_closures(self, closures: Iterable[tuple[date, str]]) -> CourtCalendar:
        """The same calendar with more days the court was closed (date, reason)."""
        extra = frozenset(
            Holiday(
                check_in_range(on, field="closures"), reason or "court closure", DayKind.CLOSURE
            )
            for on, reason in closures
        )
        return CourtCalendar(self.jurisdiction, self.closures | extra, self.count_unsettled)

    def reading(self, *, count_unsettled: bool) -> CourtCalendar:
        return CourtCalendar(self.jurisdiction, self.closures, count_unsettled)

    # --- what a day is ----------------------------------------------------------------------

    def holiday_on(self, day: date) -> Holiday | None:
        """The holiday, observed day or closure on ``day`` (whatever the reading), or None."""
        check_in_range(day)
        for closure in self.closures:
            if closure.on == day:
                return closure
        return _holiday_index(self.jurisdiction).get(day)

    def closed_reason(self, day: date) -> str | None:
        """Why the court is closed on ``day`` under this reading ("a Saturday", "Memorial
        Day"), or None on a court day."""
        holiday = self.holiday_on(day)
        if holiday is not None and (holiday.settled or self.count_unsettled):
            return holiday.describe()
        if day.weekday() == 5:
            return "a Saturday"
        if day.weekday() == 6:
            return "a Sunday"
        return None

    def is_court_day(self, day: date) -> bool:
        return self.closed_reason(day) is None

    def holidays(self, year: int) -> list[Holiday]:
        """The year's holidays and observed days (and this court's closures), by date."""
        check_in_range(date(year, 1, 1), field="year")
        found = [h for h in _holiday_index(self.jurisdiction).values() if h.on.year == year] + [
            c for c in self.closures if c.on.year == year
        ]
        return sorted(found, key=lambda h: (h.on, h.kind.value))

    def closed_days(self, start: date, end: date) -> frozenset[date]:
        """Every weekday in ``[start, end]`` on which the court is closed (weekends aside)."""
        days: set[date] = set()
        day = start
        while day <= end:
            if day.weekday() < 5 and not self.is_court_day(day):
                days.add(day)
            day += ONE_DAY
        return frozenset(days)

    # --- arithmetic ---------------------------------------------------------------------------

    def next_court_day(self, day: date) -> date:
        """The first court day strictly after ``day``."""
        day += ONE_DAY
        while not self.is_court_day(day):
            day += ONE_DAY
        return day

    def previous_court_day(self, day: date) -> date:
        """The last court day strictly before ``day``."""
        day -= ONE_DAY
        while not self.is_court_day(day):
            day -= ONE_DAY
        return day

    def roll_forward(self, day: date) -> date:
        """``day`` if the court is open, else the next court day."""
        return day if self.is_court_day(day) else self.next_court_day(day)

    def roll_backward(self, day: date) -> date:
        """``day`` if the court is open, else the court day before it."""
        return day if self.is_court_day(day) else self.previous_court_day(day)

    def add_court_days(self, day: date, count: int) -> date:
        """The ``count``-th court day after ``day`` (before it, for a negative count); ``day``
        itself is not counted, and a count of 0 gives ``day``."""
        step = self.next_court_day if count > 0 else self.previous_court_day
        for _ in range(abs(count)):
            day = step(day)
        return day

    def add_calendar_days(self, day: date, count: int) -> date:
        """``day`` plus ``count`` calendar days (negative: before), inside the calendar years."""
        result = day + timedelta(days=count)
        check_in_range(result)
        return result

    def court_days_between(self, start: date, end: date) -> int:
        """How many court days lie after ``start`` up to and including ``end``."""
        count = 0
        day = start
        while day < end:
            day += ONE_DAY
            if self.is_court_day(day):
                count += 1
        return count


def calendar_for(jurisdiction: Jurisdiction | str) -> CourtCalendar:
    """The court calendar of a jurisdiction (``US-FED``, ``US-CA``, ``US-NY``)."""
    if not isinstance(jurisdiction, Jurisdiction):
        jurisdiction = Jurisdiction.parse(jurisdiction)
    return CourtCalendar(jurisdiction)


def court_closed_days(
    start: date, end: date, jurisdiction: Jurisdiction = Jurisdiction.US_FED
) -> frozenset[date]:
    """The weekdays in ``[start, end]`` that the jurisdiction's courts are closed; the demo firm
    keeps its appointments off them."""
    return calendar_for(jurisdiction).closed_days(start, end)
