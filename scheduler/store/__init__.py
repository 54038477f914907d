"""The store: the only package that imports SQLAlchemy.

``open_store(url)`` gives a :class:`Store` whose units of work implement ``scheduler.ports``.
"""

from __future__ import annotations

from scheduler.store.engine import make_engine, upgrade
from scheduler.store.uow import SqlUnitOfWork, Store, translate_error


def open_store(url: str, *, migrate: bool = True) -> Store:
    """Connect to ``url`` and (by default) bring its schema up to date."""
    engine = make_engine(url)
    if migrate:
        upgrade(engine)
    return Store(engine)


__all__ = ["SqlUnitOfWork", "Store", "make_engine", "open_store", "translate_error", "upgrade"]
