"""``secretary dispatch`` and ``secretary outbox``: delivering what the engine owes people."""

from __future__ import annotations

from datetime import datetime
from threading import Event
from typing import TYPE_CHECKING, Annotated

import typer
from rich.table import Table

from scheduler.cli.app import app, console, context, print_json
from scheduler.domain import require_utc
from scheduler.errors import InvalidInput
from scheduler.settings import Settings
from scheduler.store import open_store

if TYPE_CHECKING:
    from scheduler.services.dispatch import DispatchReport, MailSettings

STATUSES = ("pending", "sending", "sent", "failed", "cancelled", "all")


def parse_instant(text: str, option: str) -> datetime:
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise InvalidInput(
            f"'{text}' is not an instant; write it like 2026-12-07T09:00:00-05:00", field=option
        ) from None
    return require_utc(moment, field=option)


def mail_settings(settings: Settings) -> MailSettings:
    from scheduler.services.dispatch import MailSettings

    return MailSettings(mail_from=settings.mail_from)


def _report_rows(report: DispatchReport) -> list[dict[str, str]]:
    return [
        {
            "id": o.message.id,
            "kind": o.message.kind.value,
            "recipient": o.message.recipient,
            "subject": o.message.subject_id,
            "result": o.result,
            "detail": o.detail,
        }
        for o in report.outcomes
    ]


def _print_report(report: DispatchReport) -> None:
    table = Table("message", "kind", "to", "about", "result", "detail")
    for row in _report_rows(report):
        table.add_row(*row.values())
    console.print(table)
    console.print(
        f"{report.count('sent')} sent, {report.count('retry')} to retry, "
        f"{report.count('failed')} failed, {report.count('withdrawn')} withdrawn."
    )


@app.command()
def dispatch(
    ctx: typer.Context,
    once: Annotated[bool, typer.Option("--once", help="One round, then exit.")] = False,
    now: Annotated[
        str | None,
        typer.Option("--now", help="Deliver what is due as of this instant (default: now)."),
    ] = None,
    interval: Annotated[
        float, typer.Option("--interval", help="Seconds between rounds when not --once.")
    ] = 30.0,
    batch: Annotated[
        int, typer.Option("--batch", help="Messages claimed per round trip to the database.")
    ] = 100,
    as_json: Annotated[bool, typer.Option("--json", help="Print what was sent as JSON.")] = False,
) -> None:
    """Deliver due messages (invitations, updates, cancellations, reminders, ticklers).

    Without an SMTP host (SECRETARY_SMTP_HOST) messages are written as .eml files to
    SECRETARY_OUTBOX_DIR. Several dispatchers may run at once: each message goes out once.

    Example: [bold]secretary dispatch --once --now 2026-12-06T09:00:00-05:00[/]
    """
    from calendars.delivery import mailer_from_settings
    from scheduler.services.dispatch import dispatch_due, dispatch_loop

    cli = context(ctx)
    settings = cli.settings()
    moment = parse_instant(now, "--now") if now else None
    if interval <= 0:
        raise InvalidInput("use a positive number of seconds", field="--interval")
    if not 1 <= batch <= 10_000:
        raise InvalidInput("use a batch between 1 and 10000", field="--batch")
    store = open_store(settings.database_url)
    try:
        if once:
            report = dispatch_due(
                store.unit_of_work,
                mailer_from_settings(settings),
                moment or cli.clock.now(),
                mail_settings(settings),
                batch=batch,
            )
            if as_json:
                print_json(_report_rows(report))
            else:
                _print_report(report)
            return
        if moment is not None:
            raise InvalidInput("--now only makes sense with --once", field="--now")
        console.print(f"Dispatching every {interval:g} s; press Ctrl+C to stop.")
        stop = Event()
        try:
            dispatch_loop(
                store.unit_of_work,
                lambda: mailer_from_settings(settings),
                cli.clock.now,
                mail_settings(settings),
                interval_seconds=interval,
                stop=stop,
                on_report=(lambda r: print_json(_report_rows(r))) if as_json else _print_report,
            )
        except KeyboardInterrupt:
            stop.set()
    finally:
        store.dispose()


@app.command()
def outbox(
    ctx: typer.Context,
    status: Annotated[
        str, typer.Option("--status", help="pending, sending, sent, failed, cancelled or all.")
    ] = "all",
    limit: Annotated[int, typer.Option("--limit", help="At most this many, oldest first.")] = 200,
    as_json: Annotated[bool, typer.Option("--json", help="Print as JSON.")] = False,
) -> None:
    """Show the outbox: what is waiting, what went out, and what failed and why.

    Example: [bold]secretary outbox --status failed[/]
    """
    if status not in STATUSES:
        raise InvalidInput(f"use one of {', '.join(STATUSES)}", field="--status")
    if not 1 <= limit <= 100_000:
        raise InvalidInput("use a limit between 1 and 100000", field="--limit")
    store = open_store(context(ctx).settings().database_url)
    try:
        with store.unit_of_work(readonly=True) as uow:
            messages = uow.outbox.list(status=None if status == "all" else status, limit=limit)
    finally:
        store.dispose()
    rows = [
        {
            "id": m.id,
            "kind": m.kind.value,
            "recipient": m.recipient,
            "subject": m.subject_id,
            "due": m.due_at.isoformat(),
            "status": m.status,
            "attempts": m.attempts,
            "error": m.last_error or "",
        }
        for m in messages
    ]
    if as_json:
        print_json(rows)
        return
    table = Table("message", "kind", "to", "about", "due (UTC)", "status", "tries", "last error")
    for r in rows:
        table.add_row(
            str(r["id"]),
            str(r["kind"]),
            str(r["recipient"]),
            str(r["subject"]),
            str(r["due"])[:16],
            str(r["status"]),
            str(r["attempts"]),
            str(r["error"]),
        )
    console.print(table)
    console.print(f"{len(rows)} message(s).")
