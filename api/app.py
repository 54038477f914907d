"""The FastAPI application factory.

``create_app()`` reads Settings from the environment (that is how ``secretary serve`` and its
workers start it); tests pass their own settings, store and clock.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import anyio.to_thread
from fastapi import FastAPI

from api.background import start_background
from api.errors import install_error_handlers
from api.limits import BodySizeLimit
from api.problems import document_problems
from api.routes import ROUTERS
from scheduler.clock import Clock, SystemClock
from scheduler.settings import Settings
from scheduler.store import Store, open_store

DESCRIPTION = """
The scheduling engine of a law firm. Book client meetings without double booking, compute court
deadlines with every step explained, and subscribe to calendars.

Authenticate with an API key from `secretary keys create` as `Authorization: Bearer KEY`
(the **Authorize** button above). Errors are `application/problem+json` with a plain-language
`detail` and, for bad input, the `field` that is wrong.
"""


def pool_options(settings: Settings) -> dict[str, Any]:
    """Connection pool sizes for a PostgreSQL store (SQLite keeps its own defaults)."""
    if not settings.database_url.startswith("postgresql"):
        return {}
    return {"pool_size": settings.db_pool_size, "max_overflow": settings.db_max_overflow}


def create_app(
    settings: Settings | None = None,
    *,
    store: Store | None = None,
    clock: Clock | None = None,
) -> FastAPI:
    settings = settings or Settings()
    owns_store = store is None
    the_store = store or open_store(settings.database_url, **pool_options(settings))

    the_clock = clock or SystemClock()

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        # Synchronous routes run in a thread pool: bound it, so a worker never holds more
        # database connections than its pool has (a request holds at most two).
        limiter = anyio.to_thread.current_default_thread_limiter()
        limiter.total_tokens = settings.worker_threads
        background = start_background(settings, the_store, the_clock)
        try:
            yield
        finally:
            if background is not None:
                background.stop()
            if owns_store:
                the_store.dispose()

    app = FastAPI(
        title="legal-secretary",
        version="0.1.0",
        description=DESCRIPTION,
        lifespan=lifespan,
    )
    app.state.settings = settings
    app.state.store = the_store
    app.state.clock = the_clock
    install_error_handlers(app)
    for router in ROUTERS:
        document_problems(router.routes)
        app.include_router(router)
    app.add_middleware(BodySizeLimit, max_bytes=settings.max_body_bytes)
    logging.getLogger("api").setLevel(logging.INFO)
    return app
