"""SQLAlchemy 2 tables, kept apart from the domain classes (``scheduler.domain``).

Rows are converted to and from domain objects in :mod:`scheduler.store.mapping`; nothing outside
``scheduler.store`` sees these classes. Schema changes go through Alembic migrations
(``scheduler/store/migrations``); a test checks that the migrations and these tables agree.

The database itself refuses double booking: ``appointment_attorneys`` repeats each appointment's
time and status (kept in step by a composite foreign key with ``ON UPDATE CASCADE``), and an
exclusion constraint (PostgreSQL) or a trigger (SQLite) refuses two overlapping active rows for
one attorney; the same holds for rooms on ``appointments``. The constraints and triggers are
created by the migrations.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, ClassVar

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Date,
    Float,
    ForeignKey,
    ForeignKeyConstraint,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from scheduler.store.types import UTCDateTime

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)
    type_annotation_map: ClassVar[dict[Any, Any]] = {
        datetime: UTCDateTime(),
        dict[str, Any]: JSON(),
        list[Any]: JSON(),
    }


class FirmRow(Base):
    __tablename__ = "firm"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    timezone: Mapped[str] = mapped_column(String(64))
    address: Mapped[str] = mapped_column(String(400))
    email: Mapped[str] = mapped_column(String(320))
    phone: Mapped[str] = mapped_column(String(64), default="")
    reminder_offsets_minutes: Mapped[list[Any]] = mapped_column(JSON)
    tickler_court_days: Mapped[list[Any]] = mapped_column(JSON)
    min_notice_business_hours: Mapped[int] = mapped_column(Integer, default=4)


class AttorneyRow(Base):
    __tablename__ = "attorneys"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    email: Mapped[str] = mapped_column(String(320))
    timezone: Mapped[str] = mapped_column(String(64))
    working_hours: Mapped[dict[str, Any]] = mapped_column(JSON)
    practice_areas: Mapped[list[Any]] = mapped_column(JSON)
    title: Mapped[str] = mapped_column(String(100), default="Associate")
    office: Mapped[str] = mapped_column(String(100), default="")
    max_meetings_per_day: Mapped[int | None] = mapped_column(Integer, nullable=True)
    buffer_minutes: Mapped[int] = mapped_column(Integer, default=0)
    active: Mapped[bool] = mapped_column(Boolean, default=True)


class TimeOffRow(Base):
    __tablename__ = "time_off"
    __table_args__ = (Index("ix_time_off_attorney_starts", "attorney_id", "starts_at"),)

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    attorney_id: Mapped[str] = mapped_column(ForeignKey("attorneys.id", ondelete="CASCADE"))
    starts_at: Mapped[datetime] = mapped_column()
    ends_at: Mapped[datetime] = mapped_column()
    reason: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column()


class RoomClosureRow(Base):
    __tablename__ = "room_closures"
    __table_args__ = (Index("ix_room_closures_room_starts", "room_id", "starts_at"),)

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    room_id: Mapped[str] = mapped_column(ForeignKey("rooms.id", ondelete="CASCADE"))
    starts_at: Mapped[datetime] = mapped_column()
    ends_at: Mapped[datetime] = mapped_column()
    reason: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column()


class CalendarSourceRow(Base):
    """Where an attorney's busy times come from: a file, a subscription URL, CalDAV, or by hand."""

    __tablename__ = "calendar_sources"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    attorney_id: Mapped[str] = mapped_column(ForeignKey("attorneys.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(16))  # file | url | caldav | manual
    url: Mapped[str] = mapped_column(Text, default="")
    label: Mapped[str] = mapped_column(String(200), default="")
    etag: Mapped[str | None] = mapped_column(String(200), nullable=True)
    last_modified: Mapped[str | None] = mapped_column(String(100), nullable=True)
    poll_minutes: Mapped[int] = mapped_column(Integer, default=15)
    last_polled_at: Mapped[datetime | None] = mapped_column(nullable=True)
    last_error: Mapped[str | None] = mapped_column(Text, nullable=True)
    created_at: Mapped[datetime] = mapped_column()
    # Added in 0105: CalDAV login name, and the environment variable holding its password.
    username: Mapped[str] = mapped_column(String(200), default="", server_default="")
    password_env: Mapped[str] = mapped_column(String(100), default="", server_default="")


class BusyBlockRow(Base):
    __tablename__ = "busy_blocks"
    __table_args__ = (Index("ix_busy_blocks_attorney_starts", "attorney_id", "starts_at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    attorney_id: Mapped[str] = mapped_column(ForeignKey("attorneys.id", ondelete="CASCADE"))
    source_id: Mapped[str] = mapped_column(
        ForeignKey("calendar_sources.id", ondelete="CASCADE"), index=True
    )
    starts_at: Mapped[datetime] = mapped_column()
    ends_at: Mapped[datetime] = mapped_column()


class ClientRow(Base):
    __tablename__ = "clients"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    email: Mapped[str] = mapped_column(String(320))
    phone: Mapped[str] = mapped_column(String(64), default="")
    timezone: Mapped[str] = mapped_column(String(64))
    language: Mapped[str] = mapped_column(String(8), default="en")
    reminder_offsets_minutes: Mapped[list[Any] | None] = mapped_column(JSON, nullable=True)


class MatterRow(Base):
    __tablename__ = "matters"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    client_id: Mapped[str] = mapped_column(ForeignKey("clients.id"), index=True)
    title: Mapped[str] = mapped_column(String(300))
    jurisdiction: Mapped[str] = mapped_column(String(16))
    practice_area: Mapped[str] = mapped_column(String(100))
    court: Mapped[str] = mapped_column(String(200), default="")
    opened_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    status: Mapped[str] = mapped_column(String(16), default="open")


class MatterAttorneyRow(Base):
    """The attorneys responsible for a matter."""

    __tablename__ = "matter_attorneys"

    matter_id: Mapped[str] = mapped_column(
        ForeignKey("matters.id", ondelete="CASCADE"), primary_key=True
    )
    attorney_id: Mapped[str] = mapped_column(ForeignKey("attorneys.id"), primary_key=True)
    position: Mapped[int] = mapped_column(Integer, default=0)


class MatterScreenRow(Base):
    """An ethical wall: the attorney is screened from the matter."""

    __tablename__ = "matter_screens"

    matter_id: Mapped[str] = mapped_column(
        ForeignKey("matters.id", ondelete="CASCADE"), primary_key=True
    )
    attorney_id: Mapped[str] = mapped_column(ForeignKey("attorneys.id"), primary_key=True)


class AdversePartyRow(Base):
    __tablename__ = "adverse_parties"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    matter_id: Mapped[str] = mapped_column(ForeignKey("matters.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(300))
    client_id: Mapped[str | None] = mapped_column(ForeignKey("clients.id"), nullable=True)


class RoomRow(Base):
    __tablename__ = "rooms"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    capacity: Mapped[int] = mapped_column(Integer, default=6)
    location: Mapped[str] = mapped_column(String(400), default="")


class AppointmentRow(Base):
    __tablename__ = "appointments"
    __table_args__ = (
        # Target of the composite foreign key from appointment_attorneys.
        UniqueConstraint("id", "starts_at", "ends_at", "status", name="uq_appointments_time_key"),
        Index("ix_appointments_starts", "starts_at"),
        Index("ix_appointments_room_starts", "room_id", "starts_at"),
    )

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    uid: Mapped[str] = mapped_column(String(200), unique=True)
    sequence: Mapped[int] = mapped_column(Integer, default=0)
    status: Mapped[str] = mapped_column(String(16))
    client_id: Mapped[str] = mapped_column(ForeignKey("clients.id"), index=True)
    matter_id: Mapped[str] = mapped_column(ForeignKey("matters.id"), index=True)
    room_id: Mapped[str | None] = mapped_column(ForeignKey("rooms.id"), nullable=True)
    starts_at: Mapped[datetime] = mapped_column()
    ends_at: Mapped[datetime] = mapped_column()
    title: Mapped[str] = mapped_column(String(300))
    buffer_minutes: Mapped[int] = mapped_column(Integer, default=0)
    priority: Mapped[int] = mapped_column(Integer, default=3)
    video_url: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column()
    updated_at: Mapped[datetime] = mapped_column()


class AppointmentAttorneyRow(Base):
    """Who attends an appointment, with the appointment's time and status repeated for the
    database's overlap guard."""

    __tablename__ = "appointment_attorneys"
    __table_args__ = (
        ForeignKeyConstraint(
            ["appointment_id", "starts_at", "ends_at", "status"],
            [
                "appointments.id",
                "appointments.starts_at",
                "appointments.ends_at",
                "appointments.status",
            ],
            onupdate="CASCADE",
            ondelete="CASCADE",
            name="fk_appointment_attorneys_appointment_time",
        ),
        Index("ix_appointment_attorneys_attorney_starts", "attorney_id", "starts_at"),
    )

    appointment_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    attorney_id: Mapped[str] = mapped_column(ForeignKey("attorneys.id"), primary_key=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    starts_at: Mapped[datetime] = mapped_column()
    ends_at: Mapped[datetime] = mapped_column()
    status: Mapped[str] = mapped_column(String(16))


class HoldRow(Base):
    """A short reservation of a slot while a client confirms; it lapses at ``expires_at``."""

    __tablename__ = "holds"
    __table_args__ = (Index("ix_holds_expires", "expires_at"),)

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    client_id: Mapped[str | None] = mapped_column(ForeignKey("clients.id"), nullable=True)
    attorney_ids: Mapped[list[Any]] = mapped_column(JSON)
    room_id: Mapped[str | None] = mapped_column(ForeignKey("rooms.id"), nullable=True)
    starts_at: Mapped[datetime] = mapped_column()
    ends_at: Mapped[datetime] = mapped_column()
    expires_at: Mapped[datetime] = mapped_column()
    created_by: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column()


class TriggerEventRow(Base):
    __tablename__ = "trigger_events"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    matter_id: Mapped[str] = mapped_column(ForeignKey("matters.id", ondelete="CASCADE"), index=True)
    event: Mapped[str] = mapped_column(String(100))
    occurred_on: Mapped[date] = mapped_column(Date)
    jurisdiction: Mapped[str] = mapped_column(String(16))
    service: Mapped[str] = mapped_column(String(16), default="personal")
    note: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column()


class DeadlineRow(Base):
    __tablename__ = "deadlines"
    __table_args__ = (Index("ix_deadlines_due", "due_on"),)

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    matter_id: Mapped[str] = mapped_column(ForeignKey("matters.id", ondelete="CASCADE"), index=True)
    trigger_id: Mapped[str | None] = mapped_column(
        ForeignKey("trigger_events.id", ondelete="CASCADE"), nullable=True, index=True
    )
    rule_id: Mapped[str] = mapped_column(String(100), default="")
    title: Mapped[str] = mapped_column(String(300))
    due_on: Mapped[date] = mapped_column(Date)
    jurisdiction: Mapped[str] = mapped_column(String(16))
    steps: Mapped[list[Any]] = mapped_column(JSON)
    citations: Mapped[list[Any]] = mapped_column(JSON)
    status: Mapped[str] = mapped_column(String(16), default="open")


class CourtClosureRow(Base):
    """A day a court was closed (FRCP 6(a)(3), CCP 12b), entered by the firm."""

    __tablename__ = "court_closures"

    jurisdiction: Mapped[str] = mapped_column(String(16), primary_key=True)
    closed_on: Mapped[date] = mapped_column(Date, primary_key=True)
    reason: Mapped[str] = mapped_column(String(300))
    created_at: Mapped[datetime] = mapped_column()


class OutboxRow(Base):
    """A message the engine owes, written in the same transaction as the change that caused it."""

    __tablename__ = "outbox"
    __table_args__ = (Index("ix_outbox_due", "status", "due_at"),)

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    # invitation | update | cancellation | reminder | tickler
    kind: Mapped[str] = mapped_column(String(16))
    # Makes the same message impossible to queue twice ("update:<appt>:<sequence>:<recipient>").
    dedupe_key: Mapped[str] = mapped_column(String(300), unique=True)
    recipient: Mapped[str] = mapped_column(String(100))
    subject_id: Mapped[str] = mapped_column(String(64), index=True)
    payload: Mapped[dict[str, Any]] = mapped_column(JSON)
    due_at: Mapped[datetime] = mapped_column()
    status: Mapped[str] = mapped_column(String(16), default="pending")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    lease_until: Mapped[datetime | None] = mapped_column(nullable=True)
    last_error: Mapped[str | None] = mapped_column(Text, nullable=True)
    message_id: Mapped[str] = mapped_column(String(300))
    created_at: Mapped[datetime] = mapped_column()
    sent_at: Mapped[datetime | None] = mapped_column(nullable=True)


class FeedTokenRow(Base):
    __tablename__ = "feed_tokens"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    kind: Mapped[str] = mapped_column(String(16))
    subject_id: Mapped[str | None] = mapped_column(String(64), nullable=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    label: Mapped[str] = mapped_column(String(200), default="")
    created_at: Mapped[datetime] = mapped_column()
    revoked_at: Mapped[datetime | None] = mapped_column(nullable=True)


class ApiKeyRow(Base):
    __tablename__ = "api_keys"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    role: Mapped[str] = mapped_column(String(16))
    key_hash: Mapped[str] = mapped_column(String(64), unique=True)
    attorney_id: Mapped[str | None] = mapped_column(ForeignKey("attorneys.id"), nullable=True)
    client_id: Mapped[str | None] = mapped_column(ForeignKey("clients.id"), nullable=True)
    label: Mapped[str] = mapped_column(String(200), default="")
    created_at: Mapped[datetime] = mapped_column()
    revoked_at: Mapped[datetime | None] = mapped_column(nullable=True)


class IdempotencyKeyRow(Base):
    __tablename__ = "idempotency_keys"

    scope: Mapped[str] = mapped_column(String(100), primary_key=True)
    key: Mapped[str] = mapped_column(String(200), primary_key=True)
    request_hash: Mapped[str] = mapped_column(String(64))
    status_code: Mapped[int] = mapped_column(Integer)
    response_body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column()


class AuditRow(Base):
    __tablename__ = "audit_log"
    __table_args__ = (Index("ix_audit_log_entity", "entity_type", "entity_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    at: Mapped[datetime] = mapped_column(index=True)
    actor: Mapped[str] = mapped_column(String(100))
    action: Mapped[str] = mapped_column(String(50))
    entity_type: Mapped[str] = mapped_column(String(50))
    entity_id: Mapped[str] = mapped_column(String(64))
    detail: Mapped[str] = mapped_column(Text, default="")


class ClosedDayRow(Base):
    """A date the whole firm is closed, in the firm's zone (revision 0106)."""

    __tablename__ = "closed_days"

    day: Mapped[date] = mapped_column(Date, primary_key=True)
    reason: Mapped[str] = mapped_column(String(200), default="")


class BookingLinkRow(Base):
    """A client's booking link (revision 0109); only the token's SHA-256 hash is stored."""

    __tablename__ = "booking_links"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    client_id: Mapped[str] = mapped_column(ForeignKey("clients.id"), index=True)
    matter_id: Mapped[str] = mapped_column(ForeignKey("matters.id"))
    duration_minutes: Mapped[int] = mapped_column(Integer)
    attorney_ids: Mapped[list[Any]] = mapped_column(JSON)
    needs_room: Mapped[bool] = mapped_column(Boolean, default=False)
    attend_all: Mapped[bool] = mapped_column(Boolean, default=False)
    title: Mapped[str] = mapped_column(String(300))
    meet_by: Mapped[date | None] = mapped_column(Date, nullable=True)
    expires_at: Mapped[datetime] = mapped_column()
    appointment_id: Mapped[str | None] = mapped_column(ForeignKey("appointments.id"), nullable=True)
    created_at: Mapped[datetime] = mapped_column()
    created_by: Mapped[str] = mapped_column(String(100))
    revoked_at: Mapped[datetime | None] = mapped_column(nullable=True)


class WebSessionRow(Base):
    """A staff member's signed-in browser session (revision 0109); only the cookie's hash."""

    __tablename__ = "web_sessions"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    api_key_id: Mapped[str] = mapped_column(ForeignKey("api_keys.id", ondelete="CASCADE"))
    created_at: Mapped[datetime] = mapped_column()
    expires_at: Mapped[datetime] = mapped_column(index=True)
    revoked_at: Mapped[datetime | None] = mapped_column(nullable=True)


class ScheduleJobRow(Base):
    """A batch-scheduling job: the problem, then the result (migration 0104)."""

    __tablename__ = "schedule_jobs"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    # queued | running | done | failed
    status: Mapped[str] = mapped_column(String(16))
    problem: Mapped[dict[str, Any]] = mapped_column(JSON)
    time_limit_seconds: Mapped[float] = mapped_column(Float)
    workers: Mapped[int] = mapped_column(Integer)
    seed: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column()
    created_by: Mapped[str] = mapped_column(String(100))
    started_at: Mapped[datetime | None] = mapped_column(nullable=True)
    finished_at: Mapped[datetime | None] = mapped_column(nullable=True)
    result: Mapped[dict[str, Any] | None] = mapped_column(JSON, nullable=True)
    error: Mapped[str | None] = mapped_column(Text, nullable=True)


class CacheVersionRow(Base):
    """The current version of one kind of cached fact; triggers change it with the facts
    (revision 0110, see ``scheduler.store.cache``)."""

    __tablename__ = "cache_versions"

    name: Mapped[str] = mapped_column(String(32), primary_key=True)
    version: Mapped[int] = mapped_column(BigInteger)


class RateLimitRow(Base):
    """A sliding-window counter for one (kind, subject), shared by every worker (revision 0110).

    ``window_start`` is the current fixed window's start in whole seconds since the epoch,
    ``hits`` the requests counted in it, ``previous_hits`` those of the window before,
    ``touched_us`` the database's time of the last hit (microseconds since the epoch).
    """

    __tablename__ = "rate_limits"

    kind: Mapped[str] = mapped_column(String(32), primary_key=True)
    subject: Mapped[str] = mapped_column(String(128), primary_key=True)
    window_start: Mapped[int] = mapped_column(BigInteger)
    hits: Mapped[int] = mapped_column(Integer)
    previous_hits: Mapped[int] = mapped_column(Integer)
    touched_us: Mapped[int] = mapped_column(BigInteger)
