"""Court deadline rules as data, and the computations over them.

- :mod:`scheduler.rules.periods`: one period, computed under a jurisdiction's counting rules,
  with plain-language steps and citations.
- :mod:`scheduler.rules.federal`, :mod:`~scheduler.rules.california`,
  :mod:`~scheduler.rules.new_york`: the trigger events of each jurisdiction and the deadlines each
  sets, every rule with a stable id, a citation and a one-sentence statement.

This module puts them together: look an event up, and compute the chain of deadlines it sets.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from scheduler.courtdays import Jurisdiction
from scheduler.domain import Deadline, Matter, TriggerEvent
from scheduler.errors import InvalidInput
from scheduler.rules import california, federal, new_york
from scheduler.rules.model import EventType, Rule
from scheduler.rules.periods import (
    MAX_DAYS,
    Computation,
    PeriodRequest,
    ServiceMethod,
    compute,
    services_for,
)

EVENTS: tuple[EventType, ...] = federal.EVENTS + california.EVENTS + new_york.EVENTS
RULES: tuple[Rule, ...] = federal.RULES + california.RULES + new_york.RULES


def _check_catalog() -> None:
    """The rule tables are consistent: unique ids, every rule's event exists."""
    ids = [r.id for r in RULES]
    duplicates = {i for i in ids if ids.count(i) > 1}
    if duplicates:
        raise RuntimeError(f"duplicate rule ids: {sorted(duplicates)}")
    known = {(e.jurisdiction, e.id) for e in EVENTS}
    orphans = [r.id for r in RULES if (r.jurisdiction, r.event) not in known]
    if orphans:
        raise RuntimeError(f"rules for unknown events: {orphans}")


_check_catalog()


def events(jurisdiction: Jurisdiction | None = None) -> list[EventType]:
    return [e for e in EVENTS if jurisdiction is None or e.jurisdiction is jurisdiction]


def rules(jurisdiction: Jurisdiction | None = None, event: str | None = None) -> list[Rule]:
    return [
        r
        for r in RULES
        if (jurisdiction is None or r.jurisdiction is jurisdiction)
        and (event is None or r.event == event)
    ]


def get_event(jurisdiction: Jurisdiction, event_id: str, *, field: str = "event") -> EventType:
    wanted = event_id.strip().lower()
    for event in EVENTS:
        if event.jurisdiction is jurisdiction and event.id == wanted:
            return event
    known = ", ".join(e.id for e in events(jurisdiction))
    raise InvalidInput(
        f"'{event_id}' is not a trigger event for {jurisdiction}; use one of: {known}",
        field=field,
    )


def get_rule(rule_id: str) -> Rule:
    for rule in RULES:
        if rule.id == rule_id:
            return rule
    raise InvalidInput(f"'{rule_id}' is not a rule id", field="rule")


@dataclass(frozen=True, slots=True)
class ChainItem:
    rule: Rule
    computation: Computation

    def to_json(self) -> dict[str, object]:
        return {
            "rule": self.rule.id,
            "title": self.rule.title,
            "period": self.rule.period_words,
            "citation": self.rule.citation,
            "statement": self.rule.statement,
            **self.computation.to_json(),
        }


def request_for(
    rule: Rule,
    on: date,
    service: ServiceMethod,
    closures: Iterable[tuple[date, str]] = (),
) -> PeriodRequest:
    """The period a rule sets when its event happens on ``on``."""
    return PeriodRequest(
        jurisdiction=rule.jurisdiction,
        trigger=on,
        days=rule.days,
        court_days=rule.court_days,
        before=rule.before,
        service=service,
        served=rule.served,
        roll_toward_event=rule.roll_toward_event,
        extensions=rule.extensions,
        closures=tuple(closures),
    )


def chain(
    jurisdiction: Jurisdiction,
    event_id: str,
    on: date,
    service: ServiceMethod = ServiceMethod.PERSONAL,
    closures: Iterable[tuple[date, str]] = (),
) -> list[ChainItem]:
    """Every deadline an event sets, earliest first."""
    event = get_event(jurisdiction, event_id)
    closures = tuple(closures)
    items = []
    for rule in rules(jurisdiction, event.id):
        computation = compute(request_for(rule, on, service, closures))
        statement = f"{rule.title}: {rule.statement} ({rule.citation})"
        computation = Computation(
            due=computation.due,
            steps=(statement, *computation.steps),
            citations=(rule.citation, *[c for c in computation.citations if c != rule.citation]),
            unsettled=computation.unsettled,
            notes=computation.notes,
        )
        items.append(ChainItem(rule, computation))
    return sorted(items, key=lambda item: (item.computation.due, item.rule.id))


def deadline_id(trigger_id: str, rule_id: str) -> str:
    """A deadline's id: stable for a (trigger, rule) pair, so a moved trigger keeps its ids."""
    return f"ddl-{trigger_id.removeprefix('trg-')}-{rule_id.lower()}"


def deadlines_for_trigger(
    trigger: TriggerEvent,
    matter: Matter,
    closures: Iterable[tuple[date, str]] = (),
) -> list[Deadline]:
    """The deadlines a recorded trigger event sets on its matter, earliest first."""
    jurisdiction = Jurisdiction.parse(trigger.jurisdiction)
    items = chain(
        jurisdiction,
        trigger.event,
        trigger.occurred_on,
        ServiceMethod.parse(trigger.service),
        closures,
    )
    return [
        Deadline(
            id=deadline_id(trigger.id, item.rule.id),
            matter_id=matter.id,
            title=item.rule.title,
            due_on=item.computation.due,
            jurisdiction=jurisdiction.value,
            rule_id=item.rule.id,
            trigger_id=trigger.id,
            steps=item.computation.steps,
            citations=item.computation.citations,
            responsible_attorneys=matter.responsible_attorneys,
        )
        for item in items
    ]


__all__ = [
    "EVENTS",
    "MAX_DAYS",
    "RULES",
    "ChainItem",
    "Computation",
    "EventType",
    "PeriodRequest",
    "Rule",
    "ServiceMethod",
    "chain",
    "compute",
    "deadline_id",
    "deadlines_for_trigger",
    "events",
    "get_event",
    "get_rule",
    "request_for",
    "rules",
    "services_for",
]
