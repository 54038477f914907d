"""The store: the only package that imports SQLAlchemy.

``open_store(url)`` gives a :class:`Store` whose units of work implement ``scheduler.ports``.
"""

from __future__ import annotations

from typing import Any

from scheduler.store.engine import make_engine, upgrade
from scheduler.store.uow import SqlUnitOfWork, Store, translate_error


def open_store(url: str, *, migrate: bool = True, **engine_options: Any) -> Store:
    """Connect to ``url`` and (by default) bring its schema up to date; ``engine_options`` go
    to :func:`make_engine` (``pool_size`` ...)."""
    engine = make_engine(url, **engine_options)
    if migrate:
        upgrade(engine)
    return Store(engine)


__all__ = ["SqlUnitOfWork", "Store", "make_engine", "open_store", "translate_error", "upgrade"]
