"""The per-process cache of rarely changing facts never serves what the database has changed.

Two stores over one database stand for two worker processes (or a worker and the ``secretary``
command): a change committed through one is seen by the next unit of work of the other.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from datetime import date

import pytest
from sqlalchemy import text

from scheduler.clock import FixedClock
from scheduler.demo import build_demo_firm
from scheduler.domain import ClosedDay, Role
from scheduler.errors import Unauthenticated
from scheduler.services.access import operator
from scheduler.services.firm import seed_demo_firm
from scheduler.services.keys import authenticate, create_api_key, revoke_api_key
from scheduler.store import Store, make_engine


@pytest.fixture
def seeded(store: Store, clock: FixedClock) -> Store:
    with store.unit_of_work() as uow:
        seed_demo_firm(uow, operator(), clock.now(), build_demo_firm(date(2026, 12, 7)))
    return store


@pytest.fixture
def other(database_url: str) -> Iterator[Store]:
    """A second process's store over the same database."""
    second = Store(make_engine(database_url))
    try:
        yield second
    finally:
        second.dispose()


def _warm(store: Store, key: str | None = None) -> None:
    with store.unit_of_work(readonly=True) as uow:
        uow.firm.get()
        uow.attorneys.list()
        uow.matters.list()
        if key is not None:
            authenticate(uow, key)


def test_cached_facts_are_served_without_reading_the_tables(seeded: Store) -> None:
    assert seeded.cache is not None
    _warm(seeded)
    misses = seeded.cache.misses
    _warm(seeded)
    assert seeded.cache.misses == misses
    assert seeded.cache.hits > 0


def test_a_revoked_key_is_refused_by_the_next_request_of_every_process(
    seeded: Store, other: Store, clock: FixedClock
) -> None:
    with seeded.unit_of_work() as uow:
        issued = create_api_key(uow, operator(), clock.now(), role=Role.SECRETARY)
    _warm(seeded, issued.key)
    _warm(seeded, issued.key)  # now cached in this process
    with other.unit_of_work() as uow:
        revoke_api_key(uow, operator(), clock.now(), issued.id)
    with seeded.unit_of_work(readonly=True) as uow, pytest.raises(Unauthenticated):
        authenticate(uow, issued.key)


def test_a_new_wall_and_a_changed_attorney_hold_at_once(
    seeded: Store, other: Store, clock: FixedClock
) -> None:
    _warm(seeded)
    with seeded.unit_of_work(readonly=True) as uow:
        matter = uow.matters.list()[0]
        attorney = uow.attorneys.get(matter.responsible_attorneys[0])
    walled = replace(matter, screened_attorneys=(*matter.screened_attorneys, attorney.id))
    with other.unit_of_work() as uow:
        uow.matters.update(walled)
        uow.attorneys.update(replace(attorney, buffer_minutes=attorney.buffer_minutes + 5))
        uow.closed_days.add(ClosedDay(date(2026, 12, 24), "Holiday"))
        uow.commit()
    with seeded.unit_of_work(readonly=True) as uow:
        assert uow.matters.get(matter.id).is_screened(attorney.id)
        assert uow.attorneys.get(attorney.id).buffer_minutes == attorney.buffer_minutes + 5
        assert [c.day for c in uow.closed_days.list()] == [date(2026, 12, 24)]


def test_a_unit_of_work_sees_its_own_changes(seeded: Store) -> None:
    _warm(seeded)
    with seeded.unit_of_work() as uow:
        attorney = uow.attorneys.list()[0]
        uow.attorneys.update(replace(attorney, name="Renamed"))
        assert uow.attorneys.get(attorney.id).name == "Renamed"
        assert [a.name for a in uow.attorneys.list() if a.id == attorney.id] == ["Renamed"]
        uow.rollback()
    with seeded.unit_of_work(readonly=True) as uow:
        assert uow.attorneys.get(attorney.id).name == attorney.name


def test_an_uncommitted_change_is_never_cached(seeded: Store, other: Store) -> None:
    _warm(seeded)
    with other.unit_of_work() as uow:
        attorney = uow.attorneys.list()[0]
        uow.attorneys.update(replace(attorney, name="Never committed"))
        uow.rollback()
    with seeded.unit_of_work(readonly=True) as uow:
        assert uow.attorneys.get(attorney.id).name == attorney.name


def test_without_version_rows_nothing_is_cached(seeded: Store, other: Store) -> None:
    with seeded.engine.begin() as conn:
        conn.execute(text("DELETE FROM cache_versions"))
    _warm(seeded)
    with seeded.unit_of_work(readonly=True) as uow:
        attorney = uow.attorneys.list()[0]
    # A change made without the triggers' help (the rows are gone) is still seen.
    with other.engine.begin() as conn:
        conn.execute(text("DELETE FROM cache_versions"))
        conn.execute(
            text("UPDATE attorneys SET name = 'Plain SQL' WHERE id = :id"), {"id": attorney.id}
        )
        conn.execute(text("DELETE FROM cache_versions"))
    with seeded.unit_of_work(readonly=True) as uow:
        assert uow.attorneys.get(attorney.id).name == "Plain SQL"


def test_every_cached_table_changes_its_version(seeded: Store, clock: FixedClock) -> None:
    def versions() -> dict[str, int]:
        with seeded.engine.connect() as conn:
            rows = conn.execute(text("SELECT name, version FROM cache_versions"))
            return {str(n): int(v) for n, v in rows}

    tables = {
        "firm": "UPDATE firm SET phone = phone",
        "attorneys": "UPDATE attorneys SET name = name",
        "clients": "UPDATE clients SET name = name",
        "matters": "UPDATE matter_screens SET attorney_id = attorney_id",
        "api_keys": "UPDATE api_keys SET label = label",
    }
    with seeded.unit_of_work() as uow:
        create_api_key(uow, operator(), clock.now(), role=Role.ADMIN)
    for kind, statement in tables.items():
        before = versions()
        with seeded.engine.begin() as conn:
            conn.execute(text(statement))
        after = versions()
        changed = {k for k in after if after[k] != before.get(k)}
        if kind == "matters" and not changed:
            with seeded.engine.begin() as conn:
                conn.execute(text("UPDATE matters SET title = title"))
            changed = {k for k, v in versions().items() if v != before.get(k)}
        assert changed == {kind}, statement


def test_any_write_to_a_cached_table_turns_the_cache_off_for_that_unit(seeded: Store) -> None:
    """Not only the repositories' own write methods: a Core statement or an ORM change on a
    cached table, from code written later, is read back too."""
    from sqlalchemy import update

    from scheduler.store.tables import AttorneyRow, ClientRow

    _warm(seeded)
    with seeded.unit_of_work() as uow:
        attorney = uow.attorneys.list()[0]
        uow.attorneys.get(attorney.id)  # cached
        uow.session.execute(
            update(AttorneyRow).where(AttorneyRow.id == attorney.id).values(name="Core write")
        )
        assert uow.attorneys.get(attorney.id).name == "Core write"
        uow.rollback()
    with seeded.unit_of_work() as uow:
        client = uow.clients.list()[0]
        uow.clients.get(client.id)  # cached
        row = uow.session.get(ClientRow, client.id)
        assert row is not None
        row.name = "ORM write"
        uow.flush()
        assert uow.clients.get(client.id).name == "ORM write"
        uow.rollback()
    with seeded.unit_of_work() as uow:
        misses = seeded.cache.misses if seeded.cache else 0
        uow.session.execute(text("SELECT 1"))  # neither a write nor a cached table
        uow.attorneys.list()
        assert seeded.cache is not None and seeded.cache.misses == misses
