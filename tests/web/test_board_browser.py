"""The secretary's day board in a real browser: sign in with a staff key, read the day, sign out."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Any

from scheduler.domain import AppointmentStatus, MessageKind
from tests.web.conftest import Site, screenshot, staff_key


def sign_in(site: Site, page: Any, path: str = "/board?date=2026-12-08") -> None:
    page.goto(site.url(path))
    page.wait_for_url(re.compile(r"/board/login\?next="))
    page.get_by_label("API key").fill(staff_key(site.store, site.clock))
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(re.compile(r"/board\?date="))


def test_the_secretary_signs_in_and_reads_the_day(site: Site, new_page: Any) -> None:
    page = new_page(width=1920, height=1080)
    page.goto(site.url("/board"))
    page.wait_for_url(re.compile(r"/board/login"))
    screenshot(page, "board-sign-in")
    sign_in(site, page)

    cookie = next(c for c in page.context.cookies() if c["name"] == "secretary_session")
    assert cookie["httpOnly"] and cookie["sameSite"] == "Strict"
    assert page.locator("h1").inner_text() == "Tuesday, December 8, 2026"

    with site.store.unit_of_work(readonly=True) as uow:
        attorneys = uow.attorneys.list(active_only=True)
        # Tuesday 8 December on the firm's clock (New York, UTC-5).
        on_the_day = uow.appointments.list_between(
            datetime(2026, 12, 8, 5, tzinfo=UTC), datetime(2026, 12, 9, 5, tzinfo=UTC)
        )
        clients = {c.id: c.name for c in uow.clients.list()}
    columns = page.locator("section.col")
    assert columns.count() == len(attorneys)
    assert set(page.locator("section.col .name").all_inner_texts()) == {a.name for a in attorneys}
    meetings = page.locator(".entry.meeting")
    assert meetings.count() == sum(len(a.attorney_ids) for a in on_the_day) > 0
    assert clients[on_the_day[0].client_id] in page.locator(".grid").inner_text()
    assert page.get_by_role("heading", name="Deadlines this week").is_visible()
    screenshot(page, "board")

    page.get_by_role("link", name="Next day →").click()
    page.wait_for_url(re.compile(r"date=2026-12-09"))
    assert page.locator("h1").inner_text() == "Wednesday, December 9, 2026"

    page.get_by_role("button", name="Sign out").click()
    page.wait_for_url(re.compile(r"/board/login$"))
    page.goto(site.url("/board"))
    assert "/board/login" in page.url


def test_marking_an_attorney_out_shows_the_dry_run_and_applies_it(
    site: Site, new_page: Any
) -> None:
    day_start, day_end = datetime(2026, 12, 8, 5, tzinfo=UTC), datetime(2026, 12, 9, 5, tzinfo=UTC)
    with site.store.unit_of_work(readonly=True) as uow:
        on_the_day = uow.appointments.list_between(day_start, day_end)
        busiest = max(
            uow.attorneys.list(active_only=True),
            key=lambda a: sum(a.id in x.attorney_ids for x in on_the_day),
        )
    theirs = [x for x in on_the_day if busiest.id in x.attorney_ids]
    assert theirs

    page = new_page(width=1600, height=1000)
    sign_in(site, page)
    page.get_by_role("button", name=f"Mark {busiest.name} out on Tuesday, December 8, 2026").click()
    page.wait_for_url(re.compile(r"/board/out\?"))
    assert (
        page.locator("h1").inner_text() == f"If {busiest.name} is out on Tuesday, December 8, 2026"
    )
    assert "dry run: nothing has changed yet" in page.get_by_role("status").first.inner_text()
    rows = page.locator("table.plan tbody tr")
    assert rows.count() == len(theirs)
    with site.store.unit_of_work(readonly=True) as uow:
        unchanged = [uow.appointments.get(x.id) for x in theirs]
    assert unchanged == theirs  # the dry run wrote nothing
    screenshot(page, "board-mark-out")

    page.get_by_label("Reason").fill("Out sick")
    page.locator("#apply").click()
    page.wait_for_url(re.compile(r"/board/out$"))
    assert page.locator("h1").inner_text() == f"{busiest.name} is out on Tuesday, December 8, 2026"
    assert "Done" in page.get_by_role("status").first.inner_text()
    screenshot(page, "board-applied")

    with site.store.unit_of_work(readonly=True) as uow:
        after = [uow.appointments.get(x.id) for x in theirs]
        off = uow.time_off.list_between(day_start, day_end, attorney_ids=[busiest.id])
        messages = [m for x in theirs for m in uow.outbox.list(subject_id=x.id)]
        audit = uow.audit.list(entity_type="attorney", entity_id=busiest.id)
    for before, now in zip(theirs, after, strict=True):
        cancelled = now.status is AppointmentStatus.CANCELLED
        away = busiest.id not in now.attorney_ids or not (day_start <= now.starts_at < day_end)
        assert cancelled or away
        assert now.sequence == before.sequence + 1
    assert off and off[0].reason == "Out sick"
    assert {m.kind for m in messages} & {MessageKind.UPDATE, MessageKind.CANCELLATION}
    assert [e.action for e in audit][:1] == ["reschedule-day"]
