"""The client's booking page in a real browser (Chromium), over a live server and the demo firm:
book a time end to end, the time taken a moment earlier, change and cancel through the link,
the phone width, Spanish, and keyboard-only use."""

from __future__ import annotations

import email
import re
from datetime import datetime, timedelta
from email import policy
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from calendars.delivery import FolderMailer
from scheduler.domain import AppointmentStatus, MessageKind
from scheduler.services import booking, links
from scheduler.services.access import operator
from scheduler.services.calendars import render_outbox_message
from scheduler.services.dispatch import MailSettings, dispatch_due
from tests.web.conftest import Pick, Site, pick, screenshot

CHICAGO = "America/Chicago"


def issue(site: Site, chosen: Pick, **options: Any) -> links.IssuedLink:
    with site.store.unit_of_work() as uow:
        return links.create_link(
            uow,
            operator(),
            site.clock.now(),
            client_id=chosen.client.id,
            matter_id=chosen.matter.id,
            duration_minutes=options.pop("duration_minutes", 60),
            base_url=site.base_url,
            attorney_ids=options.pop("attorney_ids", (chosen.attorney,)),
            **options,
        )


def link_of(site: Site, link_id: str) -> Any:
    with site.store.unit_of_work(readonly=True) as uow:
        return uow.links.get(link_id)


def open_times(
    new_page: Any, url: str, *, timezone: str = CHICAGO, detect: bool = True, **size: int
) -> Any:
    """Open the link; the page reloads itself once in the browser's own zone (``detect``), or
    is opened in that zone straight away."""
    page = new_page(timezone=timezone, **size)
    if not detect:
        page.goto(f"{url}?tz={timezone}")
        return page
    page.goto(url)
    page.wait_for_url(re.compile(r"[?&]tz="))
    page.wait_for_load_state()
    return page


def first_slot(page: Any) -> tuple[str, Any]:
    radio = page.locator("fieldset.day input[type=radio]").first
    return str(radio.get_attribute("value")), radio


def choose(page: Any, value: str) -> None:
    page.locator(f"input[type=radio][value='{value}'] + label").first.click()


def all_client_names(site: Site) -> list[str]:
    with site.store.unit_of_work(readonly=True) as uow:
        return [c.name for c in uow.clients.list()]


def test_a_client_books_a_time_end_to_end(site: Site, new_page: Any, tmp_path: Path) -> None:
    chosen = pick(site.store, spanish=False)
    issued = issue(site, chosen)
    page = open_times(new_page, issued.url)

    # Times in the browser's zone, grouped by day; nothing about anyone else.
    assert page.locator("h1").inner_text() == "Book a meeting"
    assert page.locator("select#tz").input_value() == CHICAGO
    html = page.content()
    assert not [name for name in all_client_names(site) if name in html]
    value, _ = first_slot(page)
    assert value.endswith("-06:00")  # Chicago in December
    assert page.locator("fieldset.day legend").count() == 7
    screenshot(page, "client-times-desktop")

    choose(page, value)
    page.get_by_role("button", name="Continue").click()
    page.wait_for_url(re.compile(r"/review\?"))
    assert page.locator("h1").inner_text() == "Please confirm your meeting"
    assert "Central Time" in page.locator(".facts .when").inner_text()
    screenshot(page, "client-review")
    page.get_by_role("button", name="Confirm booking").click()
    page.wait_for_url(re.compile(r"done=booked"))
    assert "You are booked" in page.locator("h1").inner_text()
    screenshot(page, "client-confirmation")

    # The booking is in the database, tied to the link, made through the booking service.
    link = link_of(site, issued.id)
    with site.store.unit_of_work(readonly=True) as uow:
        appointment = uow.appointments.get(link.appointment_id)
        messages = uow.outbox.list(subject_id=appointment.id)
        audit = uow.audit.list(entity_type="booking", entity_id=appointment.id)
    assert appointment.status is AppointmentStatus.CONFIRMED
    assert appointment.starts_at == datetime.fromisoformat(value)
    assert appointment.ends_at - appointment.starts_at == timedelta(minutes=60)
    assert appointment.attorney_ids == (chosen.attorney,)
    assert (appointment.client_id, appointment.matter_id) == (chosen.client.id, chosen.matter.id)
    invitations = {m.recipient for m in messages if m.kind is MessageKind.INVITATION}
    assert invitations == {f"client:{chosen.client.id}", f"attorney:{chosen.attorney}"}
    assert [(e.action, e.actor) for e in audit] == [("create", f"link:{issued.id}")]

    # "Add to my calendar" is the invitation the client is e-mailed, byte for byte once sent.
    with page.expect_download() as download:
        page.get_by_role("link", name="Add to my calendar (.ics)").click()
    downloaded = Path(download.value.path()).read_bytes()
    assert downloaded.startswith(b"BEGIN:VCALENDAR") and b"METHOD:REQUEST" in downloaded
    assert appointment.uid.encode() in downloaded
    with site.store.unit_of_work(readonly=True) as uow:
        invitation = next(m for m in messages if m.recipient == f"client:{chosen.client.id}")
        assert downloaded == render_outbox_message(uow, invitation, invitation.created_at)
    sent_at = site.clock.now() + timedelta(minutes=1)
    report = dispatch_due(
        site.store.unit_of_work,
        FolderMailer(tmp_path),
        sent_at,
        MailSettings(mail_from=site.settings.mail_from),
    )
    assert report.count("sent") >= 2
    attached = []
    for path in tmp_path.glob("*.eml"):
        mail = email.message_from_bytes(path.read_bytes(), policy=policy.default)
        if chosen.client.email in str(mail["To"]):
            attached += [
                part.get_payload(decode=True)
                for part in mail.walk()
                if part.get_content_type() == "text/calendar"
            ]
    after_sending = page.request.get(site.url(f"/book/{issued.token}/calendar.ics")).body()
    assert attached == [after_sending]
    assert b"DTSTAMP:" + sent_at.strftime("%Y%m%dT%H%M%SZ").encode() in after_sending

    # The link now shows the meeting, not times; a second confirmation books nothing.
    page.goto(issued.url)
    assert page.locator("h1").inner_text() == "Your meeting"
    with site.store.unit_of_work(readonly=True) as uow:
        mine = [
            a
            for a in uow.appointments.list_for_client(chosen.client.id)
            if a.created_at == site.clock.now()
        ]
    assert len(mine) == 1


def test_a_time_taken_a_moment_earlier_gets_a_kind_message_and_alternatives(
    site: Site, new_page: Any
) -> None:
    chosen = pick(site.store, spanish=False)
    issued = issue(site, chosen)
    page = open_times(new_page, issued.url, detect=False)
    value, _ = first_slot(page)

    # Someone else books that very time, through the booking service, while the page is open.
    other = pick(site.store, spanish=True)
    with site.store.unit_of_work() as uow:
        booking.book(
            uow,
            operator(),
            site.clock.now(),
            booking.BookingRequest(
                client=other.client.id,
                matter=other.matter.id,
                start=datetime.fromisoformat(value),
                duration_minutes=60,
                title="Meeting",
                attorneys=(chosen.attorney,),
            ),
        )

    choose(page, value)
    with page.expect_response(re.compile(r"/hold$")) as answer:
        page.get_by_role("button", name="Continue").click()
    assert answer.value.status == 409
    alert = page.get_by_role("alert")
    assert "That time was just taken" in alert.inner_text()
    assert "Here are the nearest free times" in alert.inner_text()
    html = page.content()
    assert "error" not in page.locator("h1").inner_text().lower()
    assert other.client.name not in html and "Traceback" not in html
    nearest = page.locator("fieldset.nearest input[type=radio]")
    assert nearest.count() >= 1
    screenshot(page, "client-time-taken")

    alternative = str(nearest.first.get_attribute("value"))
    assert alternative != value
    page.locator("fieldset.nearest label").first.click()
    page.get_by_role("button", name="Continue").click()
    page.get_by_role("button", name="Confirm booking").click()
    page.wait_for_url(re.compile(r"done=booked"))
    with site.store.unit_of_work(readonly=True) as uow:
        appointment = uow.appointments.get(link_of(site, issued.id).appointment_id)
    assert appointment.starts_at == datetime.fromisoformat(alternative)


def test_change_and_cancel_through_the_link(site: Site, new_page: Any) -> None:
    chosen = pick(site.store, spanish=False)
    issued = issue(site, chosen)
    now = site.clock.now()
    with site.store.unit_of_work(readonly=True) as uow:
        link = links.open_link(uow, issued.token)
        times = links.free_times(uow, link, now, ZoneInfo(CHICAGO))
    first = next(slot for _, slots in times.days for slot in slots)
    with site.store.unit_of_work() as uow:
        booked = links.book(uow, link, now, first.start, hold_id=None)

    page = open_times(new_page, issued.url, detect=False)
    assert page.locator("h1").inner_text() == "Your meeting"
    page.get_by_role("link", name="Change the time").click()
    assert page.locator("h1").inner_text() == "Choose a new time"
    value, _ = first_slot(page)
    choose(page, value)
    page.get_by_role("button", name="Continue").click()
    page.get_by_role("button", name="Confirm new time").click()
    page.wait_for_url(re.compile(r"done=moved"))
    assert page.locator("h1").inner_text().endswith("Your meeting has a new time")
    with site.store.unit_of_work(readonly=True) as uow:
        moved = uow.appointments.get(booked.id)
    assert moved.starts_at == datetime.fromisoformat(value)
    assert (moved.uid, moved.sequence) == (booked.uid, booked.sequence + 1)

    page.get_by_role("link", name="Cancel the meeting").click()
    assert page.locator("h1").inner_text() == "Cancel your meeting?"
    page.get_by_role("button", name="Yes, cancel the meeting").click()
    page.wait_for_url(re.compile(r"done=cancelled"))
    assert page.locator("h1").inner_text() == "Your meeting is cancelled"
    screenshot(page, "client-cancelled")
    with site.store.unit_of_work(readonly=True) as uow:
        cancelled = uow.appointments.get(booked.id)
        messages = uow.outbox.list(subject_id=booked.id)
        audit = [(e.action, e.actor) for e in uow.audit.list(entity_id=booked.id)]
    assert cancelled.status is AppointmentStatus.CANCELLED
    assert {m.recipient for m in messages if m.kind is MessageKind.CANCELLATION} == {
        f"client:{chosen.client.id}",
        f"attorney:{chosen.attorney}",
    }
    assert ("cancel", f"link:{issued.id}") in audit
    assert ("reschedule", f"link:{issued.id}") in audit
    # The link may book again while it is valid.
    page.get_by_role("link", name="Book a new time").click()
    assert page.locator("h1").inner_text() == "Book a meeting"


def test_phone_width_in_spanish_and_back_to_english(site: Site, new_page: Any) -> None:
    chosen = pick(site.store, spanish=True)
    issued = issue(site, chosen, attorney_ids=(), needs_room=True)
    page = open_times(new_page, issued.url, timezone="America/Mexico_City", width=390, height=844)
    assert page.locator("html").get_attribute("lang") == "es"
    assert page.locator("h1").inner_text() == "Reserve una cita"
    assert page.locator("select#tz").input_value() == "America/Mexico_City"
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0
    screenshot(page, "client-times-phone", full_page=False)
    screenshot(page, "client-times-phone-full")

    page.get_by_role("link", name="English").click()
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.locator("h1").inner_text() == "Book a meeting"
    assert page.locator("select#tz").input_value() == "America/Mexico_City"

    # Choosing another zone by hand rewrites every time in it.
    page.select_option("select#tz", "Europe/Madrid")
    page.get_by_role("button", name="Change time zone").click()
    value, _ = first_slot(page)
    assert value.endswith("+01:00")


def test_keyboard_only_with_labels_for_screen_readers(site: Site, new_page: Any) -> None:
    chosen = pick(site.store, spanish=False)
    issued = issue(site, chosen)
    page = open_times(new_page, issued.url, detect=False)

    # Every time is a labelled radio button naming its day; every control has a name.
    radios = page.get_by_role("radio", name=re.compile(r"^[A-Z][a-z]+day, [A-Z][a-z]+ \d+, "))
    assert radios.count() == page.locator("input[type=radio]").count() > 0
    assert page.get_by_label("Your time zone").count() == 1
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "Skip to the main content"

    for _ in range(40):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.type") == "radio":
            break
    else:
        raise AssertionError("no time could be reached with the Tab key")
    page.keyboard.press("ArrowRight")  # the second time of the day
    chosen_value = page.evaluate("document.activeElement.value")
    page.keyboard.press("Enter")  # submits the form
    page.wait_for_url(re.compile(r"/review\?"))
    for _ in range(20):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.id") == "confirm":
            break
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"done=booked"))
    with site.store.unit_of_work(readonly=True) as uow:
        appointment = uow.appointments.get(link_of(site, issued.id).appointment_id)
    assert appointment.starts_at == datetime.fromisoformat(chosen_value)
