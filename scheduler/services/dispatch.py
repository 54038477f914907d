"""Delivering the outbox: claim what is due, send it, record what happened. Exactly once.

Several dispatchers may run at once (one per API worker, plus ``secretary dispatch``). Each
claims a batch of due messages in a short transaction, leasing them for a few minutes; no other
dispatcher can claim them meanwhile (PostgreSQL ``FOR UPDATE SKIP LOCKED``, SQLite serialized
writes). It then sends them outside any transaction and marks each sent. If it dies between
sending and marking, the lease runs out and another dispatcher sends the message again with the
same Message-ID, which mail systems recognise as a duplicate.

Failures: a refusal that cannot change (a 5xx answer) marks the message failed at once; anything
else is retried with growing pauses (1 minute, 5, 15, then hours) and marked failed after
``MAX_ATTEMPTS``. Failed messages stay in the outbox for ``secretary outbox`` to show.

Reminders and ticklers are checked once more just before they go: one withdrawn a moment ago
(the appointment was cancelled or moved) is not sent.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from email.message import EmailMessage
from threading import Event

from calendars.delivery import DeliveryFailed, Mailer
from calendars.mail import MailContext, Recipient, compose
from scheduler.domain import Language, MessageKind, OutboxMessage
from scheduler.errors import NotFound
from scheduler.ports import UnitOfWork
from scheduler.services.calendars import render_outbox_message

log = logging.getLogger("secretary.dispatch")
MAX_ATTEMPTS = 8
BACKOFF = (
    timedelta(minutes=1),
    timedelta(minutes=5),
    timedelta(minutes=15),
    timedelta(hours=1),
    timedelta(hours=3),
    timedelta(hours=6),
    timedelta(hours=12),
)
LEASE = timedelta(minutes=5)
WITHDRAWABLE = (MessageKind.REMINDER, MessageKind.TICKLER)
ITIP = (MessageKind.INVITATION, MessageKind.UPDATE, MessageKind.CANCELLATION)

#: Renders the calendar part (.ics bytes, METHOD first) of an invitation, update or cancellation
#: for one recipient (by default ``scheduler.services.calendars.render_outbox_message``).
CalendarRenderer = Callable[[UnitOfWork, OutboxMessage, datetime], bytes | None]


@dataclass(frozen=True, slots=True)
class Outcome:
    message: OutboxMessage
    result: str  # sent | retry | failed | withdrawn
    detail: str = ""


@dataclass(slots=True)
class DispatchReport:
    outcomes: list[Outcome] = field(default_factory=list)

    def count(self, result: str) -> int:
        return sum(1 for o in self.outcomes if o.result == result)


@dataclass(frozen=True, slots=True)
class MailSettings:
    mail_from: str
    firm_name: str = "Our law firm"
    firm_phone: str = ""


def backoff(attempts: int) -> timedelta:
    return BACKOFF[min(attempts, len(BACKOFF)) - 1]


def dispatch_due(
    unit_of_work: Callable[[], UnitOfWork],
    mailer: Mailer,
    now: datetime,
    settings: MailSettings,
    *,
    calendar: CalendarRenderer | None = render_outbox_message,
    batch: int = 100,
) -> DispatchReport:
    """Send every message due at ``now``, claiming ``batch`` at a time over one connection."""
    report = DispatchReport()
    prepared = _claim(unit_of_work, now, settings, calendar, batch)
    if not prepared:
        return report
    try:
        with mailer:
            while prepared:
                for message, mail, problem in prepared:
                    report.outcomes.append(
                        _deliver(unit_of_work, mailer, message, mail, problem, now)
                    )
                prepared = _claim(unit_of_work, now, settings, calendar, batch)
    except DeliveryFailed as failure:  # no connection to the mail server at all
        done = {o.message.id for o in report.outcomes}
        for message, _mail, _problem in prepared:
            if message.id not in done:
                report.outcomes.append(_failed_send(unit_of_work, message, failure, now))
    return report


Prepared = tuple[OutboxMessage, EmailMessage | None, str]


def _claim(
    unit_of_work: Callable[[], UnitOfWork],
    now: datetime,
    settings: MailSettings,
    calendar: CalendarRenderer | None,
    batch: int,
) -> list[Prepared]:
    """Claim a batch of due messages and render each (or say why it cannot be addressed)."""
    prepared: list[Prepared] = []
    with unit_of_work() as uow:
        for message in uow.outbox.claim_due(now, limit=batch, lease_until=now + LEASE):
            try:
                prepared.append((message, _render(uow, message, now, settings, calendar), ""))
            except NotFound as error:
                prepared.append((message, None, f"cannot address the message: {error}"))
        uow.commit()
    return prepared


def _deliver(
    unit_of_work: Callable[[], UnitOfWork],
    mailer: Mailer,
    message: OutboxMessage,
    mail: EmailMessage | None,
    problem: str,
    now: datetime,
) -> Outcome:
    if mail is None:
        return _fail(unit_of_work, message, problem)
    if message.kind in WITHDRAWABLE and _withdrawn(unit_of_work, message):
        return Outcome(message, "withdrawn")
    try:
        mailer.send(mail)
    except DeliveryFailed as failure:
        return _failed_send(unit_of_work, message, failure, now)
    with unit_of_work() as uow:
        uow.outbox.mark_sent(message.id, now)
        uow.commit()
    return Outcome(message, "sent")


def _withdrawn(unit_of_work: Callable[[], UnitOfWork], message: OutboxMessage) -> bool:
    with unit_of_work() as uow:
        return uow.outbox.get(message.id).status != "sending"


def _failed_send(
    unit_of_work: Callable[[], UnitOfWork],
    message: OutboxMessage,
    failure: DeliveryFailed,
    now: datetime,
) -> Outcome:
    if failure.permanent or message.attempts >= MAX_ATTEMPTS:
        return _fail(unit_of_work, message, failure.reason)
    with unit_of_work() as uow:
        uow.outbox.mark_retry(message.id, failure.reason, now + backoff(message.attempts))
        uow.commit()
    return Outcome(message, "retry", failure.reason)


def _fail(unit_of_work: Callable[[], UnitOfWork], message: OutboxMessage, reason: str) -> Outcome:
    with unit_of_work() as uow:
        uow.outbox.mark_failed(message.id, reason)
        uow.commit()
    return Outcome(message, "failed", reason)


def _render(
    uow: UnitOfWork,
    message: OutboxMessage,
    now: datetime,
    settings: MailSettings,
    calendar: CalendarRenderer | None,
) -> EmailMessage:
    firm = uow.firm.find()
    kind, _, who = message.recipient.partition(":")
    if kind == "client":
        person = uow.clients.get(who)
        recipient = Recipient(person.name, person.email, person.language, person.timezone)
    elif kind == "attorney":
        lawyer = uow.attorneys.get(who)
        recipient = Recipient(lawyer.name, lawyer.email, Language.EN, lawyer.timezone)
    else:
        raise NotFound("recipient", message.recipient)
    payload = message.payload
    attorney_names = [uow.attorneys.get(a).name for a in payload.get("attorney_ids", [])]
    room_name = room_address = ""
    if payload.get("room_id"):
        room = uow.rooms.get(str(payload["room_id"]))
        room_name, room_address = room.name, room.location
    context = MailContext(
        firm_name=firm.name if firm else settings.firm_name,
        firm_phone=firm.phone if firm else settings.firm_phone,
        mail_from=settings.mail_from,
        recipient=recipient,
        attorney_names=attorney_names,
        room_name=room_name,
        room_address=room_address,
        manage_url=str(payload.get("manage_url", "")),
    )
    part = calendar(uow, message, now) if calendar is not None and message.kind in ITIP else None
    return compose(
        kind=message.kind,
        payload=payload,
        context=context,
        message_id=message.message_id,
        sent_at=now,
        calendar=part,
    )


def dispatch_loop(
    unit_of_work: Callable[[], UnitOfWork],
    mailer_factory: Callable[[], Mailer],
    now: Callable[[], datetime],
    settings: MailSettings,
    *,
    interval_seconds: float,
    stop: Event,
    calendar: CalendarRenderer | None = render_outbox_message,
    on_report: Callable[[DispatchReport], None] | None = None,
) -> None:
    """Dispatch every ``interval_seconds`` until ``stop`` is set; a failed round is retried."""
    while not stop.is_set():
        try:
            report = dispatch_due(
                unit_of_work, mailer_factory(), now(), settings, calendar=calendar
            )
        except Exception:  # the database is briefly unreachable: try again next round
            log.warning("dispatch round failed; retrying in %.0f s", interval_seconds)
        else:
            if on_report is not None and report.outcomes:
                on_report(report)
        stop.wait(interval_seconds)
