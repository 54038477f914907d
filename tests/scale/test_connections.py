"""Pooled connections after the server dropped them: checked when idle, replaced when broken."""

from __future__ import annotations

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.exc import TimeoutError as PoolTimeout

from scheduler.errors import Unavailable
from scheduler.store import make_engine, translate_error

pytestmark = pytest.mark.postgres


def _drop_connections(url: str) -> int:
    """End every other session on this test's database, as a restart would."""
    admin = create_engine(url, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            ended = conn.execute(
                text(
                    "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                    "WHERE datname = current_database() AND pid <> pg_backend_pid()"
                )
            ).scalar_one()
    finally:
        admin.dispose()
    return int(ended)


def test_an_idle_connection_is_checked_and_replaced_unnoticed(postgres_url: str) -> None:
    engine = make_engine(postgres_url, ping_idle_seconds=0.0)
    try:
        with engine.connect() as conn:
            conn.execute(text("SELECT 1"))
        assert _drop_connections(postgres_url) >= 1
        with engine.connect() as conn:  # the ping finds it dead; a fresh one is used
            assert conn.execute(text("SELECT 2")).scalar_one() == 2
    finally:
        engine.dispose()


def test_a_busy_connection_that_broke_fails_once_then_the_pool_recovers(
    postgres_url: str,
) -> None:
    engine = make_engine(postgres_url, ping_idle_seconds=3600.0)  # never pinged
    try:
        with engine.connect() as conn:
            conn.execute(text("SELECT 1"))
        _drop_connections(postgres_url)
        with pytest.raises(DBAPIError) as broken, engine.connect() as conn:
            conn.execute(text("SELECT 1"))
        unavailable = translate_error(broken.value)
        assert isinstance(unavailable, Unavailable)
        assert unavailable.retry_after_seconds >= 1
        with engine.connect() as conn:
            assert conn.execute(text("SELECT 3")).scalar_one() == 3
    finally:
        engine.dispose()


def test_a_worker_out_of_connections_answers_503() -> None:
    unavailable = translate_error(PoolTimeout("QueuePool limit reached"))
    assert isinstance(unavailable, Unavailable)
    assert "busy" in unavailable.message
    assert "QueuePool" not in unavailable.message
