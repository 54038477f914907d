"""SQLAlchemy implementations of the repository ports (``scheduler.ports``).

Each repository works inside the unit of work's session and returns domain objects; rows never
leave this package.
"""

from __future__ import annotations

import builtins
import functools
import json
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from datetime import UTC, date, datetime
from typing import Any, Literal

from sqlalchemy import (
    BigInteger,
    Integer,
    String,
    Text,
    bindparam,
    cast,
    delete,
    extract,
    func,
    insert,
    literal_column,
    null,
    or_,
    select,
    text,
    union_all,
    update,
)
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from scheduler.domain import (
    ApiKey,
    Appointment,
    Attorney,
    AuditEntry,
    BookingLink,
    BusyBlock,
    CalendarSource,
    Client,
    ClosedDay,
    CourtClosure,
    Deadline,
    FeedToken,
    Firm,
    HeldSpan,
    Hold,
    IdempotencyRecord,
    Matter,
    MessageKind,
    OutboxMessage,
    Room,
    RoomClosure,
    ScheduleJob,
    ScheduleJobStatus,
    Span,
    TimeOff,
    TriggerEvent,
    WebSession,
    WindowFacts,
)
from scheduler.errors import Conflict, NotFound, OverlapRefused
from scheduler.store import mapping
from scheduler.store.cache import CacheView
from scheduler.store.tables import (
    AdversePartyRow,
    ApiKeyRow,
    AppointmentAttorneyRow,
    AppointmentRow,
    AttorneyRow,
    AuditRow,
    BookingLinkRow,
    BusyBlockRow,
    CalendarSourceRow,
    ClientRow,
    ClosedDayRow,
    CourtClosureRow,
    DeadlineRow,
    FeedTokenRow,
    FirmRow,
    HoldRow,
    IdempotencyKeyRow,
    MatterAttorneyRow,
    MatterRow,
    MatterScreenRow,
    OutboxRow,
    RoomClosureRow,
    RoomRow,
    ScheduleJobRow,
    TimeOffRow,
    TriggerEventRow,
    WebSessionRow,
)
from scheduler.store.types import UTCDateTime

OVERLAP_CONSTRAINTS = {
    "ex_appointment_attorneys_no_overlap": "attorney",
    "ex_appointments_room_no_overlap": "room",
}


def overlap_resource(exc: IntegrityError) -> str | None:
    """Which resource an integrity error says is double-booked ("attorney", "room"), if any."""
    orig = exc.orig
    diag = getattr(orig, "diag", None)
    constraint = getattr(diag, "constraint_name", None)
    if constraint in OVERLAP_CONSTRAINTS:
        return OVERLAP_CONSTRAINTS[constraint]
    text = str(orig)
    if "appointment_overlap:" in text:
        return text.split("appointment_overlap:", 1)[1].strip().split()[0]
    return None


def _microseconds(column: Any, dialect: str) -> Any:
    """An instant column as integer microseconds since the epoch, computed by the database.

    SQLite keeps instants as ``YYYY-MM-DD HH:MM:SS.ffffff`` text in UTC (see ``UTCDateTime``):
    whole seconds from ``strftime('%s')`` plus the six digits after the point. PostgreSQL's
    ``EXTRACT(EPOCH ...)`` is exact (numeric).
    """
    if dialect == "sqlite":
        return cast(func.strftime("%s", column), BigInteger) * 1_000_000 + cast(
            func.substr(column, 21, 6), BigInteger
        )
    return cast(extract("epoch", column) * 1_000_000, BigInteger)


def _recorded_at() -> datetime:
    """Bookkeeping timestamp for rows whose domain object carries no time of its own."""
    return datetime.now(UTC)


class _Repository:
    def __init__(self, session: Session, cache: CacheView | None = None) -> None:
        self.session = session
        self.cache = cache if cache is not None else CacheView(None, session)


class SqlFirmRepository(_Repository):
    def get(self) -> Firm:
        firm = self.find()
        if firm is None:
            raise NotFound("firm", "1")
        return firm

    def find(self) -> Firm | None:
        return self.cache.fetch("firm", "firm", self._find)

    def _find(self) -> Firm | None:
        row = self.session.get(FirmRow, 1)
        return mapping.firm_to_domain(row) if row is not None else None

    def save(self, firm: Firm) -> None:
        self.cache.wrote()
        row = self.session.get(FirmRow, 1)
        if row is None:
            row = FirmRow(id=1)
            self.session.add(row)
        mapping.firm_fill_row(row, firm)
        self.session.flush()


class SqlAttorneyRepository(_Repository):
    def get(self, attorney_id: str) -> Attorney:
        found = self.cache.fetch("attorneys", ("get", attorney_id), lambda: self._get(attorney_id))
        if found is None:
            raise NotFound("attorney", attorney_id)
        return found

    def _get(self, attorney_id: str) -> Attorney | None:
        row = self.session.get(AttorneyRow, attorney_id)
        return mapping.attorney_to_domain(row) if row is not None else None

    def list(self, *, active_only: bool = False) -> list[Attorney]:
        return list(
            self.cache.fetch("attorneys", ("list", active_only), lambda: self._list(active_only))
        )

    def _list(self, active_only: bool) -> tuple[Attorney, ...]:
        query = select(AttorneyRow).order_by(AttorneyRow.id)
        if active_only:
            query = query.where(AttorneyRow.active.is_(True))
        return tuple(mapping.attorney_to_domain(r) for r in self.session.scalars(query))

    def add(self, attorney: Attorney) -> None:
        self.cache.wrote()
        self.session.add(mapping.attorney_to_row(attorney))
        self.session.flush()

    def update(self, attorney: Attorney) -> None:
        self.cache.wrote()
        row = self.session.get(AttorneyRow, attorney.id)
        if row is None:
            raise NotFound("attorney", attorney.id)
        mapping.attorney_fill_row(row, attorney)
        self.session.flush()


class SqlClientRepository(_Repository):
    def get(self, client_id: str) -> Client:
        found = self.cache.fetch("clients", ("get", client_id), lambda: self._get(client_id))
        if found is None:
            raise NotFound("client", client_id)
        return found

    def _get(self, client_id: str) -> Client | None:
        row = self.session.get(ClientRow, client_id)
        return mapping.client_to_domain(row) if row is not None else None

    def list(self) -> list[Client]:
        rows = self.session.scalars(select(ClientRow).order_by(ClientRow.id))
        return [mapping.client_to_domain(r) for r in rows]

    def add(self, client: Client) -> None:
        self.cache.wrote()
        self.session.add(mapping.client_to_row(client))
        self.session.flush()

    def update(self, client: Client) -> None:
        self.cache.wrote()
        row = self.session.get(ClientRow, client.id)
        if row is None:
            raise NotFound("client", client.id)
        mapping.client_fill_row(row, client)
        self.session.flush()


class SqlMatterRepository(_Repository):
    def get(self, matter_id: str) -> Matter:
        found = self.cache.fetch(
            "matters", ("get", matter_id), lambda: tuple(self._load([matter_id]))
        )
        if not found:
            raise NotFound("matter", matter_id)
        return found[0]

    def list(self, *, client_id: str | None = None, attorney_id: str | None = None) -> list[Matter]:
        return list(
            self.cache.fetch(
                "matters",
                ("list", client_id, attorney_id),
                lambda: tuple(self._list(client_id, attorney_id)),
            )
        )

    def _list(self, client_id: str | None, attorney_id: str | None) -> builtins.list[Matter]:
        query = select(MatterRow.id).order_by(MatterRow.id)
        if client_id is not None:
            query = query.where(MatterRow.client_id == client_id)
        if attorney_id is not None:
            query = query.where(
                MatterRow.id.in_(
                    select(MatterAttorneyRow.matter_id).where(
                        MatterAttorneyRow.attorney_id == attorney_id
                    )
                )
            )
        return self._load(list(self.session.scalars(query)))

    def _load(self, ids: Sequence[str]) -> builtins.list[Matter]:
        if not ids:
            return []
        rows = self.session.scalars(
            select(MatterRow).where(MatterRow.id.in_(ids)).order_by(MatterRow.id)
        ).all()
        responsible: dict[str, list[str]] = defaultdict(list)
        for link in self.session.scalars(
            select(MatterAttorneyRow)
            .where(MatterAttorneyRow.matter_id.in_(ids))
            .order_by(MatterAttorneyRow.matter_id, MatterAttorneyRow.position)
        ):
            responsible[link.matter_id].append(link.attorney_id)
        screened: dict[str, list[str]] = defaultdict(list)
        for screen in self.session.scalars(
            select(MatterScreenRow)
            .where(MatterScreenRow.matter_id.in_(ids))
            .order_by(MatterScreenRow.attorney_id)
        ):
            screened[screen.matter_id].append(screen.attorney_id)
        adverse: dict[str, list[AdversePartyRow]] = defaultdict(list)
        for party in self.session.scalars(
            select(AdversePartyRow)
            .where(AdversePartyRow.matter_id.in_(ids))
            .order_by(AdversePartyRow.id)
        ):
            adverse[party.matter_id].append(party)
        return [
            mapping.matter_to_domain(
                row, tuple(responsible[row.id]), tuple(screened[row.id]), adverse[row.id]
            )
            for row in rows
        ]

    def add(self, matter: Matter) -> None:
        self.cache.wrote()
        self.session.add(
            MatterRow(
                id=matter.id,
                client_id=matter.client_id,
                title=matter.title,
                jurisdiction=matter.jurisdiction,
                practice_area=matter.practice_area,
                court=matter.court,
                opened_on=matter.opened_on,
                status=matter.status,
            )
        )
        self.session.flush()
        for position, attorney_id in enumerate(matter.responsible_attorneys):
            self.session.add(
                MatterAttorneyRow(matter_id=matter.id, attorney_id=attorney_id, position=position)
            )
        for attorney_id in matter.screened_attorneys:
            self.session.add(MatterScreenRow(matter_id=matter.id, attorney_id=attorney_id))
        for party in matter.adverse_parties:
            self.session.add(
                AdversePartyRow(matter_id=matter.id, name=party.name, client_id=party.client_id)
            )
        self.session.flush()

    def update(self, matter: Matter) -> None:
        self.cache.wrote()
        row = self.session.get(MatterRow, matter.id)
        if row is None:
            raise NotFound("matter", matter.id)
        row.client_id = matter.client_id
        row.title = matter.title
        row.jurisdiction = matter.jurisdiction
        row.practice_area = matter.practice_area
        row.court = matter.court
        row.opened_on = matter.opened_on
        row.status = matter.status
        for table in (MatterAttorneyRow, MatterScreenRow, AdversePartyRow):
            self.session.execute(delete(table).where(table.matter_id == matter.id))
        values = [
            {"matter_id": matter.id, "attorney_id": a, "position": i}
            for i, a in enumerate(matter.responsible_attorneys)
        ]
        if values:
            self.session.execute(insert(MatterAttorneyRow), values)
        screens = [{"matter_id": matter.id, "attorney_id": a} for a in matter.screened_attorneys]
        if screens:
            self.session.execute(insert(MatterScreenRow), screens)
        parties = [
            {"matter_id": matter.id, "name": p.name, "client_id": p.client_id}
            for p in matter.adverse_parties
        ]
        if parties:
            self.session.execute(insert(AdversePartyRow), parties)
        self.session.flush()


class SqlRoomRepository(_Repository):
    def get(self, room_id: str) -> Room:
        found = self.cache.fetch("firm", ("room", room_id), lambda: self._get(room_id))
        if found is None:
            raise NotFound("room", room_id)
        return found

    def _get(self, room_id: str) -> Room | None:
        row = self.session.get(RoomRow, room_id)
        return mapping.room_to_domain(row) if row is not None else None

    def list(self) -> list[Room]:
        return list(self.cache.fetch("firm", "rooms", self._list))

    def _list(self) -> tuple[Room, ...]:
        return tuple(
            mapping.room_to_domain(r)
            for r in self.session.scalars(select(RoomRow).order_by(RoomRow.id))
        )

    def add(self, room: Room) -> None:
        self.cache.wrote()
        self.session.add(
            RoomRow(id=room.id, name=room.name, capacity=room.capacity, location=room.location)
        )
        self.session.flush()

    def update(self, room: Room) -> None:
        self.cache.wrote()
        row = self.session.get(RoomRow, room.id)
        if row is None:
            raise NotFound("room", room.id)
        row.name, row.capacity, row.location = room.name, room.capacity, room.location
        self.session.flush()


@functools.cache
def _window_statement(dialect: str, attorneys: bool, rooms: bool, clients: bool) -> Any:
    """The UNION ALL behind ``window_facts`` for one dialect and shape, with bound parameters
    ``lo``, ``hi``, ``now`` and the lists ``attorneys``, ``rooms``, ``clients``."""
    a, at, b, t, h = AppointmentRow, AppointmentAttorneyRow, BusyBlockRow, TimeOffRow, HoldRow
    lo: Any = bindparam("lo")
    hi: Any = bindparam("hi")
    now: Any = bindparam("now")

    def us(column: Any) -> Any:
        return _microseconds(column, dialect)

    def tag(name: str) -> Any:
        return literal_column(f"'{name}'", String).label("kind")

    zero = literal_column("0", Integer)
    none_text = cast(null(), String)
    parts: list[Any] = [
        select(
            tag("h"),
            h.id,
            us(h.starts_at),
            us(h.ends_at),
            zero,
            h.client_id,
            h.room_id,
            cast(h.attorney_ids, Text),
        ).where(h.expires_at > now, h.starts_at < hi, h.ends_at > lo)
    ]
    if attorneys:
        ids: Any = bindparam("attorneys", expanding=True)
        parts.append(
            select(
                tag("a"),
                at.attorney_id,
                us(at.starts_at),
                us(at.ends_at),
                a.buffer_minutes,
                at.appointment_id,
                none_text,
                none_text,
            )
            .join(a, a.id == at.appointment_id)
            .where(
                at.attorney_id.in_(ids),
                at.starts_at < hi,
                at.ends_at > lo,
                at.status != "cancelled",
            )
        )
        for kind, table in (("b", b), ("t", t)):
            parts.append(
                select(
                    tag(kind),
                    table.attorney_id,
                    us(table.starts_at),
                    us(table.ends_at),
                    zero,
                    none_text,
                    none_text,
                    none_text,
                ).where(table.attorney_id.in_(ids), table.starts_at < hi, table.ends_at > lo)
            )
    for wanted, kind, owner, name in (
        (rooms, "r", a.room_id, "rooms"),
        (clients, "c", a.client_id, "clients"),
    ):
        if wanted:
            parts.append(
                select(
                    tag(kind),
                    owner,
                    us(a.starts_at),
                    us(a.ends_at),
                    a.buffer_minutes,
                    a.id,
                    a.room_id,
                    none_text,
                ).where(
                    owner.in_(bindparam(name, expanding=True)),
                    a.starts_at < hi,
                    a.ends_at > lo,
                    a.status != "cancelled",
                )
            )
    if rooms:
        # A closed room is taken for the time it is closed (kind "r" too: it occupies the room).
        rc = RoomClosureRow
        parts.append(
            select(
                tag("r"),
                rc.room_id,
                us(rc.starts_at),
                us(rc.ends_at),
                zero,
                rc.id,
                rc.room_id,
                none_text,
            ).where(
                rc.room_id.in_(bindparam("rooms", expanding=True)),
                rc.starts_at < hi,
                rc.ends_at > lo,
            )
        )
    return union_all(*parts)


# A new appointment and its attendees in one round trip (PostgreSQL). The attendee rows repeat
# the appointment's time and status for the overlap guard; their order is the array's.
_INSERT_APPOINTMENT = text(
    """
WITH made AS (
    INSERT INTO appointments (id, uid, sequence, status, client_id, matter_id, room_id,
        starts_at, ends_at, title, buffer_minutes, priority, video_url, created_at, updated_at)
    VALUES (:id, :uid, :sequence, :status, :client_id, :matter_id, :room_id, :starts_at,
        :ends_at, :title, :buffer_minutes, :priority, :video_url, :created_at, :updated_at)
    RETURNING id, starts_at, ends_at, status
)
INSERT INTO appointment_attorneys (appointment_id, attorney_id, position, starts_at, ends_at,
    status)
SELECT made.id, who.attorney_id, who.position - 1, made.starts_at, made.ends_at, made.status
FROM made, unnest(CAST(:attorneys AS varchar[])) WITH ORDINALITY AS who(attorney_id, position)
"""
).bindparams(
    bindparam("starts_at", type_=UTCDateTime()),
    bindparam("ends_at", type_=UTCDateTime()),
    bindparam("created_at", type_=UTCDateTime()),
    bindparam("updated_at", type_=UTCDateTime()),
)


class SqlAppointmentRepository(_Repository):
    """Appointments and their attendees.

    Attendee rows are written with Core statements (never as ORM objects), so the copies of time
    and status that the database cascades into them are never shadowed by stale ORM state.
    """

    def get(self, appointment_id: str) -> Appointment:
        row = self.session.get(AppointmentRow, appointment_id)
        if row is None:
            raise NotFound("appointment", appointment_id)
        return self._with_attorneys([row])[0]

    def list_between(
        self,
        start: datetime,
        end: datetime,
        *,
        attorney_ids: Sequence[str] | None = None,
        room_ids: Sequence[str] | None = None,
        include_cancelled: bool = False,
    ) -> list[Appointment]:
        query = select(AppointmentRow).where(
            AppointmentRow.starts_at < end, AppointmentRow.ends_at > start
        )
        if not include_cancelled:
            query = query.where(AppointmentRow.status != "cancelled")
        filters = []
        if attorney_ids is not None:
            filters.append(
                AppointmentRow.id.in_(
                    select(AppointmentAttorneyRow.appointment_id).where(
                        AppointmentAttorneyRow.attorney_id.in_(list(attorney_ids)),
                        AppointmentAttorneyRow.starts_at < end,
                        AppointmentAttorneyRow.ends_at > start,
                    )
                )
            )
        if room_ids is not None:
            filters.append(AppointmentRow.room_id.in_(list(room_ids)))
        if filters:
            query = query.where(or_(*filters))
        rows = self.session.scalars(query.order_by(AppointmentRow.starts_at, AppointmentRow.id))
        return self._with_attorneys(list(rows))

    def list_for_client(self, client_id: str) -> list[Appointment]:
        rows = self.session.scalars(
            select(AppointmentRow)
            .where(AppointmentRow.client_id == client_id)
            .order_by(AppointmentRow.starts_at, AppointmentRow.id)
        )
        return self._with_attorneys(list(rows))

    def spans(
        self,
        start: datetime,
        end: datetime,
        *,
        attorney_ids: Sequence[str] = (),
        room_ids: Sequence[str] = (),
        client_ids: Sequence[str] = (),
    ) -> tuple[builtins.list[Span], builtins.list[Span], builtins.list[Span]]:
        """Bare times of active appointments, as integers straight from the database: fast."""
        a, at = AppointmentRow, AppointmentAttorneyRow
        dialect = self.session.get_bind().dialect.name
        by_attorney: builtins.list[Span] = []
        by_room: builtins.list[Span] = []
        by_client: builtins.list[Span] = []
        if attorney_ids:
            rows = self.session.execute(
                select(
                    at.attorney_id,
                    _microseconds(at.starts_at, dialect),
                    _microseconds(at.ends_at, dialect),
                    a.buffer_minutes,
                    at.appointment_id,
                )
                .join(a, a.id == at.appointment_id)
                .where(
                    at.attorney_id.in_(list(attorney_ids)),
                    at.starts_at < end,
                    at.ends_at > start,
                    at.status != "cancelled",
                )
            )
            by_attorney = [Span(o, s, e, b, i) for o, s, e, b, i in rows]
        if room_ids:
            rows = self.session.execute(
                select(
                    a.room_id,
                    _microseconds(a.starts_at, dialect),
                    _microseconds(a.ends_at, dialect),
                    a.buffer_minutes,
                    a.id,
                ).where(
                    a.room_id.in_(list(room_ids)),
                    a.starts_at < end,
                    a.ends_at > start,
                    a.status != "cancelled",
                )
            )
            by_room = [Span(o, s, e, b, i, o) for o, s, e, b, i in rows]
        if client_ids:
            with_room = self.session.execute(
                select(
                    a.client_id,
                    _microseconds(a.starts_at, dialect),
                    _microseconds(a.ends_at, dialect),
                    a.buffer_minutes,
                    a.id,
                    a.room_id,
                ).where(
                    a.client_id.in_(list(client_ids)),
                    a.starts_at < end,
                    a.ends_at > start,
                    a.status != "cancelled",
                )
            )
            by_client = [Span(o, s, e, b, i, r) for o, s, e, b, i, r in with_room]
        return by_attorney, by_room, by_client

    def window_facts(
        self,
        start: datetime,
        end: datetime,
        now: datetime,
        *,
        attorney_ids: Sequence[str] = (),
        room_ids: Sequence[str] = (),
        client_ids: Sequence[str] = (),
    ) -> WindowFacts:
        """Meetings, busy blocks, time off and holds around a window: one UNION ALL statement
        (built once per shape), integers straight from the database."""
        dialect = self.session.get_bind().dialect.name
        statement = _window_statement(dialect, bool(attorney_ids), bool(room_ids), bool(client_ids))
        params: dict[str, Any] = {"lo": start, "hi": end, "now": now}
        if attorney_ids:
            params["attorneys"] = builtins.list(attorney_ids)
        if room_ids:
            params["rooms"] = builtins.list(room_ids)
        if client_ids:
            params["clients"] = builtins.list(client_ids)
        found = WindowFacts([], [], [], [], [], [])
        lists: dict[str, builtins.list[Any]] = {
            "a": found.by_attorney,
            "r": found.by_room,
            "c": found.by_client,
            "b": found.busy,
            "t": found.time_off,
        }
        for kind, owner, s, e, buffer, ref, room, extra in self.session.execute(
            statement, params
        ).all():
            if kind == "h":
                found.holds.append(
                    HeldSpan(owner, s, e, tuple(json.loads(extra or "[]")), ref, room)
                )
            else:
                lists[kind].append((owner, s, e, buffer or 0, ref or "", room))
        return found

    def _with_attorneys(self, rows: list[AppointmentRow]) -> list[Appointment]:
        if not rows:
            return []
        attendees: dict[str, list[str]] = defaultdict(list)
        links = self.session.execute(
            select(AppointmentAttorneyRow.appointment_id, AppointmentAttorneyRow.attorney_id)
            .where(AppointmentAttorneyRow.appointment_id.in_([r.id for r in rows]))
            .order_by(AppointmentAttorneyRow.appointment_id, AppointmentAttorneyRow.position)
        )
        for appointment_id, attorney_id in links:
            attendees[appointment_id].append(attorney_id)
        return [mapping.appointment_to_domain(r, tuple(attendees[r.id])) for r in rows]

    def add(self, appointment: Appointment) -> None:
        """Insert the appointment; the database refuses it if it overlaps (``OverlapRefused``)."""
        assert appointment.created_at is not None and appointment.updated_at is not None
        with self._guarded(appointment):
            self.session.execute(
                insert(AppointmentRow).values(
                    id=appointment.id,
                    uid=appointment.uid,
                    sequence=appointment.sequence,
                    status=appointment.status.value,
                    client_id=appointment.client_id,
                    matter_id=appointment.matter_id,
                    room_id=appointment.room_id,
                    starts_at=appointment.starts_at,
                    ends_at=appointment.ends_at,
                    title=appointment.title,
                    buffer_minutes=appointment.buffer_minutes,
                    priority=appointment.priority,
                    video_url=appointment.video_url,
                    created_at=appointment.created_at,
                    updated_at=appointment.updated_at,
                )
            )
            self._insert_attendees(appointment, appointment.attorney_ids)

    def add_or_abort(self, appointment: Appointment) -> None:
        """The appointment and its attendee rows: on PostgreSQL one statement (a data-modifying
        WITH), no savepoint; a refusal rolls the whole transaction back. On SQLite, :meth:`add`
        (a savepoint costs nothing in-process)."""
        if self.session.get_bind().dialect.name != "postgresql":
            self.add(appointment)
            return
        assert appointment.created_at is not None and appointment.updated_at is not None
        params: dict[str, Any] = {
            "id": appointment.id,
            "uid": appointment.uid,
            "sequence": appointment.sequence,
            "status": appointment.status.value,
            "client_id": appointment.client_id,
            "matter_id": appointment.matter_id,
            "room_id": appointment.room_id,
            "starts_at": appointment.starts_at,
            "ends_at": appointment.ends_at,
            "title": appointment.title,
            "buffer_minutes": appointment.buffer_minutes,
            "priority": appointment.priority,
            "video_url": appointment.video_url,
            "created_at": appointment.created_at,
            "updated_at": appointment.updated_at,
            "attorneys": list(appointment.attorney_ids),
        }
        try:
            self.session.execute(_INSERT_APPOINTMENT, params)
        except IntegrityError as error:
            self.session.rollback()
            resource = overlap_resource(error)
            if resource is None:
                raise
            who = ", ".join(appointment.attorney_ids)
            raise OverlapRefused(
                f"room {appointment.room_id}" if resource == "room" else f"attorney {who}"
            ) from None

    def update(self, appointment: Appointment) -> None:
        """Write a changed appointment (time, attendees, room, status), under the same guard."""
        row = self.session.get(AppointmentRow, appointment.id)
        if row is None:
            raise NotFound("appointment", appointment.id)
        if row.uid != appointment.uid:
            raise Conflict("An appointment's UID never changes.")
        with self._guarded(appointment):
            current = set(
                self.session.scalars(
                    select(AppointmentAttorneyRow.attorney_id).where(
                        AppointmentAttorneyRow.appointment_id == appointment.id
                    )
                )
            )
            wanted = set(appointment.attorney_ids)
            if current - wanted:
                self.session.execute(
                    delete(AppointmentAttorneyRow).where(
                        AppointmentAttorneyRow.appointment_id == appointment.id,
                        AppointmentAttorneyRow.attorney_id.in_(current - wanted),
                    )
                )
            mapping.appointment_fill_row(row, appointment)
            self.session.flush()  # time and status cascade to the remaining attendee rows
            for position, attorney_id in enumerate(appointment.attorney_ids):
                if attorney_id in current:
                    self.session.execute(
                        update(AppointmentAttorneyRow)
                        .where(
                            AppointmentAttorneyRow.appointment_id == appointment.id,
                            AppointmentAttorneyRow.attorney_id == attorney_id,
                        )
                        .values(position=position)
                    )
            self._insert_attendees(
                appointment, [a for a in appointment.attorney_ids if a not in current]
            )

    def _insert_attendees(self, appointment: Appointment, attorney_ids: Sequence[str]) -> None:
        if not attorney_ids:
            return
        order = {a: i for i, a in enumerate(appointment.attorney_ids)}
        self.session.execute(
            insert(AppointmentAttorneyRow),
            [
                {
                    "appointment_id": appointment.id,
                    "attorney_id": attorney_id,
                    "position": order[attorney_id],
                    "starts_at": appointment.starts_at,
                    "ends_at": appointment.ends_at,
                    "status": appointment.status.value,
                }
                for attorney_id in attorney_ids
            ],
        )

    def _guarded(self, appointment: Appointment) -> _OverlapGuard:
        return _OverlapGuard(self.session, appointment)


class _OverlapGuard:
    """Runs a write in a savepoint and turns the database's overlap refusal into OverlapRefused.

    The savepoint keeps the surrounding transaction usable after a refusal (PostgreSQL would
    otherwise abort it).
    """

    def __init__(self, session: Session, appointment: Appointment) -> None:
        self.session = session
        self.appointment = appointment

    def __enter__(self) -> None:
        self._savepoint = self.session.begin_nested()

    def __exit__(self, exc_type: object, exc: BaseException | None, tb: object) -> Literal[False]:
        if exc is None:
            self._savepoint.commit()
            return False
        self._savepoint.rollback()
        if isinstance(exc, IntegrityError):
            resource = overlap_resource(exc)
            if resource == "room":
                raise OverlapRefused(
                    f"room {self.appointment.room_id}",
                ) from None
            if resource == "attorney":
                who = ", ".join(self.appointment.attorney_ids)
                raise OverlapRefused(
                    f"attorney {who}"
                    if len(self.appointment.attorney_ids) == 1
                    else f"attorneys {who}"
                ) from None
        return False


class SqlBusyRepository(_Repository):
    def list_between(
        self, start: datetime, end: datetime, *, attorney_ids: Sequence[str] | None = None
    ) -> list[BusyBlock]:
        query = select(BusyBlockRow).where(
            BusyBlockRow.starts_at < end, BusyBlockRow.ends_at > start
        )
        if attorney_ids is not None:
            query = query.where(BusyBlockRow.attorney_id.in_(list(attorney_ids)))
        rows = self.session.scalars(
            query.order_by(BusyBlockRow.attorney_id, BusyBlockRow.starts_at)
        )
        return [mapping.busy_to_domain(r) for r in rows]

    def add_source(self, source_id: str, attorney_id: str, kind: str, label: str = "") -> None:
        if self.session.get(CalendarSourceRow, source_id) is not None:
            return
        self.session.add(
            CalendarSourceRow(
                id=source_id,
                attorney_id=attorney_id,
                kind=kind,
                label=label,
                created_at=_recorded_at(),
            )
        )
        self.session.flush()

    def spans(
        self, start: datetime, end: datetime, attorney_ids: Sequence[str]
    ) -> builtins.list[Span]:
        """Busy blocks as bare spans, integers straight from the database (fast)."""
        if not attorney_ids:
            return []
        dialect = self.session.get_bind().dialect.name
        b = BusyBlockRow
        rows = self.session.execute(
            select(
                b.attorney_id,
                _microseconds(b.starts_at, dialect),
                _microseconds(b.ends_at, dialect),
            ).where(
                b.attorney_id.in_(list(attorney_ids)),
                b.starts_at < end,
                b.ends_at > start,
            )
        )
        return [Span(o, s, e) for o, s, e in rows]

    def replace_source(self, source_id: str, blocks: Iterable[BusyBlock]) -> int:
        """Swap every block of one source for a new set, inside the caller's transaction."""
        self.session.execute(delete(BusyBlockRow).where(BusyBlockRow.source_id == source_id))
        values = [
            {
                "attorney_id": b.attorney_id,
                "source_id": source_id,
                "starts_at": b.starts_at,
                "ends_at": b.ends_at,
            }
            for b in blocks
        ]
        if values:
            self.session.execute(insert(BusyBlockRow), values)
        return len(values)

    def save_source(self, source: CalendarSource) -> None:
        row = self.session.get(CalendarSourceRow, source.id)
        if row is None:
            row = CalendarSourceRow(id=source.id)
            self.session.add(row)
        mapping.calendar_source_fill_row(row, source)
        self.session.flush()

    def get_source(self, source_id: str) -> CalendarSource:
        row = self.session.get(CalendarSourceRow, source_id)
        if row is None:
            raise NotFound("calendar source", source_id)
        return mapping.calendar_source_to_domain(row)

    def list_sources(self, *, attorney_id: str | None = None) -> list[CalendarSource]:
        query = select(CalendarSourceRow).order_by(
            CalendarSourceRow.attorney_id, CalendarSourceRow.id
        )
        if attorney_id is not None:
            query = query.where(CalendarSourceRow.attorney_id == attorney_id)
        return [mapping.calendar_source_to_domain(r) for r in self.session.scalars(query)]

    def remove_source(self, source_id: str) -> None:
        row = self.session.get(CalendarSourceRow, source_id)
        if row is None:
            raise NotFound("calendar source", source_id)
        self.session.execute(delete(BusyBlockRow).where(BusyBlockRow.source_id == source_id))
        self.session.delete(row)
        self.session.flush()

    def count_blocks(self, source_id: str) -> int:
        count = self.session.scalar(
            select(func.count())
            .select_from(BusyBlockRow)
            .where(BusyBlockRow.source_id == source_id)
        )
        return int(count or 0)


class SqlTimeOffRepository(_Repository):
    def list_between(
        self, start: datetime, end: datetime, *, attorney_ids: Sequence[str] | None = None
    ) -> list[TimeOff]:
        query = select(TimeOffRow).where(TimeOffRow.starts_at < end, TimeOffRow.ends_at > start)
        if attorney_ids is not None:
            query = query.where(TimeOffRow.attorney_id.in_(list(attorney_ids)))
        rows = self.session.scalars(query.order_by(TimeOffRow.starts_at))
        return [mapping.time_off_to_domain(r) for r in rows]

    def add(self, time_off: TimeOff) -> None:
        self.session.add(
            TimeOffRow(
                id=time_off.id,
                attorney_id=time_off.attorney_id,
                starts_at=time_off.starts_at,
                ends_at=time_off.ends_at,
                reason=time_off.reason,
                created_at=_recorded_at(),
            )
        )
        self.session.flush()

    def get(self, time_off_id: str) -> TimeOff:
        row = self.session.get(TimeOffRow, time_off_id)
        if row is None:
            raise NotFound("time off", time_off_id)
        return mapping.time_off_to_domain(row)

    def delete(self, time_off_id: str) -> None:
        row = self.session.get(TimeOffRow, time_off_id)
        if row is None:
            raise NotFound("time off", time_off_id)
        self.session.delete(row)
        self.session.flush()


class SqlRoomClosureRepository(_Repository):
    def list_between(
        self, start: datetime, end: datetime, *, room_ids: Sequence[str] | None = None
    ) -> list[RoomClosure]:
        query = select(RoomClosureRow).where(
            RoomClosureRow.starts_at < end, RoomClosureRow.ends_at > start
        )
        if room_ids is not None:
            query = query.where(RoomClosureRow.room_id.in_(list(room_ids)))
        rows = self.session.scalars(query.order_by(RoomClosureRow.starts_at))
        return [mapping.room_closure_to_domain(r) for r in rows]

    def add(self, closure: RoomClosure) -> None:
        self.session.add(
            RoomClosureRow(
                id=closure.id,
                room_id=closure.room_id,
                starts_at=closure.starts_at,
                ends_at=closure.ends_at,
                reason=closure.reason,
                created_at=_recorded_at(),
            )
        )
        self.session.flush()

    def get(self, closure_id: str) -> RoomClosure:
        row = self.session.get(RoomClosureRow, closure_id)
        if row is None:
            raise NotFound("room closure", closure_id)
        return mapping.room_closure_to_domain(row)

    def delete(self, closure_id: str) -> None:
        row = self.session.get(RoomClosureRow, closure_id)
        if row is None:
            raise NotFound("room closure", closure_id)
        self.session.delete(row)
        self.session.flush()


class SqlHoldRepository(_Repository):
    def add(self, hold: Hold) -> None:
        self.session.add(
            HoldRow(
                id=hold.id,
                client_id=hold.client_id,
                attorney_ids=list(hold.attorney_ids),
                room_id=hold.room_id,
                starts_at=hold.starts_at,
                ends_at=hold.ends_at,
                expires_at=hold.expires_at,
                created_by=hold.created_by,
                created_at=hold.created_at,
            )
        )
        self.session.flush()

    def get(self, hold_id: str) -> Hold:
        row = self.session.get(HoldRow, hold_id)
        if row is None:
            raise NotFound("hold", hold_id)
        return mapping.hold_to_domain(row)

    def list_active(self, start: datetime, end: datetime, now: datetime) -> list[Hold]:
        rows = self.session.scalars(
            select(HoldRow)
            .where(HoldRow.expires_at > now, HoldRow.starts_at < end, HoldRow.ends_at > start)
            .order_by(HoldRow.starts_at, HoldRow.id)
        )
        return [mapping.hold_to_domain(r) for r in rows]

    def delete(self, hold_id: str) -> None:
        self.session.execute(delete(HoldRow).where(HoldRow.id == hold_id))

    def purge_expired(self, now: datetime) -> int:
        result = self.session.execute(delete(HoldRow).where(HoldRow.expires_at <= now))
        return int(getattr(result, "rowcount", 0) or 0)


class SqlClosedDayRepository(_Repository):
    def list(self, *, start: date | None = None, end: date | None = None) -> list[ClosedDay]:
        return [
            c
            for c in self.cache.fetch("firm", "closed_days", self._all)
            if (start is None or c.day >= start) and (end is None or c.day <= end)
        ]

    def _all(self) -> tuple[ClosedDay, ...]:
        query = select(ClosedDayRow).order_by(ClosedDayRow.day)
        return tuple(mapping.closed_day_to_domain(r) for r in self.session.scalars(query))

    def add(self, closed: ClosedDay) -> None:
        self.cache.wrote()
        if self.session.get(ClosedDayRow, closed.day) is not None:
            raise Conflict(f"{closed.day.isoformat()} is already a closed day.")
        self.session.add(ClosedDayRow(day=closed.day, reason=closed.reason))
        self.session.flush()

    def delete(self, day: date) -> None:
        self.cache.wrote()
        row = self.session.get(ClosedDayRow, day)
        if row is None:
            raise NotFound("closed day", day.isoformat())
        self.session.delete(row)
        self.session.flush()


class SqlDocketRepository(_Repository):
    def list_deadlines(
        self,
        *,
        matter_id: str | None = None,
        due_from: date | None = None,
        due_to: date | None = None,
    ) -> list[Deadline]:
        query = select(DeadlineRow).order_by(DeadlineRow.due_on, DeadlineRow.id)
        if matter_id is not None:
            query = query.where(DeadlineRow.matter_id == matter_id)
        if due_from is not None:
            query = query.where(DeadlineRow.due_on >= due_from)
        if due_to is not None:
            query = query.where(DeadlineRow.due_on <= due_to)
        rows = list(self.session.scalars(query))
        responsible: dict[str, list[str]] = defaultdict(list)
        if rows:
            for link in self.session.scalars(
                select(MatterAttorneyRow)
                .where(MatterAttorneyRow.matter_id.in_({r.matter_id for r in rows}))
                .order_by(MatterAttorneyRow.position)
            ):
                responsible[link.matter_id].append(link.attorney_id)
        return [mapping.deadline_to_domain(r, tuple(responsible[r.matter_id])) for r in rows]

    def add_deadline(self, deadline: Deadline) -> None:
        self.session.add(
            DeadlineRow(
                id=deadline.id,
                matter_id=deadline.matter_id,
                trigger_id=deadline.trigger_id,
                rule_id=deadline.rule_id,
                title=deadline.title,
                due_on=deadline.due_on,
                jurisdiction=deadline.jurisdiction,
                steps=list(deadline.steps),
                citations=list(deadline.citations),
                status=deadline.status,
            )
        )
        self.session.flush()

    def add_trigger(self, trigger: TriggerEvent) -> None:
        self.session.add(
            TriggerEventRow(
                id=trigger.id,
                matter_id=trigger.matter_id,
                event=trigger.event,
                occurred_on=trigger.occurred_on,
                jurisdiction=trigger.jurisdiction,
                service=trigger.service,
                note=trigger.note,
                created_at=_recorded_at(),
            )
        )
        self.session.flush()

    def get_trigger(self, trigger_id: str) -> TriggerEvent:
        row = self.session.get(TriggerEventRow, trigger_id)
        if row is None:
            raise NotFound("trigger event", trigger_id)
        return mapping.trigger_to_domain(row)

    def list_triggers(self, *, matter_id: str | None = None) -> list[TriggerEvent]:
        query = select(TriggerEventRow).order_by(
            TriggerEventRow.occurred_on, TriggerEventRow.created_at, TriggerEventRow.id
        )
        if matter_id is not None:
            query = query.where(TriggerEventRow.matter_id == matter_id)
        return [mapping.trigger_to_domain(r) for r in self.session.scalars(query)]

    def update_trigger(self, trigger: TriggerEvent) -> None:
        row = self.session.get(TriggerEventRow, trigger.id)
        if row is None:
            raise NotFound("trigger event", trigger.id)
        row.event = trigger.event
        row.occurred_on = trigger.occurred_on
        row.jurisdiction = trigger.jurisdiction
        row.service = trigger.service
        row.note = trigger.note
        self.session.flush()

    def remove_deadlines(self, *, trigger_id: str) -> int:
        result = self.session.execute(
            delete(DeadlineRow).where(DeadlineRow.trigger_id == trigger_id)
        )
        self.session.flush()
        return int(getattr(result, "rowcount", 0) or 0)

    def list_closures(self, *, jurisdiction: str | None = None) -> list[CourtClosure]:
        query = select(CourtClosureRow).order_by(
            CourtClosureRow.closed_on, CourtClosureRow.jurisdiction
        )
        if jurisdiction is not None:
            query = query.where(CourtClosureRow.jurisdiction == jurisdiction)
        return [
            CourtClosure(r.jurisdiction, r.closed_on, r.reason) for r in self.session.scalars(query)
        ]

    def add_closure(self, closure: CourtClosure) -> None:
        if self.session.get(CourtClosureRow, (closure.jurisdiction, closure.closed_on)):
            raise Conflict(
                f"A closure of {closure.jurisdiction} courts on {closure.closed_on} is already "
                "recorded."
            )
        self.session.add(
            CourtClosureRow(
                jurisdiction=closure.jurisdiction,
                closed_on=closure.closed_on,
                reason=closure.reason,
                created_at=_recorded_at(),
            )
        )
        self.session.flush()

    def remove_closure(self, jurisdiction: str, closed_on: date) -> None:
        row = self.session.get(CourtClosureRow, (jurisdiction, closed_on))
        if row is None:
            raise NotFound("court closure", f"{jurisdiction} {closed_on.isoformat()}")
        self.session.delete(row)
        self.session.flush()

    def remove_trigger(self, trigger_id: str) -> None:
        self.remove_deadlines(trigger_id=trigger_id)
        result = self.session.execute(
            delete(TriggerEventRow).where(TriggerEventRow.id == trigger_id)
        )
        if not getattr(result, "rowcount", 0):
            raise NotFound("trigger event", trigger_id)
        self.session.flush()


class SqlAuditRepository(_Repository):
    def record(self, entry: AuditEntry) -> None:
        self.session.execute(
            insert(AuditRow).values(
                at=entry.at,
                actor=entry.actor,
                action=entry.action,
                entity_type=entry.entity_type,
                entity_id=entry.entity_id,
                detail=entry.detail,
            )
        )

    def list(
        self, *, entity_type: str | None = None, entity_id: str | None = None, limit: int = 100
    ) -> list[AuditEntry]:
        query = select(AuditRow).order_by(AuditRow.id.desc()).limit(limit)
        if entity_type is not None:
            query = query.where(AuditRow.entity_type == entity_type)
        if entity_id is not None:
            query = query.where(AuditRow.entity_id == entity_id)
        return [mapping.audit_to_domain(r) for r in self.session.scalars(query)]


class SqlApiKeyRepository(_Repository):
    def add(self, key: ApiKey) -> None:
        self.cache.wrote()
        self.session.add(
            ApiKeyRow(
                id=key.id,
                role=key.role.value,
                key_hash=key.key_hash,
                attorney_id=key.attorney_id,
                client_id=key.client_id,
                label=key.label,
                created_at=key.created_at,
                revoked_at=key.revoked_at,
            )
        )
        self.session.flush()

    def get(self, key_id: str) -> ApiKey:
        row = self.session.get(ApiKeyRow, key_id)
        if row is None:
            raise NotFound("API key", key_id)
        return mapping.api_key_to_domain(row)

    def find_by_hash(self, key_hash: str) -> ApiKey | None:
        # Unknown keys are not kept (a stream of made-up keys must not fill the cache).
        return self.cache.fetch(
            "api_keys", ("hash", key_hash), lambda: self._find_by_hash(key_hash), keep_none=False
        )

    def _find_by_hash(self, key_hash: str) -> ApiKey | None:
        row = self.session.scalar(select(ApiKeyRow).where(ApiKeyRow.key_hash == key_hash))
        return mapping.api_key_to_domain(row) if row is not None else None

    def list(self) -> list[ApiKey]:
        rows = self.session.scalars(select(ApiKeyRow).order_by(ApiKeyRow.created_at, ApiKeyRow.id))
        return [mapping.api_key_to_domain(r) for r in rows]

    def revoke(self, key_id: str, at: datetime) -> None:
        self.cache.wrote()
        row = self.session.get(ApiKeyRow, key_id)
        if row is None:
            raise NotFound("API key", key_id)
        if row.revoked_at is None:
            row.revoked_at = at
        self.session.flush()


class SqlFeedTokenRepository(_Repository):
    def add(self, token: FeedToken) -> None:
        self.session.add(
            FeedTokenRow(
                id=token.id,
                kind=token.kind.value,
                subject_id=token.subject_id,
                token_hash=token.token_hash,
                created_at=token.created_at,
                revoked_at=token.revoked_at,
            )
        )
        self.session.flush()

    def find_by_hash(self, token_hash: str) -> FeedToken | None:
        row = self.session.scalar(select(FeedTokenRow).where(FeedTokenRow.token_hash == token_hash))
        return mapping.feed_token_to_domain(row) if row is not None else None

    def list(self) -> list[FeedToken]:
        rows = self.session.scalars(select(FeedTokenRow).order_by(FeedTokenRow.created_at))
        return [mapping.feed_token_to_domain(r) for r in rows]

    def get(self, token_id: str) -> FeedToken:
        row = self.session.get(FeedTokenRow, token_id)
        if row is None:
            raise NotFound("feed token", token_id)
        return mapping.feed_token_to_domain(row)

    def revoke(self, token_id: str, at: datetime) -> None:
        row = self.session.get(FeedTokenRow, token_id)
        if row is None:
            raise NotFound("feed token", token_id)
        if row.revoked_at is None:
            row.revoked_at = at
        self.session.flush()


class SqlIdempotencyRepository(_Repository):
    def get(self, scope: str, key: str) -> IdempotencyRecord | None:
        row = self.session.get(IdempotencyKeyRow, (scope, key))
        return mapping.idempotency_to_domain(row) if row is not None else None

    def save(self, record: IdempotencyRecord) -> None:
        self.session.execute(
            insert(IdempotencyKeyRow).values(
                scope=record.scope,
                key=record.key,
                request_hash=record.request_hash,
                status_code=record.status_code,
                response_body=record.response_body,
                created_at=record.created_at,
            )
        )


class SqlOutboxRepository(_Repository):
    def add(self, message: OutboxMessage) -> bool:
        """One INSERT ... ON CONFLICT DO NOTHING: a message already queued (by this or a
        concurrent transaction) is left as it is."""
        dialect = self.session.get_bind().dialect.name
        upsert = pg_insert if dialect == "postgresql" else sqlite_insert
        result = self.session.execute(
            upsert(OutboxRow).values(**self._values(message)).on_conflict_do_nothing()
        )
        return bool(getattr(result, "rowcount", 0))

    def add_many(self, messages: Sequence[OutboxMessage]) -> None:
        """One multi-row INSERT ... ON CONFLICT DO NOTHING for all of them."""
        if not messages:
            return
        dialect = self.session.get_bind().dialect.name
        upsert = pg_insert if dialect == "postgresql" else sqlite_insert
        self.session.execute(
            upsert(OutboxRow).on_conflict_do_nothing(), [self._values(m) for m in messages]
        )

    @staticmethod
    def _values(message: OutboxMessage) -> dict[str, Any]:
        return {
            "id": message.id,
            "kind": message.kind.value,
            "dedupe_key": message.dedupe_key,
            "recipient": message.recipient,
            "subject_id": message.subject_id,
            "payload": dict(message.payload),
            "due_at": message.due_at,
            "status": message.status,
            "attempts": message.attempts,
            "lease_until": message.lease_until,
            "last_error": message.last_error,
            "message_id": message.message_id,
            "created_at": message.created_at,
            "sent_at": message.sent_at,
        }

    def list(
        self,
        *,
        status: str | None = None,
        subject_id: str | None = None,
        limit: int = 1000,
    ) -> builtins.list[OutboxMessage]:
        query = select(OutboxRow).order_by(OutboxRow.due_at, OutboxRow.id).limit(limit)
        if status is not None:
            query = query.where(OutboxRow.status == status)
        if subject_id is not None:
            query = query.where(OutboxRow.subject_id == subject_id)
        return [mapping.outbox_to_domain(r) for r in self.session.scalars(query)]

    def cancel_pending(
        self, subject_id: str, kinds: Sequence[MessageKind], *, recipient: str | None = None
    ) -> int:
        query = (
            update(OutboxRow)
            .where(
                OutboxRow.subject_id == subject_id,
                # A message being sent right now is withdrawn too: its dispatcher checks again
                # just before sending.
                OutboxRow.status.in_(("pending", "sending")),
                OutboxRow.kind.in_([k.value for k in kinds]),
            )
            .values(status="cancelled")
        )
        if recipient is not None:
            query = query.where(OutboxRow.recipient == recipient)
        result = self.session.execute(query)
        return int(getattr(result, "rowcount", 0) or 0)

    def claim_due(
        self, now: datetime, *, limit: int, lease_until: datetime
    ) -> builtins.list[OutboxMessage]:
        due = (
            select(OutboxRow)
            .where(
                OutboxRow.due_at <= now,
                or_(
                    OutboxRow.status == "pending",
                    OutboxRow.status == "sending",
                ),
                or_(OutboxRow.lease_until.is_(None), OutboxRow.lease_until <= now),
            )
            .order_by(OutboxRow.due_at, OutboxRow.id)
            .limit(limit)
        )
        if self.session.get_bind().dialect.name == "postgresql":
            due = due.with_for_update(skip_locked=True)
        rows = list(self.session.scalars(due))
        for row in rows:
            row.status = "sending"
            row.attempts += 1
            row.lease_until = lease_until
        self.session.flush()
        return [mapping.outbox_to_domain(r) for r in rows]

    def mark_sent(self, message_id: str, at: datetime) -> None:
        self.session.execute(
            update(OutboxRow)
            .where(OutboxRow.id == message_id)
            .values(status="sent", sent_at=at, lease_until=None, last_error=None)
        )

    def mark_retry(self, message_id: str, error: str, not_before: datetime) -> None:
        self.session.execute(
            update(OutboxRow)
            .where(OutboxRow.id == message_id, OutboxRow.status == "sending")
            .values(status="pending", lease_until=not_before, last_error=error[:2000])
        )

    def mark_failed(self, message_id: str, error: str) -> None:
        self.session.execute(
            update(OutboxRow)
            .where(OutboxRow.id == message_id)
            .values(status="failed", lease_until=None, last_error=error[:2000])
        )

    def get(self, message_id: str) -> OutboxMessage:
        row = self.session.get(OutboxRow, message_id)
        if row is None:
            raise NotFound("message", message_id)
        return mapping.outbox_to_domain(row)


class SqlScheduleJobRepository(_Repository):
    def add(self, job: ScheduleJob) -> None:
        self.session.add(
            ScheduleJobRow(
                id=job.id,
                status=job.status.value,
                problem=dict(job.problem),
                time_limit_seconds=job.time_limit_seconds,
                workers=job.workers,
                seed=job.seed,
                created_at=job.created_at,
                created_by=job.created_by,
                started_at=job.started_at,
                finished_at=job.finished_at,
                result=dict(job.result) if job.result is not None else None,
                error=job.error,
            )
        )
        self.session.flush()

    def get(self, job_id: str) -> ScheduleJob:
        row = self.session.get(ScheduleJobRow, job_id)
        if row is None:
            raise NotFound("scheduling job", job_id)
        return ScheduleJob(
            id=row.id,
            status=ScheduleJobStatus(row.status),
            problem=row.problem,
            time_limit_seconds=row.time_limit_seconds,
            workers=row.workers,
            seed=row.seed,
            created_at=row.created_at,
            created_by=row.created_by,
            started_at=row.started_at,
            finished_at=row.finished_at,
            result=row.result,
            error=row.error,
        )

    def claim(self, job_id: str, at: datetime) -> bool:
        claimed = self.session.execute(
            update(ScheduleJobRow)
            .where(
                ScheduleJobRow.id == job_id,
                ScheduleJobRow.status == ScheduleJobStatus.QUEUED.value,
            )
            .values(status=ScheduleJobStatus.RUNNING.value, started_at=at)
        )
        return bool(getattr(claimed, "rowcount", 0))

    def finish(
        self, job_id: str, at: datetime, *, result: Mapping[str, Any] | None, error: str | None
    ) -> None:
        row = self.session.get(ScheduleJobRow, job_id)
        if row is None:
            raise NotFound("scheduling job", job_id)
        row.status = (ScheduleJobStatus.FAILED if error else ScheduleJobStatus.DONE).value
        row.finished_at = at
        row.result = dict(result) if result is not None else None
        row.error = error
        self.session.flush()


class SqlBookingLinkRepository(_Repository):
    def add(self, link: BookingLink) -> None:
        self.session.add(mapping.booking_link_to_row(link))
        self.session.flush()

    def get(self, link_id: str) -> BookingLink:
        row = self.session.get(BookingLinkRow, link_id)
        if row is None:
            raise NotFound("booking link", link_id)
        return mapping.booking_link_to_domain(row)

    def find_by_hash(self, token_hash: str) -> BookingLink | None:
        row = self.session.scalar(
            select(BookingLinkRow).where(BookingLinkRow.token_hash == token_hash)
        )
        return mapping.booking_link_to_domain(row) if row is not None else None

    def list(self, *, client_id: str | None = None) -> builtins.list[BookingLink]:
        query = select(BookingLinkRow).order_by(BookingLinkRow.created_at, BookingLinkRow.id)
        if client_id is not None:
            query = query.where(BookingLinkRow.client_id == client_id)
        return [mapping.booking_link_to_domain(r) for r in self.session.scalars(query)]

    def update(self, link: BookingLink) -> None:
        row = self.session.get(BookingLinkRow, link.id)
        if row is None:
            raise NotFound("booking link", link.id)
        row.appointment_id = link.appointment_id
        row.revoked_at = link.revoked_at
        self.session.flush()


class SqlWebSessionRepository(_Repository):
    def add(self, session: WebSession) -> None:
        self.session.add(
            WebSessionRow(
                id=session.id,
                token_hash=session.token_hash,
                api_key_id=session.api_key_id,
                created_at=session.created_at,
                expires_at=session.expires_at,
                revoked_at=session.revoked_at,
            )
        )
        self.session.flush()

    def find_by_hash(self, token_hash: str) -> WebSession | None:
        row = self.session.scalar(
            select(WebSessionRow).where(WebSessionRow.token_hash == token_hash)
        )
        return mapping.web_session_to_domain(row) if row is not None else None

    def revoke(self, session_id: str, at: datetime) -> None:
        row = self.session.get(WebSessionRow, session_id)
        if row is None:
            raise NotFound("session", session_id)
        if row.revoked_at is None:
            row.revoked_at = at
        self.session.flush()

    def purge_expired(self, now: datetime) -> int:
        result = self.session.execute(
            delete(WebSessionRow).where(
                or_(WebSessionRow.expires_at <= now, WebSessionRow.revoked_at.is_not(None))
            )
        )
        return int(getattr(result, "rowcount", 0) or 0)


_NOW_US = {
    "postgresql": "CAST(EXTRACT(EPOCH FROM clock_timestamp()) * 1000000 AS BIGINT)",
    "sqlite": "CAST((julianday('now') - 2440587.5) * 86400000000 AS INTEGER)",
}
# The sliding window's arithmetic, shared by both counting statements: a hit in the current
# window adds one; the first hit of a new window keeps the last window's count as "previous".
_RATE_UPSERT = """
ON CONFLICT (kind, subject) DO UPDATE SET
    previous_hits = CASE
        WHEN rate_limits.window_start >= excluded.window_start THEN rate_limits.previous_hits
        WHEN rate_limits.window_start = excluded.window_start - :w THEN rate_limits.hits
        ELSE 0 END,
    hits = CASE
        WHEN rate_limits.window_start >= excluded.window_start THEN rate_limits.hits + 1
        ELSE 1 END,
    window_start = CASE
        WHEN rate_limits.window_start > excluded.window_start THEN rate_limits.window_start
        ELSE excluded.window_start END,
    touched_us = excluded.touched_us
RETURNING hits, previous_hits, window_start, touched_us
"""
_RATE_HIT = (
    """
INSERT INTO rate_limits (kind, subject, window_start, hits, previous_hits, touched_us)
SELECT :kind, :subject, (n.us / 1000000 / :w) * :w, 1, 0, n.us
FROM (SELECT {now} AS us{relax}) AS n
WHERE true"""
    + _RATE_UPSERT
)
# A counter is not firm data: on PostgreSQL a statement that is its own transaction (autocommit)
# does not wait for its commit to reach the disk (losing the last few hits in a crash is
# harmless). Inside a caller's transaction this would apply to the whole transaction, so it is
# only added when the statement commits by itself.
_RELAX = ", set_config('synchronous_commit', 'off', true) AS relaxed"


# PostgreSQL: count a live API key's request and read the cache versions, one round trip. The
# subject is the key's label as ``Actor.label`` spells it ("key:ID (role)").
_KEY_HIT = text(
    """
WITH k AS (
    SELECT id, role FROM api_keys WHERE key_hash = :h AND revoked_at IS NULL
), n AS (
    SELECT CAST(EXTRACT(EPOCH FROM clock_timestamp()) * 1000000 AS BIGINT) AS us,
        set_config('synchronous_commit', 'off', true) AS relaxed
), hit AS (
    INSERT INTO rate_limits (kind, subject, window_start, hits, previous_hits, touched_us)
    SELECT 'api_key', 'key:' || k.id || ' (' || k.role || ')', (n.us / 1000000 / :w) * :w,
        1, 0, n.us
    FROM k, n
    WHERE true"""
    + _RATE_UPSERT
    + """)
SELECT (SELECT CAST(json_object_agg(name, version) AS text) FROM cache_versions),
    hit.hits, hit.previous_hits, hit.window_start, hit.touched_us
FROM (SELECT 1) AS one LEFT JOIN hit ON true
"""
)


class SqlRateLimitRepository(_Repository):
    def hit(self, kind: str, subject: str, window_seconds: int) -> tuple[int, int, float]:
        """One upsert that counts and answers (sliding-window counters, see
        ``scheduler.services.ratelimit``); time is the database server's."""
        connection = self.session.connection()
        dialect = connection.dialect.name
        own_transaction = connection.get_execution_options().get("isolation_level") == (
            "AUTOCOMMIT"
        )
        relax = _RELAX if dialect == "postgresql" and own_transaction else ""
        sql = _RATE_HIT.format(now=_NOW_US[dialect], relax=relax)
        row = self.session.execute(
            text(sql), {"kind": kind, "subject": subject, "w": int(window_seconds)}
        ).one()
        hits, previous, window_start, touched_us = row
        return int(hits), int(previous), touched_us / 1_000_000 - window_start

    def hit_api_key(
        self, key_hash: str, window_seconds: int
    ) -> tuple[int, int, float] | bool | None:
        """PostgreSQL, in a unit of work whose statements commit by themselves (a read-only
        one): the count and the cache versions in one statement. Elsewhere: False."""
        connection = self.session.connection()
        own_transaction = connection.get_execution_options().get("isolation_level") == (
            "AUTOCOMMIT"
        )
        if connection.dialect.name != "postgresql" or not own_transaction:
            return False
        versions, hits, previous, window_start, touched_us = self.session.execute(
            _KEY_HIT, {"h": key_hash, "w": int(window_seconds)}
        ).one()
        if versions is not None:
            self.cache.adopt({str(k): int(v) for k, v in json.loads(versions).items()})
        if hits is None:
            return None
        return int(hits), int(previous), touched_us / 1_000_000 - window_start

    def purge(self, older_than_seconds: int) -> int:
        dialect = self.session.get_bind().dialect.name
        result = self.session.execute(
            text(f"DELETE FROM rate_limits WHERE touched_us < {_NOW_US[dialect]} - :age"),
            {"age": int(older_than_seconds) * 1_000_000},
        )
        return int(getattr(result, "rowcount", 0) or 0)
