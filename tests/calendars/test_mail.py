"""Messages are short, plain, in the client's language and zone, and name no matter."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from calendars.mail import MailContext, Recipient, compose, format_instant
from scheduler.domain import Language, MessageKind

PAYLOAD = {
    "appointment_id": "apt-1",
    "starts_at": "2026-12-07T14:00:00+00:00",
    "title": "Deposition preparation",
    "matter_id": "mat-017",
    "video_url": "https://meet.example/r/abc",
}
ICS = b"BEGIN:VCALENDAR\r\nMETHOD:REQUEST\r\nEND:VCALENDAR\r\n"


def context(language: Language = Language.EN, zone: str = "America/New_York") -> MailContext:
    return MailContext(
        firm_name="Hargrove & Vance LLP",
        firm_phone="+1 212 555 0142",
        mail_from="Hargrove & Vance LLP <scheduling@hargrove-vance.example>",
        recipient=Recipient("Rosa Navarro", "rosa@clients.example", language, zone),
        attorney_names=["Adaeze Okafor"],
    )


def test_english_invitation_in_the_clients_zone() -> None:
    mail = compose(
        kind=MessageKind.INVITATION,
        payload=PAYLOAD,
        context=context(),
        message_id="<m1@x>",
        sent_at=datetime(2026, 12, 1, tzinfo=UTC),
        calendar=ICS,
    )
    body = mail.get_body(("plain",)).get_content()  # type: ignore[union-attr]
    assert mail["Subject"] == "Your meeting with Hargrove & Vance LLP on Monday, December 7, 2026"
    assert "Adaeze Okafor" in body and "Monday, December 7, 2026 at 9:00 AM (Eastern Time)" in body
    assert "https://meet.example/r/abc" in body and "+1 212 555 0142" in body
    [calendar_part] = [p for p in mail.walk() if p.get_content_type() == "text/calendar"]
    assert calendar_part.get_param("method") == "REQUEST"
    assert calendar_part.get_payload(decode=True) == ICS
    assert any(p.get_filename() == "invite.ics" for p in mail.walk())


def test_spanish_client_reads_spanish_in_their_own_zone() -> None:
    mail = compose(
        kind=MessageKind.REMINDER,
        payload=PAYLOAD,
        context=context(Language.ES, "America/Los_Angeles"),
        message_id="<m2@x>",
        sent_at=datetime(2026, 12, 1, tzinfo=UTC),
    )
    body = mail.get_body(("plain",)).get_content()  # type: ignore[union-attr]
    assert mail["Subject"].startswith("Recordatorio: su reunión")
    assert "lunes, 7 de diciembre de 2026 a las 06:00 (hora del Pacífico)" in body
    assert mail.get_body(("plain",))["Content-Language"] == "es"  # type: ignore[index]
    assert not any(p.get_content_type() == "text/calendar" for p in mail.walk())


@pytest.mark.parametrize("kind", list(MessageKind))
def test_no_message_names_the_matter_or_the_legal_issue(kind: MessageKind) -> None:
    payload = {**PAYLOAD, "due_on": "2026-12-21", "title": "Answer due", "days_before": 3}
    mail = compose(
        kind=kind,
        payload=payload,
        context=context(),
        message_id="<m@x>",
        sent_at=datetime(2026, 12, 1, tzinfo=UTC),
    )
    text = mail.as_string()
    assert "Deposition" not in text or kind is MessageKind.TICKLER
    assert "Deposition" not in mail["Subject"]
    assert "mat-017" not in mail["Subject"]


def test_cancellation_calendar_part_says_cancel() -> None:
    cancel = ICS.replace(b"REQUEST", b"CANCEL")
    mail = compose(
        kind=MessageKind.CANCELLATION,
        payload=PAYLOAD,
        context=context(),
        message_id="<m3@x>",
        sent_at=datetime(2026, 12, 1, tzinfo=UTC),
        calendar=cancel,
    )
    [part] = [p for p in mail.walk() if p.get_content_type() == "text/calendar"]
    assert part.get_param("method") == "CANCEL"
    assert mail["Subject"].startswith("Cancelled:")


def test_instants_across_dst() -> None:
    summer = datetime(2026, 7, 6, 13, 0, tzinfo=UTC)
    winter = datetime(2026, 12, 7, 14, 0, tzinfo=UTC)
    ny = "America/New_York"
    assert (
        format_instant(summer, ny, Language.EN) == "Monday, July 6, 2026 at 9:00 AM (Eastern Time)"
    )
    assert format_instant(winter, ny, Language.EN) == (
        "Monday, December 7, 2026 at 9:00 AM (Eastern Time)"
    )
