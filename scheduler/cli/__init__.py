"""The ``secretary`` command (Typer + rich): thin commands over the use-cases in services."""

from __future__ import annotations

from scheduler.cli import (  # noqa: F401  (each module registers its commands)
    calendars,
    db,
    deadlines,
    demo,
    keys,
    links,
    outbox,
    serve,
)
from scheduler.cli.app import app


def main() -> None:
    app()


__all__ = ["app", "main"]
