"""The ``secretary`` command (Typer + rich): thin commands over the use-cases in services."""

from __future__ import annotations

from scheduler.cli import (  # noqa: F401  (each module registers its commands)
    agenda,
    calendars,
    db,
    deadlines,
    demo,
    firm,
    keys,
    links,
    outbox,
    replan,
    serve,
    solve,
)
from scheduler.cli.app import app


def main() -> None:
    app()


__all__ = ["app", "main"]
