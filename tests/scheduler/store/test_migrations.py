"""Migrations build the schema from an empty database, and agree with the table definitions."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect

from scheduler.store import Store, upgrade
from scheduler.store.tables import Base


def test_migrations_match_the_tables(store: Store) -> None:
    with store.engine.connect() as conn:
        context = MigrationContext.configure(conn)
        differences = compare_metadata(context, Base.metadata)
    assert differences == []


def test_upgrading_twice_changes_nothing(store: Store) -> None:
    before = sorted(inspect(store.engine).get_table_names())
    upgrade(store.engine)
    assert sorted(inspect(store.engine).get_table_names()) == before
    assert "appointments" in before and "audit_log" in before
