"""A matter's docket: trigger events, the deadlines they set, and the ticklers that remind.

Recording a trigger event computes its chain of deadlines (``scheduler.rules``) and stores them
in the same transaction; editing the event recomputes them, removing it removes them. Each
deadline gets tickler reminders a number of court days before it (the firm's
``tickler_court_days``, default 14, 7, 3 and 1), queued in the outbox for each responsible
attorney who is not screened from the matter, at 08:00 in that attorney's zone. When a deadline
moves, its pending ticklers are withdrawn and new ones queued.

Only the firm's staff and the attorneys who may see a matter work with its docket; clients do
not see it. What a caller may not see answers "not found".
"""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, time
from typing import Any
from zoneinfo import ZoneInfo

from scheduler.courtdays import Jurisdiction, calendar_for, long_date
from scheduler.domain import (
    CourtClosure,
    Deadline,
    Firm,
    Matter,
    MessageKind,
    OutboxMessage,
    Role,
    TriggerEvent,
)
from scheduler.errors import InvalidInput, NotAllowed, NotFound
from scheduler.ports import UnitOfWork
from scheduler.rules import ServiceMethod, deadlines_for_trigger, get_event
from scheduler.services.access import (
    Actor,
    can_see_matter,
    record,
    require_matter,
    require_staff,
)
from scheduler.services.notifications import queue

TICKLER_HOUR = time(8, 0)


def _require_docket_reader(actor: Actor) -> None:
    if actor.role is Role.CLIENT:
        raise NotAllowed("The docket is kept for the firm's staff and attorneys.")


def _docket_matter(uow: UnitOfWork, actor: Actor, matter_id: str) -> Matter:
    """The matter, if the actor may work with its docket (404 if it may not see it)."""
    matter = require_matter(uow, actor, matter_id)
    _require_docket_reader(actor)
    return matter


def _jurisdiction_of(matter: Matter) -> Jurisdiction:
    try:
        return Jurisdiction(matter.jurisdiction)
    except ValueError:
        raise InvalidInput(
            f"matter {matter.id} is in {matter.jurisdiction!r}, for which no court rules are "
            "kept; deadlines can be computed for US-FED, US-CA and US-NY",
            field="matter",
        ) from None


# --- ticklers --------------------------------------------------------------------------------


def tickler_payload(deadline: Deadline, days_before: int, tickler_on: date) -> dict[str, Any]:
    """What a tickler message is rendered from; no client name, only ids and the deadline."""
    return {
        "deadline_id": deadline.id,
        "matter_id": deadline.matter_id,
        "title": deadline.title,
        "due_on": deadline.due_on.isoformat(),
        "due_on_text": long_date(deadline.due_on),
        "days_before": days_before,
        "tickler_on": tickler_on.isoformat(),
        "jurisdiction": deadline.jurisdiction,
        "rule_id": deadline.rule_id,
        "trigger_id": deadline.trigger_id,
    }


def _closures(uow: UnitOfWork, jurisdiction: str) -> tuple[tuple[date, str], ...]:
    """The closures the firm recorded for a jurisdiction's courts, as (date, reason)."""
    return tuple(
        (c.closed_on, c.reason) for c in uow.docket.list_closures(jurisdiction=jurisdiction)
    )


def schedule_ticklers(
    uow: UnitOfWork,
    firm: Firm,
    matter: Matter,
    deadline: Deadline,
    now: datetime,
    closures: Sequence[tuple[date, str]] = (),
) -> int:
    """Withdraw a deadline's pending ticklers and queue new ones; how many were queued.

    A tickler whose time has already passed is not sent late, except the most recent one when
    the deadline is still ahead: that one goes out at once, so a deadline docketed close to its
    due date still reaches the attorneys.
    """
    uow.outbox.cancel_pending(deadline.id, [MessageKind.TICKLER])
    generation = len(uow.outbox.list(subject_id=deadline.id))
    calendar = calendar_for(deadline.jurisdiction).with_closures(closures)
    recipients = [a for a in matter.responsible_attorneys if not matter.is_screened(a)]
    queued = 0
    for attorney_id in recipients:
        zone = ZoneInfo(uow.attorneys.get(attorney_id).timezone)
        today = now.astimezone(zone).date()
        if deadline.due_on < today:
            continue
        plan: list[tuple[int, date, datetime]] = []
        overdue: tuple[int, date] | None = None
        for days_before in sorted(set(firm.tickler_court_days), reverse=True):
            if days_before < 1:
                continue
            try:
                on = calendar.add_court_days(deadline.due_on, -days_before)
            except InvalidInput:  # before the calendars begin: long past
                continue
            due_at = datetime.combine(on, TICKLER_HOUR, tzinfo=zone).astimezone(UTC)
            if due_at >= now:
                plan.append((days_before, on, due_at))
            else:
                overdue = (days_before, on)
        if overdue is not None:
            plan.append((overdue[0], overdue[1], now))
        for days_before, on, due_at in plan:
            queue(
                uow,
                kind=MessageKind.TICKLER,
                subject_id=deadline.id,
                version=f"{deadline.due_on.isoformat()}:{days_before}:{generation}",
                recipient=f"attorney:{attorney_id}",
                payload=tickler_payload(deadline, days_before, on),
                due_at=due_at,
                now=now,
            )
            queued += 1
    return queued


def _store_deadlines(
    uow: UnitOfWork,
    matter: Matter,
    trigger: TriggerEvent,
    now: datetime,
    previous: Sequence[Deadline] = (),
    *,
    reschedule: bool = False,
) -> list[Deadline]:
    """Write the trigger's deadlines; (re)schedule ticklers of those that are new or moved."""
    firm = uow.firm.get()
    closures = _closures(uow, trigger.jurisdiction)
    fresh = deadlines_for_trigger(trigger, matter, closures)
    before = {d.id: d for d in previous}
    uow.docket.remove_deadlines(trigger_id=trigger.id)
    for deadline in fresh:
        uow.docket.add_deadline(deadline)
        old = before.pop(deadline.id, None)
        if old is None or old.due_on != deadline.due_on or reschedule:
            schedule_ticklers(uow, firm, matter, deadline, now, closures)
    for gone in before.values():
        uow.outbox.cancel_pending(gone.id, [MessageKind.TICKLER])
    return fresh


# --- use-cases -------------------------------------------------------------------------------


def record_trigger(
    uow: UnitOfWork,
    actor: Actor,
    now: datetime,
    *,
    matter_id: str,
    event: str,
    occurred_on: date,
    service: ServiceMethod = ServiceMethod.PERSONAL,
    note: str = "",
    trigger_id: str | None = None,
) -> TriggerEvent:
    """Record that ``event`` happened on a matter; its deadlines and ticklers follow."""
    matter = _docket_matter(uow, actor, matter_id)
    jurisdiction = _jurisdiction_of(matter)
    event_type = get_event(jurisdiction, event)
    if len(note) > 2000:
        raise InvalidInput("a note is at most 2,000 characters", field="note")
    trigger = TriggerEvent(
        id=trigger_id or "trg-" + secrets.token_hex(4),
        matter_id=matter.id,
        event=event_type.id,
        occurred_on=occurred_on,
        jurisdiction=jurisdiction.value,
        service=service.value,
        note=note,
    )
    uow.docket.add_trigger(trigger)
    deadlines = _store_deadlines(uow, matter, trigger, now)
    record(
        uow,
        actor,
        now,
        "create",
        "trigger_event",
        trigger.id,
        f"matter={matter.id} event={trigger.event} deadlines={len(deadlines)}",
    )
    uow.commit()
    return trigger


def _visible_trigger(
    uow: UnitOfWork, actor: Actor, trigger_id: str, matter_id: str | None = None
) -> tuple[TriggerEvent, Matter]:
    if matter_id is not None:
        require_matter(uow, actor, matter_id)
    trigger = uow.docket.get_trigger(trigger_id)
    matter = uow.matters.get(trigger.matter_id)
    if not can_see_matter(actor, matter) or matter_id not in (None, matter.id):
        raise NotFound("trigger event", trigger_id)
    _require_docket_reader(actor)
    return trigger, matter


def edit_trigger(
    uow: UnitOfWork,
    actor: Actor,
    now: datetime,
    trigger_id: str,
    *,
    occurred_on: date | None = None,
    service: ServiceMethod | None = None,
    note: str | None = None,
    matter_id: str | None = None,
) -> TriggerEvent:
    """Correct a trigger event; its deadlines are recomputed and moved ticklers rescheduled."""
    trigger, matter = _visible_trigger(uow, actor, trigger_id, matter_id)
    if occurred_on is None and service is None and note is None:
        raise InvalidInput("give a new date, service or note", field="date")
    if note is not None and len(note) > 2000:
        raise InvalidInput("a note is at most 2,000 characters", field="note")
    updated = replace(
        trigger,
        occurred_on=occurred_on or trigger.occurred_on,
        service=service.value if service else trigger.service,
        note=trigger.note if note is None else note,
    )
    previous = uow.docket.list_deadlines(matter_id=matter.id)
    previous = [d for d in previous if d.trigger_id == trigger.id]
    uow.docket.update_trigger(updated)
    _store_deadlines(uow, matter, updated, now, previous)
    changes = []
    if updated.occurred_on != trigger.occurred_on:
        changes.append(f"date {trigger.occurred_on}->{updated.occurred_on}")
    if updated.service != trigger.service:
        changes.append(f"service {trigger.service}->{updated.service}")
    if updated.note != trigger.note:
        changes.append("note")
    record(uow, actor, now, "update", "trigger_event", trigger.id, "; ".join(changes))
    uow.commit()
    return updated


def remove_trigger(
    uow: UnitOfWork, actor: Actor, now: datetime, trigger_id: str, matter_id: str | None = None
) -> int:
    """Remove a trigger event and its deadlines, withdrawing their ticklers; how many."""
    trigger, matter = _visible_trigger(uow, actor, trigger_id, matter_id)
    deadlines = [
        d for d in uow.docket.list_deadlines(matter_id=matter.id) if d.trigger_id == trigger.id
    ]
    for deadline in deadlines:
        uow.outbox.cancel_pending(deadline.id, [MessageKind.TICKLER])
    uow.docket.remove_trigger(trigger.id)
    record(
        uow,
        actor,
        now,
        "delete",
        "trigger_event",
        trigger.id,
        f"matter={matter.id} deadlines={len(deadlines)}",
    )
    uow.commit()
    return len(deadlines)


@dataclass(frozen=True, slots=True)
class DocketView:
    matter_id: str
    triggers: list[TriggerEvent]
    deadlines: list[Deadline]
    ticklers: dict[str, list[OutboxMessage]] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        return {
            "matter": self.matter_id,
            "triggers": [trigger_json(t) for t in self.triggers],
            "deadlines": [deadline_json(d, self.ticklers.get(d.id, [])) for d in self.deadlines],
        }


def trigger_json(trigger: TriggerEvent) -> dict[str, Any]:
    return {
        "id": trigger.id,
        "matter": trigger.matter_id,
        "event": trigger.event,
        "date": trigger.occurred_on.isoformat(),
        "jurisdiction": trigger.jurisdiction,
        "service": trigger.service,
        "note": trigger.note,
    }


def tickler_json(message: OutboxMessage) -> dict[str, Any]:
    return {
        "recipient": message.recipient,
        "due_at": message.due_at.isoformat(),
        "days_before": message.payload.get("days_before"),
        "status": message.status,
    }


def deadline_json(deadline: Deadline, ticklers: Sequence[OutboxMessage] = ()) -> dict[str, Any]:
    return {
        "id": deadline.id,
        "matter": deadline.matter_id,
        "title": deadline.title,
        "due": deadline.due_on.isoformat(),
        "jurisdiction": deadline.jurisdiction,
        "rule": deadline.rule_id,
        "trigger": deadline.trigger_id,
        "responsible_attorneys": list(deadline.responsible_attorneys),
        "steps": list(deadline.steps),
        "citations": list(deadline.citations),
        "status": deadline.status,
        "ticklers": [tickler_json(m) for m in ticklers],
    }


def matter_docket(
    uow: UnitOfWork,
    actor: Actor,
    matter_id: str,
    *,
    now: datetime | None = None,
    trigger_id: str | None = None,
) -> DocketView:
    """A matter's trigger events, deadlines and pending ticklers (one trigger's, if given).

    With ``now`` the read is written to the audit log (and committed).
    """
    matter = _docket_matter(uow, actor, matter_id)
    triggers = uow.docket.list_triggers(matter_id=matter.id)
    deadlines = uow.docket.list_deadlines(matter_id=matter.id)
    if trigger_id is not None:
        triggers = [t for t in triggers if t.id == trigger_id]
        deadlines = [d for d in deadlines if d.trigger_id == trigger_id]
    ticklers = {
        d.id: [
            m
            for m in uow.outbox.list(subject_id=d.id, status="pending")
            if m.kind is MessageKind.TICKLER
        ]
        for d in deadlines
    }
    if now is not None:
        record(uow, actor, now, "view", "docket", matter.id)
        uow.commit()
    return DocketView(matter.id, triggers, deadlines, ticklers)


def deadlines_between(
    uow: UnitOfWork, actor: Actor, now: datetime, start: date, end: date
) -> list[Deadline]:
    """The deadlines due in ``[start, end]`` on matters the actor may see."""
    _require_docket_reader(actor)
    if end < start:
        raise InvalidInput("the end comes before the start", field="to")
    matters = {m.id: m for m in uow.matters.list()}
    found = [
        d
        for d in uow.docket.list_deadlines(due_from=start, due_to=end)
        if d.matter_id in matters and can_see_matter(actor, matters[d.matter_id])
    ]
    record(uow, actor, now, "list", "deadline", "*", f"{start}..{end}: {len(found)} deadlines")
    uow.commit()
    return found


# --- court closures --------------------------------------------------------------------------


def list_closures(
    uow: UnitOfWork, actor: Actor, jurisdiction: Jurisdiction | None = None
) -> list[CourtClosure]:
    """The closures the firm recorded (court closures are public facts, not client data)."""
    _require_docket_reader(actor)
    return uow.docket.list_closures(jurisdiction=jurisdiction.value if jurisdiction else None)


def _recompute_jurisdiction(uow: UnitOfWork, jurisdiction: Jurisdiction, now: datetime) -> int:
    """Recompute every docketed trigger of a jurisdiction; how many deadlines moved.

    Ticklers are rescheduled for all of them, since a closure can move a tickler's day too.
    """
    moved = 0
    for trigger in uow.docket.list_triggers():
        if trigger.jurisdiction != jurisdiction.value:
            continue
        matter = uow.matters.get(trigger.matter_id)
        previous = [
            d for d in uow.docket.list_deadlines(matter_id=matter.id) if d.trigger_id == trigger.id
        ]
        before = {d.id: d.due_on for d in previous}
        fresh = _store_deadlines(uow, matter, trigger, now, previous, reschedule=True)
        moved += sum(1 for d in fresh if before.get(d.id) != d.due_on)
    return moved


def add_closure(
    uow: UnitOfWork,
    actor: Actor,
    now: datetime,
    jurisdiction: Jurisdiction,
    closed_on: date,
    reason: str,
) -> int:
    """Record a day a jurisdiction's courts were closed; docketed deadlines are recomputed.

    Returns how many deadlines moved.
    """
    require_staff(actor)
    reason = reason.strip()
    if not reason or len(reason) > 300:
        raise InvalidInput("give the reason for the closure in 1 to 300 characters", field="reason")
    calendar_for(jurisdiction).with_closures([(closed_on, reason)])  # in the calendars' years
    uow.docket.add_closure(CourtClosure(jurisdiction.value, closed_on, reason))
    moved = _recompute_jurisdiction(uow, jurisdiction, now)
    record(
        uow,
        actor,
        now,
        "create",
        "court_closure",
        f"{jurisdiction.value}:{closed_on}",
        f"deadlines moved={moved}",
    )
    uow.commit()
    return moved


def remove_closure(
    uow: UnitOfWork, actor: Actor, now: datetime, jurisdiction: Jurisdiction, closed_on: date
) -> int:
    """Remove a recorded closure; docketed deadlines are recomputed. How many moved."""
    require_staff(actor)
    uow.docket.remove_closure(jurisdiction.value, closed_on)
    moved = _recompute_jurisdiction(uow, jurisdiction, now)
    record(
        uow,
        actor,
        now,
        "delete",
        "court_closure",
        f"{jurisdiction.value}:{closed_on}",
        f"deadlines moved={moved}",
    )
    uow.commit()
    return moved
