"""``secretary reschedule-day``: re-plan a day when an attorney, a room or the office is out."""

from __future__ import annotations

import getpass
from datetime import datetime, time
from typing import TYPE_CHECKING, Annotated

import typer
from rich.progress import Progress as Bar
from rich.progress import SpinnerColumn, TextColumn, TimeElapsedColumn
from rich.table import Table

from scheduler.cli.agenda import firm_today, parse_day
from scheduler.cli.app import app, console, context, err_console, print_json
from scheduler.errors import InvalidInput
from scheduler.services.access import operator
from scheduler.store import open_store

if TYPE_CHECKING:
    from scheduler.services.replan import OutScope, ReplanPlan


def _clock_time(text: str | None, option: str) -> time | None:
    if text is None:
        return None
    try:
        return time.fromisoformat(text)
    except ValueError:
        raise InvalidInput(
            f"'{text}' is not a time of day; write it as HH:MM", field=option
        ) from None


def _scope(attorney: str | None, room: str | None, office: bool) -> OutScope:
    from scheduler.services.replan import OutScope

    chosen = [x for x in (attorney is not None, room is not None, office) if x]
    if len(chosen) != 1:
        raise InvalidInput(
            "say what is out: --attorney ID, --room ID or --office", field="--attorney"
        )
    if attorney is not None:
        return OutScope("attorney", attorney)
    if room is not None:
        return OutScope("room", room)
    return OutScope("office")


def _when(iso: str) -> str:
    """ "Mon 30 Nov 09:00" from an instant with its offset (already in the right zone)."""
    return datetime.fromisoformat(iso).strftime("%a %d %b %H:%M")


def _print(plan: ReplanPlan) -> None:
    from scheduler.services.replan import plan_json

    data = plan_json(plan)
    what = plan.request.scope.id or "the office"
    if plan.request.start is None:
        lost = "all day"
    else:
        lost = f"{data['blocked']['start'][11:16]}-{data['blocked']['end'][11:16]}"
    console.print(
        f"[bold]Re-plan for {plan.request.day:%A %d %B %Y}[/]: {what} out {lost} "
        f"({plan.zone.key}); new times up to {_when(data['within']['end'])[:10]}."
    )
    if not plan.touched:
        console.print("Nothing to move: no appointment falls in that time.")
        return
    if data["moved"]:
        table = Table("meeting", "client", "was", "now", "why", title="Moves")
        for m in data["moved"]:
            now = _when(m["new_start"])
            if m["new_attorneys"] != m["old_attorneys"]:
                now += f"\nwith {', '.join(m['new_attorneys'])}"
            if m["room"] != m["old_room"] and m["room"]:
                now += f"\nin {m['room']}"
            was = f"{_when(m['old_start'])}\n{', '.join(m['old_attorneys'])}"
            table.add_row(m["id"], m["client"], was, now, m["why"])
        console.print(table)
    for u in data["unplaced"]:
        who = ", ".join(u["attorneys"])
        console.print(
            f"[yellow]Could not place[/] {u['id']} ({_when(u['start'])}, {who}): {u['reason']}"
        )
        if u["alternatives"]:
            nearest = "; ".join(_when(a["start"]) for a in u["alternatives"])
            console.print(f"  Nearest times with the same attorney: {nearest}")
        console.print(f"  It {u['action']} so that nothing is left in the lost time.")
    if plan.applied:
        console.print(f"[green]Applied.[/] {len(plan.queued)} message(s) queued:")
        for line in plan.queued:
            console.print(f"  {line}")
    else:
        console.print("Dry run: nothing was changed. Run again with --apply to make these changes.")


@app.command("reschedule-day")
def reschedule_day(
    ctx: typer.Context,
    day: Annotated[
        str, typer.Argument(help="The day that is lost: YYYY-MM-DD, today or tomorrow.")
    ],
    attorney: Annotated[
        str | None, typer.Option("--attorney", help="The attorney who is out.")
    ] = None,
    room: Annotated[str | None, typer.Option("--room", help="The room that is out.")] = None,
    office: Annotated[bool, typer.Option("--office", help="The whole office is closed.")] = False,
    from_: Annotated[
        str | None, typer.Option("--from", help="Out from HH:MM (local; default: all day).")
    ] = None,
    to: Annotated[str | None, typer.Option("--to", help="Out until HH:MM (local).")] = None,
    reason: Annotated[str, typer.Option("--reason", help="Why (kept in the audit log).")] = "",
    within: Annotated[
        int, typer.Option("--within", help="Re-plan within this many court days.")
    ] = 10,
    keep_attorney: Annotated[
        bool, typer.Option("--keep-attorney", help="Only the same attorneys (the default).")
    ] = False,
    allow_reassign: Annotated[
        bool,
        typer.Option("--allow-reassign", help="Let qualified colleagues take what cannot wait."),
    ] = False,
    apply: Annotated[
        bool, typer.Option("--apply", help="Make the changes (without it: a dry run).")
    ] = False,
    time_limit: Annotated[
        float | None,
        typer.Option("--time-limit", help="Seconds the solver may think (default: 2)."),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the plan as JSON.")] = False,
) -> None:
    """Move every appointment out of a lost day, with a dry run first.

    Without --apply nothing is written: you see each meeting's old and new time and attorney, and
    what cannot be placed, with the reason and the nearest alternatives. With --apply it is all
    committed at once, the time off is recorded, and updates go out to every attendee.

    Example: [bold]secretary reschedule-day 2026-12-07 --attorney att-villalobos --reason "ill"[/]
    """
    from scheduler.services.replan import (
        ReplanRequest,
        apply_reschedule,
        plan_json,
        plan_reschedule,
    )

    if keep_attorney and allow_reassign:
        raise InvalidInput(
            "choose --keep-attorney or --allow-reassign, not both", field="--allow-reassign"
        )
    if time_limit is not None and not 0.1 <= time_limit <= 300:
        raise InvalidInput("give the solver between 0.1 and 300 seconds", field="--time-limit")
    scope = _scope(attorney, room, office)
    start, end = _clock_time(from_, "--from"), _clock_time(to, "--to")
    cli = context(ctx)
    settings = cli.settings()
    now = cli.clock.now()
    actor = operator(f"secretary-cli ({getpass.getuser()})")
    store = open_store(settings.database_url)
    show = console.is_terminal and not as_json
    try:
        request = ReplanRequest(
            day=parse_day(day, "DATE", firm_today(store, settings, now)),
            scope=scope,
            start=start,
            end=end,
            reason=reason,
            within_court_days=within,
            allow_reassign=allow_reassign,
        )
        with Bar(
            SpinnerColumn(),
            TextColumn("{task.description}"),
            TimeElapsedColumn(),
            console=err_console,
            transient=True,
            disable=not show,
        ) as bar:
            task = bar.add_task("Re-planning...", total=None)

            def progress(p):  # type: ignore[no-untyped-def]
                bar.update(task, description=f"Re-planning: {p.phase}")

            run = apply_reschedule if apply else plan_reschedule
            with store.unit_of_work(readonly=not apply) as uow:
                plan = run(
                    uow,
                    actor,
                    request,
                    now,
                    time_limit_seconds=time_limit or settings.replan_time_limit_seconds,
                    workers=settings.solver_workers,
                    progress=progress,
                )
    finally:
        store.dispose()
    if as_json:
        print_json(plan_json(plan))
    else:
        _print(plan)
