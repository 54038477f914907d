"""The root of the ``secretary`` command: options shared by every command, and error handling.

Exit status: 0 on success, 1 on a failure, 2 on bad input, always with a one-line message (a
traceback only with ``--verbose``).
"""

from __future__ import annotations

import json
import sys
from dataclasses import dataclass, field
from typing import Annotated, Any

import typer
from rich.console import Console
from typer.core import TyperGroup

from scheduler.clock import Clock, SystemClock
from scheduler.errors import InvalidInput, SecretaryError
from scheduler.settings import Settings

console = Console()
err_console = Console(stderr=True)


class SecretaryGroup(TyperGroup):
    """Turns the engine's errors into exit statuses and one-line messages."""

    def invoke(self, ctx: Any) -> Any:  # a click Context; typer vendors click privately
        try:
            return super().invoke(ctx)
        except (typer.Exit, typer.Abort, typer.TyperException):
            raise
        except SecretaryError as error:
            if _verbose(ctx):
                raise
            err_console.print(f"[bold red]error:[/] {error}", highlight=False, soft_wrap=True)
            raise typer.Exit(error.exit_code) from None
        except Exception as error:
            if _verbose(ctx):
                raise
            err_console.print(
                f"[bold red]error:[/] unexpected failure ({type(error).__name__}); "
                "run again with --verbose for details",
                highlight=False,
            )
            raise typer.Exit(1) from None


def _verbose(ctx: typer.Context) -> bool:
    obj = ctx.find_root().obj
    return bool(getattr(obj, "verbose", False))


app = typer.Typer(
    name="secretary",
    cls=SecretaryGroup,
    help="The law firm's scheduling engine: calendars, court deadlines, bookings and re-plans.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode="rich",
    context_settings={"help_option_names": ["-h", "--help"]},
)


@dataclass
class CliContext:
    verbose: bool = False
    clock: Clock = field(default_factory=SystemClock)

    def settings(self, **overrides: Any) -> Settings:
        """Settings from SECRETARY_* variables, with command-line overrides applied."""
        try:
            return Settings(**{k: v for k, v in overrides.items() if v is not None})
        except ValueError as error:
            raise InvalidInput(str(error).splitlines()[-1].strip()) from None


@app.callback()
def root(
    ctx: typer.Context,
    verbose: Annotated[
        bool, typer.Option("--verbose", "-v", help="Show full error details (tracebacks).")
    ] = False,
) -> None:
    """Every command reads the database from SECRETARY_DATABASE_URL (default: ./secretary.db)."""
    ctx.obj = CliContext(verbose=verbose)


def context(ctx: typer.Context) -> CliContext:
    obj = ctx.find_root().obj
    assert isinstance(obj, CliContext)
    return obj


def print_json(data: Any) -> None:
    """Machine-readable output: one JSON document on standard output."""
    sys.stdout.write(json.dumps(data, indent=2, ensure_ascii=False, default=str) + "\n")
