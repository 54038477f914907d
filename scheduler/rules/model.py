"""The shape of the rules: trigger events, and the deadlines each one sets."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from scheduler.courtdays import Jurisdiction
from scheduler.rules.periods import Extension, ServiceMethod


@dataclass(frozen=True, slots=True)
class EventType:
    """Something that happens in a case and starts deadlines running."""

    id: str  # "complaint-served"
    jurisdiction: Jurisdiction
    name: str  # "Service of the summons and complaint"
    date_means: str  # what the date of the event is: "the day the defendant was served"


@dataclass(frozen=True, slots=True)
class Rule:
    """One deadline an event sets: N calendar or court days after (or before) the event.

    ``served`` is True when the period runs from service of a paper, so the method of service may
    add days; ``extensions`` replaces the jurisdiction's table of those days for this rule;
    ``roll_toward_event`` moves a backward period's weekend or holiday landing toward the event
    (CCP 2016.060).
    """

    id: str  # stable: "FED-ANSWER"
    jurisdiction: Jurisdiction
    event: str
    title: str  # "Answer to the complaint"
    days: int
    citation: str
    statement: str  # one sentence
    court_days: bool = False
    before: bool = False
    served: bool = False
    roll_toward_event: bool = False
    extensions: Mapping[ServiceMethod, Extension] | None = None

    @property
    def period_words(self) -> str:
        unit = "court days" if self.court_days else "days"
        return f"{self.days} {unit} {'before' if self.before else 'after'}"
