"""The ``secretary`` command (Typer + rich): thin commands over the use-cases in services."""

from __future__ import annotations

from scheduler.cli import agenda, db, demo, keys, outbox, serve  # noqa: F401  (register commands)
from scheduler.cli.app import app


def main() -> None:
    app()


__all__ = ["app", "main"]
