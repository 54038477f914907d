"""The firm: its settings, and its directory of attorneys, clients, matters and rooms, as each
caller may see them."""

from __future__ import annotations

import dataclasses
import re
import secrets
from datetime import date, datetime, timedelta
from typing import Any

from scheduler.demo import DEMO_SOURCE, DemoFirm
from scheduler.domain import (
    JURISDICTIONS,
    Attorney,
    Client,
    ClosedDay,
    Firm,
    Matter,
    Role,
    Room,
    RoomClosure,
    TimeOff,
    require_utc,
    require_zone,
)
from scheduler.errors import Conflict, InvalidInput, NotFound
from scheduler.ports import UnitOfWork
from scheduler.services.access import Actor, can_see_matter, record, require_staff
from scheduler.services.docket import schedule_ticklers


def list_attorneys(uow: UnitOfWork, actor: Actor) -> list[Attorney]:
    """Staff and attorneys see every attorney; a client sees the attorneys on their matters."""
    attorneys = uow.attorneys.list()
    if actor.role is Role.CLIENT:
        mine = {
            a for m in uow.matters.list(client_id=actor.client_id) for a in m.responsible_attorneys
        }
        attorneys = [a for a in attorneys if a.id in mine]
    return attorneys


def get_attorney(uow: UnitOfWork, actor: Actor, attorney_id: str) -> Attorney:
    for attorney in list_attorneys(uow, actor):
        if attorney.id == attorney_id:
            return attorney
    raise NotFound("attorney", attorney_id)


def list_clients(uow: UnitOfWork, actor: Actor) -> list[Client]:
    if actor.sees_firm:
        return uow.clients.list()
    visible = {m.client_id for m in uow.matters.list() if can_see_matter(actor, m)}
    return [c for c in uow.clients.list() if c.id in visible]


def get_client(uow: UnitOfWork, actor: Actor, client_id: str) -> Client:
    for client in list_clients(uow, actor):
        if client.id == client_id:
            return client
    raise NotFound("client", client_id)


def list_matters(uow: UnitOfWork, actor: Actor, now: datetime) -> list[Matter]:
    """The matters the actor may see; the read is written to the audit log."""
    matters = [m for m in uow.matters.list() if can_see_matter(actor, m)]
    record(uow, actor, now, "list", "matter", "*", f"{len(matters)} matters")
    uow.commit()
    return matters


def get_matter(uow: UnitOfWork, actor: Actor, now: datetime, matter_id: str) -> Matter:
    matter = uow.matters.get(matter_id)
    if not can_see_matter(actor, matter):
        raise NotFound("matter", matter_id)
    record(uow, actor, now, "view", "matter", matter_id)
    uow.commit()
    return matter


def list_rooms(uow: UnitOfWork, actor: Actor) -> list[Room]:
    del actor  # rooms are not confidential
    return uow.rooms.list()


def seed_demo_firm(uow: UnitOfWork, actor: Actor, now: datetime, demo: DemoFirm) -> None:
    """Write a generated firm into an empty store, all of it or nothing."""
    require_staff(actor)
    if uow.attorneys.list():
        raise Conflict(
            "This database already holds a firm. Use a new database file (--db) for the demo."
        )
    uow.firm.save(demo.firm)
    for attorney in demo.attorneys:
        uow.attorneys.add(attorney)
    for room in demo.rooms:
        uow.rooms.add(room)
    for client in demo.clients:
        uow.clients.add(client)
    for matter in demo.matters:
        uow.matters.add(matter)
    for attorney in demo.attorneys:
        uow.busy.add_source(f"{DEMO_SOURCE}-{attorney.id}", attorney.id, "manual", "Court calendar")
    for attorney in demo.attorneys:
        uow.busy.replace_source(
            f"{DEMO_SOURCE}-{attorney.id}",
            [b for b in demo.busy if b.attorney_id == attorney.id],
        )
    for closed in demo.closed_days:
        uow.closed_days.add(closed)
    for appointment in demo.appointments:
        uow.appointments.add(appointment)
    for trigger in demo.triggers:
        uow.docket.add_trigger(trigger)
    matters = {m.id: m for m in demo.matters}
    for deadline in demo.deadlines:
        uow.docket.add_deadline(deadline)
        schedule_ticklers(uow, demo.firm, matters[deadline.matter_id], deadline, now)
    record(uow, actor, now, "create", "firm", "demo", f"seeded demo firm starting {demo.start}")
    uow.commit()


# --- Changes to the directory (staff only; every change is audited) ------------------------------

ID_PATTERN = re.compile(r"^[a-z0-9][a-z0-9._-]{1,63}$")
EMAIL_PATTERN = re.compile(r"^[^@\s]{1,64}@[^@\s]{1,255}\.[^@\s]{2,63}$")
MAX_BUFFER_MINUTES = 240


def new_id(prefix: str, given: str | None) -> str:
    """The id given (checked), or a fresh one such as ``att-3f2a9c0d``."""
    if given is None:
        return f"{prefix}-{secrets.token_hex(4)}"
    if not ID_PATTERN.match(given):
        raise InvalidInput(
            "an id is 2 to 64 lower-case letters, digits, '.', '_' or '-'", field="id"
        )
    return given


def check_email(email: str) -> str:
    cleaned = email.strip()
    if not EMAIL_PATTERN.match(cleaned) or any(ord(ch) < 32 or ord(ch) == 127 for ch in cleaned):
        raise InvalidInput(f"'{email}' is not an e-mail address", field="email")
    return cleaned


def check_text(value: str, field: str, *, limit: int = 200, required: bool = True) -> str:
    cleaned = value.strip()
    if required and not cleaned:
        raise InvalidInput("this cannot be empty", field=field)
    if len(cleaned) > limit:
        raise InvalidInput(f"use at most {limit} characters", field=field)
    if any(ord(ch) < 32 or ord(ch) == 127 for ch in cleaned):
        raise InvalidInput("use one line of text, without control characters", field=field)
    return cleaned


def check_zone(name: str, field: str = "timezone") -> str:
    try:
        require_zone(name, field=field)
    except OSError:  # a folder of the zone database, such as "America"
        raise InvalidInput(
            f"'{name}' is not a known time zone; use an IANA name such as America/New_York",
            field=field,
        ) from None
    return name


def _check_attorney(attorney: Attorney) -> Attorney:
    check_text(attorney.name, "name")
    check_email(attorney.email)
    check_zone(attorney.timezone)
    check_text(attorney.title, "title", limit=100)
    check_text(attorney.office, "office", limit=100, required=False)
    if attorney.max_meetings_per_day is not None and not 1 <= attorney.max_meetings_per_day <= 50:
        raise InvalidInput("between 1 and 50, or null for no limit", field="max_meetings_per_day")
    if not 0 <= attorney.buffer_minutes <= MAX_BUFFER_MINUTES:
        raise InvalidInput(f"between 0 and {MAX_BUFFER_MINUTES} minutes", field="buffer_minutes")
    for i, area in enumerate(attorney.practice_areas):
        check_text(area, f"practice_areas[{i}]", limit=100)
    return attorney


def create_attorney(uow: UnitOfWork, actor: Actor, now: datetime, attorney: Attorney) -> Attorney:
    require_staff(actor)
    _check_attorney(attorney)
    if any(a.id == attorney.id for a in uow.attorneys.list()):
        raise Conflict(f"An attorney with the id '{attorney.id}' already exists.")
    uow.attorneys.add(attorney)
    record(uow, actor, now, "create", "attorney", attorney.id)
    uow.commit()
    return attorney


def update_attorney(
    uow: UnitOfWork, actor: Actor, now: datetime, attorney_id: str, changes: dict[str, Any]
) -> Attorney:
    """Change an attorney's details or working hours; existing bookings stay where they are."""
    require_staff(actor)
    before = uow.attorneys.get(attorney_id)
    after = _check_attorney(dataclasses.replace(before, **changes))
    uow.attorneys.update(after)
    record(uow, actor, now, "update", "attorney", attorney_id, ",".join(sorted(changes)))
    uow.commit()
    return after


def check_instant(moment: datetime, field: str) -> datetime:
    """An instant with an offset, in UTC, between the years 2000 and 2199."""
    utc_moment = require_utc(moment, field=field)
    if not 2000 <= utc_moment.year <= 2199:
        raise InvalidInput("give an instant between 2000 and 2199", field=field)
    return utc_moment


def check_span(start: datetime, end: datetime) -> tuple[datetime, datetime]:
    """A span of time someone or something is away: instants in UTC, end after start, a year
    at most (errors name ``start`` or ``end``)."""
    lo, hi = check_instant(start, "start"), check_instant(end, "end")
    if hi <= lo:
        raise InvalidInput("the end must come after the start", field="end")
    if hi - lo > timedelta(days=366):
        raise InvalidInput("give at most a year at once", field="end")
    return lo, hi


def _time_off_visible(actor: Actor, attorney_id: str) -> None:
    if actor.sees_firm or (actor.role is Role.ATTORNEY and actor.attorney_id == attorney_id):
        return
    raise NotFound("attorney", attorney_id)


def list_time_off(
    uow: UnitOfWork, actor: Actor, attorney_id: str, start: datetime, end: datetime
) -> list[TimeOff]:
    """An attorney's time off (staff, and the attorney themself; its reason is private)."""
    _time_off_visible(actor, attorney_id)
    uow.attorneys.get(attorney_id)
    lo, hi = check_instant(start, "start"), check_instant(end, "end")
    return uow.time_off.list_between(lo, hi, attorney_ids=[attorney_id])


def add_time_off(
    uow: UnitOfWork,
    actor: Actor,
    now: datetime,
    attorney_id: str,
    start: datetime,
    end: datetime,
    reason: str = "",
) -> TimeOff:
    """Block time off; bookings already in it are not moved (see the re-plan command)."""
    _time_off_visible(actor, attorney_id)
    uow.attorneys.get(attorney_id)
    lo, hi = check_span(start, end)
    entry = TimeOff(
        id=f"off-{secrets.token_hex(6)}",
        attorney_id=attorney_id,
        starts_at=lo,
        ends_at=hi,
        reason=check_text(reason, "reason", limit=200, required=False),
    )
    uow.time_off.add(entry)
    record(uow, actor, now, "create", "time_off", entry.id, f"attorney={attorney_id}")
    uow.commit()
    return entry


def delete_time_off(
    uow: UnitOfWork, actor: Actor, now: datetime, attorney_id: str, time_off_id: str
) -> None:
    _time_off_visible(actor, attorney_id)
    entry = uow.time_off.get(time_off_id)
    if entry.attorney_id != attorney_id:
        raise NotFound("time off", time_off_id)
    uow.time_off.delete(time_off_id)
    record(uow, actor, now, "delete", "time_off", time_off_id, f"attorney={attorney_id}")
    uow.commit()


def _check_client(client: Client) -> Client:
    check_text(client.name, "name")
    check_email(client.email)
    check_text(client.phone, "phone", limit=64, required=False)
    check_zone(client.timezone)
    if client.reminder_offsets_minutes is not None and not all(
        0 < m <= 60 * 24 * 14 for m in client.reminder_offsets_minutes
    ):
        raise InvalidInput("offsets are minutes before, up to two weeks", field="reminders")
    return client


def create_client(uow: UnitOfWork, actor: Actor, now: datetime, client: Client) -> Client:
    require_staff(actor)
    _check_client(client)
    if any(c.id == client.id for c in uow.clients.list()):
        raise Conflict(f"A client with the id '{client.id}' already exists.")
    uow.clients.add(client)
    record(uow, actor, now, "create", "client", client.id)
    uow.commit()
    return client


def update_client(
    uow: UnitOfWork, actor: Actor, now: datetime, client_id: str, changes: dict[str, Any]
) -> Client:
    require_staff(actor)
    after = _check_client(dataclasses.replace(uow.clients.get(client_id), **changes))
    uow.clients.update(after)
    record(uow, actor, now, "update", "client", client_id, ",".join(sorted(changes)))
    uow.commit()
    return after


def _check_matter(uow: UnitOfWork, matter: Matter, now: datetime) -> Matter:
    check_text(matter.title, "title", limit=300)
    check_text(matter.practice_area, "practice_area", limit=100)
    check_text(matter.court, "court", limit=200, required=False)
    if matter.jurisdiction not in JURISDICTIONS:
        raise InvalidInput(f"use one of {', '.join(JURISDICTIONS)}", field="jurisdiction")
    if matter.status not in ("open", "closed"):
        raise InvalidInput("a matter is open or closed", field="status")
    uow.clients.get(matter.client_id)
    known = {a.id for a in uow.attorneys.list()}
    for field, ids in (
        ("responsible_attorneys", matter.responsible_attorneys),
        ("screened_attorneys", matter.screened_attorneys),
    ):
        if len(set(ids)) != len(ids):
            raise InvalidInput("an attorney is named twice", field=field)
        for i, attorney_id in enumerate(ids):
            if attorney_id not in known:
                raise InvalidInput(f"no attorney '{attorney_id}'", field=f"{field}[{i}]")
    both = set(matter.responsible_attorneys) & set(matter.screened_attorneys)
    if both:
        raise InvalidInput(
            f"{', '.join(sorted(both))} cannot be both responsible for and screened from "
            "the matter",
            field="screened_attorneys",
        )
    clients = {c.id for c in uow.clients.list()}
    for i, party in enumerate(matter.adverse_parties):
        check_text(party.name, f"adverse_parties[{i}].name", limit=300)
        if party.client_id is not None:
            if party.client_id not in clients:
                raise InvalidInput(
                    f"no client '{party.client_id}'", field=f"adverse_parties[{i}].client"
                )
            if party.client_id == matter.client_id:
                raise InvalidInput(
                    "a client is not their own adverse party",
                    field=f"adverse_parties[{i}].client",
                )
    if matter.screened_attorneys:
        upcoming = [
            a
            for a in uow.appointments.list_between(
                now, now + timedelta(days=3650), attorney_ids=list(matter.screened_attorneys)
            )
            if a.matter_id == matter.id
        ]
        if upcoming:
            raise Conflict(
                f"A screened attorney still attends {len(upcoming)} upcoming meeting(s) on this "
                "matter; reassign or cancel them before putting up the wall."
            )
    return matter


def create_matter(uow: UnitOfWork, actor: Actor, now: datetime, matter: Matter) -> Matter:
    require_staff(actor)
    if any(m.id == matter.id for m in uow.matters.list()):
        raise Conflict(f"A matter with the id '{matter.id}' already exists.")
    _check_matter(uow, matter, now)
    uow.matters.add(matter)
    record(uow, actor, now, "create", "matter", matter.id)
    uow.commit()
    return matter


def update_matter(
    uow: UnitOfWork, actor: Actor, now: datetime, matter_id: str, changes: dict[str, Any]
) -> Matter:
    """Change a matter, its attorneys, its ethical wall or its adverse parties."""
    require_staff(actor)
    after = _check_matter(uow, dataclasses.replace(uow.matters.get(matter_id), **changes), now)
    uow.matters.update(after)
    record(uow, actor, now, "update", "matter", matter_id, ",".join(sorted(changes)))
    uow.commit()
    return after


def _check_room(room: Room) -> Room:
    check_text(room.name, "name")
    check_text(room.location, "location", limit=400, required=False)
    if not 1 <= room.capacity <= 500:
        raise InvalidInput("between 1 and 500 people", field="capacity")
    return room


def create_room(uow: UnitOfWork, actor: Actor, now: datetime, room: Room) -> Room:
    require_staff(actor)
    _check_room(room)
    if any(r.id == room.id for r in uow.rooms.list()):
        raise Conflict(f"A room with the id '{room.id}' already exists.")
    uow.rooms.add(room)
    record(uow, actor, now, "create", "room", room.id)
    uow.commit()
    return room


def update_room(
    uow: UnitOfWork, actor: Actor, now: datetime, room_id: str, changes: dict[str, Any]
) -> Room:
    require_staff(actor)
    after = _check_room(dataclasses.replace(uow.rooms.get(room_id), **changes))
    uow.rooms.update(after)
    record(uow, actor, now, "update", "room", room_id, ",".join(sorted(changes)))
    uow.commit()
    return after


def list_room_closures(
    uow: UnitOfWork, actor: Actor, room_id: str, start: datetime, end: datetime
) -> list[RoomClosure]:
    """The times a room is closed (staff)."""
    require_staff(actor)
    uow.rooms.get(room_id)
    lo, hi = check_instant(start, "start"), check_instant(end, "end")
    return uow.room_closures.list_between(lo, hi, room_ids=[room_id])


def add_room_closure(
    uow: UnitOfWork,
    actor: Actor,
    now: datetime,
    room_id: str,
    start: datetime,
    end: datetime,
    reason: str = "",
) -> RoomClosure:
    """Close a room for a time; nothing is offered or booked in it then. Meetings already in it
    must move first (``secretary reschedule-day --room``): a closure over them is refused."""
    require_staff(actor)
    uow.rooms.get(room_id)
    lo, hi = check_span(start, end)
    inside = uow.appointments.list_between(lo, hi, room_ids=[room_id])
    if inside:
        raise Conflict(
            f"{len(inside)} meeting(s) are booked in this room then; move them first "
            f"(secretary reschedule-day --room {room_id})."
        )
    closure = RoomClosure(
        id=f"closure-{secrets.token_hex(6)}",
        room_id=room_id,
        starts_at=lo,
        ends_at=hi,
        reason=check_text(reason, "reason", limit=200, required=False),
    )
    uow.room_closures.add(closure)
    record(uow, actor, now, "create", "room_closure", closure.id, f"room={room_id}")
    uow.commit()
    return closure


def delete_room_closure(
    uow: UnitOfWork, actor: Actor, now: datetime, room_id: str, closure_id: str
) -> None:
    """Open a closed room again."""
    require_staff(actor)
    closure = uow.room_closures.get(closure_id)
    if closure.room_id != room_id:
        raise NotFound("room closure", closure_id)
    uow.room_closures.delete(closure_id)
    record(uow, actor, now, "delete", "room_closure", closure_id, f"room={room_id}")
    uow.commit()


def list_closed_days(
    uow: UnitOfWork, actor: Actor, start: date | None = None, end: date | None = None
) -> list[ClosedDay]:
    del actor  # the firm's holidays are not confidential
    return uow.closed_days.list(start=start, end=end)


def add_closed_day(uow: UnitOfWork, actor: Actor, now: datetime, closed: ClosedDay) -> ClosedDay:
    """Close the firm for a whole day (in the firm's zone); bookings on it are not moved."""
    require_staff(actor)
    if not 2000 <= closed.day.year <= 2199:
        raise InvalidInput("give a date between 2000 and 2199", field="day")
    closed = dataclasses.replace(
        closed, reason=check_text(closed.reason, "reason", limit=200, required=False)
    )
    uow.closed_days.add(closed)
    record(uow, actor, now, "create", "closed_day", closed.day.isoformat())
    uow.commit()
    return closed


def delete_closed_day(uow: UnitOfWork, actor: Actor, now: datetime, day: date) -> None:
    require_staff(actor)
    uow.closed_days.delete(day)
    record(uow, actor, now, "delete", "closed_day", day.isoformat())
    uow.commit()


def get_firm(uow: UnitOfWork) -> Firm:
    """The firm's own settings (name, zone, address, reminder and tickler policy)."""
    firm = uow.firm.find()
    if firm is None:
        raise NotFound("firm settings", "firm")
    return firm


def save_firm(uow: UnitOfWork, actor: Actor, now: datetime, firm: Firm) -> Firm:
    """Set the firm's settings (staff only); every invitation names the firm as organizer."""
    require_staff(actor)
    checked = dataclasses.replace(
        firm,
        name=check_text(firm.name, "name"),
        timezone=check_zone(firm.timezone),
        address=check_text(firm.address, "address", limit=400),
        email=check_email(firm.email),
        phone=check_text(firm.phone, "phone", limit=64, required=False),
    )
    if not checked.reminder_offsets_minutes or not all(
        5 <= m <= 14 * 24 * 60 for m in checked.reminder_offsets_minutes
    ):
        raise InvalidInput(
            "give one or more reminders between 5 minutes and 14 days before", field="reminders"
        )
    if not checked.tickler_court_days or not all(1 <= d <= 60 for d in checked.tickler_court_days):
        raise InvalidInput("give ticklers between 1 and 60 court days before", field="ticklers")
    if not 0 <= checked.min_notice_business_hours <= 200:
        raise InvalidInput("give a notice of 0 to 200 business hours", field="min_notice")
    uow.firm.save(checked)
    record(uow, actor, now, "update", "firm", "firm")
    uow.commit()
    return checked
