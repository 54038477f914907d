"""Calendars in and out, over the store: busy-time import, invitations, and subscription feeds.

Import
    ``import_ics`` reads an ``.ics`` document into one calendar source of an attorney and replaces
    that source's busy blocks in one transaction (a re-import never leaves half of the old and
    half of the new). ``add_url_source`` / ``add_caldav_source`` register network sources and
    ``sync_source`` / ``sync_due`` poll them (conditionally, so an unchanged calendar costs one
    small request); the network is read outside any database transaction.

Invitations
    ``invitation_parties`` looks up what :func:`calendars.invites.render_invitation` needs for one
    recipient of an outbox message; ``render_outbox_message`` does both (for the mail
    dispatcher); ``export_invitation`` renders the message an appointment would send now.

Feeds
    Tokens are 256-bit random strings shown once and stored as SHA-256 hashes; they are issued,
    listed, revoked and rotated here. ``feed_contents`` decides what a feed holds, with the
    firm's confidentiality rules: an attorney's feed has full detail of their own appointments
    and their deadlines, but never a matter they are screened from; a client's feed has only
    that client's appointments; a matter's feed is its docket; the firm-wide availability feed
    is built from an allow-list and says only "Busy". ``FeedCache`` keeps rendered feeds for a
    short time so a calendar polling an unchanged feed is answered 304 in microseconds.
"""

from __future__ import annotations

import hashlib
import re
import secrets
import threading
import time as time_module
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, time, timedelta
from typing import Any, Protocol
from zoneinfo import ZoneInfo

from calendars.confidential import adverse_names, redact
from calendars.feeds import Feed, FeedAlarm, FeedEvent, render_feed, strong_etag
from calendars.ics_import import ImportOptions, ImportProblem, busy_from_documents
from calendars.invites import InvitationParties, Method, Recipient, render_invitation
from calendars.sources import Fetched, is_loopback, normalise_url, redact_url
from calendars.wording import format_when, join_names
from scheduler.courtdays import calendar_for
from scheduler.domain import (
    Appointment,
    AppointmentStatus,
    Attorney,
    BusyBlock,
    CalendarSource,
    Client,
    Deadline,
    FeedKind,
    FeedToken,
    Firm,
    Language,
    Matter,
    MessageKind,
    OutboxMessage,
    Role,
    Room,
)
from scheduler.errors import InvalidInput, NotAllowed, NotFound, SecretaryError
from scheduler.intervals import Interval, merge
from scheduler.ports import UnitOfWork
from scheduler.services.access import Actor, can_see_matter, record, require_staff
from scheduler.services.notifications import appointment_snapshot

IMPORT_PAST_DAYS = 7
IMPORT_FUTURE_DAYS = 180
FEED_PAST_DAYS = 30
FEED_FUTURE_DAYS = 365
BUSY_FEED_PAST_DAYS = 7
BUSY_FEED_FUTURE_DAYS = 180
FEED_CACHE_SECONDS = 60.0
# Items whose last revision time the store does not keep (deadlines, busy time) carry this fixed
# DTSTAMP, so an unchanged feed keeps the same bytes and ETag from one request to the next.
UNREVISED_STAMP = datetime(2026, 1, 1, tzinfo=UTC)
CLOSED_DEADLINE_STATUSES = frozenset(
    {"done", "completed", "closed", "vacated", "cancelled", "withdrawn", "satisfied", "met"}
)
_TOKEN_SHAPE = re.compile(r"[A-Za-z0-9_-]{32,128}\Z")
_ENV_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]{0,99}\Z")


# === import ===================================================================================


@dataclass(frozen=True, slots=True)
class ImportSummary:
    """What an import or a sync did. ``problems`` lists series skipped in tolerant mode."""

    source_id: str
    attorney_id: str
    blocks: int
    events: int = 0
    ignored: int = 0
    floating: int = 0
    problems: tuple[ImportProblem, ...] = ()
    unchanged: bool = False

    def to_json(self) -> dict[str, Any]:
        return {
            "source_id": self.source_id,
            "attorney_id": self.attorney_id,
            "busy_blocks": self.blocks,
            "events": self.events,
            "ignored": self.ignored,
            "floating": self.floating,
            "unchanged": self.unchanged,
            "skipped": [
                {"uid": p.uid, "summary": p.summary, "reason": p.reason} for p in self.problems
            ],
        }


class CalendarReader(Protocol):
    """Reads a network source (see :class:`calendars.sources.NetworkReader`)."""

    def fetch(self, source: CalendarSource, start: datetime, end: datetime) -> Fetched: ...


class UnitsOfWork(Protocol):
    """Opens units of work (the store); sync needs several, with the network read in between."""

    def unit_of_work(self, *, readonly: bool = False) -> Any: ...


def import_window(now: datetime, days: int = IMPORT_FUTURE_DAYS) -> tuple[datetime, datetime]:
    """From a week ago to ``days`` ahead, in whole UTC days."""
    if not 1 <= days <= 3 * 366:
        raise InvalidInput("read between 1 and 1098 days ahead", field="days")
    today = _day_floor(now)
    return today - timedelta(days=IMPORT_PAST_DAYS), today + timedelta(days=days)


def _require_own_calendar(uow: UnitOfWork, actor: Actor, attorney_id: str) -> Attorney:
    """Staff may manage any attorney's calendar sources; an attorney only their own."""
    if not actor.sees_firm and not (
        actor.role is Role.ATTORNEY and actor.attorney_id == attorney_id
    ):
        raise NotAllowed("Only the firm's staff or the attorney may change these calendars.")
    return uow.attorneys.get(attorney_id)


def source_id_for(attorney_id: str, kind: str, key: str) -> str:
    """A stable id: importing the same file or URL again replaces the same source."""
    digest = hashlib.sha256(f"{attorney_id}|{kind}|{key}".encode()).hexdigest()[:12]
    return f"src-{kind}-{digest}"


def import_ics(
    uow: UnitOfWork,
    actor: Actor,
    now: datetime,
    *,
    attorney_id: str,
    data: bytes,
    source_id: str | None = None,
    label: str = "",
    kind: str = "file",
    tolerant: bool = False,
    days: int = IMPORT_FUTURE_DAYS,
) -> ImportSummary:
    """Read ``data`` as busy time of the attorney into one source, replacing what it held."""
    attorney = _require_own_calendar(uow, actor, attorney_id)
    if kind not in ("file", "upload"):
        raise InvalidInput("documents are imported into file or upload sources", field="kind")
    source_id = source_id or source_id_for(attorney_id, kind, label or "default")
    existing = _existing_source(uow, source_id)
    if existing is not None and existing.attorney_id != attorney_id:
        raise InvalidInput("that calendar source belongs to another attorney", field="source")
    start, end = import_window(now, days)
    source = existing or CalendarSource(
        id=source_id, attorney_id=attorney_id, kind=kind, created_at=now, label=label[:200]
    )
    summary = _store_import(uow, source, attorney, [data], start, end, now, tolerant=tolerant)
    record(uow, actor, now, "import", "calendar_source", source.id, f"{summary.blocks} blocks")
    uow.commit()
    return summary


def _existing_source(uow: UnitOfWork, source_id: str) -> CalendarSource | None:
    try:
        return uow.busy.get_source(source_id)
    except NotFound:
        return None


def _store_import(
    uow: UnitOfWork,
    source: CalendarSource,
    attorney: Attorney,
    documents: Iterable[bytes],
    start: datetime,
    end: datetime,
    now: datetime,
    *,
    tolerant: bool,
    etag: str | None = None,
    last_modified: str | None = None,
) -> ImportSummary:
    options = ImportOptions(
        zone=attorney.timezone,
        window_start=start,
        window_end=end,
        emails=(attorney.email,),
        tolerant=tolerant,
    )
    result = busy_from_documents(documents, options)
    skipped = (
        f"skipped {len(result.problems)} unreadable series: "
        + ", ".join(p.uid for p in result.problems[:20])
        if result.problems
        else None
    )
    uow.busy.save_source(
        replace(
            source,
            etag=etag if etag is not None else source.etag,
            last_modified=last_modified if last_modified is not None else source.last_modified,
            last_polled_at=now,
            last_error=skipped,
        )
    )
    count = uow.busy.replace_source(
        source.id,
        [BusyBlock(attorney.id, b.start, b.end, source.id) for b in result.blocks],
    )
    return ImportSummary(
        source_id=source.id,
        attorney_id=attorney.id,
        blocks=count,
        events=result.events,
        ignored=result.ignored,
        floating=result.floating,
        problems=tuple(result.problems),
    )


def add_url_source(
    uow: UnitOfWork,
    actor: Actor,
    now: datetime,
    *,
    attorney_id: str,
    url: str,
    label: str = "",
    poll_minutes: int = 15,
) -> CalendarSource:
    """Register a subscription URL (polled by ``sync``); the same URL again is the same source."""
    _require_own_calendar(uow, actor, attorney_id)
    url = normalise_url(url)
    return _save_network_source(
        uow,
        actor,
        now,
        CalendarSource(
            id=source_id_for(attorney_id, "url", url),
            attorney_id=attorney_id,
            kind="url",
            created_at=now,
            url=url,
            label=label or redact_url(url),
            poll_minutes=poll_minutes,
        ),
    )


def add_caldav_source(
    uow: UnitOfWork,
    actor: Actor,
    now: datetime,
    *,
    attorney_id: str,
    url: str,
    username: str = "",
    password_env: str = "",
    label: str = "",
    poll_minutes: int = 15,
) -> CalendarSource:
    """Register a CalDAV calendar. Its password is never stored: ``password_env`` names the
    environment variable that holds it wherever ``secretary calendars sync`` runs."""
    _require_own_calendar(uow, actor, attorney_id)
    url = normalise_url(url)
    if url.startswith("http://") and not is_loopback(url):
        raise InvalidInput(
            "a CalDAV password is sent only over https://; use the server's https address",
            field="url",
        )
    if password_env and not _ENV_NAME.match(password_env):
        raise InvalidInput(
            "name an environment variable (letters, digits and _), e.g. CALDAV_PASSWORD_OKAFOR",
            field="password_env",
        )
    if len(username) > 200 or any(ord(ch) < 32 for ch in username):
        raise InvalidInput("not a user name", field="username")
    return _save_network_source(
        uow,
        actor,
        now,
        CalendarSource(
            id=source_id_for(attorney_id, "caldav", url),
            attorney_id=attorney_id,
            kind="caldav",
            created_at=now,
            url=url,
            label=label or redact_url(url),
            username=username,
            password_env=password_env,
            poll_minutes=poll_minutes,
        ),
    )


def _save_network_source(
    uow: UnitOfWork, actor: Actor, now: datetime, source: CalendarSource
) -> CalendarSource:
    if not 1 <= source.poll_minutes <= 24 * 60:
        raise InvalidInput("poll between every minute and once a day", field="poll_minutes")
    existing = _existing_source(uow, source.id)
    if existing is not None:
        source = replace(source, created_at=existing.created_at, etag=None, last_modified=None)
    uow.busy.save_source(source)
    record(uow, actor, now, "add", "calendar_source", source.id, source.kind)
    uow.commit()
    return source


def list_sources(uow: UnitOfWork, actor: Actor) -> list[CalendarSource]:
    if actor.sees_firm:
        return uow.busy.list_sources()
    if actor.role is Role.ATTORNEY and actor.attorney_id:
        return uow.busy.list_sources(attorney_id=actor.attorney_id)
    raise NotAllowed("Only the firm's staff and attorneys see calendar sources.")


def get_source(uow: UnitOfWork, actor: Actor, source_id: str) -> CalendarSource:
    for source in list_sources(uow, actor):
        if source.id == source_id:
            return source
    raise NotFound("calendar source", source_id)


def remove_source(uow: UnitOfWork, actor: Actor, now: datetime, source_id: str) -> None:
    source = get_source(uow, actor, source_id)
    uow.busy.remove_source(source.id)
    record(uow, actor, now, "remove", "calendar_source", source.id)
    uow.commit()


def sync_source(
    units: UnitsOfWork,
    reader: CalendarReader,
    actor: Actor,
    now: datetime,
    source_id: str,
    *,
    tolerant: bool = True,
    days: int = IMPORT_FUTURE_DAYS,
) -> ImportSummary:
    """Poll one network source and replace its busy blocks if it changed.

    The source is read outside any transaction; its blocks are then replaced in one. A failure is
    written to the source (``last_error``, never with the URL) and raised again. Syncs are
    tolerant by default: a broken series is skipped and named in ``last_error`` rather than
    stopping the attorney's whole calendar from updating.
    """
    with units.unit_of_work(readonly=True) as uow:
        source = get_source(uow, actor, source_id)
        attorney = uow.attorneys.get(source.attorney_id)
    start, end = import_window(now, days)
    try:
        fetched = reader.fetch(source, start, end)
        with units.unit_of_work() as uow:
            current = uow.busy.get_source(source.id)
            if fetched.documents is None:
                uow.busy.save_source(replace(current, last_polled_at=now, last_error=None))
                uow.commit()
                return ImportSummary(
                    source.id, attorney.id, uow.busy.count_blocks(source.id), unchanged=True
                )
            summary = _store_import(
                uow,
                current,
                attorney,
                fetched.documents,
                start,
                end,
                now,
                tolerant=tolerant,
                etag=fetched.etag or "",
                last_modified=fetched.last_modified or "",
            )
            uow.commit()
            return summary
    except SecretaryError as error:
        with units.unit_of_work() as uow:
            current = uow.busy.get_source(source.id)
            uow.busy.save_source(replace(current, last_polled_at=now, last_error=str(error)[:1000]))
            uow.commit()
        raise


def due_sources(uow: UnitOfWork, now: datetime) -> list[CalendarSource]:
    """Network sources whose poll interval has passed."""
    return [
        s
        for s in uow.busy.list_sources()
        if s.kind in ("url", "caldav")
        and (
            s.last_polled_at is None or s.last_polled_at + timedelta(minutes=s.poll_minutes) <= now
        )
    ]


@dataclass(frozen=True, slots=True)
class SyncOutcome:
    source_id: str
    summary: ImportSummary | None = None
    error: str | None = None


def sync_due(
    units: UnitsOfWork, reader: CalendarReader, actor: Actor, now: datetime
) -> list[SyncOutcome]:
    """Poll every source that is due; one failing source does not stop the others."""
    with units.unit_of_work(readonly=True) as uow:
        due = due_sources(uow, now)
    outcomes: list[SyncOutcome] = []
    for source in due:
        try:
            outcomes.append(
                SyncOutcome(source.id, summary=sync_source(units, reader, actor, now, source.id))
            )
        except SecretaryError as error:
            outcomes.append(SyncOutcome(source.id, error=str(error)))
    return outcomes


# === invitations ==============================================================================


def invitation_parties(
    uow: UnitOfWork, snapshot: Mapping[str, Any], recipient: str
) -> InvitationParties:
    """Look up the firm, client, attorneys, matter and room one invitation mentions."""
    who = Recipient.parse(recipient)
    attorney_ids = [str(a) for a in snapshot.get("attorney_ids") or []]
    if who.kind == "attorney" and who.id not in attorney_ids:
        attorney_ids.append(who.id)  # a cancellation to an attorney dropped from the meeting
    room_id = snapshot.get("room_id")
    return InvitationParties(
        firm=uow.firm.get(),
        client=uow.clients.get(str(snapshot.get("client_id"))),
        attorneys={a: uow.attorneys.get(a) for a in attorney_ids},
        matter=uow.matters.get(str(snapshot.get("matter_id"))),
        room=uow.rooms.get(str(room_id)) if room_id else None,
    )


def method_for(kind: MessageKind) -> Method:
    """CANCEL for a cancellation, REQUEST for an invitation or an update."""
    if kind is MessageKind.CANCELLATION:
        return Method.CANCEL
    if kind in (MessageKind.INVITATION, MessageKind.UPDATE):
        return Method.REQUEST
    raise InvalidInput(f"a {kind.value} message carries no invitation", field="kind")


def render_outbox_message(uow: UnitOfWork, message: OutboxMessage, now: datetime) -> bytes:
    """The ``.ics`` part of an invitation, update or cancellation in the outbox."""
    return render_invitation(
        message.payload,
        method_for(message.kind),
        message.recipient,
        invitation_parties(uow, message.payload, message.recipient),
        now,
    )


def export_invitation(
    uow: UnitOfWork,
    actor: Actor,
    now: datetime,
    *,
    appointment_id: str,
    method: str | None = None,
    recipient: str | None = None,
) -> bytes:
    """The invitation an appointment sends to one recipient, exactly as the dispatcher renders
    it. For ``cancel`` on an appointment that still stands, it is the cancellation that
    cancelling it now would send (status cancelled, SEQUENCE one higher)."""
    require_staff(actor)
    appointment = uow.appointments.get(appointment_id)
    cancelled = appointment.status is AppointmentStatus.CANCELLED
    verb = Method.parse(method) if method else (Method.CANCEL if cancelled else Method.REQUEST)
    if verb is Method.REQUEST and cancelled:
        raise InvalidInput("this appointment is cancelled; export its cancellation", field="method")
    if verb is Method.CANCEL and not cancelled:
        appointment = replace(
            appointment,
            status=AppointmentStatus.CANCELLED,
            sequence=appointment.sequence + 1,
        )
    who = recipient or f"client:{appointment.client_id}"
    if who in ("client", "attorney"):
        who = (
            f"client:{appointment.client_id}"
            if who == "client"
            else f"attorney:{appointment.attorney_ids[0]}"
        )
    parsed = Recipient.parse(who)
    if (parsed.kind == "client" and parsed.id != appointment.client_id) or (
        parsed.kind == "attorney" and parsed.id not in appointment.attorney_ids
    ):
        raise InvalidInput("that person does not attend this appointment", field="recipient")
    snapshot = appointment_snapshot(appointment)
    data = render_invitation(snapshot, verb, who, invitation_parties(uow, snapshot, who), now)
    record(uow, actor, now, "export", "appointment", appointment.id, f"{verb.value} {who}")
    uow.commit()
    return data


# === feed tokens ==============================================================================


@dataclass(frozen=True, slots=True)
class IssuedFeed:
    """A new feed token; ``token`` and ``url`` are shown once and never stored."""

    id: str
    kind: FeedKind
    subject_id: str | None
    token: str
    url: str

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "kind": self.kind.value,
            "subject_id": self.subject_id,
            "token": self.token,
            "url": self.url,
            "webcal_url": webcal(self.url),
        }


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def feed_url(base_url: str, token: str) -> str:
    return f"{base_url.rstrip('/')}/v1/feeds/{token}.ics"


def webcal(url: str) -> str:
    """The ``webcal://`` form of a feed URL (Apple Calendar and Outlook open a subscribe
    dialog for it)."""
    return re.sub(r"^https?://", "webcal://", url)


def parse_kind(kind: str) -> FeedKind:
    try:
        return FeedKind(kind)
    except ValueError:
        raise InvalidInput(
            f"'{kind}' is not a feed kind; use attorney, client, matter or firm-busy",
            field="kind",
        ) from None


def _check_feed_access(uow: UnitOfWork, actor: Actor, kind: FeedKind, subject: str | None) -> None:
    """Who may hold which feed; refusals of things the actor may not know exist are NotFound."""
    if kind is FeedKind.FIRM_BUSY:
        if subject:
            raise InvalidInput("the firm-wide busy feed names no one", field="subject_id")
        require_staff(actor)
        return
    if not subject:
        raise InvalidInput(f"a {kind.value} feed needs the {kind.value}'s id", field="subject_id")
    if kind is FeedKind.ATTORNEY:
        uow.attorneys.get(subject)
        if not actor.sees_firm and not (
            actor.role is Role.ATTORNEY and actor.attorney_id == subject
        ):
            raise NotAllowed("An attorney's feed is issued to that attorney or by the firm.")
    elif kind is FeedKind.CLIENT:
        if actor.sees_firm or (actor.role is Role.CLIENT and actor.client_id == subject):
            uow.clients.get(subject)
            return
        raise NotFound("client", subject)
    elif kind is FeedKind.MATTER:
        matter = uow.matters.get(subject)
        if actor.role is Role.CLIENT or not can_see_matter(actor, matter):
            raise NotFound("matter", subject)


def issue_feed(
    uow: UnitOfWork,
    actor: Actor,
    now: datetime,
    *,
    kind: FeedKind,
    subject_id: str | None,
    base_url: str,
) -> IssuedFeed:
    """Issue a feed token (at least 128 bits of randomness; we use 256), stored hashed."""
    _check_feed_access(uow, actor, kind, subject_id)
    token = secrets.token_urlsafe(32)
    feed = FeedToken(
        id="feed-" + secrets.token_hex(4),
        kind=kind,
        subject_id=subject_id or None,
        token_hash=hash_token(token),
        created_at=now,
    )
    uow.feed_tokens.add(feed)
    record(uow, actor, now, "issue", "feed_token", feed.id, kind.value)
    uow.commit()
    return IssuedFeed(feed.id, kind, feed.subject_id, token, feed_url(base_url, token))


def list_feeds(uow: UnitOfWork, actor: Actor) -> list[FeedToken]:
    """The tokens the actor may manage (never the tokens themselves: only hashes are kept)."""
    tokens = uow.feed_tokens.list()
    if actor.sees_firm:
        return tokens
    visible: list[FeedToken] = []
    for token in tokens:
        try:
            if token.kind is FeedKind.FIRM_BUSY:
                continue
            _check_feed_access(uow, actor, token.kind, token.subject_id)
        except (NotFound, NotAllowed):
            continue
        if token.kind is FeedKind.MATTER and actor.role is Role.ATTORNEY:
            matter = uow.matters.get(token.subject_id or "")
            if actor.attorney_id not in matter.responsible_attorneys:
                continue
        visible.append(token)
    return visible


def _managed_feed(uow: UnitOfWork, actor: Actor, token_id: str) -> FeedToken:
    for token in list_feeds(uow, actor):
        if token.id == token_id:
            return token
    raise NotFound("feed token", token_id)


def revoke_feed(uow: UnitOfWork, actor: Actor, now: datetime, token_id: str) -> FeedToken:
    """Revoke at once: the next request with that URL gets 404."""
    token = _managed_feed(uow, actor, token_id)
    uow.feed_tokens.revoke(token.id, now)
    record(uow, actor, now, "revoke", "feed_token", token.id)
    uow.commit()
    return replace(token, revoked_at=token.revoked_at or now)


def rotate_feed(
    uow: UnitOfWork, actor: Actor, now: datetime, token_id: str, *, base_url: str
) -> IssuedFeed:
    """Revoke a token and issue a new one for the same feed, in one transaction."""
    token = _managed_feed(uow, actor, token_id)
    if token.revoked_at is not None:
        raise InvalidInput("this feed token is already revoked; issue a new one", field="token_id")
    uow.feed_tokens.revoke(token.id, now)
    record(uow, actor, now, "rotate", "feed_token", token.id)
    return issue_feed(
        uow, actor, now, kind=token.kind, subject_id=token.subject_id, base_url=base_url
    )


def _feed_not_found() -> NotFound:
    error = NotFound("calendar feed", "")
    error.message = "No calendar feed is published at this address (it may have been revoked)."
    return error


def find_feed(uow: UnitOfWork, token: str) -> FeedToken:
    """The live feed behind a token; unknown, malformed and revoked tokens are all NotFound."""
    if not _TOKEN_SHAPE.match(token):
        raise _feed_not_found()
    found = uow.feed_tokens.find_by_hash(hash_token(token))
    if found is None or found.revoked_at is not None:
        raise _feed_not_found()
    return found


# === feed contents ============================================================================


def _day_floor(now: datetime) -> datetime:
    moment = now.astimezone(UTC)
    return datetime.combine(moment.date(), time(0), tzinfo=UTC)


def _stamp(appointment: Appointment) -> datetime:
    return appointment.updated_at or appointment.created_at or UNREVISED_STAMP


@dataclass(slots=True)
class _Directory:
    """Everything a feed names, loaded once."""

    firm: Firm
    attorneys: dict[str, Attorney]
    clients: dict[str, Client]
    matters: dict[str, Matter]
    rooms: dict[str, Room]

    @classmethod
    def load(cls, uow: UnitOfWork) -> _Directory:
        return cls(
            firm=uow.firm.get(),
            attorneys={a.id: a for a in uow.attorneys.list()},
            clients={c.id: c for c in uow.clients.list()},
            matters={m.id: m for m in uow.matters.list()},
            rooms={r.id: r for r in uow.rooms.list()},
        )

    def location(self, appointment: Appointment) -> str:
        room = self.rooms.get(appointment.room_id or "")
        if room is not None:
            return f"{room.name}, {room.location}" if room.location else room.name
        if appointment.video_url:
            return f"Video call: {appointment.video_url}"
        return ""


def feed_contents(uow: UnitOfWork, token: FeedToken, now: datetime) -> Feed:
    """What the feed behind ``token`` holds today, with the confidentiality rules applied."""
    directory = _Directory.load(uow)
    subject = token.subject_id or ""
    if token.kind is FeedKind.ATTORNEY:
        return _attorney_feed(uow, directory, subject, now)
    if token.kind is FeedKind.CLIENT:
        return _client_feed(uow, directory, subject, now)
    if token.kind is FeedKind.MATTER:
        return _matter_feed(uow, directory, subject, now)
    return _busy_feed(uow, directory, now)


def _attorney_feed(uow: UnitOfWork, d: _Directory, attorney_id: str, now: datetime) -> Feed:
    attorney = uow.attorneys.get(attorney_id)
    start = _day_floor(now) - timedelta(days=FEED_PAST_DAYS)
    end = _day_floor(now) + timedelta(days=FEED_FUTURE_DAYS)
    events: list[FeedEvent] = []
    for appointment in uow.appointments.list_between(start, end, attorney_ids=[attorney.id]):
        matter = d.matters.get(appointment.matter_id)
        if matter is None or matter.is_screened(attorney.id):
            # Behind the wall the attorney's time is still taken, and that is all the feed says.
            events.append(_busy_event(appointment.uid, appointment.starts_at, appointment.ends_at))
            continue
        hidden = adverse_names(matter)
        client = d.clients.get(appointment.client_id)
        title = redact(appointment.title, hidden) or "Appointment"
        others = [d.attorneys[a].name for a in appointment.attorney_ids if a in d.attorneys]
        lines = []
        if client is not None:
            lines.append(f"Client: {client.name}")
        lines.append(f"Matter: {redact(matter.title, hidden)}")
        lines.append(f"Attorneys: {join_names(others, Language.EN)}")
        location = d.location(appointment)
        if location:
            lines.append(f"Where: {location}")
        if appointment.status is AppointmentStatus.TENTATIVE:
            lines.append("Status: tentative (not yet confirmed)")
        events.append(
            FeedEvent(
                uid=appointment.uid,
                stamp=_stamp(appointment),
                summary=f"{title}: {client.name}" if client is not None else title,
                starts_at=appointment.starts_at,
                ends_at=appointment.ends_at,
                description="\n".join(lines),
                location=location,
                status="TENTATIVE"
                if appointment.status is AppointmentStatus.TENTATIVE
                else "CONFIRMED",
                sequence=appointment.sequence,
            )
        )
    deadlines = [
        dl
        for dl in uow.docket.list_deadlines(due_from=start.date(), due_to=end.date())
        if attorney.id in dl.responsible_attorneys
        and dl.matter_id in d.matters
        and not d.matters[dl.matter_id].is_screened(attorney.id)
    ]
    events += _deadline_events(uow, d, deadlines, recipient=f"attorney:{attorney.id}")
    return Feed(
        name=f"{attorney.name} - {d.firm.name}",
        timezone=attorney.timezone,
        events=events,
        description=f"Appointments and court deadlines of {attorney.name}.",
    )


def _client_feed(uow: UnitOfWork, d: _Directory, client_id: str, now: datetime) -> Feed:
    client = uow.clients.get(client_id)
    language = client.language
    es = language is Language.ES
    start = _day_floor(now) - timedelta(days=FEED_PAST_DAYS)
    end = _day_floor(now) + timedelta(days=FEED_FUTURE_DAYS)
    events: list[FeedEvent] = []
    for appointment in uow.appointments.list_for_client(client.id):
        if (
            appointment.status is AppointmentStatus.CANCELLED
            or appointment.ends_at <= start
            or appointment.starts_at >= end
        ):
            continue
        matter = d.matters.get(appointment.matter_id)
        hidden = adverse_names(matter)
        title = redact(appointment.title, hidden, language) or ("Cita" if es else "Appointment")
        names = join_names(
            [d.attorneys[a].name for a in appointment.attorney_ids if a in d.attorneys], language
        )
        location = d.location(appointment)
        when = format_when(appointment.starts_at, appointment.ends_at, client.timezone, language)
        lines = [
            f"Cita con {names} en {d.firm.name}." if es else f"With {names} at {d.firm.name}.",
            f"{'Cuándo' if es else 'When'}: {when}",
        ]
        if location:
            lines.append(f"{'Dónde' if es else 'Where'}: {location}")
        if matter is not None and matter.client_id == client.id:
            lines.append(
                f"{'Asunto' if es else 'Matter'}: {redact(matter.title, hidden, language)}"
            )
        if appointment.status is AppointmentStatus.TENTATIVE:
            lines.append("Pendiente de confirmar." if es else "Not yet confirmed.")
        contact = d.firm.phone or d.firm.email
        lines.append(
            f"Para cambiarla, llame al {contact}." if es else f"To change it, call {contact}."
        )
        events.append(
            FeedEvent(
                uid=appointment.uid,
                stamp=_stamp(appointment),
                summary=f"{title} - {d.firm.name}",
                starts_at=appointment.starts_at,
                ends_at=appointment.ends_at,
                description="\n".join(lines),
                location=location,
                status="TENTATIVE"
                if appointment.status is AppointmentStatus.TENTATIVE
                else "CONFIRMED",
                sequence=appointment.sequence,
            )
        )
    return Feed(
        name=f"{d.firm.name} - {'sus citas' if es else 'your appointments'}",
        timezone=client.timezone,
        events=events,
    )


def _matter_feed(uow: UnitOfWork, d: _Directory, matter_id: str, now: datetime) -> Feed:
    matter = uow.matters.get(matter_id)
    start = _day_floor(now) - timedelta(days=FEED_PAST_DAYS)
    deadlines = uow.docket.list_deadlines(matter_id=matter.id, due_from=start.date())
    title = redact(matter.title, adverse_names(matter))
    return Feed(
        name=f"Docket - {title}",
        timezone=d.firm.timezone,
        events=_deadline_events(uow, d, deadlines, recipient=None),
        description=f"Court deadlines of {title}, with their ticklers.",
    )


def _deadline_events(
    uow: UnitOfWork, d: _Directory, deadlines: Iterable[Deadline], *, recipient: str | None
) -> list[FeedEvent]:
    domain = d.firm.domain
    events: list[FeedEvent] = []
    for deadline in deadlines:
        if deadline.status.lower() in CLOSED_DEADLINE_STATUSES:
            continue
        matter = d.matters.get(deadline.matter_id)
        hidden = adverse_names(matter)
        matter_title = redact(matter.title, hidden) if matter is not None else ""
        ticklers = tickler_days(uow, d.firm, deadline, recipient=recipient)
        lines = [f"Due: {deadline.due_on:%A, %B} {deadline.due_on.day}, {deadline.due_on.year}"]
        if matter_title:
            lines.append(f"Matter: {matter_title}")
        lines += [redact(step, hidden) for step in deadline.steps]
        if deadline.citations:
            lines.append("Authority: " + "; ".join(deadline.citations))
        if ticklers:
            lines.append(
                "Ticklers: "
                + ", ".join(f"{t:%a %b} {t.day}" for t in sorted(ticklers, reverse=True))
            )
        events.append(
            FeedEvent(
                uid=f"deadline-{deadline.id}@{domain}",
                stamp=UNREVISED_STAMP,
                summary=f"DUE: {redact(deadline.title, hidden)}"
                + (f" ({matter_title})" if matter_title else ""),
                day=deadline.due_on,
                description="\n".join(lines),
                busy=False,
                alarms=tuple(
                    FeedAlarm(
                        # 09:00 on the tickler's day, relative to the deadline day's start.
                        before=timedelta(days=(deadline.due_on - t).days) - timedelta(hours=9),
                        text=f"Tickler: {redact(deadline.title, hidden)} is due "
                        f"{deadline.due_on:%b} {deadline.due_on.day}",
                    )
                    for t in sorted(ticklers)
                ),
            )
        )
    return events


def tickler_days(
    uow: UnitOfWork, firm: Firm, deadline: Deadline, *, recipient: str | None = None
) -> list[date]:
    """The days a deadline's ticklers fall on.

    The ticklers the deadline engine queued in the outbox are used when there are any;
    otherwise (a deadline entered by hand) the firm's policy is counted in the court's own court
    days.
    """
    queued = {
        m.due_at.astimezone(ZoneInfo(firm.timezone)).date()
        for m in uow.outbox.list(subject_id=deadline.id)
        if m.kind is MessageKind.TICKLER
        and m.status != "cancelled"
        and (recipient is None or m.recipient == recipient)
    }
    if queued:
        return sorted(d for d in queued if d < deadline.due_on)
    court = calendar_for(deadline.jurisdiction)
    days: list[date] = []
    for n in firm.tickler_court_days:
        if n <= 0:
            continue
        try:
            days.append(court.add_court_days(deadline.due_on, -n))
        except InvalidInput:  # before the court calendars begin
            continue
    return sorted(days)


def _busy_event(uid_seed: str, start: datetime, end: datetime, summary: str = "Busy") -> FeedEvent:
    return FeedEvent(
        uid=hashlib.sha256(uid_seed.encode()).hexdigest()[:32] + "@busy.legal-secretary.invalid",
        stamp=UNREVISED_STAMP,
        summary=summary,
        starts_at=start,
        ends_at=end,
        private=False,
        busy_status="BUSY",
    )


def _busy_feed(uow: UnitOfWork, d: _Directory, now: datetime) -> Feed:
    """Built from an allow-list: times, an opaque UID, and "Busy" with the attorney's name.

    Nothing else is copied from appointments, imported events or time off: no title, client,
    matter, room, video link, attendee or alarm.
    """
    start = _day_floor(now) - timedelta(days=BUSY_FEED_PAST_DAYS)
    end = _day_floor(now) + timedelta(days=BUSY_FEED_FUTURE_DAYS)
    active = [a for a in d.attorneys.values() if a.active]
    ids = [a.id for a in active]
    taken: dict[str, list[Interval]] = defaultdict(list)
    for appointment in uow.appointments.list_between(start, end, attorney_ids=ids):
        for attorney_id in appointment.attorney_ids:
            taken[attorney_id].append(Interval(appointment.starts_at, appointment.ends_at))
    for block in uow.busy.list_between(start, end, attorney_ids=ids):
        taken[block.attorney_id].append(Interval(block.starts_at, block.ends_at))
    for off in uow.time_off.list_between(start, end, attorney_ids=ids):
        taken[off.attorney_id].append(Interval(off.starts_at, off.ends_at))
    events = [
        _busy_event(
            f"{attorney.id}|{span.start.isoformat()}|{span.end.isoformat()}",
            span.start,
            span.end,
            f"Busy ({attorney.name})",
        )
        for attorney in sorted(active, key=lambda a: a.name)
        for span in merge(taken.get(attorney.id, []))
    ]
    return Feed(
        name=f"{d.firm.name} - attorney availability", timezone=d.firm.timezone, events=events
    )


# === serving ==================================================================================


@dataclass(frozen=True, slots=True)
class RenderedFeed:
    body: bytes
    etag: str
    last_modified: datetime  # when this process first produced these exact bytes


@dataclass(slots=True)
class _CacheEntry:
    feed: RenderedFeed
    rendered_at: float


@dataclass(slots=True)
class FeedCache:
    """Rendered feeds by token id, reused for ``ttl_seconds``.

    Calendar programs poll feeds over and over; within the TTL an unchanged feed is answered from
    memory (a 304 costs one indexed token lookup, which also catches revocation at once). After
    the TTL the feed is rendered again; if the bytes are the same, ``last_modified`` stays.
    """

    ttl_seconds: float = FEED_CACHE_SECONDS
    clock: Callable[[], float] = time_module.monotonic
    _entries: dict[str, _CacheEntry] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def get(self, uow: UnitOfWork, token: FeedToken, now: datetime) -> RenderedFeed:
        moment = self.clock()
        with self._lock:
            entry = self._entries.get(token.id)
        if entry is not None and moment - entry.rendered_at < self.ttl_seconds:
            return entry.feed
        body = render_feed(feed_contents(uow, token, now))
        etag = strong_etag(body)
        first = (
            entry.feed.last_modified
            if entry is not None and entry.feed.etag == etag
            else now.astimezone(UTC).replace(microsecond=0)
        )
        rendered = RenderedFeed(body, etag, first)
        with self._lock:
            self._entries[token.id] = _CacheEntry(rendered, moment)
        return rendered

    def forget(self, token_id: str | None = None) -> None:
        with self._lock:
            if token_id is None:
                self._entries.clear()
            else:
                self._entries.pop(token_id, None)
