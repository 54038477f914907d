"""``secretary links``: booking links a client opens to book one meeting (``/book/{token}``)."""

from __future__ import annotations

from datetime import date
from typing import Annotated

import typer
from rich.table import Table

from scheduler.cli.app import app, console, context, print_json
from scheduler.errors import InvalidInput
from scheduler.services.access import operator
from scheduler.services.links import (
    DEFAULT_TITLE,
    DEFAULT_VALID_DAYS,
    create_link,
    link_view,
    list_links,
    revoke_link,
)
from scheduler.store import open_store

links_app = typer.Typer(help="Issue, list and revoke clients' booking links.", no_args_is_help=True)
app.add_typer(links_app, name="links")


def _day(value: str | None, option: str) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise InvalidInput(f"'{value}' is not a date; write YYYY-MM-DD", field=option) from None


@links_app.command("create")
def links_create(
    ctx: typer.Context,
    client: Annotated[str, typer.Option("--client", help="The client who books.")],
    matter: Annotated[str, typer.Option("--matter", help="The client's matter it is about.")],
    duration: Annotated[int, typer.Option("--duration", help="Minutes (5 to 720).")],
    attorney: Annotated[
        list[str] | None,
        typer.Option(
            "--attorney",
            help="An attorney who may take it (repeat for several; default: the matter's own).",
        ),
    ] = None,
    all_attend: Annotated[
        bool,
        typer.Option("--all-attend", help="Every attorney named attends (default: any one)."),
    ] = False,
    room: Annotated[bool, typer.Option("--room", help="The meeting needs a room.")] = False,
    title: Annotated[str, typer.Option("--title", help="What the meeting is called.")] = (
        DEFAULT_TITLE
    ),
    deadline: Annotated[
        str | None,
        typer.Option("--deadline", help="The meeting must take place by this day (YYYY-MM-DD)."),
    ] = None,
    expires_in: Annotated[
        int, typer.Option("--expires-in", help="Days the link takes bookings (1 to 90).")
    ] = DEFAULT_VALID_DAYS,
    as_json: Annotated[
        bool, typer.Option("--json", help="Print {url, token, expires} (and id) as JSON.")
    ] = False,
) -> None:
    """Issue a booking link and print its address (once: only its hash is kept).

    Example: [bold]secretary links create --client cli-001 --matter mat-001 --duration 60 --json[/]
    """
    cli = context(ctx)
    settings = cli.settings()
    store = open_store(settings.database_url)
    try:
        with store.unit_of_work() as uow:
            issued = create_link(
                uow,
                operator(),
                cli.clock.now(),
                client_id=client,
                matter_id=matter,
                duration_minutes=duration,
                base_url=settings.base_url,
                attorney_ids=attorney or (),
                attend_all=all_attend,
                needs_room=room,
                title=title,
                meet_by=_day(deadline, "--deadline"),
                valid_days=expires_in,
            )
    finally:
        store.dispose()
    if as_json:
        print_json(issued.to_json())
        return
    console.print(
        f"Booking link {issued.id}, taking bookings until {issued.expires_at:%Y-%m-%d %H:%M} UTC:"
    )
    console.print(issued.url, soft_wrap=True, highlight=False)
    console.print("Send it to the client. It is shown only this once.")


@links_app.command("list")
def links_list(
    ctx: typer.Context,
    client: Annotated[str | None, typer.Option("--client", help="One client's links.")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print as JSON.")] = False,
) -> None:
    """List booking links with their state (never their addresses, which are not kept).

    Example: [bold]secretary links list --client cli-001[/]
    """
    cli = context(ctx)
    store = open_store(cli.settings().database_url)
    try:
        with store.unit_of_work(readonly=True) as uow:
            found = list_links(uow, operator(), client_id=client)
    finally:
        store.dispose()
    now = cli.clock.now()
    rows = [link_view(link, now) for link in found]
    if as_json:
        print_json(rows)
        return
    table = Table()
    table.add_column("id", no_wrap=True)
    for name in ("client", "matter", "minutes", "attorneys", "status", "expires", "booking"):
        table.add_column(name)
    for r in rows:
        table.add_row(
            r["id"],
            r["client"],
            r["matter"],
            str(r["duration_minutes"]),
            ", ".join(r["attorneys"]),
            r["status"],
            str(r["expires"])[:16],
            r["booking"] or "",
        )
    console.print(table)


@links_app.command("revoke")
def links_revoke(
    ctx: typer.Context,
    link_id: Annotated[str, typer.Argument(help="The link's id (lnk-...).")],
) -> None:
    """Revoke a link at once: its address opens nothing from now on.

    Example: [bold]secretary links revoke lnk-1a2b3c4d5e[/]
    """
    cli = context(ctx)
    store = open_store(cli.settings().database_url)
    try:
        with store.unit_of_work() as uow:
            revoke_link(uow, operator(), cli.clock.now(), link_id)
    finally:
        store.dispose()
    console.print(f"Booking link {link_id} is revoked.")
