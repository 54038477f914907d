"""Booking links: the firm sends a client an address; the client books one meeting through it.

The secretary issues a link for one client and one matter with a meeting type: how long, with
which attorneys (any one of them, or all of them), whether it needs a room, and by what date the
meeting must take place. The link's token is 256 random bits, shown once and stored as a SHA-256
hash; the link expires and can be revoked.

Whoever holds the link acts as a client limited to that client and that matter (:func:`actor_for`)
and every change goes through the booking service (:mod:`scheduler.services.booking`), so the one
feasibility check decides, the invitation is queued in the outbox, and the audit log records the
change under ``link:<id>``. The link also manages what it booked: the meeting can be moved or
cancelled through the same address until it starts, even after the link stopped taking new
bookings. What a link shows is only free time: nothing of other clients or of what fills the
attorneys' other hours.
"""

from __future__ import annotations

import hashlib
import json
import re
import secrets
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, time, timedelta
from typing import Any, cast
from zoneinfo import ZoneInfo

from calendars.invites import Method, render_invitation
from scheduler.availability import Slot
from scheduler.domain import (
    Appointment,
    AppointmentStatus,
    Attorney,
    BookingLink,
    Client,
    Firm,
    Hold,
    MessageKind,
    OutboxMessage,
    Role,
    require_zone,
)
from scheduler.errors import Conflict, InvalidInput, NotFound
from scheduler.ports import UnitOfWork
from scheduler.services import booking
from scheduler.services.access import Actor, record, require_staff
from scheduler.services.calendars import invitation_parties, render_outbox_message
from scheduler.services.notifications import appointment_snapshot

TOKEN_BYTES = 32  # 256 bits
DEFAULT_VALID_DAYS = 14
MAX_VALID_DAYS = 90
MAX_MEET_BY = timedelta(days=366)
DEFAULT_TITLE = "Meeting"
#: How far ahead a link offers times when no date to meet by is set.
HORIZON = timedelta(days=60)
#: One page of the client's times: a week.
PAGE_DAYS = 7
#: The first page opens on the week of the first free time within this reach.
FIRST_SEARCH = timedelta(days=31)
_TOKEN_SHAPE = re.compile(r"[A-Za-z0-9_-]{32,128}\Z")


# --- Issuing and managing links (staff) ----------------------------------------------------------


@dataclass(frozen=True, slots=True)
class IssuedLink:
    """A new link; ``token`` and ``url`` are shown once and never stored."""

    id: str
    token: str
    url: str
    expires_at: datetime

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "url": self.url,
            "token": self.token,
            "expires": self.expires_at.isoformat(),
        }


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def link_url(base_url: str, token: str) -> str:
    return f"{base_url.rstrip('/')}/book/{token}"


def _end_of_day(day: date, zone: ZoneInfo) -> datetime:
    """Midnight after ``day`` in ``zone`` (the instant the day is over)."""
    return datetime.combine(day + timedelta(days=1), time(0), tzinfo=zone)


def _attorneys_for(
    uow: UnitOfWork, client: Client, matter_id: str, named: Sequence[str]
) -> tuple[str, ...]:
    """The attorneys a link offers: those named, or the matter's own; every one must be able to
    meet this client on this matter."""
    matter = uow.matters.get(matter_id)
    if not named:
        offered = [
            a
            for a in matter.responsible_attorneys
            if not matter.is_screened(a) and uow.attorneys.get(a).active
        ]
        if not offered:
            raise InvalidInput(
                "this matter has no attorney who can meet the client; name one with --attorney",
                field="attorney",
            )
        return tuple(offered)
    ids = booking.check_attorneys(list(named), "attorney")
    own = {a for m in uow.matters.list(client_id=client.id) for a in m.responsible_attorneys}
    for attorney_id in ids:
        attorney = uow.attorneys.get(attorney_id)
        if matter.is_screened(attorney_id):
            raise InvalidInput(
                f"{attorney_id} is screened from this matter by an ethical wall", field="attorney"
            )
        if not attorney.active:
            raise InvalidInput(f"{attorney_id} no longer takes meetings", field="attorney")
        if attorney_id not in own:
            raise InvalidInput(
                f"{attorney_id} works on none of this client's matters; a booking link offers "
                "the client's own attorneys (add them to the matter first)",
                field="attorney",
            )
    return ids


def create_link(
    uow: UnitOfWork,
    actor: Actor,
    now: datetime,
    *,
    client_id: str,
    matter_id: str,
    duration_minutes: int,
    base_url: str,
    attorney_ids: Sequence[str] = (),
    attend_all: bool = False,
    needs_room: bool = False,
    title: str = DEFAULT_TITLE,
    meet_by: date | None = None,
    valid_days: int = DEFAULT_VALID_DAYS,
) -> IssuedLink:
    """Issue a link for ``client_id`` to book one meeting on ``matter_id`` (staff only)."""
    require_staff(actor)
    booking.check_duration(duration_minutes)
    cleaned_title = booking.check_title(title)
    if not 1 <= valid_days <= MAX_VALID_DAYS:
        raise InvalidInput(
            f"a link is valid for 1 to {MAX_VALID_DAYS} days", field="expires_in_days"
        )
    client = uow.clients.get(client_id)
    matter = uow.matters.get(matter_id)
    if matter.client_id != client.id:
        raise InvalidInput("that matter belongs to another client", field="matter")
    if matter.status != "open":
        raise InvalidInput("that matter is closed; links are for open matters", field="matter")
    attorneys = _attorneys_for(uow, client, matter_id, attorney_ids)
    firm_zone = require_zone(uow.firm.get().timezone)
    expires_at = now + timedelta(days=valid_days)
    if meet_by is not None:
        today = now.astimezone(firm_zone).date()
        if meet_by < today:
            raise InvalidInput("the date to meet by has passed", field="deadline")
        if meet_by > today + MAX_MEET_BY:
            raise InvalidInput("give a date to meet by within a year", field="deadline")
        expires_at = min(expires_at, _end_of_day(meet_by, firm_zone)).astimezone(UTC)
    token = secrets.token_urlsafe(TOKEN_BYTES)
    link = BookingLink(
        id="lnk-" + secrets.token_hex(5),
        token_hash=hash_token(token),
        client_id=client.id,
        matter_id=matter.id,
        duration_minutes=duration_minutes,
        attorney_ids=attorneys,
        title=cleaned_title,
        expires_at=expires_at,
        created_at=now,
        created_by=actor.label,
        needs_room=needs_room,
        attend_all=attend_all and len(attorneys) > 1,
        meet_by=meet_by,
    )
    uow.links.add(link)
    record(uow, actor, now, "create", "booking_link", link.id, f"matter={matter.id}")
    uow.commit()
    return IssuedLink(id=link.id, token=token, url=link_url(base_url, token), expires_at=expires_at)


def link_status(link: BookingLink, now: datetime) -> str:
    """revoked, booked (its meeting stands), expired, or open."""
    if link.revoked_at is not None:
        return "revoked"
    if link.appointment_id is not None:
        return "booked"
    if link.expires_at <= now:
        return "expired"
    return "open"


def link_view(link: BookingLink, now: datetime) -> dict[str, Any]:
    """A link as staff see it; never its token (only the hash is kept)."""
    return {
        "id": link.id,
        "client": link.client_id,
        "matter": link.matter_id,
        "duration_minutes": link.duration_minutes,
        "attorneys": list(link.attorney_ids),
        "attend_all": link.attend_all,
        "needs_room": link.needs_room,
        "title": link.title,
        "deadline": link.meet_by.isoformat() if link.meet_by else None,
        "expires": link.expires_at.isoformat(),
        "created": link.created_at.isoformat(),
        "revoked": link.revoked_at.isoformat() if link.revoked_at else None,
        "booking": link.appointment_id,
        "status": link_status(link, now),
    }


def list_links(uow: UnitOfWork, actor: Actor, *, client_id: str | None = None) -> list[BookingLink]:
    require_staff(actor)
    return uow.links.list(client_id=client_id)


def get_link(uow: UnitOfWork, actor: Actor, link_id: str) -> BookingLink:
    require_staff(actor)
    return uow.links.get(link_id)


def revoke_link(uow: UnitOfWork, actor: Actor, now: datetime, link_id: str) -> BookingLink:
    """Revoke a link at once: its address opens nothing from now on (a meeting it booked
    stands; cancel that as a booking if need be)."""
    require_staff(actor)
    link = uow.links.get(link_id)
    if link.revoked_at is None:
        link = replace(link, revoked_at=now)
        uow.links.update(link)
        record(uow, actor, now, "revoke", "booking_link", link.id)
    uow.commit()
    return link


# --- The client's side ---------------------------------------------------------------------------


def _gone() -> NotFound:
    error = NotFound("booking link", "-")
    error.message = "This booking link does not exist or is no longer valid."
    return error


def open_link(uow: UnitOfWork, token: str) -> BookingLink:
    """The link behind a token; unknown, malformed and revoked tokens are refused alike."""
    if not _TOKEN_SHAPE.match(token):
        raise _gone()
    link = uow.links.find_by_hash(hash_token(token))
    if link is None or link.revoked_at is not None:
        raise _gone()
    return link


def actor_for(link: BookingLink) -> Actor:
    """The link acts as its client, for its matter only (the audit log says which link)."""
    return Actor(Role.CLIENT, f"link:{link.id}", client_id=link.client_id)


@dataclass(frozen=True, slots=True)
class LinkPage:
    """What a client's page may show: the firm, the client's name and language, the meeting
    type, the attorneys offered, and the meeting booked through the link, if any."""

    link: BookingLink
    firm: Firm
    client: Client
    attorneys: dict[str, Attorney]
    booked: Appointment | None
    now: datetime

    @property
    def meeting_stands(self) -> bool:
        return self.booked is not None and self.booked.status is not AppointmentStatus.CANCELLED

    @property
    def can_change(self) -> bool:
        """The booked meeting can still be moved or cancelled (until it starts)."""
        return self.meeting_stands and self.booked is not None and self.booked.starts_at > self.now

    @property
    def can_book(self) -> bool:
        return not self.meeting_stands and self.link.expires_at > self.now

    def names(self, attorney_ids: Sequence[str]) -> list[str]:
        return [self.attorneys[a].name for a in attorney_ids if a in self.attorneys]


def page_for(uow: UnitOfWork, link: BookingLink, now: datetime) -> LinkPage:
    booked = uow.appointments.get(link.appointment_id) if link.appointment_id else None
    ids = set(link.attorney_ids) | set(booked.attorney_ids if booked else ())
    return LinkPage(
        link=link,
        firm=uow.firm.get(),
        client=uow.clients.get(link.client_id),
        attorneys={a: uow.attorneys.get(a) for a in sorted(ids)},
        booked=booked,
        now=now,
    )


def _meeting(link: BookingLink, booked: Appointment | None = None) -> booking.Meeting:
    """The meeting a link books; to move a booked one, with the attorneys it already has."""
    if booked is not None:
        return booking.Meeting(
            attorneys=booked.attorney_ids,
            duration_minutes=booked.duration_minutes,
            mode="all",
            client=link.client_id,
            matter=link.matter_id,
            needs_room=booked.room_id is not None,
        )
    return booking.Meeting(
        attorneys=link.attorney_ids,
        duration_minutes=link.duration_minutes,
        mode="all" if link.attend_all or len(link.attorney_ids) == 1 else "any",
        client=link.client_id,
        matter=link.matter_id,
        needs_room=link.needs_room,
    )


@dataclass(frozen=True, slots=True)
class Times:
    """One week of free times in the client's zone, grouped by the client's local day."""

    zone: ZoneInfo
    first_day: date
    days: list[tuple[date, list[Slot]]]
    earlier: date | None
    later: date | None

    @property
    def empty(self) -> bool:
        return not any(slots for _, slots in self.days)


def _horizon(link: BookingLink, now: datetime, firm_zone: ZoneInfo) -> datetime:
    end = now + HORIZON
    if link.meet_by is not None:
        end = min(end, _end_of_day(link.meet_by, firm_zone))
    return end


def _thin(slots: list[Slot], firm_zone: ZoneInfo, duration_minutes: int) -> list[Slot]:
    """Starts on the half hour of the firm's clock (quarter hours for short meetings), so a day
    reads as a short list; a day with no such start keeps all its starts."""
    grid = 30 if duration_minutes >= 30 else 15
    kept = [s for s in slots if s.start.astimezone(firm_zone).minute % grid == 0]
    return kept or slots


def free_times(
    uow: UnitOfWork,
    link: BookingLink,
    now: datetime,
    zone: ZoneInfo,
    *,
    first_day: date | None = None,
    moving: bool = False,
) -> Times:
    """A week of the link's free times in ``zone``, from ``first_day`` (by default the week of
    the first free time). ``moving``: times to move the booked meeting to."""
    actor = actor_for(link)
    booked = uow.appointments.get(link.appointment_id) if moving and link.appointment_id else None
    meeting = _meeting(link, booked)
    firm_zone = require_zone(uow.firm.get().timezone)
    horizon = _horizon(link, now, firm_zone)
    today = now.astimezone(zone).date()

    def slots_between(lo: datetime, hi: datetime) -> list[Slot]:
        if hi <= lo:
            return []
        answer = booking.availability(
            uow,
            actor,
            now,
            meeting,
            lo,
            hi,
            tz=zone.key,
            limit=2000,
            moving=booked.id if booked is not None else None,
        )
        if booked is None:
            return answer.slots
        return [s for s in answer.slots if s.start != booked.starts_at]  # where it is now

    def week_from(day: date) -> tuple[datetime, datetime]:
        lo = max(now, datetime.combine(day, time(0), tzinfo=zone))
        hi = min(horizon, datetime.combine(day + timedelta(days=PAGE_DAYS), time(0), zone))
        return lo, hi

    if first_day is None:
        # The first week that has a free time, looked for a week at a time.
        first_day = today
        reach = min(horizon, now + FIRST_SEARCH)
        while True:
            start, end = week_from(first_day)
            week = slots_between(start, end)
            if week or end >= reach:
                break
            first_day += timedelta(days=PAGE_DAYS)
    else:
        first_day = max(first_day, today)
        start, end = week_from(first_day)
        week = slots_between(start, end)
    by_day: dict[date, list[Slot]] = {first_day + timedelta(days=i): [] for i in range(PAGE_DAYS)}
    for slot in week:
        by_day.setdefault(slot.start.astimezone(zone).date(), []).append(slot)
    days = [
        (day, _thin(found, firm_zone, meeting.duration_minutes))
        for day, found in sorted(by_day.items())
        if datetime.combine(day, time(0), tzinfo=zone) < horizon
    ]
    next_day = first_day + timedelta(days=PAGE_DAYS)
    return Times(
        zone=zone,
        first_day=first_day,
        days=days,
        earlier=max(today, first_day - timedelta(days=PAGE_DAYS)) if first_day > today else None,
        later=next_day if datetime.combine(next_day, time(0), tzinfo=zone) < horizon else None,
    )


def record_visit(uow: UnitOfWork, link: BookingLink, now: datetime) -> None:
    """Audit that the link's free times were read (a read of the matter's availability)."""
    booking.record_availability_query(uow, actor_for(link), now, _meeting(link))


def _require_open(page: LinkPage, moving: bool) -> None:
    if moving:
        if not page.can_change:
            raise Conflict("This meeting can no longer be changed through the link.")
    elif not page.can_book:
        if page.meeting_stands:
            raise Conflict("A meeting is already booked through this link.")
        raise Conflict("This link has expired: it no longer takes new bookings.")


def hold_time(
    uow: UnitOfWork,
    link: BookingLink,
    now: datetime,
    start: datetime,
    *,
    hold_minutes: int,
    moving: bool = False,
) -> Hold:
    """Keep the chosen time for the client for ``hold_minutes`` while they confirm.

    Raises SlotUnavailable, with the nearest free times, if someone took it a moment ago.
    """
    page = page_for(uow, link, now)
    _require_open(page, moving)
    booked = page.booked if moving else None
    meeting = _meeting(link, booked)
    start = booking.instant(start, "start")
    _check_horizon(uow, link, now, start)
    return booking.create_hold(
        uow,
        actor_for(link),
        now,
        meeting,
        start,
        hold_minutes=hold_minutes,
        moving=booked.id if booked is not None else None,
    )


def _check_horizon(uow: UnitOfWork, link: BookingLink, now: datetime, start: datetime) -> None:
    firm_zone = require_zone(uow.firm.get().timezone)
    end = start + timedelta(minutes=link.duration_minutes)
    if end > _horizon(link, now, firm_zone):
        raise InvalidInput("that time is later than this link offers", field="start")


def held(uow: UnitOfWork, link: BookingLink, now: datetime, hold_id: str) -> Hold:
    """The link's own hold, while it lasts (NotFound otherwise)."""
    return booking.get_hold(uow, actor_for(link), now, hold_id)


def release(uow: UnitOfWork, link: BookingLink, now: datetime, hold_id: str) -> None:
    """Give back a held time (the client chose another); an expired hold is already gone."""
    try:
        booking.release_hold(uow, actor_for(link), now, hold_id)
    except NotFound:
        return


class _OneTransaction:
    """A unit of work whose ``commit`` waits for the caller's: lets a use-case that commits on
    its own become one step of a larger change that commits once, or not at all."""

    def __init__(self, uow: UnitOfWork) -> None:
        self._uow = uow

    def __getattr__(self, name: str) -> Any:
        return getattr(self._uow, name)

    def commit(self) -> None:
        self._uow.flush()


def book(
    uow: UnitOfWork,
    link: BookingLink,
    now: datetime,
    start: datetime,
    *,
    hold_id: str | None,
    zone: ZoneInfo | None = None,
) -> Appointment:
    """Book the link's meeting at ``start`` (with the attorney held for the client, while the
    hold lasts) and tie it to the link, in one transaction.

    A link books one meeting: while that meeting stands, another confirmation is refused
    (Conflict), so a form sent twice books once. Raises SlotUnavailable, with the nearest free
    times, if the time was taken meanwhile.
    """
    uow.lock([f"link:{link.id}"])
    link = uow.links.get(link.id)
    page = page_for(uow, link, now)
    actor = actor_for(link)
    _require_open(page, moving=False)
    start = booking.instant(start, "start")
    _check_horizon(uow, link, now, start)
    hold = None
    if hold_id is not None:
        try:
            hold = booking.get_hold(uow, actor, now, hold_id)
        except NotFound:
            hold = None  # it lapsed: book the time if it is still free
    if hold is not None and hold.starts_at != start:
        hold = None
    meeting = _meeting(link)
    # The attorney shown when the time was held; without a hold, the pool decides again.
    attend = tuple(hold.attorney_ids) if hold is not None else ()
    if meeting.mode == "all":
        attend = link.attorney_ids
    request = booking.BookingRequest(
        client=link.client_id,
        matter=link.matter_id,
        start=start,
        duration_minutes=link.duration_minutes,
        title=link.title,
        attorneys=attend,
        pool=() if attend else link.attorney_ids,
        needs_room=link.needs_room,
        hold=hold.id if hold is not None else None,
    )
    inner = cast(UnitOfWork, _OneTransaction(uow))
    stored = booking.book(inner, actor, now, request, zone=zone)
    appointment = uow.appointments.get(str(json.loads(stored.body)["id"]))
    uow.links.update(replace(link, appointment_id=appointment.id))
    uow.commit()
    return appointment


def reschedule(
    uow: UnitOfWork,
    link: BookingLink,
    now: datetime,
    start: datetime,
    *,
    hold_id: str | None = None,
    zone: ZoneInfo | None = None,
) -> Appointment:
    """Move the meeting booked through the link (same attorneys, same UID, SEQUENCE + 1)."""
    page = page_for(uow, link, now)
    _require_open(page, moving=True)
    assert page.booked is not None
    start = booking.instant(start, "start")
    _check_horizon(uow, link, now, start)
    stored = booking.reschedule(uow, actor_for(link), now, page.booked.id, start, zone=zone)
    if hold_id is not None:
        release(uow, link, now, hold_id)
    return uow.appointments.get(str(json.loads(stored.body)["id"]))


def cancel(uow: UnitOfWork, link: BookingLink, now: datetime) -> Appointment:
    """Cancel the meeting booked through the link (a cancellation goes to everyone)."""
    page = page_for(uow, link, now)
    _require_open(page, moving=True)
    assert page.booked is not None
    booking.cancel(uow, actor_for(link), now, page.booked.id)
    return uow.appointments.get(page.booked.id)


def _latest_message(uow: UnitOfWork, appointment: Appointment) -> OutboxMessage | None:
    """The client's invitation, update or cancellation for the appointment as it is now."""
    recipient = f"client:{appointment.client_id}"
    kinds = (MessageKind.INVITATION, MessageKind.UPDATE, MessageKind.CANCELLATION)
    for message in uow.outbox.list(subject_id=appointment.id):
        if (
            message.recipient == recipient
            and message.kind in kinds
            and message.payload.get("sequence") == appointment.sequence
        ):
            return message
    return None


def calendar_file(uow: UnitOfWork, link: BookingLink, now: datetime) -> tuple[bytes, Method]:
    """The ``.ics`` the client is e-mailed for the booked meeting: the outbox message rendered
    with the time it was sent (so, once sent, the same bytes), or queued (not yet sent)."""
    page = page_for(uow, link, now)
    if page.booked is None:
        raise NotFound("booking", "-")
    appointment = page.booked
    message = _latest_message(uow, appointment)
    cancelled = appointment.status is AppointmentStatus.CANCELLED
    method = Method.CANCEL if cancelled else Method.REQUEST
    if message is not None:
        data = render_outbox_message(uow, message, message.sent_at or message.created_at)
    else:  # made before the outbox kept its messages: render the appointment as it stands
        snapshot = appointment_snapshot(appointment)
        who = f"client:{appointment.client_id}"
        stamp = appointment.updated_at or now
        data = render_invitation(
            snapshot, method, who, invitation_parties(uow, snapshot, who), stamp
        )
    record(
        uow, actor_for(link), now, "export", "appointment", appointment.id, f"{method.value} client"
    )
    uow.commit()
    return data, method
