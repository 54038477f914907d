"""``secretary deadline``, ``deadlines``, ``rules``, ``docket`` and ``closures``: court deadlines.

The computing commands need no database; the docket commands record trigger events on a matter,
which stores the deadlines they set and schedules their ticklers.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime
from typing import Annotated, Any

import typer
from rich.table import Table

from scheduler.cli.app import app, console, context, print_json
from scheduler.courtdays import Jurisdiction, long_date, parse_date
from scheduler.domain import require_zone
from scheduler.errors import InvalidInput
from scheduler.rules import (
    Computation,
    PeriodRequest,
    ServiceMethod,
    chain,
    compute,
    events,
    get_event,
    rules,
)
from scheduler.rules.hours import HourComputation, HourRequest, compute_hours
from scheduler.services import docket
from scheduler.services.access import operator
from scheduler.store import open_store

FLAG_NAMES = {
    "jurisdiction": "--jurisdiction",
    "trigger": "--trigger",
    "days": "--days",
    "hours": "--hours",
    "timezone": "--tz",
    "service": "--service",
    "event": "--event",
    "date": "--date",
    "closures": "--closed",
    "from": "--from",
    "to": "--to",
    "matter": "--matter",
    "reason": "--reason",
}


@contextmanager
def _flags() -> Iterator[None]:
    """Name the command-line flag, not the engine's field, when input is refused."""
    try:
        yield
    except InvalidInput as error:
        field = FLAG_NAMES.get(error.field or "", error.field)
        raise InvalidInput(error.message, field=field) from None


def _closures(values: list[str] | None) -> tuple[tuple[date, str], ...]:
    return tuple(
        (parse_date(v, field="closures"), "closure entered for this computation")
        for v in values or []
    )


def _print_computation(title: str, computation: Computation | HourComputation) -> None:
    """The answer, its numbered steps, notes and citations (a period in hours names its time)."""
    due = computation.due
    when = (
        f"{long_date(due.date())} at {due:%H:%M} {due.tzname()}"
        if isinstance(due, datetime)
        else long_date(due)
    )
    console.print(f"[bold]{title}[/]: {when} ({due.isoformat()})", highlight=False)
    for number, step in enumerate(computation.steps, 1):
        console.print(f"  {number}. {step}", highlight=False, markup=False)
    for note in computation.notes:
        console.print(f"  Note: {note}", highlight=False, markup=False)
    console.print(f"  Citations: {'; '.join(computation.citations)}", highlight=False, markup=False)


JurisdictionOpt = Annotated[
    str, typer.Option("--jurisdiction", "-j", help="US-FED, US-CA or US-NY.")
]
ServiceOpt = Annotated[
    str,
    typer.Option(
        "--service",
        help="How the paper was served: personal, mail, electronic or overnight; for "
        "California, mail-us (from or to elsewhere in the United States) or mail-abroad.",
    ),
]
ClosedOpt = Annotated[
    list[str] | None,
    typer.Option(
        "--closed",
        help="A day the court was closed (FRCP 6(a)(3), CCP 12b); repeat for more days.",
    ),
]
JsonOpt = Annotated[bool, typer.Option("--json", help="Print the answer as JSON.")]


@app.command("deadline")
def deadline(
    jurisdiction: JurisdictionOpt,
    trigger: Annotated[
        str,
        typer.Option(
            "--trigger",
            help="The day the period runs from (or, with --before, back from); with --hours, "
            "the time: YYYY-MM-DDTHH:MM, on the court's clock unless an offset is given.",
        ),
    ],
    days: Annotated[int | None, typer.Option("--days", help="The length of the period.")] = None,
    hours: Annotated[
        int | None,
        typer.Option("--hours", help="A period stated in hours (FRCP 6(a)(2)), instead of --days."),
    ] = None,
    tz: Annotated[
        str | None,
        typer.Option(
            "--tz", help="The court's clock for --hours (default: SECRETARY_FIRM_TIMEZONE)."
        ),
    ] = None,
    court_days: Annotated[
        bool, typer.Option("--court-days", help="Count court days instead of calendar days.")
    ] = False,
    before: Annotated[
        bool,
        typer.Option("--before", help="Count back from the trigger (a hearing or trial date)."),
    ] = False,
    service: ServiceOpt = "personal",
    closed: ClosedOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Compute one court deadline, with every step explained and the rules cited.

    Example: [bold]secretary deadline --jurisdiction US-FED --trigger 2026-03-02 --days 21[/]
    """
    if (days is None) == (hours is None):
        raise InvalidInput("give the period as --days N or as --hours N", field="--days")
    if hours is not None:
        if court_days or before or service != "personal":
            raise InvalidInput(
                "a period in hours runs forward from the event itself: --court-days, --before "
                "and --service apply to periods in days",
                field="--hours",
            )
        _deadline_in_hours(jurisdiction, trigger, hours, tz, closed, as_json)
        return
    assert days is not None
    with _flags():
        request = PeriodRequest(
            jurisdiction=Jurisdiction.parse(jurisdiction),
            trigger=parse_date(trigger, field="trigger"),
            days=days,
            court_days=court_days,
            before=before,
            service=ServiceMethod.parse(service),
            closures=_closures(closed),
        )
        computation = compute(request)
    if as_json:
        print_json(
            {
                "jurisdiction": request.jurisdiction.value,
                "trigger": request.trigger.isoformat(),
                "days": request.days,
                "court_days": request.court_days,
                "before": request.before,
                "service": request.service.value,
                **computation.to_json(),
            }
        )
        return
    _print_computation("Deadline", computation)


def _deadline_in_hours(
    jurisdiction: str,
    trigger: str,
    hours: int,
    tz: str | None,
    closed: list[str] | None,
    as_json: bool,
) -> None:
    from scheduler.settings import Settings

    with _flags():
        zone = require_zone(tz or Settings().firm_timezone, field="timezone")
        try:
            if "T" not in trigger.upper():
                raise ValueError("a date alone")
            moment = datetime.fromisoformat(trigger.strip())
        except ValueError:
            raise InvalidInput(
                f"'{trigger}' is not a time; a period in hours runs from a moment: write it as "
                "YYYY-MM-DDTHH:MM",
                field="trigger",
            ) from None
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=zone)
        request = HourRequest(
            Jurisdiction.parse(jurisdiction), moment, hours, zone, _closures(closed)
        )
        computation = compute_hours(request)
    if as_json:
        print_json(
            {
                "jurisdiction": request.jurisdiction.value,
                "trigger": moment.astimezone(zone).isoformat(),
                "hours": hours,
                "timezone": zone.key,
                **computation.to_json(),
            }
        )
        return
    _print_computation("Deadline", computation)


@app.command("deadlines")
def deadlines(
    jurisdiction: JurisdictionOpt,
    event: Annotated[
        str, typer.Option("--event", help="The trigger event (see `secretary rules`).")
    ],
    on: Annotated[str, typer.Option("--date", help="The day the event happened (YYYY-MM-DD).")],
    service: ServiceOpt = "personal",
    closed: ClosedOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Compute the whole chain of deadlines a trigger event sets.

    Example: [bold]secretary deadlines --jurisdiction US-CA --event hearing-set --date 2026-04-13[/]
    """
    with _flags():
        parsed = Jurisdiction.parse(jurisdiction)
        the_event = get_event(parsed, event)
        day = parse_date(on, field="date")
        items = chain(
            parsed,
            the_event.id,
            day,
            ServiceMethod.parse(service),
            _closures(closed),
        )
    if as_json:
        print_json(
            {
                "jurisdiction": parsed.value,
                "event": the_event.id,
                "event_name": the_event.name,
                "date": day.isoformat(),
                "service": ServiceMethod.parse(service).value,
                "deadlines": [item.to_json() for item in items],
            }
        )
        return
    console.print(f"[bold]{the_event.name}[/] on {long_date(day)}")
    for item in items:
        console.print()
        _print_computation(f"{item.rule.title} [{item.rule.id}]", item.computation)


@app.command("rules")
def rules_command(
    jurisdiction: Annotated[
        str | None,
        typer.Option("--jurisdiction", "-j", help="Only this jurisdiction (US-FED, US-CA, US-NY)."),
    ] = None,
    as_json: JsonOpt = False,
) -> None:
    """List the trigger events and the deadline rules each one sets, with their citations.

    Example: [bold]secretary rules --jurisdiction US-NY[/]
    """
    with _flags():
        only = Jurisdiction.parse(jurisdiction) if jurisdiction else None
    listed = events(only)
    if as_json:
        print_json(
            [
                {
                    "jurisdiction": e.jurisdiction.value,
                    "event": e.id,
                    "name": e.name,
                    "date_means": e.date_means,
                    "rules": [
                        {
                            "id": r.id,
                            "title": r.title,
                            "period": r.period_words,
                            "days": r.days,
                            "court_days": r.court_days,
                            "before": r.before,
                            "served": r.served,
                            "citation": r.citation,
                            "statement": r.statement,
                        }
                        for r in rules(e.jurisdiction, e.id)
                    ],
                }
                for e in listed
            ]
        )
        return
    table = Table("jurisdiction", "event", "rule", "period", "citation", title="Deadline rules")
    for e in listed:
        for r in rules(e.jurisdiction, e.id):
            table.add_row(
                e.jurisdiction.value, e.id, f"{r.id}\n{r.title}", r.period_words, r.citation
            )
    console.print(table)


# --- the docket of a matter -----------------------------------------------------------------

docket_app = typer.Typer(
    help="Record trigger events on a matter; its deadlines and ticklers follow.",
    no_args_is_help=True,
)
app.add_typer(docket_app, name="docket")


def _deadline_rows(items: list[Any]) -> list[dict[str, Any]]:
    return [
        {
            "id": d.id,
            "matter": d.matter_id,
            "title": d.title,
            "due": d.due_on.isoformat(),
            "rule": d.rule_id,
            "trigger": d.trigger_id,
            "jurisdiction": d.jurisdiction,
            "responsible_attorneys": list(d.responsible_attorneys),
            "steps": list(d.steps),
            "citations": list(d.citations),
            "status": d.status,
        }
        for d in items
    ]


def _print_docket(result: docket.DocketView) -> None:
    triggers = Table("trigger", "event", "date", "service", title=f"Docket of {result.matter_id}")
    for t in result.triggers:
        triggers.add_row(t.id, t.event, t.occurred_on.isoformat(), t.service)
    console.print(triggers)
    table = Table("due", "deadline", "rule", "trigger", "ticklers (court days before)")
    for d in result.deadlines:
        days_before = sorted(
            {int(m.payload.get("days_before", 0)) for m in result.ticklers.get(d.id, [])},
            reverse=True,
        )
        ticklers = ", ".join(str(n) for n in days_before)
        table.add_row(
            f"{d.due_on:%a} {d.due_on.isoformat()}",
            d.title,
            d.rule_id,
            d.trigger_id or "",
            ticklers,
        )
    console.print(table)


def _docket_json(result: docket.DocketView) -> dict[str, Any]:
    return result.to_json()


@docket_app.command("add")
def docket_add(
    ctx: typer.Context,
    matter: Annotated[str, typer.Option("--matter", help="The matter's id (mat-...).")],
    event: Annotated[
        str, typer.Option("--event", help="The trigger event (see `secretary rules`).")
    ],
    on: Annotated[str, typer.Option("--date", help="The day it happened (YYYY-MM-DD).")],
    service: ServiceOpt = "personal",
    note: Annotated[str, typer.Option("--note", help="A short note for the docket.")] = "",
    as_json: JsonOpt = False,
) -> None:
    """Record a trigger event on a matter; store its deadlines and schedule their ticklers.

    Example: [bold]secretary docket add --matter mat-001 --event trial-set --date 2027-03-01[/]
    """
    cli = context(ctx)
    store = open_store(cli.settings().database_url)
    try:
        with _flags(), store.unit_of_work() as uow:
            trigger = docket.record_trigger(
                uow,
                operator(),
                cli.clock.now(),
                matter_id=matter,
                event=event,
                occurred_on=parse_date(on, field="date"),
                service=ServiceMethod.parse(service),
                note=note,
            )
        with store.unit_of_work(readonly=True) as uow:
            view = docket.matter_docket(uow, operator(), trigger.matter_id, trigger_id=trigger.id)
    finally:
        store.dispose()
    if as_json:
        print_json({"trigger": docket.trigger_json(trigger), **_docket_json(view)})
        return
    console.print(f"Recorded {trigger.id}: {trigger.event} on {long_date(trigger.occurred_on)}.")
    _print_docket(view)


@docket_app.command("move")
def docket_move(
    ctx: typer.Context,
    trigger_id: Annotated[str, typer.Argument(help="The trigger event's id (trg-...).")],
    on: Annotated[
        str | None, typer.Option("--date", help="The corrected date (YYYY-MM-DD).")
    ] = None,
    service: Annotated[
        str | None,
        typer.Option("--service", help="The corrected method of service."),
    ] = None,
    note: Annotated[str | None, typer.Option("--note", help="A new note.")] = None,
    as_json: JsonOpt = False,
) -> None:
    """Correct a trigger event's date or service; its deadlines and ticklers are recomputed.

    Example: [bold]secretary docket move trg-1a2b3c4d --date 2026-12-03[/]
    """
    cli = context(ctx)
    store = open_store(cli.settings().database_url)
    try:
        with _flags(), store.unit_of_work() as uow:
            trigger = docket.edit_trigger(
                uow,
                operator(),
                cli.clock.now(),
                trigger_id,
                occurred_on=parse_date(on, field="date") if on else None,
                service=ServiceMethod.parse(service) if service else None,
                note=note,
            )
        with store.unit_of_work(readonly=True) as uow:
            view = docket.matter_docket(uow, operator(), trigger.matter_id, trigger_id=trigger.id)
    finally:
        store.dispose()
    if as_json:
        print_json({"trigger": docket.trigger_json(trigger), **_docket_json(view)})
        return
    console.print(f"Moved {trigger.id} to {long_date(trigger.occurred_on)}; deadlines recomputed.")
    _print_docket(view)


@docket_app.command("remove")
def docket_remove(
    ctx: typer.Context,
    trigger_id: Annotated[str, typer.Argument(help="The trigger event's id (trg-...).")],
) -> None:
    """Remove a trigger event with its deadlines; their pending ticklers are withdrawn.

    Example: [bold]secretary docket remove trg-1a2b3c4d[/]
    """
    cli = context(ctx)
    store = open_store(cli.settings().database_url)
    try:
        with _flags(), store.unit_of_work() as uow:
            removed = docket.remove_trigger(uow, operator(), cli.clock.now(), trigger_id)
    finally:
        store.dispose()
    console.print(
        f"Removed {trigger_id} and its {removed} deadline{'s' if removed != 1 else ''}; "
        "pending ticklers withdrawn."
    )


@docket_app.command("show")
def docket_show(
    ctx: typer.Context,
    matter: Annotated[str, typer.Option("--matter", help="The matter's id (mat-...).")],
    as_json: JsonOpt = False,
) -> None:
    """Show a matter's trigger events, deadlines and scheduled ticklers.

    Example: [bold]secretary docket show --matter mat-001[/]
    """
    cli = context(ctx)
    store = open_store(cli.settings().database_url)
    try:
        with _flags(), store.unit_of_work() as uow:
            view = docket.matter_docket(uow, operator(), matter, now=cli.clock.now())
    finally:
        store.dispose()
    if as_json:
        print_json(_docket_json(view))
        return
    _print_docket(view)


@docket_app.command("upcoming")
def docket_upcoming(
    ctx: typer.Context,
    start: Annotated[str, typer.Option("--from", help="First due date (YYYY-MM-DD).")],
    end: Annotated[str, typer.Option("--to", help="Last due date (YYYY-MM-DD).")],
    as_json: JsonOpt = False,
) -> None:
    """List the firm's deadlines due between two dates, across matters.

    Example: [bold]secretary docket upcoming --from 2026-12-01 --to 2026-12-31[/]
    """
    cli = context(ctx)
    store = open_store(cli.settings().database_url)
    try:
        with _flags(), store.unit_of_work() as uow:
            found = docket.deadlines_between(
                uow,
                operator(),
                cli.clock.now(),
                parse_date(start, field="from"),
                parse_date(end, field="to"),
            )
    finally:
        store.dispose()
    if as_json:
        print_json({"data": _deadline_rows(found), "count": len(found)})
        return
    table = Table("due", "matter", "deadline", "rule", title="Deadlines")
    for d in found:
        table.add_row(f"{d.due_on:%a} {d.due_on.isoformat()}", d.matter_id, d.title, d.rule_id)
    console.print(table)


# --- court closures ---------------------------------------------------------------------------

closures_app = typer.Typer(
    help="Days a court was closed (FRCP 6(a)(3), CCP 12b); docketed deadlines follow.",
    no_args_is_help=True,
)
app.add_typer(closures_app, name="closures")


@closures_app.command("add")
def closures_add(
    ctx: typer.Context,
    jurisdiction: JurisdictionOpt,
    on: Annotated[str, typer.Option("--date", help="The day the court was closed.")],
    reason: Annotated[
        str, typer.Option("--reason", help="Why, e.g. 'clerk's office closed by a storm'.")
    ],
) -> None:
    """Record a day a jurisdiction's courts were closed; docketed deadlines are recomputed.

    Example: [bold]secretary closures add -j US-FED --date 2026-12-28 --reason "storm"[/]
    """
    cli = context(ctx)
    with _flags():
        parsed = Jurisdiction.parse(jurisdiction)
        day = parse_date(on, field="date")
    store = open_store(cli.settings().database_url)
    try:
        with _flags(), store.unit_of_work() as uow:
            moved = docket.add_closure(uow, operator(), cli.clock.now(), parsed, day, reason)
    finally:
        store.dispose()
    console.print(
        f"Recorded: {parsed.value} courts closed on {long_date(day)}. "
        f"{moved} docketed deadline{'s' if moved != 1 else ''} moved."
    )


@closures_app.command("list")
def closures_list(
    ctx: typer.Context,
    jurisdiction: Annotated[
        str | None, typer.Option("--jurisdiction", "-j", help="Only this jurisdiction.")
    ] = None,
    as_json: JsonOpt = False,
) -> None:
    """List the recorded court closures.

    Example: [bold]secretary closures list --jurisdiction US-FED[/]
    """
    with _flags():
        only = Jurisdiction.parse(jurisdiction) if jurisdiction else None
    store = open_store(context(ctx).settings().database_url)
    try:
        with store.unit_of_work(readonly=True) as uow:
            found = docket.list_closures(uow, operator(), only)
    finally:
        store.dispose()
    rows = [
        {"jurisdiction": c.jurisdiction, "date": c.closed_on.isoformat(), "reason": c.reason}
        for c in found
    ]
    if as_json:
        print_json({"data": rows, "count": len(rows)})
        return
    table = Table("jurisdiction", "date", "reason", title="Court closures")
    for row in rows:
        table.add_row(row["jurisdiction"], row["date"], row["reason"])
    console.print(table)


@closures_app.command("remove")
def closures_remove(
    ctx: typer.Context,
    jurisdiction: JurisdictionOpt,
    on: Annotated[str, typer.Option("--date", help="The closure's date.")],
) -> None:
    """Remove a recorded closure; docketed deadlines are recomputed.

    Example: [bold]secretary closures remove -j US-FED --date 2026-12-28[/]
    """
    cli = context(ctx)
    with _flags():
        parsed = Jurisdiction.parse(jurisdiction)
        day = parse_date(on, field="date")
    store = open_store(cli.settings().database_url)
    try:
        with _flags(), store.unit_of_work() as uow:
            moved = docket.remove_closure(uow, operator(), cli.clock.now(), parsed, day)
    finally:
        store.dispose()
    console.print(
        f"Removed the closure of {parsed.value} courts on {long_date(day)}. "
        f"{moved} docketed deadline{'s' if moved != 1 else ''} moved."
    )
