"""Calendars in and out: ``secretary feeds``, ``secretary export-ics``, ``secretary import-ics``
and ``secretary calendars``.

Secrets stay secret: a feed's URL is printed once, when it is issued; subscription URLs and
CalDAV addresses are shown only as ``https://host/…``; CalDAV passwords are read from an
environment variable, never from the command line, and never printed.
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.table import Table

if TYPE_CHECKING:
    from scheduler.services.calendars import ImportSummary, IssuedFeed
from scheduler.cli.app import app, console, context, err_console, print_json
from scheduler.domain import CalendarSource, FeedKind
from scheduler.errors import InvalidInput
from scheduler.services.access import operator
from scheduler.store import open_store

feeds_app = typer.Typer(
    help="Calendar subscription feeds: issue, list, rotate and revoke their secret URLs.",
    no_args_is_help=True,
)
app.add_typer(feeds_app, name="feeds")
calendars_app = typer.Typer(
    help="Attorneys' own calendars (subscription URLs, CalDAV) read as busy time.",
    no_args_is_help=True,
)
app.add_typer(calendars_app, name="calendars")

DEFAULT_PASSWORD_ENV = "SECRETARY_CALDAV_PASSWORD"


def _print_issued(issued: IssuedFeed, as_json: bool) -> None:
    if as_json:
        print_json({"url": issued.url, "token": issued.token, "kind": issued.kind.value})
        return
    console.print(f"Feed {issued.id} ({issued.kind.value}):", highlight=False)
    console.print(f"  [bold]{issued.url}[/]", highlight=False, soft_wrap=True)
    console.print(
        "Subscribe with this address (Google: 'From URL'; Apple and Outlook also accept it "
        "with webcal:// in front). It is shown only this once; anyone holding it can read "
        "the feed until it is revoked.",
        highlight=False,
    )


@feeds_app.command("issue")
def feeds_issue(
    ctx: typer.Context,
    attorney: Annotated[
        str | None, typer.Option("--attorney", help="An attorney's full calendar.")
    ] = None,
    client: Annotated[
        str | None, typer.Option("--client", help="A client's own appointments.")
    ] = None,
    matter: Annotated[
        str | None, typer.Option("--matter", help="A matter's docket (court deadlines).")
    ] = None,
    firm_busy: Annotated[
        bool,
        typer.Option("--firm-busy", help="Every attorney's busy times, and nothing else."),
    ] = False,
    as_json: Annotated[
        bool, typer.Option("--json", help="Print {url, token, kind} as JSON.")
    ] = False,
) -> None:
    """Issue a feed and print its secret URL (once).

    Example: [bold]secretary feeds issue --attorney att-okafor[/]
    """
    from scheduler.services.calendars import issue_feed

    chosen = [
        (kind, subject)
        for kind, subject, given in (
            (FeedKind.ATTORNEY, attorney, attorney is not None),
            (FeedKind.CLIENT, client, client is not None),
            (FeedKind.MATTER, matter, matter is not None),
            (FeedKind.FIRM_BUSY, None, firm_busy),
        )
        if given
    ]
    if len(chosen) != 1:
        raise InvalidInput(
            "choose exactly one of --attorney, --client, --matter or --firm-busy", field="feed"
        )
    kind, subject = chosen[0]
    cli = context(ctx)
    settings = cli.settings()
    store = open_store(settings.database_url)
    try:
        with store.unit_of_work() as uow:
            issued = issue_feed(
                uow,
                operator(),
                cli.clock.now(),
                kind=kind,
                subject_id=subject,
                base_url=settings.base_url,
            )
    finally:
        store.dispose()
    _print_issued(issued, as_json)


@feeds_app.command("list")
def feeds_list(
    ctx: typer.Context,
    as_json: Annotated[bool, typer.Option("--json", help="Print as JSON.")] = False,
) -> None:
    """List feed tokens (their URLs cannot be shown again: only hashes are kept).

    Example: [bold]secretary feeds list[/]
    """
    from scheduler.services.calendars import list_feeds

    store = open_store(context(ctx).settings().database_url)
    try:
        with store.unit_of_work(readonly=True) as uow:
            tokens = list_feeds(uow, operator())
    finally:
        store.dispose()
    rows = [
        {
            "id": t.id,
            "kind": t.kind.value,
            "subject_id": t.subject_id,
            "created": t.created_at.isoformat(),
            "revoked": t.revoked_at.isoformat() if t.revoked_at else None,
        }
        for t in tokens
    ]
    if as_json:
        print_json(rows)
        return
    table = Table("id", "kind", "for", "created", "revoked")
    for r in rows:
        table.add_row(
            r["id"],
            r["kind"],
            r["subject_id"] or "(whole firm)",
            str(r["created"])[:16],
            str(r["revoked"] or "")[:16],
        )
    console.print(table)


@feeds_app.command("revoke")
def feeds_revoke(
    ctx: typer.Context,
    token_id: Annotated[str, typer.Argument(help="The feed's id (feed-...).")],
) -> None:
    """Revoke a feed at once: its URL answers 404 from now on.

    Example: [bold]secretary feeds revoke feed-1a2b3c4d[/]
    """
    from scheduler.services.calendars import revoke_feed

    cli = context(ctx)
    store = open_store(cli.settings().database_url)
    try:
        with store.unit_of_work() as uow:
            revoke_feed(uow, operator(), cli.clock.now(), token_id)
    finally:
        store.dispose()
    console.print(f"Feed {token_id} is revoked; calendars subscribed to it stop updating.")


@feeds_app.command("rotate")
def feeds_rotate(
    ctx: typer.Context,
    token_id: Annotated[str, typer.Argument(help="The feed's id (feed-...).")],
    as_json: Annotated[
        bool, typer.Option("--json", help="Print {url, token, kind} as JSON.")
    ] = False,
) -> None:
    """Replace a feed's URL with a new one (the old one answers 404 from now on).

    Example: [bold]secretary feeds rotate feed-1a2b3c4d[/]
    """
    from scheduler.services.calendars import rotate_feed

    cli = context(ctx)
    settings = cli.settings()
    store = open_store(settings.database_url)
    try:
        with store.unit_of_work() as uow:
            issued = rotate_feed(
                uow, operator(), cli.clock.now(), token_id, base_url=settings.base_url
            )
    finally:
        store.dispose()
    _print_issued(issued, as_json)


@app.command("export-ics")
def export_ics(
    ctx: typer.Context,
    appointment: Annotated[str, typer.Option("--appointment", help="The appointment's id.")],
    output: Annotated[
        Path, typer.Option("--output", "-o", help="The file to write ('-' for standard output).")
    ],
    method: Annotated[
        str | None,
        typer.Option(
            "--method",
            help="request (invitation or update) or cancel; default: request, or cancel for a "
            "cancelled appointment.",
        ),
    ] = None,
    recipient: Annotated[
        str,
        typer.Option(
            "--recipient",
            help="Whose copy: client, attorney (the first one), client:ID or attorney:ID.",
        ),
    ] = "client",
) -> None:
    """Write an appointment's invitation exactly as it is sent to one recipient.

    Example: [bold]secretary export-ics --appointment apt-0001 --method request -o invite.ics[/]
    """
    from scheduler.services.calendars import export_invitation

    cli = context(ctx)
    store = open_store(cli.settings().database_url)
    try:
        with store.unit_of_work() as uow:
            data = export_invitation(
                uow,
                operator(),
                cli.clock.now(),
                appointment_id=appointment,
                method=method,
                recipient=recipient,
            )
    finally:
        store.dispose()
    if str(output) == "-":
        sys.stdout.buffer.write(data)
        sys.stdout.flush()
        return
    output.write_bytes(data)  # bytes, never text mode: CRLF must stay CRLF
    err_console.print(f"Wrote {output} ({len(data)} bytes).", highlight=False)


def _print_summary(summary: ImportSummary, as_json: bool) -> None:
    if as_json:
        print_json(summary.to_json())
        return
    if summary.unchanged:
        console.print(
            f"{summary.source_id}: unchanged since the last poll "
            f"({summary.blocks} busy blocks kept).",
            highlight=False,
        )
        return
    console.print(
        f"{summary.source_id}: {summary.blocks} busy block(s) for {summary.attorney_id} from "
        f"{summary.events} event(s); {summary.ignored} occurrence(s) ignored (cancelled, free "
        "or declined).",
        highlight=False,
    )
    if summary.floating:
        console.print(
            f"  {summary.floating} occurrence(s) had no time zone and were read as the "
            "attorney's local time.",
            highlight=False,
        )
    for problem in summary.problems:
        console.print(f"  skipped: {problem}", highlight=False, soft_wrap=True)


@app.command("import-ics")
def import_ics_command(
    ctx: typer.Context,
    attorney: Annotated[str, typer.Option("--attorney", help="Whose busy time this is.")],
    file_or_url: Annotated[
        str, typer.Argument(help="An .ics file, or an https:// / webcal:// address.")
    ],
    tolerant: Annotated[
        bool,
        typer.Option("--tolerant", help="Skip events that cannot be read (they are listed)."),
    ] = False,
    label: Annotated[str, typer.Option("--label", help="A name for this calendar.")] = "",
    days: Annotated[int, typer.Option("--days", help="How many days ahead to read.")] = 180,
    as_json: Annotated[bool, typer.Option("--json", help="Print the result as JSON.")] = False,
) -> None:
    """Read an attorney's calendar as busy time (a file once; an address is also polled later).

    Importing the same file or address again replaces what it gave before, all at once.

    Example: [bold]secretary import-ics --attorney att-okafor ~/okafor-outlook.ics[/]
    """
    from calendars.sources import NetworkReader
    from scheduler.services.calendars import add_url_source, import_ics, sync_source

    cli = context(ctx)
    now = cli.clock.now()
    is_url = "://" in file_or_url
    data = b""
    if not is_url:
        path = Path(file_or_url).expanduser()
        if not path.is_file():
            raise InvalidInput(f"no file named {path}", field="FILE_OR_URL")
        data = path.read_bytes()
    store = open_store(cli.settings().database_url)
    try:
        if is_url:
            with store.unit_of_work() as uow:
                source = add_url_source(
                    uow, operator(), now, attorney_id=attorney, url=file_or_url, label=label
                )
            summary = sync_source(
                store,
                NetworkReader(os.environ),
                operator(),
                now,
                source.id,
                tolerant=tolerant,
                days=days,
            )
        else:
            with store.unit_of_work() as uow:
                summary = import_ics(
                    uow,
                    operator(),
                    now,
                    attorney_id=attorney,
                    data=data,
                    label=label or Path(file_or_url).name,
                    tolerant=tolerant,
                    days=days,
                )
    finally:
        store.dispose()
    _print_summary(summary, as_json)


@calendars_app.command("add")
def calendars_add(
    ctx: typer.Context,
    attorney: Annotated[str, typer.Option("--attorney", help="Whose calendar this is.")],
    caldav: Annotated[
        str | None, typer.Option("--caldav", help="The CalDAV calendar (or account) address.")
    ] = None,
    url: Annotated[
        str | None, typer.Option("--url", help="A subscription (.ics) address instead.")
    ] = None,
    username: Annotated[
        str,
        typer.Option(
            "--username",
            envvar="SECRETARY_CALDAV_USERNAME",
            help="CalDAV user name (or SECRETARY_CALDAV_USERNAME).",
        ),
    ] = "",
    password_env: Annotated[
        str,
        typer.Option(
            "--password-env",
            help="The environment variable holding the CalDAV password, here and wherever "
            "'calendars sync' runs. The password itself is never stored or printed.",
        ),
    ] = DEFAULT_PASSWORD_ENV,
    label: Annotated[str, typer.Option("--label", help="A name for this calendar.")] = "",
    poll_minutes: Annotated[
        int, typer.Option("--poll-minutes", help="How often 'calendars sync' reads it.")
    ] = 15,
    no_sync: Annotated[
        bool, typer.Option("--no-sync", help="Register only; do not read it now.")
    ] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print the result as JSON.")] = False,
) -> None:
    """Add a CalDAV calendar (or a subscription URL) of an attorney, and read it now.

    Example: [bold]CALDAV_PW_OKAFOR=... secretary calendars add --attorney att-okafor --caldav
    https://dav.example.com/okafor/work/ --username okafor --password-env CALDAV_PW_OKAFOR[/]
    """
    from calendars.sources import NetworkReader
    from scheduler.services.calendars import add_caldav_source, add_url_source, sync_source

    if (caldav is None) == (url is None):
        raise InvalidInput("give either --caldav or --url", field="--caldav")
    cli = context(ctx)
    now = cli.clock.now()
    store = open_store(cli.settings().database_url)
    try:
        with store.unit_of_work() as uow:
            if caldav is not None:
                source = add_caldav_source(
                    uow,
                    operator(),
                    now,
                    attorney_id=attorney,
                    url=caldav,
                    username=username,
                    password_env=password_env if password_env else "",
                    label=label,
                    poll_minutes=poll_minutes,
                )
            else:
                source = add_url_source(
                    uow,
                    operator(),
                    now,
                    attorney_id=attorney,
                    url=url or "",
                    label=label,
                    poll_minutes=poll_minutes,
                )
        if no_sync:
            if as_json:
                print_json(_source_json(source, 0))
            else:
                console.print(f"Added {source.id} ({source.label}).", highlight=False)
            return
        summary = sync_source(store, NetworkReader(os.environ), operator(), now, source.id)
    finally:
        store.dispose()
    _print_summary(summary, as_json)


def _source_json(source: CalendarSource, blocks: int) -> dict[str, object]:
    from calendars.sources import redact_url

    return {
        "id": source.id,
        "attorney_id": source.attorney_id,
        "kind": source.kind,
        "label": source.label,
        "address": redact_url(source.url) if source.url else None,
        "username": source.username or None,
        "password_env": source.password_env or None,
        "poll_minutes": source.poll_minutes,
        "last_polled_at": source.last_polled_at.isoformat() if source.last_polled_at else None,
        "last_error": source.last_error,
        "busy_blocks": blocks,
    }


@calendars_app.command("list")
def calendars_list(
    ctx: typer.Context,
    as_json: Annotated[bool, typer.Option("--json", help="Print as JSON.")] = False,
) -> None:
    """List calendar sources (addresses shown as https://host/… only).

    Example: [bold]secretary calendars list[/]
    """
    from scheduler.services.calendars import list_sources

    store = open_store(context(ctx).settings().database_url)
    try:
        with store.unit_of_work(readonly=True) as uow:
            rows = [
                _source_json(s, uow.busy.count_blocks(s.id)) for s in list_sources(uow, operator())
            ]
    finally:
        store.dispose()
    if as_json:
        print_json(rows)
        return
    table = Table("attorney", "kind", "label", "blocks", "last polled", "last problem")
    table.add_column("id", no_wrap=True)
    for r in rows:
        table.add_row(
            str(r["attorney_id"]),
            str(r["kind"]),
            str(r["label"]),
            str(r["busy_blocks"]),
            str(r["last_polled_at"] or "")[:16],
            str(r["last_error"] or "")[:60],
            str(r["id"]),
        )
    console.print(table)


@calendars_app.command("sync")
def calendars_sync(
    ctx: typer.Context,
    once: Annotated[bool, typer.Option("--once", help="Poll what is due once, then stop.")] = False,
    source: Annotated[
        str | None, typer.Option("--source", help="Poll this source now, due or not.")
    ] = None,
    interval: Annotated[
        int, typer.Option("--interval", help="Seconds between rounds when running on.")
    ] = 60,
    as_json: Annotated[
        bool, typer.Option("--json", help="Print results as JSON (with --source or --once).")
    ] = False,
) -> None:
    """Poll the subscription and CalDAV calendars that are due, and keep polling.

    Each source is read when its poll interval has passed; an unchanged calendar costs one small
    request (ETag / If-Modified-Since).

    Example: [bold]secretary calendars sync --once[/]
    """
    from calendars.sources import NetworkReader
    from scheduler.services.calendars import sync_due, sync_source

    if not 5 <= interval <= 3600:
        raise InvalidInput("poll every 5 to 3600 seconds", field="--interval")
    cli = context(ctx)
    store = open_store(cli.settings().database_url)
    reader = NetworkReader(os.environ)
    try:
        if source is not None:
            summary = sync_source(store, reader, operator(), cli.clock.now(), source)
            _print_summary(summary, as_json)
            return
        while True:
            outcomes = sync_due(store, reader, operator(), cli.clock.now())
            if as_json and once:
                print_json(
                    [
                        {"source_id": o.source_id, "error": o.error}
                        | (o.summary.to_json() if o.summary else {})
                        for o in outcomes
                    ]
                )
                raise typer.Exit(1 if any(o.error for o in outcomes) else 0)
            failed = 0
            for outcome in outcomes:
                if outcome.summary is not None:
                    _print_summary(outcome.summary, False)
                else:
                    failed += 1
                    err_console.print(
                        f"{outcome.source_id}: {outcome.error}", highlight=False, soft_wrap=True
                    )
            if once:
                if not outcomes:
                    console.print("No calendar is due for polling.")
                if failed:
                    raise typer.Exit(1)
                return
            time.sleep(interval)
    finally:
        store.dispose()


@calendars_app.command("remove")
def calendars_remove(
    ctx: typer.Context,
    source_id: Annotated[str, typer.Argument(help="The source's id (src-...).")],
) -> None:
    """Remove a calendar source and the busy time it gave.

    Example: [bold]secretary calendars remove src-caldav-0123456789ab[/]
    """
    from scheduler.services.calendars import remove_source

    cli = context(ctx)
    store = open_store(cli.settings().database_url)
    try:
        with store.unit_of_work() as uow:
            remove_source(uow, operator(), cli.clock.now(), source_id)
    finally:
        store.dispose()
    console.print(f"Removed {source_id} and its busy time.")
