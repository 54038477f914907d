"""The secretary's day board, ``/board``, behind a sign-in with a staff API key.

Signing in sets an HttpOnly, SameSite=Strict session cookie (its value is stored only as a hash,
with an expiry: ``scheduler.services.sessions``); every form that changes something carries a
CSRF token derived from the session, and the sign-in form one from a cookie of its own. The board
shows one column per attorney on a time line of the chosen date (the firm's clock), with their
appointments, the time they are busy elsewhere and the week's deadlines.
"""

from __future__ import annotations

import secrets
from datetime import date, datetime, timedelta
from typing import Annotated, Any
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Cookie, Form, Query, Response
from fastapi.responses import RedirectResponse

from api.deps import ClockDep, SettingsDep, StoreDep
from api.web.render import PageRoute, render, translator
from calendars.wording import format_clock, format_day, join_names, zone_name
from scheduler.domain import Language, RoomClosure, require_zone
from scheduler.errors import InvalidInput, NotAllowed, Unauthenticated
from scheduler.intervals import Interval, clip
from scheduler.services import sessions
from scheduler.services.access import Actor
from scheduler.services.board import Board, day_board, week_of
from scheduler.settings import Settings
from scheduler.store import Store

router = APIRouter(route_class=PageRoute, include_in_schema=False)

SESSION_COOKIE = "secretary_session"
LOGIN_COOKIE = "secretary_login"
PIXELS_PER_HOUR = 64
Text = Annotated[str | None, Query(max_length=100)]
FormText = Annotated[str | None, Form(max_length=200)]
SessionCookie = Annotated[str | None, Cookie(alias=SESSION_COOKIE, max_length=200)]
EN = Language.EN


def _secure_cookies(settings: Settings) -> bool:
    return settings.base_url.startswith("https://")


def page_context(
    page_title: str, csrf: str = "", signed_in: bool = False, firm: str = ""
) -> dict[str, Any]:
    return {
        "t": translator(EN),
        "language": EN,
        "firm_name": f"{firm} · Day board" if firm else "Day board",
        "page_title": page_title,
        "csrf": csrf,
        "signed_in": signed_in,
    }


def signed_in_actor(store: Store, now: datetime, token: str | None) -> Actor | None:
    if not token:
        return None
    with store.unit_of_work(readonly=True) as uow:
        try:
            return sessions.resume(uow, now, token)[1]
        except Unauthenticated:
            return None


def to_login(next_path: str) -> RedirectResponse:
    return RedirectResponse(f"/board/login?{urlencode({'next': next_path})}", status_code=303)


def _safe_next(value: str | None) -> str:
    """Only a path of the board itself: never another site."""
    if value and value.startswith("/board") and "//" not in value and "\\" not in value:
        return value
    return "/board"


def _login_page(next_path: str, error: str | None, status_code: int = 200) -> Response:
    login_csrf = secrets.token_urlsafe(24)
    response = render(
        "board_login.html",
        page_context("Sign in") | {"login_csrf": login_csrf, "next": next_path, "error": error},
        status_code=status_code,
    )
    response.set_cookie(
        LOGIN_COOKIE,
        login_csrf,
        max_age=1800,
        path="/board",
        httponly=True,
        samesite="strict",
    )
    return response


@router.get("/board/login")
def login_page(
    store: StoreDep, clock: ClockDep, session: SessionCookie = None, next: Text = None
) -> Response:
    """The sign-in form (already signed in: straight to the board)."""
    target = _safe_next(next)
    if signed_in_actor(store, clock.now(), session) is not None:
        return RedirectResponse(target, status_code=303)
    return _login_page(target, None)


@router.post("/board/login")
def login(
    store: StoreDep,
    clock: ClockDep,
    settings: SettingsDep,
    api_key: FormText = None,
    csrf: FormText = None,
    next: FormText = None,
    login_cookie: Annotated[str | None, Cookie(alias=LOGIN_COOKIE, max_length=200)] = None,
) -> Response:
    """Check the key, open a session, and set its cookie."""
    target = _safe_next(next)
    if not login_cookie or not csrf or not secrets.compare_digest(login_cookie, csrf):
        return _login_page(target, "The form had expired. Please sign in again.", 403)
    try:
        with store.unit_of_work() as uow:
            signed = sessions.sign_in(uow, clock.now(), api_key or "")
    except (Unauthenticated, NotAllowed) as error:
        return _login_page(target, error.message, error.http_status)
    response = RedirectResponse(target, status_code=303)
    response.set_cookie(
        SESSION_COOKIE,
        signed.token,
        max_age=int(sessions.SESSION_LIFETIME.total_seconds()),
        path="/board",
        httponly=True,
        samesite="strict",
        secure=_secure_cookies(settings),
    )
    response.delete_cookie(LOGIN_COOKIE, path="/board")
    return response


@router.post("/board/logout")
def logout(
    store: StoreDep, clock: ClockDep, session: SessionCookie = None, csrf: FormText = None
) -> Response:
    """End the session (the cookie is cleared and its record revoked)."""
    if session and not (csrf and sessions.csrf_ok(session, csrf)):
        return stale_form()
    if session:
        with store.unit_of_work() as uow:
            sessions.sign_out(uow, clock.now(), session)
    response = RedirectResponse("/board/login", status_code=303)
    response.delete_cookie(SESSION_COOKIE, path="/board")
    return response


def _day(value: str | None, today: date) -> date:
    if not value:
        return today
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise InvalidInput(f"'{value}' is not a date; use YYYY-MM-DD", field="date") from None


def _short_day(day: date) -> str:
    return f"{day:%a} {day:%b} {day.day}"


def _offset_note(board: Board, attorney_zone: str) -> str:
    """How the attorney's clock differs from the firm's on that day ("3 h behind")."""
    if attorney_zone == board.zone.key:
        return ""
    moment = board.start
    here = moment.astimezone(board.zone).utcoffset()
    there = moment.astimezone(ZoneInfo(attorney_zone)).utcoffset()
    if here is None or there is None:
        return zone_name(attorney_zone, EN)
    hours = (there - here).total_seconds() / 3600
    side = "ahead" if hours > 0 else "behind"
    return f"{abs(hours):g} h {side}" if hours else ""


def _board_context(board: Board, csrf: str, notice: str | None) -> dict[str, Any]:
    zone = board.zone
    hour_marks = [
        {"top": board.position(mark, mark)[0], "label": format_clock(mark, EN).replace(":00", "")}
        for mark in board.hours()
    ]
    names = {c.attorney.id: c.attorney.name for c in board.columns}
    columns = []
    for column in board.columns:
        attorney = column.attorney
        entries = []
        for entry in column.entries:
            top, height = board.position(entry.start, entry.end)
            if height <= 0:
                continue
            start, end = entry.start.astimezone(zone), entry.end.astimezone(zone)
            time = f"{format_clock(start, EN)}–{format_clock(end, EN)}"
            short = _short_span(start, end)
            appointment = entry.appointment
            if entry.kind == "meeting" and appointment is not None:
                spoken = f"{time}: {entry.client_name}, {appointment.title}"
                if entry.room_name:
                    spoken += f", {entry.room_name}"
            else:
                spoken = f"{time}: {'Time off' if entry.kind == 'time-off' else 'Busy'}"
            entries.append(
                {
                    "kind": entry.kind,
                    "top": top,
                    "height": height,
                    "time": short,
                    "client": entry.client_name,
                    "title": appointment.title if appointment else "",
                    "room": entry.room_name,
                    "label": "Time off" if entry.kind == "time-off" else "Busy",
                    "tentative": appointment is not None
                    and appointment.status.value == "tentative",
                    "spoken": spoken,
                }
            )
        working = []
        for window in column.working:
            top, height = board.position(window.start, window.end)
            working.append({"top": top, "height": height})
        meta = " · ".join(p for p in (attorney.office, _offset_note(board, attorney.timezone)) if p)
        count = column.meeting_count
        columns.append(
            {
                "id": attorney.id,
                "name": attorney.name,
                "meta": meta or attorney.title,
                "count": f"{count} meeting{'s' if count != 1 else ''}" if count else "No meetings",
                "deadlines": [d.title for d in column.deadlines],
                "entries": entries,
                "working": working,
            }
        )
    monday, sunday = week_of(board.day)
    deadlines = [
        {
            "due": _short_day(d.due_on),
            "today": d.due_on == board.day,
            "title": d.title,
            "matter": f"{d.matter_id} · {board.matter_titles.get(d.matter_id, '')}",
            "attorneys": join_names([names.get(a, a) for a in d.responsible_attorneys], EN),
        }
        for d in board.week
    ]
    day_title = format_day(board.day, EN)
    return page_context(day_title, csrf, signed_in=True, firm=board.firm_name) | {
        "board": board,
        "day_title": day_title,
        "zone_label": zone_name(zone.key, EN),
        "hour_marks": hour_marks,
        "timeline_height": (board.last_hour - board.first_hour) * PIXELS_PER_HOUR,
        "columns": columns,
        "deadlines": deadlines,
        "week_label": f"{_short_day(monday)} – {_short_day(sunday)}",
        "rooms_closed": [
            {"name": name, "when": _closed_when(board, c), "reason": c.reason}
            for name, c in board.rooms_closed
        ],
        "prev_url": f"/board?date={board.day - timedelta(days=1)}",
        "next_url": f"/board?date={board.day + timedelta(days=1)}",
        "notice": notice,
    }


def _closed_when(board: Board, closure: RoomClosure) -> str:
    """The part of the board's day a room is closed, on the firm's clock."""
    (part,) = clip([Interval(closure.starts_at, closure.ends_at)], board.day_span)
    if part == board.day_span:
        return "All day"
    start, end = part.start.astimezone(board.zone), part.end.astimezone(board.zone)
    return f"{format_clock(start, EN)}–{format_clock(end, EN)}"


@router.get("/board")
def board_page(
    store: StoreDep,
    clock: ClockDep,
    session: SessionCookie = None,
    date: Text = None,
) -> Response:
    """The day board for ``date`` (default: today on the firm's clock)."""
    now = clock.now()
    actor = signed_in_actor(store, now, session)
    if actor is None or session is None:
        return to_login("/board" + (f"?{urlencode({'date': date})}" if date else ""))
    with store.unit_of_work() as uow:
        today = now.astimezone(require_zone(uow.firm.get().timezone)).date()
        board = day_board(uow, actor, now, _day(date, today))
    response = render("board.html", _board_context(board, sessions.csrf_token(session), None))
    response.headers["Content-Security-Policy"] = BOARD_CSP
    return response


#: The board positions its blocks with computed inline ``style`` attributes (numbers only).
BOARD_CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; style-src-attr 'unsafe-inline'; "
    "img-src 'self' data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
)


def stale_form() -> Response:
    """A form without this session's CSRF token (from another site, or an old page)."""
    title = "This form has expired"
    return render(
        "message.html",
        page_context(title, signed_in=False)
        | {
            "title": title,
            "body": "Nothing was changed. Go back to the board and try again.",
            "back_url": "/board",
            "back_label": "Back to the board",
        },
        status_code=403,
    )


def _short_span(start: datetime, end: datetime) -> str:
    """ "9:30–11" / "11:45–12:30" (the axis says AM or PM)."""

    def part(moment: datetime) -> str:
        hour = moment.hour % 12 or 12
        return f"{hour}:{moment.minute:02d}" if moment.minute else str(hour)

    return f"{part(start)}–{part(end)}"
