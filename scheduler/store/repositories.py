"""SQLAlchemy implementations of the repository ports (``scheduler.ports``).

Each repository works inside the unit of work's session and returns domain objects; rows never
leave this package.
"""

from __future__ import annotations

import builtins
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from datetime import UTC, date, datetime
from typing import Any, Literal

from sqlalchemy import delete, insert, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from scheduler.domain import (
    ApiKey,
    Appointment,
    Attorney,
    AuditEntry,
    BusyBlock,
    Client,
    Deadline,
    FeedToken,
    Firm,
    IdempotencyRecord,
    Matter,
    MessageKind,
    OutboxMessage,
    Room,
    ScheduleJob,
    ScheduleJobStatus,
    TimeOff,
    TriggerEvent,
)
from scheduler.errors import Conflict, NotFound, OverlapRefused
from scheduler.store import mapping
from scheduler.store.tables import (
    AdversePartyRow,
    ApiKeyRow,
    AppointmentAttorneyRow,
    AppointmentRow,
    AttorneyRow,
    AuditRow,
    BusyBlockRow,
    CalendarSourceRow,
    ClientRow,
    DeadlineRow,
    FeedTokenRow,
    FirmRow,
    IdempotencyKeyRow,
    MatterAttorneyRow,
    MatterRow,
    MatterScreenRow,
    OutboxRow,
    RoomRow,
    ScheduleJobRow,
    TimeOffRow,
    TriggerEventRow,
)

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


def _recorded_at() -> datetime:
    """Bookkeeping timestamp for rows whose domain object carries no time of its own."""
    return datetime.now(UTC)


class _Repository:
    def __init__(self, session: Session) -> None:
        self.session = session


class SqlFirmRepository(_Repository):
    def get(self) -> Firm:
        row = self.session.get(FirmRow, 1)
        if row is None:
            raise NotFound("firm", "1")
        return mapping.firm_to_domain(row)

    def save(self, firm: Firm) -> None:
        row = self.session.get(FirmRow, 1)
        if row is None:
            row = FirmRow(id=1)
            self.session.add(row)
        mapping.firm_fill_row(row, firm)
        self.session.flush()


class SqlAttorneyRepository(_Repository):
    def get(self, attorney_id: str) -> Attorney:
        row = self.session.get(AttorneyRow, attorney_id)
        if row is None:
            raise NotFound("attorney", attorney_id)
        return mapping.attorney_to_domain(row)

    def list(self, *, active_only: bool = False) -> list[Attorney]:
        query = select(AttorneyRow).order_by(AttorneyRow.id)
        if active_only:
            query = query.where(AttorneyRow.active.is_(True))
        return [mapping.attorney_to_domain(r) for r in self.session.scalars(query)]

    def add(self, attorney: Attorney) -> None:
        self.session.add(mapping.attorney_to_row(attorney))
        self.session.flush()


class SqlClientRepository(_Repository):
    def get(self, client_id: str) -> Client:
        row = self.session.get(ClientRow, client_id)
        if row is None:
            raise NotFound("client", client_id)
        return mapping.client_to_domain(row)

    def list(self) -> list[Client]:
        rows = self.session.scalars(select(ClientRow).order_by(ClientRow.id))
        return [mapping.client_to_domain(r) for r in rows]

    def add(self, client: Client) -> None:
        self.session.add(mapping.client_to_row(client))
        self.session.flush()


class SqlMatterRepository(_Repository):
    def get(self, matter_id: str) -> Matter:
        found = self._load([matter_id])
        if not found:
            raise NotFound("matter", matter_id)
        return found[0]

    def list(self, *, client_id: str | None = None, attorney_id: str | None = None) -> list[Matter]:
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


class SqlRoomRepository(_Repository):
    def get(self, room_id: str) -> Room:
        row = self.session.get(RoomRow, room_id)
        if row is None:
            raise NotFound("room", room_id)
        return mapping.room_to_domain(row)

    def list(self) -> list[Room]:
        return [
            mapping.room_to_domain(r)
            for r in self.session.scalars(select(RoomRow).order_by(RoomRow.id))
        ]

    def add(self, room: Room) -> None:
        self.session.add(
            RoomRow(id=room.id, name=room.name, capacity=room.capacity, location=room.location)
        )
        self.session.flush()


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
        with self._guarded(appointment):
            row = AppointmentRow()
            mapping.appointment_fill_row(row, appointment)
            self.session.add(row)
            self.session.flush()
            self._insert_attendees(appointment, appointment.attorney_ids)

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
        row = self.session.scalar(select(ApiKeyRow).where(ApiKeyRow.key_hash == key_hash))
        return mapping.api_key_to_domain(row) if row is not None else None

    def list(self) -> list[ApiKey]:
        rows = self.session.scalars(select(ApiKeyRow).order_by(ApiKeyRow.created_at, ApiKeyRow.id))
        return [mapping.api_key_to_domain(r) for r in rows]

    def revoke(self, key_id: str, at: datetime) -> None:
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
        self.session.add(
            IdempotencyKeyRow(
                scope=record.scope,
                key=record.key,
                request_hash=record.request_hash,
                status_code=record.status_code,
                response_body=record.response_body,
                created_at=record.created_at,
            )
        )
        self.session.flush()


class SqlOutboxRepository(_Repository):
    def add(self, message: OutboxMessage) -> bool:
        exists = self.session.scalar(
            select(OutboxRow.id).where(OutboxRow.dedupe_key == message.dedupe_key)
        )
        if exists is not None:
            return False
        savepoint = self.session.begin_nested()
        try:
            self.session.add(
                OutboxRow(
                    id=message.id,
                    kind=message.kind.value,
                    dedupe_key=message.dedupe_key,
                    recipient=message.recipient,
                    subject_id=message.subject_id,
                    payload=dict(message.payload),
                    due_at=message.due_at,
                    status=message.status,
                    attempts=message.attempts,
                    lease_until=message.lease_until,
                    last_error=message.last_error,
                    message_id=message.message_id,
                    created_at=message.created_at,
                    sent_at=message.sent_at,
                )
            )
            self.session.flush()
        except IntegrityError:  # queued by a concurrent transaction a moment ago
            savepoint.rollback()
            return False
        savepoint.commit()
        return True

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
                OutboxRow.status == "pending",
                OutboxRow.kind.in_([k.value for k in kinds]),
            )
            .values(status="cancelled")
        )
        if recipient is not None:
            query = query.where(OutboxRow.recipient == recipient)
        result = self.session.execute(query)
        return int(getattr(result, "rowcount", 0) or 0)


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
