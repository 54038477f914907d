"""``secretary agenda``: the day per attorney, in each attorney's local time."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Annotated, Any
from zoneinfo import ZoneInfo

import typer
from rich.table import Table

from scheduler.availability import local_day_span
from scheduler.cli.app import app, console, context, print_json
from scheduler.errors import InvalidInput
from scheduler.intervals import Interval, clip
from scheduler.services.access import operator
from scheduler.services.agenda import Agenda, AttorneyDay, day_agenda
from scheduler.settings import Settings
from scheduler.store import Store, open_store


def parse_day(text: str, option: str, today: date | None = None) -> date:
    """A date as YYYY-MM-DD, or (given ``today``) the words "today" and "tomorrow"."""
    word = text.strip().lower()
    if today is not None and word in ("today", "tomorrow"):
        return today if word == "today" else today + timedelta(days=1)
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise InvalidInput(
            f"'{text}' is not a date; write it as YYYY-MM-DD, today or tomorrow", field=option
        ) from None


def firm_today(store: Store, settings: Settings, now: datetime) -> date:
    """Today's date on the firm's clock (its zone as recorded, else the configured default)."""
    with store.unit_of_work(readonly=True) as uow:
        firm = uow.firm.find()
    return now.astimezone(ZoneInfo(firm.timezone if firm else settings.firm_timezone)).date()


def _local(moment: datetime, zone: ZoneInfo) -> str:
    return moment.astimezone(zone).isoformat()


def agenda_json(agenda: Agenda) -> dict[str, Any]:
    """The agenda as the documented JSON: instants with offsets in each attorney's zone."""
    return {
        "date": agenda.day.isoformat(),
        "attorneys": [_attorney_json(entry, agenda) for entry in agenda.attorneys],
        "rooms_closed": [
            {
                "room": c.room_id,
                "name": agenda.room_names.get(c.room_id, c.room_id),
                "start": _local(c.starts_at, agenda.firm_zone),
                "end": _local(c.ends_at, agenda.firm_zone),
                "reason": c.reason,
            }
            for c in agenda.rooms_closed
        ],
    }


def _attorney_json(entry: AttorneyDay, agenda: Agenda) -> dict[str, Any]:
    zone = entry.zone
    return {
        "id": entry.attorney.id,
        "name": entry.attorney.name,
        "timezone": entry.attorney.timezone,
        "appointments": [
            {
                "id": a.id,
                "uid": a.uid,
                "sequence": a.sequence,
                "start": _local(a.starts_at, zone),
                "end": _local(a.ends_at, zone),
                "client": a.client_id,
                "client_name": agenda.client_names.get(a.client_id, ""),
                "matter": a.matter_id,
                "matter_title": agenda.matter_titles.get(a.matter_id, ""),
                "room": a.room_id,
                "attorneys": list(a.attorney_ids),
                "status": a.status.value,
                "title": a.title,
            }
            for a in entry.appointments
        ],
        "busy": [{"start": _local(b.start, zone), "end": _local(b.end, zone)} for b in entry.busy],
        "time_off": [
            {"start": _local(t.start, zone), "end": _local(t.end, zone)} for t in entry.time_off
        ],
        "free": [{"start": _local(f.start, zone), "end": _local(f.end, zone)} for f in entry.free],
        "deadlines": [
            {
                "id": d.id,
                "matter": d.matter_id,
                "title": d.title,
                "due": d.due_on.isoformat(),
                "days_left": (d.due_on - agenda.day).days,
            }
            for d in entry.deadlines
        ],
        "conflicts": [
            {"appointment": c.appointment_id, "reason": c.reason} for c in entry.conflicts
        ],
    }


def _hm(moment: datetime, zone: ZoneInfo) -> str:
    return moment.astimezone(zone).strftime("%H:%M")


def _print(agenda: Agenda) -> None:
    console.print(f"[bold]Agenda for {agenda.day:%A %d %B %Y}[/]")
    zone = agenda.firm_zone
    today = local_day_span(agenda.day, zone)
    for c in agenda.rooms_closed:
        name = agenda.room_names.get(c.room_id, c.room_id)
        (part,) = clip([Interval(c.starts_at, c.ends_at)], today)
        when = (
            "all day"
            if part == today
            else f"{_hm(part.start, zone)}-{_hm(part.end, zone)} {part.start.astimezone(zone):%Z}"
        )
        why = f" ({c.reason})" if c.reason else ""
        console.print(f"Room closed: {name}, {when}{why}")
    for entry in agenda.attorneys:
        zone = entry.zone
        abbr = entry.span.start.astimezone(zone).tzname()
        console.print(f"\n[bold]{entry.attorney.name}[/] ({entry.attorney.id}, {abbr})")
        flagged = {c.appointment_id: c.reason for c in entry.conflicts}
        rows: list[tuple[datetime, tuple[str, ...]]] = []
        for a in entry.appointments:
            room = agenda.room_names.get(a.room_id, a.room_id) if a.room_id else "video"
            with_others = [x for x in a.attorney_ids if x != entry.attorney.id]
            note = flagged.get(a.id, "")
            rows.append(
                (
                    a.starts_at,
                    (
                        f"{_hm(a.starts_at, zone)}-{_hm(a.ends_at, zone)}",
                        a.title + (f" (with {', '.join(with_others)})" if with_others else ""),
                        agenda.client_names.get(a.client_id, a.client_id),
                        a.matter_id,
                        room or "",
                        a.status.value + (f" [red]CONFLICT: {note}[/]" if note else ""),
                    ),
                )
            )
        for b in entry.busy:
            rows.append(
                (b.start, (f"{_hm(b.start, zone)}-{_hm(b.end, zone)}", "busy", "", "", "", ""))
            )
        for t in entry.time_off:
            rows.append(
                (t.start, (f"{_hm(t.start, zone)}-{_hm(t.end, zone)}", "time off", "", "", "", ""))
            )
        for f in entry.free:
            rows.append(
                (
                    f.start,
                    (f"{_hm(f.start, zone)}-{_hm(f.end, zone)}", "[green]free[/]", "", "", "", ""),
                )
            )
        table = Table("time", "what", "client", "matter", "room", "status")
        for _, cells in sorted(rows, key=lambda r: r[0]):
            table.add_row(*cells)
        if rows:
            console.print(table)
        else:
            console.print("  Not working today.")
        for d in entry.deadlines:
            days = (d.due_on - agenda.day).days
            when = "due today" if days == 0 else f"due in {days} day(s), {d.due_on:%a %d %b}"
            console.print(f"  Deadline: {d.title} ({d.matter_id}), {when}")


@app.command()
def agenda(
    ctx: typer.Context,
    day: Annotated[
        str | None,
        typer.Argument(help="The day: YYYY-MM-DD, today or tomorrow (default: today)."),
    ] = None,
    attorney: Annotated[
        list[str] | None, typer.Option("--attorney", help="Only this attorney (repeatable).")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the agenda as JSON.")] = False,
) -> None:
    """See the day: appointments, busy time, free gaps, deadlines and conflicts, per attorney.

    Example: [bold]secretary agenda 2026-12-07 --attorney att-villalobos[/]
    """
    cli = context(ctx)
    settings = cli.settings()
    now = cli.clock.now()
    store = open_store(settings.database_url)
    try:
        today = firm_today(store, settings, now)
        the_day = parse_day(day, "DATE", today) if day else today
        with store.unit_of_work() as uow:
            result = day_agenda(uow, operator(), the_day, now, attorney_ids=attorney or None)
    finally:
        store.dispose()
    if as_json:
        print_json(agenda_json(result))
    else:
        _print(result)
