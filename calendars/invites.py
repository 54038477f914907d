"""iTIP invitations (RFC 5546): REQUEST for a new or changed appointment, CANCEL for a cancelled
one, rendered for one recipient at a time.

The one entry point for the mail dispatcher is :func:`render_invitation`. It takes the snapshot an
outbox message carries (``scheduler.services.notifications.appointment_snapshot``), the method,
the recipient (``client:<id>`` or ``attorney:<id>``), the people, room, matter and firm looked up
for it (:class:`InvitationParties`), and "now"; it returns the ``.ics`` bytes to attach as
``text/calendar; method=REQUEST|CANCEL; charset=UTF-8``.

What every message holds: METHOD first; one VEVENT with the appointment's stable UID and its
SEQUENCE; a fresh DTSTAMP; DTSTART/DTEND with the recipient's zone as TZID and a VTIMEZONE for it;
ORGANIZER (the firm); ATTENDEEs with CN, ROLE, PARTSTAT and RSVP; STATUS; LOCATION (room and
address, or the video link); CLASS:PRIVATE; a plain-language DESCRIPTION in the recipient's
language; and for a REQUEST, display alarms (a day and an hour before, by default).

What each recipient may read: a client's invitation names their attorneys and the time and place,
never anyone else; nothing names an adverse party; the matter is named only to its client and to
attorneys not screened from it.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from calendars.confidential import (
    adverse_names,
    matter_visible_to_attorney,
    matter_visible_to_client,
    redact,
)
from calendars.wording import format_when, join_names
from calendars.writer import PRODID, IcsWriter, format_duration, safe_uri, vtimezone
from scheduler.domain import Attorney, Client, Firm, Language, Matter, Room, require_utc
from scheduler.errors import InvalidInput

DEFAULT_ALARM_MINUTES: tuple[int, ...] = (24 * 60, 60)


class Method(enum.StrEnum):
    REQUEST = "REQUEST"
    CANCEL = "CANCEL"

    @classmethod
    def parse(cls, value: str | Method) -> Method:
        try:
            return cls(str(value).upper())
        except ValueError:
            raise InvalidInput(
                f"'{value}' is not an invitation method; use request or cancel", field="method"
            ) from None


@dataclass(frozen=True, slots=True)
class InvitationParties:
    """Who and what an invitation mentions, looked up by the caller.

    ``attorneys`` holds every attorney of the snapshot and, for a cancellation sent to an attorney
    who was dropped from the appointment, that attorney too.
    """

    firm: Firm
    client: Client
    attorneys: Mapping[str, Attorney]
    matter: Matter | None = None
    room: Room | None = None


@dataclass(frozen=True, slots=True)
class Snapshot:
    """The appointment facts an invitation is rendered from (parsed from the outbox JSON)."""

    appointment_id: str
    uid: str
    sequence: int
    status: str
    starts_at: datetime
    ends_at: datetime
    title: str
    client_id: str
    matter_id: str
    attorney_ids: tuple[str, ...]
    room_id: str | None
    video_url: str

    @classmethod
    def parse(cls, data: Mapping[str, Any]) -> Snapshot:
        def need(key: str) -> Any:
            if key not in data or data[key] is None:
                raise InvalidInput("the appointment snapshot lacks this field", field=key)
            return data[key]

        try:
            starts = require_utc(datetime.fromisoformat(str(need("starts_at"))), field="starts_at")
            ends = require_utc(datetime.fromisoformat(str(need("ends_at"))), field="ends_at")
        except ValueError:
            raise InvalidInput("not an ISO 8601 instant", field="starts_at") from None
        if ends <= starts:
            raise InvalidInput("the appointment ends before it starts", field="ends_at")
        sequence = need("sequence")
        if not isinstance(sequence, int) or sequence < 0:
            raise InvalidInput("SEQUENCE must be a whole number, 0 or more", field="sequence")
        uid = str(need("uid"))
        if not uid or any(ch.isspace() or ord(ch) < 32 for ch in uid):
            raise InvalidInput("a UID may not contain spaces or control characters", field="uid")
        return cls(
            appointment_id=str(need("appointment_id")),
            uid=uid,
            sequence=sequence,
            status=str(need("status")),
            starts_at=starts,
            ends_at=ends,
            title=str(data.get("title") or ""),
            client_id=str(need("client_id")),
            matter_id=str(need("matter_id")),
            attorney_ids=tuple(str(a) for a in need("attorney_ids")),
            room_id=str(data["room_id"]) if data.get("room_id") else None,
            video_url=str(data.get("video_url") or ""),
        )


@dataclass(frozen=True, slots=True)
class Recipient:
    kind: str  # "client" | "attorney"
    id: str

    @classmethod
    def parse(cls, value: str) -> Recipient:
        kind, _, ident = value.partition(":")
        if kind not in ("client", "attorney") or not ident:
            raise InvalidInput(
                f"'{value}' is not a recipient; use client:<id> or attorney:<id>",
                field="recipient",
            )
        return cls(kind, ident)

    def __str__(self) -> str:
        return f"{self.kind}:{self.id}"


def render_invitation(
    snapshot: Mapping[str, Any],
    method: Method | str,
    recipient: str,
    parties: InvitationParties,
    now: datetime,
    *,
    alarm_minutes: Sequence[int] = DEFAULT_ALARM_MINUTES,
) -> bytes:
    """The iTIP message (``.ics`` bytes, METHOD first) for one recipient of one appointment.

    ``snapshot`` is the JSON an outbox message carries; ``method`` is REQUEST (invitation or
    update) or CANCEL; ``recipient`` is ``client:<id>`` or ``attorney:<id>``; ``now`` becomes
    the DTSTAMP. A CANCEL sent while the appointment itself still stands (the recipient was
    dropped from it) lists only that recipient as attendee.
    """
    snap = Snapshot.parse(snapshot)
    verb = Method.parse(method)
    who = Recipient.parse(recipient)
    view = _View.build(snap, who, parties)
    whole_cancel = verb is Method.CANCEL and snap.status == "cancelled"

    w = IcsWriter()
    w.begin("VCALENDAR")
    w.raw("PRODID", PRODID)
    w.raw("VERSION", "2.0")
    w.raw("CALSCALE", "GREGORIAN")
    w.raw("METHOD", verb.value)
    w.block(vtimezone(view.zone, snap.starts_at.year - 1, snap.ends_at.year + 1))
    w.begin("VEVENT")
    w.raw("UID", snap.uid)
    w.raw("SEQUENCE", str(snap.sequence))
    w.utc("DTSTAMP", require_utc(now, field="now"))
    w.local("DTSTART", snap.starts_at, view.zone)
    w.local("DTEND", snap.ends_at, view.zone)
    w.text("SUMMARY", view.summary, multiline=False)
    if view.location:
        w.text("LOCATION", view.location, multiline=False)
    w.text("DESCRIPTION", view.description(verb, whole_cancel=whole_cancel))
    if verb is Method.CANCEL:
        w.raw("STATUS", "CANCELLED")
    else:
        w.raw("STATUS", "TENTATIVE" if snap.status == "tentative" else "CONFIRMED")
    w.raw("TRANSP", "OPAQUE")
    w.raw("CLASS", "PRIVATE")
    w.address("ORGANIZER", parties.firm.email, [("CN", parties.firm.name)])
    attendees = view.attendees
    if verb is Method.CANCEL and not whole_cancel:
        attendees = [a for a in attendees if a.key == str(who)]
    for person in attendees:
        params: list[tuple[str, str]] = [
            ("CUTYPE", "INDIVIDUAL"),
            ("ROLE", "REQ-PARTICIPANT"),
        ]
        if verb is Method.REQUEST:
            params += [("PARTSTAT", "NEEDS-ACTION"), ("RSVP", "TRUE")]
        params.append(("CN", person.name))
        w.address("ATTENDEE", person.email, params)
    if verb is Method.REQUEST:
        for minutes in sorted(set(alarm_minutes), reverse=True):
            if minutes <= 0:
                raise InvalidInput("alarms are given in minutes before the start", field="alarms")
            w.begin("VALARM")
            w.raw("ACTION", "DISPLAY")
            w.raw("TRIGGER", format_duration(-timedelta(minutes=minutes)))
            w.text("DESCRIPTION", view.alarm_text(minutes), multiline=False)
            w.end("VALARM")
    w.end("VEVENT")
    w.end("VCALENDAR")
    return w.to_bytes()


@dataclass(frozen=True, slots=True)
class _Person:
    key: str
    name: str
    email: str


@dataclass(frozen=True, slots=True)
class _View:
    """What one recipient may read about the appointment."""

    snap: Snapshot
    language: Language
    zone: str
    summary: str
    location: str
    attendees: list[_Person]
    attorney_names: list[str]
    client_name: str | None
    matter_title: str | None
    firm: Firm
    recipient_kind: str

    @classmethod
    def build(cls, snap: Snapshot, who: Recipient, parties: InvitationParties) -> _View:
        firm, client, matter = parties.firm, parties.client, parties.matter
        if client.id != snap.client_id:
            raise InvalidInput("the client looked up is not the appointment's", field="client")
        if matter is not None and matter.id != snap.matter_id:
            raise InvalidInput("the matter looked up is not the appointment's", field="matter")
        attorneys = []
        for attorney_id in snap.attorney_ids:
            if attorney_id not in parties.attorneys:
                raise InvalidInput(f"attorney {attorney_id} was not looked up", field="attorneys")
            attorneys.append(parties.attorneys[attorney_id])
        hidden = adverse_names(matter)
        if who.kind == "client":
            if who.id != client.id:
                raise InvalidInput("this client does not attend the appointment", field="recipient")
            language = client.language
            zone = client.timezone
            sees_matter = matter_visible_to_client(matter, client.id)
            sees_client = True
        else:
            reader = parties.attorneys.get(who.id)
            if reader is None:
                raise InvalidInput(
                    f"attorney {who.id} was not looked up for this message", field="recipient"
                )
            language = Language.EN
            zone = reader.timezone
            sees_matter = matter_visible_to_attorney(matter, reader.id)
            # Behind the wall an attorney learns the time only, not who the meeting is with.
            sees_client = sees_matter
        title = redact(snap.title, hidden, language) or (
            "Appointment" if language is Language.EN else "Cita"
        )
        matter_title = redact(matter.title, hidden, language) if matter and sees_matter else None
        people = [
            _Person(f"attorney:{a.id}", a.name, a.email)
            for a in attorneys
            if sees_client or a.id == who.id
        ]
        if who.kind == "attorney" and who.id not in snap.attorney_ids:
            dropped = parties.attorneys[who.id]
            people.append(_Person(f"attorney:{dropped.id}", dropped.name, dropped.email))
        if sees_client:
            people.insert(0, _Person(f"client:{client.id}", client.name, client.email))
        if who.kind == "client":
            summary = f"{title} - {firm.name}"
        elif sees_client:
            summary = f"{title}: {client.name}"
        else:
            summary = "Appointment (details restricted)"
        return cls(
            snap=snap,
            language=language,
            zone=zone,
            summary=summary,
            location=_location(snap, parties.room, firm),
            attendees=people,
            attorney_names=[a.name for a in attorneys],
            client_name=client.name if sees_client else None,
            matter_title=matter_title,
            firm=firm,
            recipient_kind=who.kind,
        )

    def description(self, method: Method, *, whole_cancel: bool) -> str:
        es = self.language is Language.ES
        when = format_when(self.snap.starts_at, self.snap.ends_at, self.zone, self.language)
        names = join_names(self.attorney_names, self.language)
        firm = self.firm
        contact = firm.phone or firm.email
        lines: list[str] = []
        if self.recipient_kind == "client":
            if method is Method.CANCEL:
                lines.append(
                    f"Su cita con {names} en {firm.name} ha sido cancelada."
                    if es
                    else f"Your appointment with {names} at {firm.name} has been cancelled."
                )
            elif self.snap.status == "tentative":
                lines.append(
                    f"Su cita con {names} en {firm.name} está reservada, pendiente de confirmar."
                    if es
                    else f"Your appointment with {names} at {firm.name} is pencilled in, "
                    "not yet confirmed."
                )
            elif self.snap.sequence > 0:
                lines.append(
                    f"Su cita con {names} en {firm.name} ha cambiado. Estos son los datos nuevos."
                    if es
                    else f"Your appointment with {names} at {firm.name} has changed. "
                    "Here are the new details."
                )
            else:
                lines.append(
                    f"Su cita con {names} en {firm.name} está confirmada."
                    if es
                    else f"Your appointment with {names} at {firm.name} is confirmed."
                )
        else:
            who = f" with {self.client_name}" if self.client_name else ""
            if method is Method.CANCEL and not whole_cancel:
                lines.append(f"You are no longer expected at this appointment{who}.")
            elif method is Method.CANCEL:
                lines.append(f"This appointment{who} has been cancelled.")
            elif self.snap.sequence > 0:
                lines.append(f"This appointment{who} has changed. Here are the new details.")
            else:
                lines.append(f"You are invited to an appointment{who}.")
        lines.append("")
        lines.append(f"{'Cuándo' if es else 'When'}: {when}")
        if self.location:
            lines.append(f"{'Dónde' if es else 'Where'}: {self.location}")
        if self.recipient_kind == "attorney" and self.attorney_names:
            lines.append(f"Attorneys: {names}")
        if self.matter_title:
            lines.append(f"{'Asunto' if es else 'Matter'}: {self.matter_title}")
        lines.append("")
        if self.recipient_kind == "client":
            if method is Method.CANCEL:
                lines.append(
                    f"Para fijar otra fecha, responda a este correo o llame al {contact}."
                    if es
                    else f"To arrange another time, reply to this e-mail or call {contact}."
                )
            else:
                lines.append(
                    f"Para cambiarla o cancelarla, responda a este correo o llame al {contact}."
                    if es
                    else f"To change or cancel, reply to this e-mail or call {contact}."
                )
        else:
            lines.append(f"Scheduled by {firm.name} ({firm.email}).")
        return "\n".join(lines)

    def alarm_text(self, minutes: int) -> str:
        es = self.language is Language.ES
        if minutes % (24 * 60) == 0:
            days = minutes // (24 * 60)
            span = (
                (f"{days} día" if days == 1 else f"{days} días")
                if es
                else (f"{days} day" if days == 1 else f"{days} days")
            )
        elif minutes % 60 == 0:
            hours = minutes // 60
            span = (
                (f"{hours} hora" if hours == 1 else f"{hours} horas")
                if es
                else (f"{hours} hour" if hours == 1 else f"{hours} hours")
            )
        else:
            span = f"{minutes} minutos" if es else f"{minutes} minutes"
        # Alarm text shows on lock screens: it says when, never with whom or about what.
        return (
            f"Recordatorio: tiene una cita en {span}" if es else f"Reminder: appointment in {span}"
        )


def _location(snap: Snapshot, room: Room | None, firm: Firm) -> str:
    if room is not None and snap.room_id == room.id:
        return f"{room.name}, {room.location}" if room.location else room.name
    if snap.video_url:
        return f"Video call: {safe_uri(snap.video_url, field='video_url')}"
    return f"{firm.name}, {firm.address}" if firm.address else firm.name
