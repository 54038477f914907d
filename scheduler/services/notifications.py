"""What the engine owes people after a change: invitations, updates and cancellations.

Every use-case that creates, moves, reassigns or cancels an appointment calls
:func:`appointment_changed` inside the same unit of work as the change itself, so the messages are
committed together with the change or not at all (a transactional outbox). A dispatcher delivers
them later (``secretary dispatch``).

A live appointment also has reminders for its client (24 and 2 hours before by default, or the
client's own preference; see ``scheduler.reminders`` for quiet hours). Every change withdraws the
pending reminders and plans new ones for the new time; a cancelled appointment has none left.

Each message carries a snapshot of the appointment as it was at that change (its SEQUENCE in
particular), so what is sent is exactly what was decided, even if the appointment changes again
before the message goes out. Recipients are ``client:<id>`` and ``attorney:<id>``; the dispatcher
looks up their addresses, language and zone when it renders the message.
"""

from __future__ import annotations

import hashlib
from datetime import datetime
from typing import Any

from scheduler.domain import (
    DEFAULT_REMINDER_OFFSETS_MINUTES,
    Appointment,
    AppointmentStatus,
    MessageKind,
    OutboxMessage,
)
from scheduler.ports import UnitOfWork
from scheduler.reminders import DEFAULT_QUIET_HOURS, plan_reminders

#: The Message-ID domain when no firm is recorded yet (otherwise: the firm's own domain).
MESSAGE_DOMAIN = "legal-secretary.invalid"


def appointment_snapshot(appointment: Appointment) -> dict[str, Any]:
    """The facts a message about ``appointment`` is rendered from (JSON-ready)."""
    return {
        "appointment_id": appointment.id,
        "uid": appointment.uid,
        "sequence": appointment.sequence,
        "status": appointment.status.value,
        "starts_at": appointment.starts_at.isoformat(),
        "ends_at": appointment.ends_at.isoformat(),
        "title": appointment.title,
        "client_id": appointment.client_id,
        "matter_id": appointment.matter_id,
        "attorney_ids": list(appointment.attorney_ids),
        "room_id": appointment.room_id,
        "video_url": appointment.video_url,
    }


def recipients(appointment: Appointment) -> list[str]:
    """Everyone who attends: the client and each attorney."""
    return [f"client:{appointment.client_id}"] + [f"attorney:{a}" for a in appointment.attorney_ids]


def message_id(
    kind: MessageKind, subject_id: str, version: int | str, recipient: str, domain: str
) -> str:
    """A stable Message-ID: a resend after a crash carries the same one, so mail systems dedupe.
    Its domain is the firm's, as mail systems expect of the sender's messages."""
    digest = hashlib.sha256(f"{kind}:{subject_id}:{version}:{recipient}".encode()).hexdigest()[:24]
    return f"<{digest}@{domain}>"


def sender_domain(uow: UnitOfWork) -> str:
    """The domain of the firm's messages (its e-mail's), read once per unit of work."""
    firm = uow.firm.find()
    return firm.domain if firm is not None else MESSAGE_DOMAIN


def queue(
    uow: UnitOfWork,
    *,
    kind: MessageKind,
    subject_id: str,
    version: int | str,
    recipient: str,
    payload: dict[str, Any],
    due_at: datetime,
    now: datetime,
) -> None:
    """Queue one message; queuing the same (kind, subject, version, recipient) twice is a no-op.

    ``version`` tells apart messages about the same subject: an appointment's SEQUENCE, or for a
    reminder, the instant it is about.
    """
    uow.outbox.add(
        message(
            kind=kind,
            subject_id=subject_id,
            version=version,
            recipient=recipient,
            payload=payload,
            due_at=due_at,
            now=now,
            domain=sender_domain(uow),
        )
    )


def message(
    *,
    kind: MessageKind,
    subject_id: str,
    version: int | str,
    recipient: str,
    payload: dict[str, Any],
    due_at: datetime,
    now: datetime,
    domain: str,
) -> OutboxMessage:
    """The outbox message :func:`queue` writes (its id and dedupe key follow from the rest)."""
    dedupe_key = f"{kind.value}:{subject_id}:{version}:{recipient}"
    return OutboxMessage(
        id="msg-" + hashlib.sha256(dedupe_key.encode()).hexdigest()[:20],
        kind=kind,
        dedupe_key=dedupe_key,
        recipient=recipient,
        subject_id=subject_id,
        payload=payload,
        due_at=due_at,
        message_id=message_id(kind, subject_id, version, recipient, domain),
        created_at=now,
    )


def appointment_changed(
    uow: UnitOfWork, before: Appointment | None, after: Appointment, now: datetime
) -> None:
    """Queue the iTIP messages a change owes each attendee, in the caller's transaction.

    - new appointment: an invitation (REQUEST) to everyone;
    - changed appointment: an update (REQUEST, same UID, the new SEQUENCE) to everyone still
      attending, and a cancellation to anyone who was dropped from it;
    - cancelled appointment: a cancellation (CANCEL) to everyone.
    """
    snapshot = appointment_snapshot(after)
    domain = sender_domain(uow)
    if after.status is AppointmentStatus.CANCELLED:
        targets = [(r, MessageKind.CANCELLATION) for r in recipients(after)]
    elif before is None:
        targets = [(r, MessageKind.INVITATION) for r in recipients(after)]
    else:
        staying = recipients(after)
        dropped = [r for r in recipients(before) if r not in staying]
        targets = [(r, MessageKind.UPDATE) for r in staying]
        targets += [(r, MessageKind.CANCELLATION) for r in dropped]
    messages = [
        message(
            kind=kind,
            subject_id=after.id,
            version=after.sequence,
            recipient=recipient,
            payload=snapshot,
            due_at=now,
            now=now,
            domain=domain,
        )
        for recipient, kind in targets
    ]
    # A new appointment has no reminders to withdraw yet.
    messages += _new_reminders(uow, after, now, withdraw=before is not None)
    # One statement for all of them.
    uow.outbox.add_many(messages)


def reschedule_reminders(uow: UnitOfWork, appointment: Appointment, now: datetime) -> None:
    """Withdraw the appointment's pending reminders and plan those its current state calls for."""
    uow.outbox.add_many(_new_reminders(uow, appointment, now, withdraw=True))


def _new_reminders(
    uow: UnitOfWork, appointment: Appointment, now: datetime, *, withdraw: bool
) -> list[OutboxMessage]:
    """Withdraw the pending reminders (if ``withdraw``); the reminders to queue instead."""
    if withdraw:
        uow.outbox.cancel_pending(appointment.id, [MessageKind.REMINDER])
    if not appointment.status.occupies_time:
        return []
    client = uow.clients.get(appointment.client_id)
    firm = uow.firm.find()
    offsets = client.reminder_offsets_minutes
    if offsets is None:
        offsets = firm.reminder_offsets_minutes if firm else DEFAULT_REMINDER_OFFSETS_MINUTES
    recipient = f"client:{client.id}"
    return [
        message(
            kind=MessageKind.REMINDER,
            subject_id=appointment.id,
            # The sequence tells a reminder for a new time from one withdrawn before.
            version=f"{appointment.sequence}:{planned.offset_minutes}",
            recipient=recipient,
            payload={**appointment_snapshot(appointment), "offset_minutes": planned.offset_minutes},
            due_at=planned.send_at,
            now=now,
            domain=firm.domain if firm is not None else MESSAGE_DOMAIN,
        )
        for planned in plan_reminders(
            appointment.starts_at, offsets, client.timezone, now, quiet=DEFAULT_QUIET_HOURS
        )
    ]
