"""``secretary db``: the schema (Alembic migrations)."""

from __future__ import annotations

from typing import Annotated

import typer

from scheduler.cli.app import app, console, context
from scheduler.store import make_engine, upgrade

db_app = typer.Typer(help="Database schema: create or upgrade it.", no_args_is_help=True)
app.add_typer(db_app, name="db")


@db_app.command("upgrade")
def db_upgrade(
    ctx: typer.Context,
    db: Annotated[
        str | None, typer.Option("--db", help="Database URL (overrides the env).")
    ] = None,
) -> None:
    """Create or upgrade the schema to the latest version.

    Example: [bold]secretary db upgrade --db postgresql://localhost/firm[/]
    """
    settings = context(ctx).settings(database_url=db)
    engine = make_engine(settings.database_url)
    upgrade(engine)
    engine.dispose()
    console.print("The database schema is up to date.")
