"""The e-mails the engine sends: short, plain, in the recipient's language and time zone.

A message says who, when (the recipient's local time and zone), where or how to join, and how to
reschedule or cancel. Confidentiality: neither the subject nor the body names the matter or the
legal issue, nor any other client or party (a client's mailbox may be read by others); an
attorney's tickler names the matter only by its id.

Invitations, updates and cancellations carry the calendar file as a ``text/calendar`` part (an
alternative to the text, as iMIP prescribes) whose ``method`` parameter matches the file's METHOD
(REQUEST, or CANCEL for a cancellation), and again as an ``invite.ics`` attachment.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from email.message import EmailMessage
from email.utils import format_datetime, formataddr
from typing import Any
from zoneinfo import ZoneInfo

from calendars.wording import format_clock, format_day, join_names, zone_name
from scheduler.domain import Language, MessageKind

PHRASES: dict[Language, dict[str, str]] = {
    Language.EN: {
        "subject.invitation": "Your meeting with {firm} on {day}",
        "subject.update": "Changed: your meeting with {firm} is now on {day}",
        "subject.cancellation": "Cancelled: your meeting with {firm} on {day}",
        "subject.reminder": "Reminder: your meeting with {firm} on {day}",
        "subject.tickler": "Deadline reminder: {count} court day(s) left",
        "greeting": "Dear {name},",
        "invitation": "You have a meeting with {who} on {when}.",
        "update": "Your meeting with {who} has changed. It is now on {when}.",
        "cancellation": "Your meeting with {who} on {when} has been cancelled.",
        "reminder": "This is a reminder of your meeting with {who} on {when}.",
        "where.room": "Where: {room}, {address}.",
        "where.video": "How to join: {url}",
        "manage": "To reschedule or cancel, use this link: {url}",
        "contact": "To reschedule or cancel, reply to this e-mail or call us at {phone}.",
        "calendar": "The attached calendar file adds it to your calendar.",
        "calendar.cancel": "The attached calendar file removes it from your calendar.",
        "tickler": "A court deadline on matter {matter} is due on {due}: {title}. "
        "That is {count} court day(s) from the day of this reminder.",
        "signature": "Kind regards,\n{firm}",
        "at": "{day} at {clock} ({zone})",
    },
    Language.ES: {
        "subject.invitation": "Su reunión con {firm} el {day}",
        "subject.update": "Cambio: su reunión con {firm} es ahora el {day}",
        "subject.cancellation": "Cancelada: su reunión con {firm} del {day}",
        "subject.reminder": "Recordatorio: su reunión con {firm} el {day}",
        "subject.tickler": "Recordatorio de plazo: quedan {count} día(s) hábiles",
        "greeting": "Estimado/a {name}:",
        "invitation": "Tiene una reunión con {who} el {when}.",
        "update": "Su reunión con {who} ha cambiado. Ahora es el {when}.",
        "cancellation": "Su reunión con {who} del {when} ha sido cancelada.",
        "reminder": "Le recordamos su reunión con {who} el {when}.",
        "where.room": "Lugar: {room}, {address}.",
        "where.video": "Cómo unirse: {url}",
        "manage": "Para cambiar o cancelar la cita, use este enlace: {url}",
        "contact": "Para cambiar o cancelar la cita, responda a este correo o llámenos al {phone}.",
        "calendar": "El archivo de calendario adjunto la añade a su calendario.",
        "calendar.cancel": "El archivo de calendario adjunto la elimina de su calendario.",
        "tickler": "Un plazo judicial del asunto {matter} vence el {due}: {title}. "
        "Faltan {count} día(s) hábiles desde el día de este recordatorio.",
        "signature": "Atentamente,\n{firm}",
        "at": "{day} a las {clock} ({zone})",
    },
}


@dataclass(frozen=True, slots=True)
class Recipient:
    """Whoever a message is for, as the mail needs them."""

    name: str
    email: str
    language: Language
    timezone: str


@dataclass(frozen=True, slots=True)
class MailContext:
    """What a message needs besides its own payload, looked up when it is sent."""

    firm_name: str
    firm_phone: str
    mail_from: str
    recipient: Recipient
    attorney_names: Sequence[str] = ()
    room_name: str = ""
    room_address: str = ""
    manage_url: str = ""


def format_instant(moment: datetime, zone_name_: str, language: Language) -> str:
    """ "Monday, December 7, 2026 at 9:00 AM (Eastern Time)", in the recipient's zone."""
    local = moment.astimezone(ZoneInfo(zone_name_))
    return PHRASES[language]["at"].format(
        day=format_day(local.date(), language),
        clock=format_clock(local, language),
        zone=zone_name(zone_name_, language),
    )


def compose(
    *,
    kind: MessageKind,
    payload: Mapping[str, Any],
    context: MailContext,
    message_id: str,
    sent_at: datetime,
    calendar: bytes | None = None,
) -> EmailMessage:
    """The e-mail for one outbox message and one recipient."""
    language = context.recipient.language
    p = PHRASES[language]
    lines = [p["greeting"].format(name=context.recipient.name), ""]
    if kind is MessageKind.TICKLER:
        due = date.fromisoformat(str(payload["due_on"]))
        count = payload.get("days_before", "")
        subject = p["subject.tickler"].format(count=count)
        lines.append(
            p["tickler"].format(
                matter=payload.get("matter_id", ""),
                due=format_day(due, language),
                title=payload.get("title", ""),
                count=count,
            )
        )
    else:
        starts_at = datetime.fromisoformat(str(payload["starts_at"]))
        local_day = starts_at.astimezone(ZoneInfo(context.recipient.timezone)).date()
        subject = p[f"subject.{kind.value}"].format(
            firm=context.firm_name, day=format_day(local_day, language)
        )
        who = join_names(list(context.attorney_names), language) or context.firm_name
        when = format_instant(starts_at, context.recipient.timezone, language)
        lines.append(p[kind.value].format(who=who, when=when))
        if kind is not MessageKind.CANCELLATION:
            if context.room_name:
                lines.append(
                    p["where.room"].format(room=context.room_name, address=context.room_address)
                )
            elif payload.get("video_url"):
                lines.append(p["where.video"].format(url=payload["video_url"]))
            lines.append("")
            if context.manage_url:
                lines.append(p["manage"].format(url=context.manage_url))
            else:
                lines.append(p["contact"].format(phone=context.firm_phone))
        if calendar is not None:
            lines.append(
                p["calendar.cancel"] if kind is MessageKind.CANCELLATION else p["calendar"]
            )
    lines += ["", p["signature"].format(firm=context.firm_name)]

    mail = EmailMessage()
    mail["Subject"] = subject
    mail["From"] = context.mail_from
    mail["To"] = formataddr((context.recipient.name, context.recipient.email))
    mail["Date"] = format_datetime(sent_at)
    mail["Message-ID"] = message_id
    mail.set_content("\n".join(lines) + "\n")
    mail["Content-Language"] = language.value  # moves with the text when parts are added
    if calendar is not None:
        # iMIP (RFC 6047): the calendar as an alternative to the text, its ``method`` equal to the
        # file's METHOD, and the same bytes once more as an .ics attachment for clients that only
        # look at attachments.
        method = "CANCEL" if kind is MessageKind.CANCELLATION else "REQUEST"
        mail.add_alternative(
            calendar,
            maintype="text",
            subtype="calendar",
            params={"method": method, "charset": "utf-8"},
        )
        mail.add_attachment(calendar, maintype="application", subtype="ics", filename="invite.ics")
    return mail
