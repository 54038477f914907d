"""The dispatcher against a real SMTP server on loopback: delivery, exactly once, retries."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from email.message import EmailMessage
from pathlib import Path

import pytest
from icalendar import Calendar, Event

from calendars.delivery import FolderMailer, SmtpMailer
from scheduler.domain import AppointmentStatus, MessageKind
from scheduler.services.dispatch import MailSettings, dispatch_due
from scheduler.services.notifications import appointment_changed
from scheduler.store import Store
from tests.factories import appointment, moved, seed_small_firm
from tests.smtp import free_port, smtp_server

NOW = datetime(2026, 12, 1, 15, 0, tzinfo=UTC)
MEETING = datetime(2026, 12, 7, 16, 0, tzinfo=UTC)  # Monday 11:00 in New York
SETTINGS = MailSettings(mail_from="Test LLP <desk@test.example>", firm_name="Test LLP")


def smtp(port: int) -> SmtpMailer:
    return SmtpMailer("127.0.0.1", port, starttls=False)


@pytest.fixture
def booked(store: Store):  # type: ignore[no-untyped-def]
    with store.unit_of_work() as uow:
        seed_small_firm(uow)
    appt = appointment(MEETING, 60, attorneys=("att-a",))
    with store.unit_of_work() as uow:
        uow.appointments.add(appt)
        appointment_changed(uow, None, appt, NOW)
        uow.commit()
    return appt


def calendar_event(mail: EmailMessage, method: str) -> Event:
    """The VEVENT of the mail's text/calendar part, checking METHOD against the MIME method."""
    [part] = [p for p in mail.walk() if p.get_content_type() == "text/calendar"]
    assert part.get_param("method") == method
    calendar = Calendar.from_ical(part.get_payload(decode=True))
    assert str(calendar["METHOD"]) == method
    [event] = calendar.walk("VEVENT")
    return event


def statuses(store: Store, kind: MessageKind) -> list[str]:
    with store.unit_of_work(readonly=True) as uow:
        return sorted(m.status for m in uow.outbox.list() if m.kind is kind)


def test_invitations_arrive_once_and_parse(store: Store, booked) -> None:  # type: ignore[no-untyped-def]
    with smtp_server() as (inbox, port):
        report = dispatch_due(store.unit_of_work, smtp(port), NOW, SETTINGS)
        again = dispatch_due(store.unit_of_work, smtp(port), NOW, SETTINGS)
    assert report.count("sent") == 2 and again.outcomes == []
    assert sorted(m["To"].addresses[0].addr_spec for m in inbox.messages) == [
        "att-a@firm.example",
        "cli-a@client.example",
    ]
    for mail in inbox.messages:
        assert mail["Subject"].startswith("Your meeting with Test LLP on Monday, December 7, 2026")
        assert mail["Message-ID"].endswith("@test.example>")  # the firm's own domain
        assert "Matter mat-a" not in mail.as_string()
        event = calendar_event(mail, "REQUEST")
        assert str(event["UID"]) == booked.uid and int(event["SEQUENCE"]) == 0
        assert event.DTSTART.astimezone(UTC) == MEETING
    assert statuses(store, MessageKind.INVITATION) == ["sent", "sent"]
    # Reminders are not due yet.
    assert statuses(store, MessageKind.REMINDER) == ["pending", "pending"]


def test_reminders_go_out_when_due_and_not_before(store: Store, booked) -> None:  # type: ignore[no-untyped-def]
    with smtp_server() as (inbox, port):
        dispatch_due(store.unit_of_work, smtp(port), NOW, SETTINGS)
        dispatch_due(store.unit_of_work, smtp(port), MEETING - timedelta(hours=25), SETTINGS)
        assert len(inbox.raw) == 2
        dispatch_due(store.unit_of_work, smtp(port), MEETING - timedelta(hours=24), SETTINGS)
        assert len(inbox.raw) == 3
        assert inbox.messages[-1]["Subject"].startswith("Reminder:")
        dispatch_due(store.unit_of_work, smtp(port), MEETING, SETTINGS)
    assert len(inbox.raw) == 4
    assert statuses(store, MessageKind.REMINDER) == ["sent", "sent"]


def test_a_cancelled_appointment_sends_no_reminder(store: Store, booked) -> None:  # type: ignore[no-untyped-def]
    gone = moved(booked, status=AppointmentStatus.CANCELLED, sequence=1)
    with store.unit_of_work() as uow:
        uow.appointments.update(gone)
        appointment_changed(uow, booked, gone, NOW)
        uow.commit()
    with smtp_server() as (inbox, port):
        dispatch_due(store.unit_of_work, smtp(port), MEETING, SETTINGS)
    cancels = [m for m in inbox.messages if m["Subject"].startswith("Cancelled")]
    assert [int(calendar_event(m, "CANCEL")["SEQUENCE"]) for m in cancels] == [1, 1]
    subjects = sorted(m["Subject"].split(":")[0] for m in inbox.messages)
    assert subjects == [
        "Cancelled",
        "Cancelled",
        "Your meeting with Test LLP on Monday, December 7, 2026",
        "Your meeting with Test LLP on Monday, December 7, 2026",
    ]
    assert statuses(store, MessageKind.REMINDER) == ["cancelled", "cancelled"]


def test_smtp_down_means_later_and_once(store: Store, booked) -> None:  # type: ignore[no-untyped-def]
    port = free_port()  # nothing listens here yet
    down = dispatch_due(store.unit_of_work, smtp(port), NOW, SETTINGS)
    assert down.count("retry") == 2
    with store.unit_of_work(readonly=True) as uow:
        waiting = [m for m in uow.outbox.list() if m.kind is MessageKind.INVITATION]
    assert all(m.status == "pending" and "cannot reach" in (m.last_error or "") for m in waiting)
    with smtp_server(port) as (inbox, _):
        # Still backing off a moment later; then the retry goes out, once.
        assert (
            dispatch_due(
                store.unit_of_work, smtp(port), NOW + timedelta(seconds=30), SETTINGS
            ).outcomes
            == []
        )
        later = dispatch_due(store.unit_of_work, smtp(port), NOW + timedelta(minutes=2), SETTINGS)
        dispatch_due(store.unit_of_work, smtp(port), NOW + timedelta(minutes=3), SETTINGS)
    assert later.count("sent") == 2 and len(inbox.raw) == 2


def test_a_refused_address_is_kept_as_failed(store: Store, booked) -> None:  # type: ignore[no-untyped-def]
    with smtp_server() as (inbox, port):
        inbox.refuse.add("cli-a@client.example")
        report = dispatch_due(store.unit_of_work, smtp(port), NOW, SETTINGS)
    assert report.count("sent") == 1 and report.count("failed") == 1
    with store.unit_of_work(readonly=True) as uow:
        [failed] = uow.outbox.list(status="failed")
    assert failed.recipient == "client:cli-a" and "550" in (failed.last_error or "")


def test_without_smtp_mail_goes_to_eml_files(store: Store, booked, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    report = dispatch_due(store.unit_of_work, FolderMailer(tmp_path / "outbox"), NOW, SETTINGS)
    assert report.count("sent") == 2
    assert len(list((tmp_path / "outbox").glob("*.eml"))) == 2


def test_a_reminder_withdrawn_while_its_batch_is_sent_is_not_sent(store: Store, booked) -> None:  # type: ignore[no-untyped-def]
    due = MEETING - timedelta(hours=24)

    class CancelsOnFirstSend(SmtpMailer):
        """Someone cancels the appointment while the dispatcher is busy with its batch."""

        cancelled = False

        def send(self, message):  # type: ignore[no-untyped-def]
            if not self.cancelled:
                self.cancelled = True
                gone = moved(booked, status=AppointmentStatus.CANCELLED, sequence=1)
                with store.unit_of_work() as uow:
                    uow.appointments.update(gone)
                    appointment_changed(uow, booked, gone, due)
                    uow.commit()
            super().send(message)

    with smtp_server() as (inbox, port):
        report = dispatch_due(
            store.unit_of_work, CancelsOnFirstSend("127.0.0.1", port, starttls=False), due, SETTINGS
        )
    assert [o.message.kind for o in report.outcomes if o.result == "withdrawn"] == [
        MessageKind.REMINDER
    ]
    assert all(not m["Subject"].startswith("Reminder") for m in inbox.messages)
