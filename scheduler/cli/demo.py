"""``secretary demo``: a believable fictional firm to explore the engine with."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Annotated
from zoneinfo import ZoneInfo

import typer
from rich.table import Table

from scheduler.cli.app import app, console, context, print_json
from scheduler.courtdays import FIRST_YEAR, LAST_YEAR, court_closed_days
from scheduler.demo import LARGE, SMALL, build_demo_firm, next_monday
from scheduler.domain import Role
from scheduler.errors import InvalidInput
from scheduler.services.access import operator
from scheduler.services.firm import seed_demo_firm
from scheduler.services.keys import create_api_key
from scheduler.store import open_store


@app.command()
def demo(
    ctx: typer.Context,
    start: Annotated[
        str | None,
        typer.Option("--start", help="First day of the two demo weeks (default: next Monday)."),
    ] = None,
    seed: Annotated[int, typer.Option("--seed", help="Random seed; same seed, same firm.")] = 7,
    db: Annotated[
        str | None, typer.Option("--db", help="Database URL (overrides the env).")
    ] = None,
    size: Annotated[
        str, typer.Option("--size", help="small (12 attorneys) or large (60, for benchmarks).")
    ] = "small",
    if_empty: Annotated[
        bool,
        typer.Option(
            "--if-empty", help="Do nothing (and succeed) when the database already holds a firm."
        ),
    ] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print the summary as JSON.")] = False,
) -> None:
    """Create a fictional firm with attorneys, clients, matters and two weeks of appointments.

    Example: [bold]secretary demo --start 2026-12-07 --seed 7[/]
    """
    cli = context(ctx)
    settings = cli.settings(database_url=db)
    now = cli.clock.now()
    today = now.astimezone(ZoneInfo(settings.firm_timezone)).date()
    first_day = _parse_start(start) if start else next_monday(today)
    if size not in ("small", "large"):
        raise InvalidInput("use small or large", field="--size")
    # The firm closes on the federal courts' holidays for the coming year; appointments stay off
    # them, and nothing is booked or moved onto them.
    last = min(first_day + timedelta(days=400), date(LAST_YEAR, 12, 31))
    start_at = max(min(first_day, today) - timedelta(days=7), date(FIRST_YEAR, 1, 1))
    closed = court_closed_days(start_at, last) if start_at <= last else frozenset()
    firm = build_demo_firm(
        first_day, seed=seed, size=SMALL if size == "small" else LARGE, closed_days=closed
    )
    store = open_store(settings.database_url)
    try:
        with store.unit_of_work(readonly=True) as uow:
            present = bool(uow.attorneys.list())
        if present and if_empty:
            console.print("The database already holds a firm; leaving it as it is.")
            return
        with store.unit_of_work() as uow:
            seed_demo_firm(uow, operator(), now, firm)
        with store.unit_of_work() as uow:
            key = create_api_key(
                uow, operator(), now, role=Role.SECRETARY, label="demo secretary key"
            )
    finally:
        store.dispose()
    summary = {
        "database": settings.database_url,
        "start": first_day.isoformat(),
        "attorneys": len(firm.attorneys),
        "rooms": len(firm.rooms),
        "clients": len(firm.clients),
        "matters": len(firm.matters),
        "ethical_walls": sum(1 for m in firm.matters if m.screened_attorneys),
        "appointments": len(firm.appointments),
        "busy_blocks": len(firm.busy),
        "trigger_events": len(firm.triggers),
        "deadlines": len(firm.deadlines),
        "secretary_key": key.key,
    }
    if as_json:
        print_json(summary)
        return
    table = Table(title=f"{firm.firm.name} (demo) from {first_day:%A %d %B %Y}", show_header=False)
    for name, value in summary.items():
        if name != "secretary_key":
            table.add_row(name.replace("_", " "), str(value))
    console.print(table)
    zones = sorted({a.timezone for a in firm.attorneys})
    console.print(f"Attorneys work in {', '.join(zones)}.")
    console.print(
        f"A secretary API key for the demo (shown once): [bold]{key.key}[/]\n"
        "Next: [bold]secretary serve[/], open http://127.0.0.1:8000/docs, press Authorize "
        "and paste the key."
    )


def _parse_start(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise InvalidInput(
            f"'{text}' is not a date; write it as YYYY-MM-DD", field="--start"
        ) from None
