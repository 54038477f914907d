"""The unit of work: one database transaction, the repositories that work inside it.

Used as a context manager. Nothing is written unless ``commit()`` is called; leaving the block
without it (or with an exception) rolls everything back, so a failure never leaves half a change.
"""

from __future__ import annotations

import zlib
from collections.abc import Callable, Sequence
from types import TracebackType
from typing import Self

from sqlalchemy import Engine, text
from sqlalchemy.exc import DBAPIError, IntegrityError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from sqlalchemy.orm import Session, sessionmaker

from scheduler.errors import OverlapRefused, Unavailable
from scheduler.store.cache import CacheView, FactCache, watch_writes
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
    SqlRateLimitRepository,
    SqlRoomClosureRepository,
    SqlRoomRepository,
    SqlScheduleJobRepository,
    SqlTimeOffRepository,
    SqlWebSessionRepository,
    overlap_resource,
)


class SqlUnitOfWork:
    """A transaction over the store. ``readonly`` transactions do not take SQLite's write lock."""

    session: Session

    def __init__(
        self,
        session_factory: sessionmaker[Session],
        *,
        readonly: bool = False,
        autocommit: bool = False,
        cache: FactCache | None = None,
        versions: Callable[[], dict[str, int] | None] | None = None,
    ) -> None:
        self._session_factory = session_factory
        self._readonly = readonly
        self._autocommit = autocommit
        self._cache = cache
        self._versions = versions

    def __enter__(self) -> Self:
        self.session = self._session_factory()
        postgres = self.session.get_bind().dialect.name == "postgresql"
        if self._autocommit and postgres:
            # Each statement is its own transaction (counters); commit() has nothing to do.
            self.session.connection(execution_options={"isolation_level": "AUTOCOMMIT"})
        elif self._readonly:
            if postgres:
                # Reads only: no BEGIN and no ROLLBACK round trips. Under READ COMMITTED each
                # statement sees its own snapshot anyway, so nothing else changes.
                self.session.connection(execution_options={"isolation_level": "AUTOCOMMIT"})
            else:
                self.session.connection(execution_options={"sqlite_readonly": True})
        session = self.session
        view = CacheView(self._cache, session, self._versions)
        session.info["cache_view"] = view
        self.cache = view
        self.firm = SqlFirmRepository(session, view)
        self.attorneys = SqlAttorneyRepository(session, view)
        self.clients = SqlClientRepository(session, view)
        self.matters = SqlMatterRepository(session, view)
        self.rooms = SqlRoomRepository(session, view)
        self.appointments = SqlAppointmentRepository(session, view)
        self.busy = SqlBusyRepository(session, view)
        self.time_off = SqlTimeOffRepository(session, view)
        self.room_closures = SqlRoomClosureRepository(session, view)
        self.docket = SqlDocketRepository(session, view)
        self.audit = SqlAuditRepository(session, view)
        self.api_keys = SqlApiKeyRepository(session, view)
        self.feed_tokens = SqlFeedTokenRepository(session, view)
        self.idempotency = SqlIdempotencyRepository(session, view)
        self.outbox = SqlOutboxRepository(session, view)
        self.holds = SqlHoldRepository(session, view)
        self.closed_days = SqlClosedDayRepository(session, view)
        self.rate_limits = SqlRateLimitRepository(session, view)
        self.links = SqlBookingLinkRepository(session, view)
        self.web_sessions = SqlWebSessionRepository(session, view)
        self.schedule_jobs = SqlScheduleJobRepository(session, view)
        return self

    def lock(self, keys: Sequence[str]) -> None:
        """Transaction-level advisory locks on PostgreSQL, taken in sorted order by one statement;
        SQLite needs none (its write transactions start with BEGIN IMMEDIATE and so never
        interleave)."""
        if self.session.get_bind().dialect.name != "postgresql" or not keys:
            return
        numbers = sorted({lock_number(key) for key in keys})
        if len(numbers) == 1:
            self.session.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": numbers[0]})
            return
        # unnest() yields the array in order and the scan locks row by row, so the locks are
        # taken in the sorted order (no deadlock between two such statements).
        self.session.execute(
            text("SELECT count(pg_advisory_xact_lock(k)) FROM unnest(CAST(:ks AS bigint[])) AS k"),
            {"ks": numbers},
        )

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

    def __init__(self, engine: Engine, *, cache: bool = True) -> None:
        self.engine = engine
        self._sessions = sessionmaker(bind=engine, expire_on_commit=False)
        watch_writes(self._sessions)
        #: Copies of rarely changing facts, checked against the database's versions on use.
        self.cache = FactCache() if cache else None

    def unit_of_work(
        self,
        *,
        readonly: bool = False,
        autocommit: bool = False,
        versions: Callable[[], dict[str, int] | None] | None = None,
    ) -> SqlUnitOfWork:
        """A unit of work; ``versions`` may hand it the cache versions another unit of work of
        the same request read a moment before (see ``scheduler.store.cache``).

        ``autocommit``: on PostgreSQL every statement commits by itself (for counters such as
        rate limits: one round trip); elsewhere an ordinary write transaction. Either way the
        caller calls ``commit()``.
        """
        return SqlUnitOfWork(
            self._sessions,
            readonly=readonly,
            autocommit=autocommit,
            cache=self.cache,
            versions=versions,
        )

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
    if isinstance(error, PoolTimeout):
        # Every connection of this worker stayed busy past the pool's timeout: overloaded.
        return Unavailable("The calendar is very busy right now. Please try again in a moment.")
    return None
