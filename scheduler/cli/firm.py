"""``secretary firm``: the firm's own settings (name, zone, address, reminder policy)."""

from __future__ import annotations

import dataclasses
from typing import Annotated, Any

import typer

from scheduler.cli.app import app, console, context, print_json
from scheduler.domain import Firm
from scheduler.errors import InvalidInput
from scheduler.services.access import operator
from scheduler.services.firm import get_firm, save_firm
from scheduler.store import open_store

firm_app = typer.Typer(
    help="The firm's settings: name, time zone, address, reminders.", no_args_is_help=True
)
app.add_typer(firm_app, name="firm")


def firm_json(firm: Firm) -> dict[str, Any]:
    return {
        "name": firm.name,
        "timezone": firm.timezone,
        "address": firm.address,
        "email": firm.email,
        "phone": firm.phone,
        "reminder_offsets_minutes": list(firm.reminder_offsets_minutes),
        "tickler_court_days": list(firm.tickler_court_days),
        "min_notice_business_hours": firm.min_notice_business_hours,
    }


def _numbers(text: str | None, option: str) -> tuple[int, ...] | None:
    if text is None:
        return None
    try:
        return tuple(int(x) for x in text.split(",") if x.strip())
    except ValueError:
        raise InvalidInput(
            "give whole numbers separated by commas, e.g. 1440,120", field=option
        ) from None


@firm_app.command("show")
def firm_show(
    ctx: typer.Context,
    as_json: Annotated[bool, typer.Option("--json", help="Print as JSON.")] = False,
) -> None:
    """Show the firm's settings.

    Example: [bold]secretary firm show[/]
    """
    store = open_store(context(ctx).settings().database_url)
    try:
        with store.unit_of_work(readonly=True) as uow:
            firm = get_firm(uow)
    finally:
        store.dispose()
    if as_json:
        print_json(firm_json(firm))
        return
    for key, value in firm_json(firm).items():
        console.print(f"{key.replace('_', ' ')}: {value}")


@firm_app.command("set")
def firm_set(
    ctx: typer.Context,
    name: Annotated[str | None, typer.Option("--name", help="The firm's name.")] = None,
    timezone: Annotated[
        str | None, typer.Option("--timezone", help="IANA zone, e.g. America/New_York.")
    ] = None,
    address: Annotated[str | None, typer.Option("--address", help="The office address.")] = None,
    email: Annotated[
        str | None, typer.Option("--email", help="The organizer address on invitations.")
    ] = None,
    phone: Annotated[str | None, typer.Option("--phone", help="The number clients call.")] = None,
    reminders: Annotated[
        str | None,
        typer.Option("--reminders", help="Minutes before a meeting, e.g. 1440,120."),
    ] = None,
    ticklers: Annotated[
        str | None, typer.Option("--ticklers", help="Court days before a deadline, e.g. 14,7,3,1.")
    ] = None,
    min_notice: Annotated[
        int | None, typer.Option("--min-notice", help="Business hours' notice for client bookings.")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the result as JSON.")] = False,
) -> None:
    """Set the firm's settings (a new database needs name, zone, address and e-mail first).

    Example: [bold]secretary firm set --name "Hargrove & Vance LLP" --timezone America/New_York
    --address "41 Larkspur Street, New York" --email scheduling@hargrove-vance.example[/]
    """
    cli = context(ctx)
    store = open_store(cli.settings().database_url)
    try:
        with store.unit_of_work() as uow:
            current = uow.firm.find()
            if current is None:
                missing = [
                    o
                    for o, v in (
                        ("--name", name),
                        ("--timezone", timezone),
                        ("--address", address),
                        ("--email", email),
                    )
                    if not v
                ]
                if missing:
                    raise InvalidInput(
                        "a new firm needs --name, --timezone, --address and --email",
                        field=missing[0],
                    )
                current = Firm(
                    name=name or "",
                    timezone=timezone or "",
                    address=address or "",
                    email=email or "",
                )
            changes: dict[str, Any] = {
                k: v
                for k, v in {
                    "name": name,
                    "timezone": timezone,
                    "address": address,
                    "email": email,
                    "phone": phone,
                    "reminder_offsets_minutes": _numbers(reminders, "--reminders"),
                    "tickler_court_days": _numbers(ticklers, "--ticklers"),
                    "min_notice_business_hours": min_notice,
                }.items()
                if v is not None
            }
            firm = save_firm(
                uow, operator(), cli.clock.now(), dataclasses.replace(current, **changes)
            )
    finally:
        store.dispose()
    if as_json:
        print_json(firm_json(firm))
    else:
        console.print(f"Saved the settings of {firm.name}.")
