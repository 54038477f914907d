"""``secretary serve``: the HTTP API (uvicorn)."""

from __future__ import annotations

import os
from typing import Annotated

import typer

from scheduler.cli.app import app, console, context
from scheduler.errors import InvalidInput
from scheduler.store import open_store


@app.command()
def serve(
    ctx: typer.Context,
    host: Annotated[str, typer.Option("--host", help="Interface to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", help="TCP port.")] = 8000,
    workers: Annotated[
        int, typer.Option("--workers", help="Worker processes (all share the database).")
    ] = 1,
    db: Annotated[
        str | None, typer.Option("--db", help="Database URL (overrides the env).")
    ] = None,
    background_interval: Annotated[
        float,
        typer.Option(
            "--background-interval",
            help="Seconds between background rounds in each worker: outbox delivery and "
            "calendar polling (0: neither).",
        ),
    ] = 30.0,
) -> None:
    """Serve the booking API, with its documentation at /docs.

    Example: [bold]secretary serve --port 8000 --workers 4[/]
    """
    if workers < 1 or workers > 64:
        raise InvalidInput("use between 1 and 64 workers", field="--workers")
    if not 0 < port < 65536:
        raise InvalidInput("not a TCP port", field="--port")
    if not 0 <= background_interval <= 3600:
        raise InvalidInput("use between 0 and 3600 seconds", field="--background-interval")
    settings = context(ctx).settings(database_url=db)
    # Migrate once here, so that workers never race to do it.
    open_store(settings.database_url).dispose()
    # Workers build their settings from the environment.
    os.environ["SECRETARY_DATABASE_URL"] = settings.database_url
    os.environ["SECRETARY_BACKGROUND_INTERVAL_SECONDS"] = str(background_interval)
    import uvicorn

    console.print(f"Serving the API on http://{host}:{port} (docs at /docs), {workers} worker(s).")
    uvicorn.run(
        "api.app:create_app",
        factory=True,
        host=host,
        port=port,
        workers=workers,
        # No access log: URLs of feeds and booking links carry secret tokens.
        access_log=False,
    )
