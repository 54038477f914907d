"""The unit of work: one database transaction, the repositories that work inside it.

Used as a context manager. Nothing is written unless ``commit()`` is called; leaving the block
without it (or with an exception) rolls everything back, so a failure never leaves half a change.
"""

from __future__ import annotations

import zlib
from collections.abc import Sequence
from types import TracebackType
from typing import Self

from sqlalchemy import Engine, text
from sqlalchemy.exc import DBAPIError, IntegrityError, OperationalError
from sqlalchemy.orm import Session, sessionmaker

from scheduler.errors import OverlapRefused, Unavailable
from scheduler.store.repositories import (
    SqlApiKeyRepository,
    SqlAppointmentRepository,
    SqlAttorneyRepository,
    SqlAuditRepository,
    SqlBookingLinkRepository,
    SqlBusyRepository,
    SqlClientRepository,
    SqlClosedDayRepository,
    SqlDocketRepository,
    SqlFeedTokenRepository,
    SqlFirmRepository,
    SqlHoldRepository,
    SqlIdempotencyRepository,
    SqlMatterRepository,
    SqlOutboxRepository,
    SqlRoomRepository,
    SqlScheduleJobRepository,
    SqlTimeOffRepository,
    SqlWebSessionRepository,
    overlap_resource,
)


class SqlUnitOfWork:
    """A transaction over the store. ``readonly`` transactions do not take SQLite's write lock."""

    session: Session

    def __init__(self, session_factory: sessionmaker[Session], *, readonly: bool = False) -> None:
        self._session_factory = session_factory
        self._readonly = readonly

    def __enter__(self) -> Self:
        self.session = self._session_factory()
        if self._readonly:
            self.session.connection(execution_options={"sqlite_readonly": True})
        session = self.session
        self.firm = SqlFirmRepository(session)
        self.attorneys = SqlAttorneyRepository(session)
        self.clients = SqlClientRepository(session)
        self.matters = SqlMatterRepository(session)
        self.rooms = SqlRoomRepository(session)
        self.appointments = SqlAppointmentRepository(session)
        self.busy = SqlBusyRepository(session)
        self.time_off = SqlTimeOffRepository(session)
        self.docket = SqlDocketRepository(session)
        self.audit = SqlAuditRepository(session)
        self.api_keys = SqlApiKeyRepository(session)
        self.feed_tokens = SqlFeedTokenRepository(session)
        self.idempotency = SqlIdempotencyRepository(session)
        self.outbox = SqlOutboxRepository(session)
        self.holds = SqlHoldRepository(session)
        self.closed_days = SqlClosedDayRepository(session)
        self.links = SqlBookingLinkRepository(session)
        self.web_sessions = SqlWebSessionRepository(session)
        self.schedule_jobs = SqlScheduleJobRepository(session)
        return self

    def lock(self, keys: Sequence[str]) -> None:
        """Transaction-level advisory locks on PostgreSQL, in sorted order; SQLite needs none
        (its write transactions start with BEGIN IMMEDIATE and so never interleave)."""
        if self.session.get_bind().dialect.name != "postgresql":
            return
        for key in sorted(set(keys)):
            self.session.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": lock_number(key)})

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        try:
            self.rollback()
        finally:
            self.session.close()

    def commit(self) -> None:
        try:
            self.session.commit()
        except IntegrityError as error:
            self.session.rollback()
            resource = overlap_resource(error)
            if resource is not None:
                raise OverlapRefused(resource) from None
            raise

    def rollback(self) -> None:
        self.session.rollback()

    def flush(self) -> None:
        self.session.flush()


def lock_number(key: str) -> int:
    """A stable signed 64-bit number for a lock name (two CRC32s; collisions only over-lock)."""
    raw = key.encode("utf-8")
    high = zlib.crc32(raw)
    low = zlib.crc32(raw[::-1] + b"#")
    value = (high << 32) | low
    return value - (1 << 64) if value >= 1 << 63 else value


class Store:
    """The composition root's handle on the database: an engine and a factory of units of work."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._sessions = sessionmaker(bind=engine, expire_on_commit=False)

    def unit_of_work(self, *, readonly: bool = False) -> SqlUnitOfWork:
        return SqlUnitOfWork(self._sessions, readonly=readonly)

    def dispose(self) -> None:
        self.engine.dispose()


def database_unavailable(error: DBAPIError) -> Unavailable:
    """The message a caller sees when the database cannot be reached (never the SQL)."""
    del error  # the details go to the operator's log, not to the caller
    return Unavailable("The calendar database cannot be reached right now. Please try again.")


def translate_error(error: BaseException) -> Unavailable | None:
    """The engine error for a database failure the caller should retry, if it is one.

    Lets the API answer 503 with Retry-After without importing SQLAlchemy itself.
    """
    if isinstance(error, OperationalError) or (
        isinstance(error, DBAPIError) and error.connection_invalidated
    ):
        return database_unavailable(error)
    return None
