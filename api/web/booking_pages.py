"""The client's booking page, ``/book/{token}``: free times, a hold, a confirmation, and the
meeting's own page with "add to my calendar", change and cancel.

The token in the address is the credential; the link acts as its client on its matter only
(``scheduler.services.links``). The routes are thin: they parse the form, call the links
service, and render a page. A time taken a moment earlier answers with a kind message and the
nearest free times (409), never an error page. Times are written in the client's zone: the one
the browser reports (``book.js``), or the one chosen on the page, else the one on file.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import lru_cache
from typing import Annotated, Any
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Depends, Form, Path, Query, Response
from fastapi.responses import RedirectResponse

from api.deps import ClockDep, SettingsDep, StoreDep, link_policy, rate_limited
from api.web import i18n
from api.web.render import PageRoute, render, translator
from calendars.wording import join_names
from scheduler.domain import BookingLink, Language
from scheduler.errors import Conflict, InvalidInput, NotFound, SlotUnavailable
from scheduler.services import links
from scheduler.services.booking import zone_named
from scheduler.services.links import LinkPage, Times

# Every page of a link counts against that link's rate limit, shared by all workers (the counter
# is keyed by a hash of the token, never the token itself).
router = APIRouter(
    route_class=PageRoute,
    include_in_schema=False,
    dependencies=[Depends(rate_limited("booking_link", path_param="token", policy=link_policy))],
)

Token = Annotated[str, Path(max_length=200)]
Text = Annotated[str | None, Query(max_length=100)]
FormText = Annotated[str | None, Form(max_length=100)]

#: Zones offered in the page's select (any zone the browser reports is added to it).
COMMON_ZONES = (
    "Pacific/Honolulu",
    "America/Anchorage",
    "America/Los_Angeles",
    "America/Phoenix",
    "America/Denver",
    "America/Chicago",
    "America/Mexico_City",
    "America/Bogota",
    "America/Lima",
    "America/New_York",
    "America/Caracas",
    "America/Puerto_Rico",
    "America/Santiago",
    "America/Argentina/Buenos_Aires",
    "America/Sao_Paulo",
    "Atlantic/Azores",
    "UTC",
    "Europe/London",
    "Europe/Madrid",
    "Europe/Paris",
    "Europe/Berlin",
    "Europe/Athens",
    "Africa/Johannesburg",
    "Asia/Dubai",
    "Asia/Kolkata",
    "Asia/Singapore",
    "Asia/Shanghai",
    "Asia/Tokyo",
    "Australia/Sydney",
    "Pacific/Auckland",
)


@dataclass(frozen=True, slots=True)
class View:
    """Who is reading and how: the link's page, the language and the zone."""

    token: str
    page: LinkPage
    language: Language
    zone: ZoneInfo
    zone_chosen: bool
    zone_unknown: bool

    def url(self, path: str = "", **params: str | None) -> str:
        query = {"lang": self.language.value, "tz": self.zone.key}
        query.update({k: v for k, v in params.items() if v is not None})
        return f"/book/{self.token}{path}?{urlencode(query)}"

    def t(self, key: str, **values: object) -> str:
        return i18n.text(key, self.language, **values)

    def base(self, page_title: str) -> dict[str, Any]:
        """What every client page needs."""
        other = Language.ES if self.language is Language.EN else Language.EN
        firm = self.page.firm
        return {
            "t": translator(self.language),
            "language": self.language,
            "other_language": other,
            "other_language_url": self._switch(other),
            "firm_name": firm.name,
            "firm_phone": firm.phone,
            "firm_email": firm.email,
            "page_title": page_title,
            "zone_key": self.zone.key,
            "zone_chosen": self.zone_chosen,
        }

    def _switch(self, other: Language) -> str:
        query = {"lang": other.value}
        if self.zone_chosen:
            query["tz"] = self.zone.key
        return f"/book/{self.token}?{urlencode(query)}"

    def meeting(
        self, *, attorneys: tuple[str, ...] | None = None, start: datetime | None = None
    ) -> dict[str, Any]:
        link = self.page.link
        booked = self.page.booked
        if attorneys is None:
            attorneys = booked.attorney_ids if booked is not None else link.attorney_ids
        names = join_names(self.page.names(attorneys), self.language)
        pool = booked is None and attorneys == link.attorney_ids and not link.attend_all
        minutes = link.duration_minutes
        if booked is not None:
            minutes = booked.duration_minutes
        needs_room = booked.room_id is not None if booked is not None else link.needs_room
        when = None
        if start is not None:
            end = start + timedelta(minutes=minutes)
            when = i18n.span(start, end, self.zone, self.language)
        title = link.title
        if title == links.DEFAULT_TITLE:
            title = self.t("book.default_title")
        return {
            "title": title,
            "minutes": minutes,
            "with_text": self.t("book.with_any", names=names)
            if pool and len(attorneys) > 1
            else names,
            "where": self.t("book.at_office", address=self.page.firm.address)
            if needs_room
            else self.t("book.remote"),
            "when": when,
        }


def _view(uow: Any, token: str, now: datetime, lang: str | None, tz: str | None) -> View:
    link = links.open_link(uow, token)
    page = links.page_for(uow, link, now)
    language = i18n.language_of(lang, page.client.language)
    unknown = False
    zone = zone_named(page.client.timezone, "timezone")
    if tz:
        try:
            zone = zone_named(tz, "tz")
        except InvalidInput:
            unknown = True
    return View(token, page, language, zone, zone_chosen=bool(tz), zone_unknown=unknown)


def _zone_options(view: View, now: datetime) -> list[tuple[str, str]]:
    extra = tuple(sorted({view.zone.key, view.page.client.timezone} - set(COMMON_ZONES)))
    hour = now.replace(minute=0, second=0, microsecond=0)
    return _zone_list(extra, view.language, hour)


@lru_cache(maxsize=256)
def _zone_list(extra: tuple[str, ...], language: Language, at: datetime) -> list[tuple[str, str]]:
    """The zones of the select, by their offset at ``at`` (an hour: offsets change on the hour)."""
    zones = [ZoneInfo(k) for k in (*COMMON_ZONES, *extra)]
    zones.sort(key=lambda z: (at.astimezone(z).utcoffset(), z.key))
    return [(z.key, i18n.zone_label(z, language, at)) for z in zones]


@dataclass(frozen=True, slots=True)
class SlotView:
    id: str
    value: str
    label: str


@dataclass(frozen=True, slots=True)
class DayView:
    label: str
    slots: list[SlotView]


def _parse_day(value: str | None) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise InvalidInput("not a date (YYYY-MM-DD)", field="week") from None


def _parse_start(value: str | None) -> datetime:
    if not value:
        raise InvalidInput("choose a time", field="start")
    try:
        return datetime.fromisoformat(value)
    except ValueError:
        raise InvalidInput("not a time", field="start") from None


def _slot_value(moment: datetime) -> str:
    return moment.isoformat()


def _times_page(
    view: View,
    times: Times,
    now: datetime,
    *,
    moving: bool,
    taken: dict[str, Any] | None = None,
    notice: str | None = None,
    status_code: int = 200,
) -> Response:
    language, zone = view.language, view.zone
    days = [
        DayView(
            label=i18n.day_heading(day, language),
            slots=[
                SlotView(
                    id=f"t{s.start_us // 60_000_000}",
                    value=_slot_value(s.start.astimezone(zone)),
                    label=i18n.clock(s.start, zone, language),
                )
                for s in slots
            ],
        )
        for day, slots in times.days
    ]
    mode = "move" if moving else "book"
    path = "/move" if moving else ""
    week = times.first_day.isoformat()
    booked = view.page.booked
    heading = view.t("move.title") if moving else view.t("book.title")
    meet_by = view.page.link.meet_by
    if view.zone_unknown:
        unknown = view.t("zone.unknown", zone=i18n.zone_label(zone, language, now))
        notice = f"{notice} {unknown}" if notice else unknown
    context = view.base(heading) | {
        "heading": heading,
        "meeting": view.meeting(),
        "mode": mode,
        "here": f"/book/{view.token}{path}",
        "hold_url": f"/book/{view.token}/hold",
        "week": week,
        "days": days,
        "week_empty": times.empty,
        "nothing_at_all": times.empty and times.later is None and times.earlier is None,
        "earlier_url": view.url(path, week=times.earlier.isoformat()) if times.earlier else None,
        "later_url": view.url(path, week=times.later.isoformat()) if times.later else None,
        "zone_options": _zone_options(view, now),
        "zone_label": i18n.zone_label(zone, language, now),
        "taken": taken,
        "notice": notice,
        "moving_from": i18n.when(booked.starts_at, zone, language)
        if moving and booked is not None
        else None,
        "keep_url": view.url() if moving else None,
        "meet_by": view.t("book.by", day=i18n.day_name(meet_by, language)) if meet_by else None,
    }
    return render("book_times.html", context, status_code=status_code)


def _taken(view: View, error: SlotUnavailable, start: datetime) -> dict[str, Any]:
    alternatives = []
    for alternative in error.alternatives:
        moment = datetime.fromisoformat(str(alternative["start"])).astimezone(view.zone)
        alternatives.append(
            SlotView(
                id=f"a{int(moment.timestamp()) // 60}",
                value=_slot_value(moment),
                label=i18n.when(moment, view.zone, view.language),
            )
        )
    return {"when": i18n.when(start, view.zone, view.language), "alternatives": alternatives}


def _redirect(url: str) -> RedirectResponse:
    return RedirectResponse(url, status_code=303)


def _visit(store: Any, link: BookingLink, now: datetime) -> None:
    with store.unit_of_work() as uow:
        links.record_visit(uow, link, now)


def _closed_page(view: View) -> Response:
    title = view.t("closed.title")
    context = view.base(title) | {
        "title": title,
        "body": view.t("closed.body", phone=view.page.firm.phone, email=view.page.firm.email),
    }
    return render("message.html", context, status_code=410)


@router.get("/book/{token}")
def booking_page(
    token: Token,
    store: StoreDep,
    clock: ClockDep,
    lang: Text = None,
    tz: Text = None,
    week: Text = None,
    done: Text = None,
    notice: Text = None,
) -> Response:
    """The link's page: free times to choose from, or the meeting booked through it."""
    now = clock.now()
    with store.unit_of_work(readonly=True) as uow:
        view = _view(uow, token, now, lang, tz)
        page = view.page
        if page.booked is not None and (page.meeting_stands or done == "cancelled"):
            return _booked_page(view, done)
        if not page.can_book:
            return _closed_page(view)
        times = links.free_times(uow, page.link, now, view.zone, first_day=_parse_day(week))
    _visit(store, page.link, now)
    message = view.t("times.lapsed") if notice == "lapsed" else None
    return _times_page(view, times, now, moving=False, notice=message)


def _booked_page(view: View, done: str | None) -> Response:
    page = view.page
    booked = page.booked
    assert booked is not None
    cancelled = not page.meeting_stands
    if cancelled:
        heading = view.t("cancelled.title")
    elif done == "booked":
        heading = view.t("done.title")
    elif done == "moved":
        heading = view.t("done.moved")
    else:
        heading = view.t("done.mine")
    context = view.base(heading) | {
        "heading": heading,
        "cancelled": cancelled,
        "just_done": done in ("booked", "moved"),
        "meeting": view.meeting(attorneys=booked.attorney_ids, start=booked.starts_at),
        "ics_url": f"/book/{view.token}/calendar.ics",
        "move_url": view.url("/move"),
        "cancel_url": view.url("/cancel"),
        "can_change": page.can_change,
        "again_url": view.url() if cancelled and page.link.expires_at > page.now else None,
    }
    return render("book_booked.html", context)


@router.get("/book/{token}/move")
def move_page(
    token: Token,
    store: StoreDep,
    clock: ClockDep,
    lang: Text = None,
    tz: Text = None,
    week: Text = None,
    notice: Text = None,
) -> Response:
    """Free times to move the booked meeting to (same attorneys)."""
    now = clock.now()
    with store.unit_of_work(readonly=True) as uow:
        view = _view(uow, token, now, lang, tz)
        if not view.page.can_change:
            return _redirect(view.url())
        times = links.free_times(
            uow, view.page.link, now, view.zone, first_day=_parse_day(week), moving=True
        )
    _visit(store, view.page.link, now)
    message = view.t("times.lapsed") if notice == "lapsed" else None
    return _times_page(view, times, now, moving=True, notice=message)


@router.post("/book/{token}/hold")
def hold_time(
    token: Token,
    store: StoreDep,
    clock: ClockDep,
    settings: SettingsDep,
    start: FormText = None,
    lang: FormText = None,
    tz: FormText = None,
    mode: FormText = None,
) -> Response:
    """Keep the chosen time for the client while they confirm it."""
    now = clock.now()
    moving = mode == "move"
    with store.unit_of_work() as uow:
        view = _view(uow, token, now, lang, tz)
        if not start:
            refused: SlotUnavailable | None = None
            hold_id = None
        else:
            chosen = _parse_start(start)
            try:
                hold = links.hold_time(
                    uow,
                    view.page.link,
                    now,
                    chosen,
                    hold_minutes=settings.hold_minutes,
                    moving=moving,
                )
            except SlotUnavailable as error:
                refused, hold_id = error, None
            except Conflict:
                return _redirect(view.url())
            else:
                refused, hold_id = None, hold.id
    if not start:
        return _again(store, view, now, moving, notice=view.t("times.pick_first"), status=422)
    if refused is not None:
        return _again(store, view, now, moving, taken=_taken(view, refused, chosen), at=chosen)
    return _redirect(view.url("/review", hold=hold_id, mode="move" if moving else "book"))


def _again(
    store: Any,
    view: View,
    now: datetime,
    moving: bool,
    *,
    taken: dict[str, Any] | None = None,
    notice: str | None = None,
    at: datetime | None = None,
    status: int = 409,
) -> Response:
    """The times page once more (with the kind message), around the time that was asked for."""
    first_day = at.astimezone(view.zone).date() if at is not None else None
    with store.unit_of_work(readonly=True) as uow:
        link = uow.links.get(view.page.link.id)
        fresh = View(
            view.token,
            links.page_for(uow, link, now),
            view.language,
            view.zone,
            view.zone_chosen,
            view.zone_unknown,
        )
        times = links.free_times(uow, link, now, view.zone, first_day=first_day, moving=moving)
    return _times_page(
        fresh, times, now, moving=moving, taken=taken, notice=notice, status_code=status
    )


@router.get("/book/{token}/review")
def review_page(
    token: Token,
    store: StoreDep,
    clock: ClockDep,
    settings: SettingsDep,
    hold: Text = None,
    lang: Text = None,
    tz: Text = None,
    mode: Text = None,
) -> Response:
    """The time held for the client, to confirm."""
    now = clock.now()
    moving = mode == "move"
    with store.unit_of_work(readonly=True) as uow:
        view = _view(uow, token, now, lang, tz)
        try:
            held = links.held(uow, view.page.link, now, hold or "-")
        except NotFound:
            return _redirect(view.url("/move" if moving else "", notice="lapsed"))
    heading = view.t("review.move_title" if moving else "review.title")
    minutes_left = max(1, int((held.expires_at - now).total_seconds() // 60))
    context = view.base(heading) | {
        "heading": heading,
        "meeting": view.meeting(attorneys=held.attorney_ids, start=held.starts_at),
        "hold_minutes": min(minutes_left, settings.hold_minutes),
        "confirm_url": f"/book/{token}/confirm",
        "release_url": f"/book/{token}/release",
        "confirm_label": view.t("review.confirm_move" if moving else "review.confirm"),
        "mode": "move" if moving else "book",
        "hold_id": held.id,
        "start_value": _slot_value(held.starts_at.astimezone(view.zone)),
    }
    return render("book_review.html", context)


@router.post("/book/{token}/confirm")
def confirm(
    token: Token,
    store: StoreDep,
    clock: ClockDep,
    start: FormText = None,
    hold: FormText = None,
    lang: FormText = None,
    tz: FormText = None,
    mode: FormText = None,
) -> Response:
    """Book the held time (or move the booked meeting to it)."""
    now = clock.now()
    moving = mode == "move"
    chosen = _parse_start(start)
    refused: SlotUnavailable | None = None
    with store.unit_of_work() as uow:
        view = _view(uow, token, now, lang, tz)
        try:
            if moving:
                links.reschedule(uow, view.page.link, now, chosen, hold_id=hold, zone=view.zone)
            else:
                links.book(uow, view.page.link, now, chosen, hold_id=hold, zone=view.zone)
        except SlotUnavailable as error:
            refused = error
        except Conflict:
            return _redirect(view.url())
    if refused is not None:
        return _again(store, view, now, moving, taken=_taken(view, refused, chosen), at=chosen)
    return _redirect(view.url(done="moved" if moving else "booked"))


@router.post("/book/{token}/release")
def release(
    token: Token,
    store: StoreDep,
    clock: ClockDep,
    hold: FormText = None,
    lang: FormText = None,
    tz: FormText = None,
    mode: FormText = None,
) -> Response:
    """Give the held time back and choose another."""
    now = clock.now()
    with store.unit_of_work() as uow:
        view = _view(uow, token, now, lang, tz)
        if hold:
            links.release(uow, view.page.link, now, hold)
    return _redirect(view.url("/move" if mode == "move" else ""))


@router.get("/book/{token}/cancel")
def cancel_page(
    token: Token, store: StoreDep, clock: ClockDep, lang: Text = None, tz: Text = None
) -> Response:
    """Ask before cancelling."""
    now = clock.now()
    with store.unit_of_work(readonly=True) as uow:
        view = _view(uow, token, now, lang, tz)
    booked = view.page.booked
    if not view.page.can_change or booked is None:
        return _redirect(view.url())
    title = view.t("cancel.title")
    context = view.base(title) | {
        "meeting": view.meeting(attorneys=booked.attorney_ids, start=booked.starts_at),
        "cancel_url": f"/book/{token}/cancel",
        "keep_url": view.url(),
    }
    return render("book_cancel.html", context)


@router.post("/book/{token}/cancel")
def cancel(
    token: Token,
    store: StoreDep,
    clock: ClockDep,
    lang: FormText = None,
    tz: FormText = None,
) -> Response:
    """Cancel the meeting booked through the link."""
    now = clock.now()
    with store.unit_of_work() as uow:
        view = _view(uow, token, now, lang, tz)
        try:
            links.cancel(uow, view.page.link, now)
        except Conflict:
            return _redirect(view.url())
    return _redirect(view.url(done="cancelled"))


@router.get("/book/{token}/calendar.ics")
def calendar_file(token: Token, store: StoreDep, clock: ClockDep) -> Response:
    """The meeting's calendar file: the same invitation the client is e-mailed."""
    now = clock.now()
    with store.unit_of_work() as uow:
        link = links.open_link(uow, token)
        data, method = links.calendar_file(uow, link, now)
    return Response(
        data,
        media_type=f"text/calendar; charset=utf-8; method={method.value}",
        headers={"Content-Disposition": 'attachment; filename="meeting.ics"'},
    )
