"""Marking an attorney out from the day board: the ``reschedule-day`` dry run as a before/after
list, and its Apply button (``scheduler.services.replan``).

The dry run writes nothing; Apply plans again and commits the moves, the cancellations, the time
off and the queued updates in one transaction, and the page then shows what was done.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Form, Query, Response
from fastapi.responses import RedirectResponse

from api.deps import ClockDep, SettingsDep, StoreDep
from api.web.board import (
    BOARD_CSP,
    SessionCookie,
    page_context,
    signed_in_actor,
    stale_form,
    to_login,
)
from api.web.render import PageRoute, render
from calendars.wording import format_clock, format_day, join_names, zone_name
from scheduler.domain import Appointment, Language, require_zone
from scheduler.errors import InvalidInput
from scheduler.services import sessions
from scheduler.services.replan import (
    OutScope,
    ReplanPlan,
    ReplanRequest,
    apply_reschedule,
    plan_reschedule,
)
from scheduler.settings import Settings
from scheduler.store import Store

router = APIRouter(route_class=PageRoute, include_in_schema=False)
EN = Language.EN
Text = Annotated[str | None, Query(max_length=200)]
FormText = Annotated[str | None, Form(max_length=200)]


def _request(
    attorney: str | None, day: str | None, reason: str | None, reassign: str | None
) -> ReplanRequest:
    if not attorney:
        raise InvalidInput("choose an attorney", field="attorney")
    try:
        when = date.fromisoformat(day or "")
    except ValueError:
        raise InvalidInput("not a date; use YYYY-MM-DD", field="date") from None
    return ReplanRequest(
        day=when,
        scope=OutScope("attorney", attorney),
        reason=(reason or "").strip(),
        allow_reassign=reassign == "yes",
    )


def _when(appointment: Appointment, zone: ZoneInfo, day: date) -> str:
    start, end = appointment.starts_at.astimezone(zone), appointment.ends_at.astimezone(zone)
    clock = f"{format_clock(start, EN)}–{format_clock(end, EN)}"
    return clock if start.date() == day else f"{format_day(start.date(), EN)}, {clock}"


def _plan_page(store: Store, session: str, plan: ReplanPlan) -> Response:
    request = plan.request
    attorney_id = request.scope.id or ""
    with store.unit_of_work(readonly=True) as uow:
        zone = require_zone(uow.firm.get().timezone)
        firm_name = uow.firm.get().name
        people = {a.id: a.name for a in uow.attorneys.list()}
        clients = {c.id: c.name for c in uow.clients.list()}
        rooms = {r.id: r.name for r in uow.rooms.list()}

    def who(ids: tuple[str, ...]) -> str:
        return join_names([people.get(a, a) for a in ids], EN)

    moved = [
        {
            "client": clients.get(m.before.client_id, ""),
            "title": m.before.title,
            "before": _when(m.before, zone, request.day),
            "before_who": who(m.before.attorney_ids),
            "after": _when(m.after, zone, request.day),
            "after_who": who(m.after.attorney_ids),
            "room": rooms.get(m.after.room_id or "", ""),
        }
        for m in plan.moves
    ]
    unplaced = [
        {
            "client": clients.get(u.appointment.client_id, ""),
            "title": u.appointment.title,
            "before": _when(u.appointment, zone, request.day),
            "before_who": who(u.appointment.attorney_ids),
            "reason": u.reason,
            "alternatives": [
                f"{format_day(a.start.astimezone(zone).date(), EN)}, "
                f"{format_clock(a.start.astimezone(zone), EN)} ({who(a.attorneys)})"
                for a in u.alternatives
            ],
        }
        for u in plan.unplaced
    ]
    name = people.get(attorney_id, attorney_id)
    moves, misses = len(moved), len(unplaced)
    verb = ("moved", "cancelled") if plan.applied else ("would move", "would be cancelled")
    summary = f"{moves} meeting{'s' if moves != 1 else ''} {verb[0]}"
    if misses:
        summary += f", {misses} {verb[1]}"
    day_title = format_day(request.day, EN)
    heading = (
        f"{name} is out on {day_title}" if plan.applied else f"If {name} is out on {day_title}"
    )
    context = page_context(
        heading, sessions.csrf_token(session), signed_in=True, firm=firm_name
    ) | {
        "heading": heading,
        "name": name,
        "zone_label": zone_name(zone.key, EN),
        "status_line": f"Planned in {plan.solve_seconds:.1f} s ({plan.status}).",
        "applied": plan.applied,
        "summary": summary + ".",
        "queued": len(plan.queued),
        "moved": moved,
        "unplaced": unplaced,
        "attorney_id": attorney_id,
        "day": request.day.isoformat(),
        "reason": request.reason,
        "reassign": request.allow_reassign,
        "apply_label": f"move {moves}" + (f", cancel {misses}" if misses else ""),
        "board_url": f"/board?date={request.day.isoformat()}",
    }
    response = render("board_replan.html", context)
    response.headers["Content-Security-Policy"] = BOARD_CSP
    return response


def _limits(settings: Settings) -> dict[str, Any]:
    return {
        "time_limit_seconds": settings.solver_time_limit_seconds,
        "workers": settings.solver_workers,
        "seed": 0,
    }


@router.get("/board/out")
def out_dry_run(
    store: StoreDep,
    clock: ClockDep,
    settings: SettingsDep,
    session: SessionCookie = None,
    attorney: Text = None,
    date: Text = None,
    reason: Text = None,
    reassign: Text = None,
) -> Response:
    """What marking the attorney out would do: the re-plan as a dry run (nothing is written)."""
    now: datetime = clock.now()
    actor = signed_in_actor(store, now, session)
    if actor is None or session is None:
        return to_login("/board")
    request = _request(attorney, date, reason, reassign)
    with store.unit_of_work(readonly=True) as uow:
        plan = plan_reschedule(uow, actor, request, now, **_limits(settings))
    return _plan_page(store, session, plan)


@router.post("/board/out")
def out_apply(
    store: StoreDep,
    clock: ClockDep,
    settings: SettingsDep,
    session: SessionCookie = None,
    csrf: FormText = None,
    attorney: FormText = None,
    date: FormText = None,
    reason: FormText = None,
    reassign: FormText = None,
) -> Response:
    """Mark the attorney out: move and cancel as planned, in one transaction."""
    now = clock.now()
    actor = signed_in_actor(store, now, session)
    if actor is None or session is None:
        return RedirectResponse("/board/login", status_code=303)
    if not (csrf and sessions.csrf_ok(session, csrf)):
        return stale_form()
    request = _request(attorney, date, reason, reassign)
    with store.unit_of_work() as uow:
        plan = apply_reschedule(uow, actor, request, now, **_limits(settings))
    return _plan_page(store, session, plan)
