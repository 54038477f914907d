"""Per-process copies of facts that rarely change, never served once the database has moved on.

The firm (with its rooms and closed days), attorneys, clients, matters (with their attorneys,
walls and adverse parties) and API keys are read on nearly every request and change a few times a
day. Each kind has a version in ``cache_versions`` that database triggers replace, in the same
transaction, whenever one of its tables changes (revision 0110). A unit of work reads all the
versions with one small query the first time it needs a cached fact, and uses a copy only if it
was made under the version it just read. So:

- a change committed anywhere (another worker, another machine, the ``secretary`` command, plain
  SQL) is seen by the next unit of work that starts after the commit, exactly as without a cache:
  a revoked API key is refused by the very next request, a new ethical wall holds at once;
- a unit of work that has written to a cached kind reads everything from the database for the
  rest of its life (it must see its own changes);
- a missing version row (a table emptied by hand) means no caching for that kind.

The version is read before the facts a copy is made from, so a copy can only be newer than its
version (a change in between makes the next unit of work reload), never older. Copies are
immutable domain objects; lists are handed out as fresh lists.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from threading import Lock
from typing import Any, TypeVar

from sqlalchemy import event, select
from sqlalchemy.orm import ORMExecuteState, Session, sessionmaker

from scheduler.store.tables import CacheVersionRow

T = TypeVar("T")
KINDS = ("firm", "attorneys", "clients", "matters", "api_keys")
#: The tables behind the cached kinds (the triggers of revision 0110 watch the same ones).
CACHED_TABLES = frozenset(
    {
        "firm",
        "rooms",
        "closed_days",
        "attorneys",
        "clients",
        "matters",
        "matter_attorneys",
        "matter_screens",
        "adverse_parties",
        "api_keys",
    }
)
MAX_ENTRIES_PER_KIND = 50_000
_MISSING = object()


class FactCache:
    """The process-wide copies, one dictionary per kind, each tagged with its version."""

    def __init__(self) -> None:
        self._lock = Lock()
        self._kinds: dict[str, tuple[int, dict[Hashable, Any]]] = {}
        self.hits = 0
        self.misses = 0

    def get(self, kind: str, version: int, key: Hashable) -> Any:
        entry = self._kinds.get(kind)
        if entry is None or entry[0] != version:
            return _MISSING
        return entry[1].get(key, _MISSING)

    def put(self, kind: str, version: int, key: Hashable, value: Any) -> None:
        with self._lock:
            entry = self._kinds.get(kind)
            if entry is None or entry[0] != version or len(entry[1]) >= MAX_ENTRIES_PER_KIND:
                entry = (version, {})
                self._kinds[kind] = entry
            entry[1][key] = value

    def clear(self) -> None:
        with self._lock:
            self._kinds.clear()


def watch_writes(sessions: sessionmaker[Session]) -> None:
    """Turn a unit of work's cache off as soon as it writes to a cached table, whichever code
    writes (a repository method, a Core statement, an ORM flush), so it always reads its own
    changes. The unit of work keeps its :class:`CacheView` in ``session.info["cache_view"]``."""

    def view_of(session: Session) -> CacheView | None:
        view = session.info.get("cache_view")
        return view if isinstance(view, CacheView) else None

    @event.listens_for(sessions, "do_orm_execute")
    def _statement(state: ORMExecuteState) -> None:
        if not (state.is_insert or state.is_update or state.is_delete):
            return
        table = getattr(state.statement, "table", None)
        view = view_of(state.session)
        if view is not None and getattr(table, "name", None) in CACHED_TABLES:
            view.wrote()

    @event.listens_for(sessions, "before_flush")
    def _flush(session: Session, _context: Any, _instances: Any) -> None:
        view = view_of(session)
        if view is None or view.bypassed:
            return
        for row in (*session.new, *session.dirty, *session.deleted):
            if getattr(getattr(row, "__table__", None), "name", None) in CACHED_TABLES:
                view.wrote()
                return


class CacheView:
    """One unit of work's window on the cache: the versions it read, and whether it wrote."""

    def __init__(
        self,
        cache: FactCache | None,
        session: Session,
        given: Callable[[], dict[str, int] | None] | None = None,
    ) -> None:
        self._cache = cache
        self._session = session
        self._given = given
        self._versions: dict[str, int] | None = None
        self.bypassed = cache is None

    @property
    def versions(self) -> dict[str, int] | None:
        """The versions this unit of work read (None if it needed none)."""
        return self._versions

    def adopt(self, versions: dict[str, int]) -> None:
        """Versions read by another statement of this unit of work (saves reading them)."""
        if self._versions is None:
            self._versions = versions

    def wrote(self) -> None:
        """This transaction changed a cached kind: read from the database from now on."""
        self.bypassed = True

    def _version(self, kind: str) -> int | None:
        if self._versions is None and self._given is not None:
            self._versions = self._given()
        if self._versions is None:
            rows = self._session.execute(select(CacheVersionRow.name, CacheVersionRow.version))
            self._versions = {str(name): int(version) for name, version in rows}
        return self._versions.get(kind)

    def fetch(
        self, kind: str, key: Hashable, load: Callable[[], T], *, keep_none: bool = True
    ) -> T:
        """The cached value for ``key`` if it is current, else ``load()`` (and keep it; a None
        only if ``keep_none``)."""
        if self.bypassed or self._cache is None:
            return load()
        version = self._version(kind)
        if version is None:
            return load()
        found = self._cache.get(kind, version, key)
        if found is not _MISSING:
            self._cache.hits += 1
            value: T = found
            return value
        self._cache.misses += 1
        value = load()
        if not self.bypassed and (keep_none or value is not None):
            self._cache.put(kind, version, key, value)
        return value
