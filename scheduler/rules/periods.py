"""One period, computed the way each jurisdiction's rules say, with every step written down.

A period is N calendar days or N court days, counted after a trigger (service of a paper, entry of
judgment) or before an event (a hearing, a trial). The trigger day itself is never counted. Then:

- ``US-FED`` (FRCP 6; FRAP 26 and FRBP 9006 are the same): a last day on a weekend or legal
  holiday runs to the next day that is neither (6(a)(1)(C)); counted backward, to the day before
  (6(a)(5)). Served by mail, by leaving with the clerk, or by other consented means, 3 days are
  added *after* that roll, and the result is rolled again (6(d)); electronic service adds nothing
  since 1 December 2016.
- ``US-CA`` (CCP 12, 12a, 12c): a last day on a holiday (every Saturday, Sunday and judicial
  holiday) extends to the next court day. Days for the method of service (CCP 1013(a) mail +5
  calendar days; 1013(c) overnight and 1010.6 electronic +2 court days) are added to the period
  and the roll applied once, to the final day. Before a hearing, the period is counted back from
  the hearing and the service days are counted back from there (CCP 12c(b), 1005(b)).
- ``US-NY`` (General Construction Law 25-a, CPLR 2103(b)): a period ending on a Saturday, Sunday
  or public holiday runs to the next business day; service by mail adds 5 days to the period
  (2103(b)(2)) and overnight delivery one business day (2103(b)(6)).

Where the law is unsettled, every reading is computed and the earliest date is the answer; the
steps say what is unsettled and what the other reading would give.
"""

from __future__ import annotations

import enum
import itertools
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from typing import Any

from scheduler.courtdays import (
    CALENDAR_CITATIONS,
    FIRST_YEAR,
    LAST_YEAR,
    CourtCalendar,
    Jurisdiction,
    calendar_for,
    check_in_range,
    long_date,
)
from scheduler.errors import InvalidInput

MAX_DAYS = 1000


class ServiceMethod(enum.StrEnum):
    PERSONAL = "personal"
    MAIL = "mail"  # within California, for California's rules
    ELECTRONIC = "electronic"
    OVERNIGHT = "overnight"
    #: Mail sent from or to elsewhere in the United States, or outside it: California counts
    #: more days for these (CCP 1013(a), 1005(b), 437c(a)(2)); federal courts add the same 3.
    MAIL_US = "mail-us"
    MAIL_ABROAD = "mail-abroad"

    @property
    def is_mail(self) -> bool:
        return self in (ServiceMethod.MAIL, ServiceMethod.MAIL_US, ServiceMethod.MAIL_ABROAD)

    @classmethod
    def parse(cls, text: str, *, field: str = "service") -> ServiceMethod:
        try:
            return cls(text.strip().lower())
        except ValueError:
            raise InvalidInput(
                f"'{text}' is not a method of service; use personal, mail, mail-us, mail-abroad, "
                "electronic or overnight",
                field=field,
            ) from None


@dataclass(frozen=True, slots=True)
class Extension:
    """Days a method of service adds to a period."""

    days: int
    court_days: bool
    citation: str
    why: str  # "Service by mail within California adds 5 calendar days"


@dataclass(frozen=True, slots=True)
class PeriodRequest:
    """What to compute. ``served`` says the period runs from service of a paper, so the method
    of service may add days; ``roll_toward_event`` makes a backward period's weekend or holiday
    landing move toward the event (Cal. CCP 2016.060 for discovery before trial)."""

    jurisdiction: Jurisdiction
    trigger: date
    days: int
    court_days: bool = False
    before: bool = False
    service: ServiceMethod = ServiceMethod.PERSONAL
    served: bool = True
    roll_toward_event: bool = False
    extensions: Mapping[ServiceMethod, Extension] | None = None
    closures: tuple[tuple[date, str], ...] = ()
    trigger_label: str = ""  # "the hearing", "entry of judgment"; default by direction


@dataclass(frozen=True, slots=True)
class Alternative:
    """An unsettled point that changes the date: what is unsettled, and the other date."""

    question: str
    due: date

    def to_json(self) -> dict[str, str]:
        return {"question": self.question, "due": self.due.isoformat()}


@dataclass(frozen=True, slots=True)
class Computation:
    due: date
    steps: tuple[str, ...]
    citations: tuple[str, ...]
    unsettled: tuple[Alternative, ...] = ()
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


# --- readings of unsettled law -------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Reading:
    """One way of reading the points the law leaves open. The first value of each is the
    default; the answer is the earliest date over every relevant reading."""

    count_unsettled_days: bool = True
    roll_before_extension: bool = False
    backward_roll_forward: bool = False
    backward_service_days: bool = False
    overnight_consented: bool = False


QUESTIONS: dict[tuple[str, Jurisdiction], str] = {
    ("count_unsettled_days", Jurisdiction.US_FED): (
        "Whether a weekday on which federal courts observe a holiday that falls on a weekend is "
        "a 'legal holiday' under FRCP 6(a)(6) is unsettled."
    ),
    ("count_unsettled_days", Jurisdiction.US_NY): (
        "New York courts may close on the Friday before a Saturday holiday, but General "
        "Construction Law 24 does not make that Friday a public holiday."
    ),
    ("roll_before_extension", Jurisdiction.US_CA): (
        "Whether the days added for the method of service are counted from the period's last "
        "day as it falls or from the court day it rolls to is unsettled (CCP 12a, 1013)."
    ),
    ("roll_before_extension", Jurisdiction.US_NY): (
        "Whether the business day added for overnight delivery is counted from the period's "
        "last day as it falls or from the business day it rolls to is unsettled."
    ),
    ("backward_roll_forward", Jurisdiction.US_CA): (
        "Where a period counted back from a hearing ends on a weekend or holiday, CCP 12a read "
        "literally extends it to the next court day; whether it does is unsettled."
    ),
    ("backward_roll_forward", Jurisdiction.US_NY): (
        "General Construction Law 25-a, read literally, lets an act due on a weekend or holiday "
        "be done on the next business day even when the period is counted back from an event; "
        "no case settles it."
    ),
    ("backward_service_days", Jurisdiction.US_FED): (
        "FRCP 6(d) adds 3 days to periods that run after being served; whether it lengthens a "
        "notice period counted back from a hearing is unsettled, and some local rules add them."
    ),
    ("overnight_consented", Jurisdiction.US_FED): (
        "Overnight courier is service only under FRCP 5(b)(2)(F), with the served party's "
        "written consent; with that consent, Rule 6(d) adds 3 days."
    ),
}

# --- service extensions --------------------------------------------------------------------

FED_6D = "FRCP 6(d)"
FED_FORWARD: dict[ServiceMethod, Extension] = dict.fromkeys(
    (ServiceMethod.MAIL, ServiceMethod.MAIL_US, ServiceMethod.MAIL_ABROAD),
    Extension(3, False, FED_6D, "Served by mail (Rule 5(b)(2)(C)): Rule 6(d) adds 3 days"),
)


def mail_from_afar(section: str, verb: str) -> dict[ServiceMethod, Extension]:
    """California's longer mail extensions: 10 days within the United States, 20 outside."""
    return {
        ServiceMethod.MAIL_US: Extension(
            10,
            False,
            f"Code Civ. Proc. {section}",
            f"Served by mail from or to elsewhere in the United States: CCP {section} {verb} "
            "10 calendar days",
        ),
        ServiceMethod.MAIL_ABROAD: Extension(
            20,
            False,
            f"Code Civ. Proc. {section}",
            f"Served by mail from or to outside the United States: CCP {section} {verb} "
            "20 calendar days",
        ),
    }


CA_FORWARD: dict[ServiceMethod, Extension] = {
    ServiceMethod.MAIL: Extension(
        5,
        False,
        "Code Civ. Proc. 1013(a)",
        "Served by mail within California: CCP 1013(a) adds 5 calendar days",
    ),
    ServiceMethod.OVERNIGHT: Extension(
        2,
        True,
        "Code Civ. Proc. 1013(c)",
        "Served by overnight delivery: CCP 1013(c) adds 2 court days",
    ),
    ServiceMethod.ELECTRONIC: Extension(
        2,
        True,
        "Code Civ. Proc. 1010.6(a)(3)(B)",
        "Served electronically: CCP 1010.6(a)(3)(B) adds 2 court days",
    ),
    **mail_from_afar("1013(a)", "adds"),
}
# Notice before a hearing (CCP 1005(b)); electronic service from CCP 1010.6.
CA_BACKWARD: dict[ServiceMethod, Extension] = {
    ServiceMethod.MAIL: Extension(
        5,
        False,
        "Code Civ. Proc. 1005(b)",
        "Served by mail within California: CCP 1005(b) lengthens the notice by 5 calendar days",
    ),
    ServiceMethod.OVERNIGHT: Extension(
        2,
        False,
        "Code Civ. Proc. 1005(b)",
        "Served by overnight delivery: CCP 1005(b) lengthens the notice by 2 calendar days",
    ),
    ServiceMethod.ELECTRONIC: Extension(
        2,
        True,
        "Code Civ. Proc. 1010.6(a)(3)(B)",
        "Served electronically: CCP 1010.6(a)(3)(B) lengthens the notice by 2 court days",
    ),
    **mail_from_afar("1005(b)", "lengthens the notice by"),
}
NY_EXTENSIONS: dict[ServiceMethod, Extension] = {
    ServiceMethod.MAIL: Extension(
        5, False, "CPLR 2103(b)(2)", "Served by mail: CPLR 2103(b)(2) adds 5 days to the period"
    ),
    ServiceMethod.OVERNIGHT: Extension(
        1,
        True,
        "CPLR 2103(b)(6)",
        "Served by overnight delivery: CPLR 2103(b)(6) adds one business day",
    ),
}
NO_DAYS: dict[tuple[Jurisdiction, ServiceMethod], tuple[str, str]] = {
    (Jurisdiction.US_FED, ServiceMethod.ELECTRONIC): (
        "Served electronically (Rule 5(b)(2)(E)): since 1 December 2016 Rule 6(d) adds no days "
        "for electronic service.",
        FED_6D,
    ),
    (Jurisdiction.US_NY, ServiceMethod.ELECTRONIC): (
        "Served electronically through NYSCEF: service is complete on transmission and no days "
        "are added.",
        "CPLR 2103(b)(7); 22 NYCRR 202.5-b",
    ),
}

SERVICE_WORDS = {
    ServiceMethod.PERSONAL: "personal service",
    ServiceMethod.MAIL: "service by mail",
    ServiceMethod.ELECTRONIC: "electronic service",
    ServiceMethod.OVERNIGHT: "overnight delivery",
    ServiceMethod.MAIL_US: "service by mail from elsewhere in the United States",
    ServiceMethod.MAIL_ABROAD: "service by mail from outside the United States",
}

ROLL_CITES = {
    (Jurisdiction.US_FED, False): "FRCP 6(a)(1)(C)",
    (Jurisdiction.US_FED, True): "FRCP 6(a)(5)",
    (Jurisdiction.US_CA, False): "Code Civ. Proc. 12a",
    (Jurisdiction.US_CA, True): "Code Civ. Proc. 12a, 12c",
    (Jurisdiction.US_NY, False): "N.Y. Gen. Constr. Law 25-a",
    (Jurisdiction.US_NY, True): "N.Y. Gen. Constr. Law 25-a",
}
COUNT_CITES = {
    (Jurisdiction.US_FED, False): "FRCP 6(a)(1)",
    (Jurisdiction.US_FED, True): "FRCP 6(a)(1), 6(a)(5)",
    (Jurisdiction.US_CA, False): "Code Civ. Proc. 12",
    (Jurisdiction.US_CA, True): "Code Civ. Proc. 12c(a)",
    (Jurisdiction.US_NY, False): "N.Y. Gen. Constr. Law 20",
    (Jurisdiction.US_NY, True): "N.Y. Gen. Constr. Law 20",
}
STATE_HOLIDAY_NOTE = (
    "Only federal holidays are counted. For a period counted forward, FRCP 6(a)(6)(C) also "
    "treats a holiday declared by the state where the district court sits as a legal holiday; "
    "if one falls on the last day, the deadline is the next day that is not one."
)


# --- the trace of one computation ----------------------------------------------------------


@dataclass
class _Trace:
    calendar: CourtCalendar
    steps: list[str] = field(default_factory=list)
    citations: list[str] = field(default_factory=list)
    pending: str | None = None  # a step about a landing day, finished by what follows it

    def cite(self, *citations: str) -> None:
        for citation in citations:
            if citation not in self.citations:
                self.citations.append(citation)

    def say(self, text: str) -> None:
        self._flush(".")
        self.steps.append(text if text.endswith(".") else text + ".")

    def land(self, text: str) -> None:
        """A sentence about the day a count reached; how it ends depends on what comes next."""
        self._flush(".")
        self.pending = text

    def _flush(self, ending: str) -> None:
        if self.pending is not None:
            self.steps.append(self.pending + ending)
            self.pending = None

    def finish(self, due: date) -> tuple[str, ...]:
        if self.pending is not None:
            self._flush(", so that is the deadline.")
        else:
            self.steps.append(f"The deadline is {long_date(due)}.")
        return tuple(self.steps)


def open_words(calendar: CourtCalendar, day: date) -> str:
    """How a day the court counts as open reads in a step."""
    holiday = calendar.holiday_on(day)
    if holiday is not None and not holiday.settled and not calendar.count_unsettled:
        return (
            f"{holiday.describe()}, which is counted here as an ordinary day because whether it "
            f"is a {calendar.definition.holiday_word} is unsettled (see below)"
        )
    return "a court day"


def _skipped(calendar: CourtCalendar, start: date, end: date) -> list[str]:
    """Weekday holidays strictly between two days (either order), for the steps."""
    low, high = min(start, end), max(start, end)
    found: list[str] = []
    day = low + timedelta(days=1)
    while day < high:
        reason = calendar.closed_reason(day)
        if reason is not None and day.weekday() < 5:
            found.append(f"{long_date(day)} is {reason}")
        day += timedelta(days=1)
    return found


def _count(
    trace: _Trace, start: date, days: int, court_days: bool, before: bool, label: str, cite: str
) -> date:
    """Count the period and write the step; return the day reached (not yet rolled)."""
    calendar = trace.calendar
    direction = "before" if before else "after"
    if court_days:
        if calendar.jurisdiction is Jurisdiction.US_FED:
            # A court day is a day the court is open; federal courts close on observed days,
            # whatever Rule 6(a)(6) makes of them, so they are never counted as court days.
            calendar = calendar.reading(count_unsettled=True)
        end = calendar.add_court_days(start, -days if before else days)
        skipped = _skipped(calendar, start, end)
        text = (
            f"Count {days} court days {direction} {label}{long_date(start)}: that day is not "
            "counted, and weekends and holidays are skipped"
        )
        if skipped:
            text += f" ({'; '.join(skipped)})"
        trace.say(text)
        trace.cite(cite)
        words = open_words(calendar, end)
        suffix = "" if words == "a court day" else f", {words}"
        trace.land(f"Court day {days} is {long_date(end)}{suffix}")
        return end
    end = calendar.add_calendar_days(start, -days if before else days)
    trace.say(
        f"Count {days} days {direction} {label}{long_date(start)}: that day is not counted, "
        "and weekends and holidays are"
    )
    trace.cite(cite)
    return end


def _land_and_roll(trace: _Trace, day: date, what: str, *, forward: bool, cite: str) -> date:
    """Write where a count landed and, if the court is closed then, roll it."""
    calendar = trace.calendar
    reason = calendar.closed_reason(day)
    if reason is None:
        trace.land(f"{what} is {long_date(day)}, {open_words(calendar, day)}")
        return day
    target = calendar.roll_forward(day) if forward else calendar.roll_backward(day)
    skipped = _skipped(calendar, day, target)
    text = (
        f"{what} is {long_date(day)}, {reason}, so the deadline moves "
        f"{'forward to the next' if forward else 'back to the last'} court day, "
        f"{long_date(target)}"
    )
    trace.land(text + f" ({'; '.join([*skipped, cite])})")
    trace.cite(cite)
    return target


# --- the jurisdictions ---------------------------------------------------------------------


def _label(request: PeriodRequest) -> str:
    return f"{request.trigger_label}, " if request.trigger_label else ""


def _extension_for(
    request: PeriodRequest, table: Mapping[ServiceMethod, Extension]
) -> Extension | None:
    if not request.served:
        return None
    source = request.extensions if request.extensions is not None else table
    return source.get(request.service)


def _no_extension_step(trace: _Trace, request: PeriodRequest) -> None:
    """Say why the method of service adds nothing, when it might have been expected to."""
    if request.service is ServiceMethod.PERSONAL:
        return
    if not request.served:
        trace.say(
            "This period does not run from service of a paper, so "
            f"{SERVICE_WORDS[request.service]} adds no days"
        )
        return
    known = NO_DAYS.get((request.jurisdiction, request.service))
    if known is not None:
        trace.say(known[0].removesuffix("."))
        trace.cite(known[1])


def _federal(request: PeriodRequest, reading: Reading, trace: _Trace) -> date:
    before = request.before
    roll_cite = ROLL_CITES[(Jurisdiction.US_FED, before)]
    extension = _extension_for(request, FED_FORWARD)
    if request.served and request.service is ServiceMethod.OVERNIGHT and request.extensions is None:
        if reading.overnight_consented:
            extension = Extension(
                3,
                False,
                "FRCP 5(b)(2)(F), 6(d)",
                "Served by overnight courier with written consent (Rule 5(b)(2)(F)): Rule 6(d) "
                "adds 3 days",
            )
        else:
            trace.say(
                "Served by overnight courier: that is service only with the served party's "
                "written consent (Rule 5(b)(2)(F)), so no days are added here (see below)"
            )
    if extension is None:
        _no_extension_step(trace, request)
    elif before and not reading.backward_service_days:
        trace.say(
            f"Served by {request.service}: Rule 6(d) adds days only to periods that run after "
            "being served, so none are added to this notice period"
        )
        trace.cite(FED_6D)
        extension = None
    end = _count(
        trace,
        request.trigger,
        request.days,
        request.court_days,
        before,
        _label(request),
        COUNT_CITES[(Jurisdiction.US_FED, before)],
    )
    if not request.court_days:
        end = _land_and_roll(trace, end, f"Day {request.days}", forward=not before, cite=roll_cite)
    if extension is None:
        return end
    sign = -1 if before else 1
    moved = trace.calendar.add_calendar_days(end, sign * extension.days)
    trace.cite(extension.citation)
    if before:
        what = (
            f"Served by {request.service}: counting Rule 6(d)'s {extension.days} added days "
            f"on this notice period too (see below), {extension.days} days before "
            f"{long_date(end)}"
        )
    else:
        what = (
            f"{extension.why} after the period would otherwise end: {extension.days} days after "
            f"{long_date(end)}"
        )
    return _land_and_roll(trace, moved, what, forward=not before, cite=roll_cite)


def _california(request: PeriodRequest, reading: Reading, trace: _Trace) -> date:
    before = request.before
    forward_roll = (not before) or request.roll_toward_event or reading.backward_roll_forward
    roll_cite = ROLL_CITES[(Jurisdiction.US_CA, before)]
    if before and request.roll_toward_event:
        roll_cite = "Code Civ. Proc. 2016.060"
    extension = _extension_for(request, CA_BACKWARD if before else CA_FORWARD)
    if extension is None:
        _no_extension_step(trace, request)
    base = _count(
        trace,
        request.trigger,
        request.days,
        request.court_days,
        before,
        _label(request),
        COUNT_CITES[(Jurisdiction.US_CA, before)],
    )
    if extension is None:
        if request.court_days:
            return base
        return _land_and_roll(
            trace, base, f"Day {request.days}", forward=forward_roll, cite=roll_cite
        )
    sign = -1 if before else 1
    if before:
        # CCP 12c(b): the days for service are counted back from the day found under 12c(a).
        if not request.court_days:
            base = _land_and_roll(
                trace, base, f"Day {request.days}", forward=forward_roll, cite=roll_cite
            )
        start_word = "from"
    else:
        if reading.roll_before_extension and not request.court_days:
            base = _land_and_roll(trace, base, f"Day {request.days}", forward=True, cite=roll_cite)
        elif not request.court_days:
            trace.land(f"Day {request.days} is {long_date(base)}")
        start_word = "after"
    if extension.court_days:
        end = trace.calendar.add_court_days(base, sign * extension.days)
        unit = "court days"
    else:
        end = trace.calendar.add_calendar_days(base, sign * extension.days)
        unit = "days"
    direction = "back " if before else ""
    what = f"{extension.why}; {extension.days} {unit} {direction}{start_word} {long_date(base)}"
    trace.cite(extension.citation)
    if before:
        trace.cite("Code Civ. Proc. 12c(b)")
    if extension.court_days:
        trace.land(f"{what} is {long_date(end)}, {open_words(trace.calendar, end)}")
        return end
    return _land_and_roll(trace, end, what, forward=forward_roll, cite=roll_cite)


def _new_york(request: PeriodRequest, reading: Reading, trace: _Trace) -> date:
    before = request.before
    forward_roll = (not before) or reading.backward_roll_forward
    roll_cite = ROLL_CITES[(Jurisdiction.US_NY, before)]
    count_cite = COUNT_CITES[(Jurisdiction.US_NY, before)]
    extension = _extension_for(request, NY_EXTENSIONS)
    sign = -1 if before else 1
    word = "before" if before else "after"
    days = request.days
    if extension is None:
        _no_extension_step(trace, request)
    elif not extension.court_days and not request.court_days:
        # CPLR 2103(b)(2): the 5 days are added to the prescribed period itself.
        trace.say(f"{extension.why}, making {days + extension.days} days in all")
        trace.cite(extension.citation)
        days += extension.days
        extension = None
    base = _count(
        trace, request.trigger, days, request.court_days, before, _label(request), count_cite
    )
    if extension is None:
        if request.court_days:
            return base
        return _land_and_roll(trace, base, f"Day {days}", forward=forward_roll, cite=roll_cite)
    trace.cite(extension.citation)
    if not extension.court_days:
        # Calendar days added to a period counted in business days.
        moved = trace.calendar.add_calendar_days(base, sign * extension.days)
        return _land_and_roll(
            trace,
            moved,
            f"{extension.why}: {extension.days} days {word} {long_date(base)}",
            forward=forward_roll,
            cite=roll_cite,
        )
    # One business day for overnight delivery.
    if reading.roll_before_extension and not request.court_days:
        base = _land_and_roll(trace, base, f"Day {days}", forward=forward_roll, cite=roll_cite)
    elif not request.court_days:
        trace.land(f"Day {days} is {long_date(base)}")
    end = trace.calendar.add_court_days(base, sign * extension.days)
    trace.land(
        f"{extension.why}: one business day {word} {long_date(base)} is {long_date(end)}, "
        f"{open_words(trace.calendar, end)}"
    )
    return end


COMPUTERS = {
    Jurisdiction.US_FED: _federal,
    Jurisdiction.US_CA: _california,
    Jurisdiction.US_NY: _new_york,
}


def _relevant_flags(request: PeriodRequest) -> list[str]:
    j = request.jurisdiction
    flags: list[str] = []
    if j in (Jurisdiction.US_FED, Jurisdiction.US_NY):
        flags.append("count_unsettled_days")
    served_with = request.served and request.service is not ServiceMethod.PERSONAL
    if j is Jurisdiction.US_CA and served_with and not request.before:
        flags.append("roll_before_extension")
    if j is Jurisdiction.US_NY and served_with and request.service is ServiceMethod.OVERNIGHT:
        flags.append("roll_before_extension")
    if request.before and not request.roll_toward_event and j is not Jurisdiction.US_FED:
        flags.append("backward_roll_forward")
    if j is Jurisdiction.US_FED and served_with and request.extensions is None:
        if request.before and (
            request.service.is_mail or request.service is ServiceMethod.OVERNIGHT
        ):
            flags.append("backward_service_days")
        if request.service is ServiceMethod.OVERNIGHT:
            flags.append("overnight_consented")
    return flags


def _readings(flags: list[str]) -> Iterator[Reading]:
    default = Reading()
    for values in itertools.product((False, True), repeat=len(flags)):
        changes = {
            flag: (not getattr(default, flag)) if flip else getattr(default, flag)
            for flag, flip in zip(flags, values, strict=True)
        }
        yield replace(default, **changes)


def _run(request: PeriodRequest, reading: Reading, base: CourtCalendar) -> tuple[date, _Trace]:
    calendar = base.reading(count_unsettled=reading.count_unsettled_days)
    trace = _Trace(calendar)
    due = COMPUTERS[request.jurisdiction](request, reading, trace)
    return due, trace


def services_for(jurisdiction: Jurisdiction) -> tuple[ServiceMethod, ...]:
    """The methods of service a jurisdiction's periods are computed for: New York's mail is
    "mail" wherever it comes from (the other two are California's distinctions)."""
    if jurisdiction is Jurisdiction.US_NY:
        return tuple(
            m for m in ServiceMethod if m not in (ServiceMethod.MAIL_US, ServiceMethod.MAIL_ABROAD)
        )
    return tuple(ServiceMethod)


def validate(request: PeriodRequest) -> None:
    """Refuse what cannot be a period, naming the field."""
    check_in_range(request.trigger, field="trigger")
    if request.service not in services_for(request.jurisdiction):
        raise InvalidInput(
            "for New York use service 'mail' (CPLR 2103(b)(2), 5 days); mail from outside the "
            "state is not counted separately here",
            field="service",
        )
    if request.days < 1:
        raise InvalidInput("a period must be at least 1 day", field="days")
    if request.days > MAX_DAYS:
        raise InvalidInput(
            f"{request.days} days is not a period any rule sets; the most this engine counts "
            f"is {MAX_DAYS}",
            field="days",
        )


def compute(request: PeriodRequest, calendar: CourtCalendar | None = None) -> Computation:
    """The deadline for one period, with its steps, citations and unsettled points."""
    validate(request)
    base = calendar or calendar_for(request.jurisdiction)
    if request.closures:
        base = base.with_closures(request.closures)
    flags = _relevant_flags(request)
    try:
        results = [(reading, *_run(request, reading, base)) for reading in _readings(flags)]
    except InvalidInput as error:
        raise InvalidInput(
            f"the deadline would fall outside the court calendars, which cover {FIRST_YEAR} "
            f"to {LAST_YEAR}",
            field="days" if error.field != "closures" else "closures",
        ) from None
    # Earliest date first; among equals, the reading closest to the default.
    default = Reading()
    reading, due, trace = min(
        results,
        key=lambda r: (r[1], sum(getattr(r[0], f) != getattr(default, f) for f in flags)),
    )
    unsettled: list[Alternative] = []
    for flag in flags:
        other = replace(reading, **{flag: not getattr(reading, flag)})
        other_due = next(d for r, d, _t in results if r == other)
        if other_due != due:
            question = QUESTIONS[(flag, request.jurisdiction)]
            unsettled.append(Alternative(question, other_due))
    steps = list(trace.finish(due))
    for alternative in unsettled:
        steps.append(
            f"Unsettled: {alternative.question} Read the other way, the deadline would be "
            f"{long_date(alternative.due)}; this answer takes the earlier date."
        )
    trace.cite(CALENDAR_CITATIONS[request.jurisdiction])
    notes: list[str] = []
    if request.jurisdiction is Jurisdiction.US_FED and not request.before:
        notes.append(STATE_HOLIDAY_NOTE)
    if (
        request.jurisdiction is Jurisdiction.US_CA
        and request.service is ServiceMethod.MAIL
        and request.served
    ):
        notes.append(
            "Mail is taken to be sent and received within California; from elsewhere in the "
            "United States CCP 1013(a) adds 10 days, and from outside it 20 (service mail-us, "
            "mail-abroad)."
        )
    return Computation(
        due=due,
        steps=tuple(steps),
        citations=tuple(trace.citations),
        unsettled=tuple(unsettled),
        notes=tuple(notes),
    )
