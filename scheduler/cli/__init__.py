"""The ``secretary`` command (Typer + rich): thin commands over the use-cases in services."""

from __future__ import annotations

from scheduler.cli import db, demo, keys, serve, solve  # noqa: F401  (each module registers its commands)
from scheduler.cli.app import app


def main() -> None:
    app()


__all__ = ["app", "main"]
