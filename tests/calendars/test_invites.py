"""iTIP invitations: structure, lifecycle (request, update, cancel), what each recipient reads."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime, timedelta

import icalendar
import pytest

from calendars.invites import InvitationParties, Method, render_invitation
from scheduler.demo import DemoFirm
from scheduler.domain import (
    AdverseParty,
    Appointment,
    AppointmentStatus,
    Language,
)
from scheduler.errors import InvalidInput
from scheduler.services.notifications import appointment_snapshot
from tests.calendars.validator import problems

NOW = datetime(2026, 12, 1, 15, 0, tzinfo=UTC)


def parties_for(demo: DemoFirm, appointment: Appointment, **changes: object) -> InvitationParties:
    matter = next(m for m in demo.matters if m.id == appointment.matter_id)
    parties = InvitationParties(
        firm=demo.firm,
        client=next(c for c in demo.clients if c.id == appointment.client_id),
        attorneys={a.id: a for a in demo.attorneys},
        matter=matter,
        room=next((r for r in demo.rooms if r.id == appointment.room_id), None),
    )
    return dataclasses.replace(parties, **changes)  # type: ignore[arg-type]


def event_of(data: bytes) -> icalendar.Event:
    calendar = icalendar.Calendar.from_ical(data)
    events = calendar.walk("VEVENT")
    assert len(events) == 1
    return events[0]


def with_room(demo: DemoFirm) -> Appointment:
    return next(a for a in demo.appointments if a.room_id)


def with_video(demo: DemoFirm) -> Appointment:
    return next(a for a in demo.appointments if not a.room_id and a.video_url)


def test_request_has_every_part_a_calendar_needs(demo: DemoFirm) -> None:
    appointment = with_room(demo)
    data = render_invitation(
        appointment_snapshot(appointment),
        "request",
        f"client:{appointment.client_id}",
        parties_for(demo, appointment),
        NOW,
    )
    assert problems(data, itip=True) == []
    text = data.decode()
    assert text.index("METHOD:REQUEST") < text.index("BEGIN:VTIMEZONE") < text.index("BEGIN:VEVENT")
    event = event_of(data)
    assert str(event["UID"]) == appointment.uid
    assert event["SEQUENCE"] == 0
    assert event["DTSTAMP"].dt == NOW
    assert event["DTSTART"].dt == appointment.starts_at
    assert event["DTEND"].dt == appointment.ends_at
    assert str(event["STATUS"]) == "CONFIRMED"
    assert str(event["ORGANIZER"]) == f"mailto:{demo.firm.email}"
    assert event["ORGANIZER"].params["CN"] == demo.firm.name
    attendees = event["ATTENDEE"] if isinstance(event["ATTENDEE"], list) else [event["ATTENDEE"]]
    assert len(attendees) == 1 + len(appointment.attorney_ids)
    for attendee in attendees:
        assert attendee.params["ROLE"] == "REQ-PARTICIPANT"
        assert attendee.params["PARTSTAT"] == "NEEDS-ACTION"
        assert attendee.params["RSVP"] == "TRUE"
        assert attendee.params["CN"]
    room = next(r for r in demo.rooms if r.id == appointment.room_id)
    assert str(event["LOCATION"]) == f"{room.name}, {room.location}"
    alarms = event.walk("VALARM")
    assert [str(a["ACTION"]) for a in alarms] == ["DISPLAY", "DISPLAY"]
    assert sorted(a["TRIGGER"].dt for a in alarms) == [-timedelta(days=1), -timedelta(hours=1)]


def test_times_carry_the_recipients_zone_with_its_vtimezone(demo: DemoFirm) -> None:
    appointment = with_room(demo)
    client = next(c for c in demo.clients if c.id == appointment.client_id)
    data = render_invitation(
        appointment_snapshot(appointment),
        Method.REQUEST,
        f"client:{client.id}",
        parties_for(demo, appointment),
        NOW,
    )
    assert f"DTSTART;TZID={client.timezone}:".encode() in data
    assert f"TZID:{client.timezone}".encode() in data


def test_video_link_is_the_location_when_there_is_no_room(demo: DemoFirm) -> None:
    appointment = with_video(demo)
    data = render_invitation(
        appointment_snapshot(appointment),
        "request",
        f"attorney:{appointment.attorney_ids[0]}",
        parties_for(demo, appointment),
        NOW,
    )
    assert str(event_of(data)["LOCATION"]) == f"Video call: {appointment.video_url}"


def test_update_and_cancel_follow_the_request(demo: DemoFirm) -> None:
    appointment = with_room(demo)
    parties = parties_for(demo, appointment)
    recipient = f"client:{appointment.client_id}"
    request = render_invitation(
        appointment_snapshot(appointment), "request", recipient, parties, NOW
    )
    moved = dataclasses.replace(
        appointment,
        starts_at=appointment.starts_at + timedelta(hours=1),
        ends_at=appointment.ends_at + timedelta(hours=1),
        sequence=1,
    )
    update = render_invitation(
        appointment_snapshot(moved), "request", recipient, parties, NOW + timedelta(minutes=5)
    )
    cancelled = dataclasses.replace(moved, status=AppointmentStatus.CANCELLED, sequence=2)
    cancel = render_invitation(
        appointment_snapshot(cancelled), "cancel", recipient, parties, NOW + timedelta(minutes=9)
    )
    first, second, third = (event_of(d) for d in (request, update, cancel))
    assert str(first["UID"]) == str(second["UID"]) == str(third["UID"]) == appointment.uid
    assert first["SEQUENCE"] < second["SEQUENCE"] < third["SEQUENCE"]
    assert first["DTSTAMP"].dt < second["DTSTAMP"].dt < third["DTSTAMP"].dt
    assert second["DTSTART"].dt == moved.starts_at
    assert "has changed" in str(second["DESCRIPTION"])
    assert b"METHOD:CANCEL\r\n" in cancel
    assert str(third["STATUS"]) == "CANCELLED"
    assert "cancelled" in str(third["DESCRIPTION"])
    assert third.walk("VALARM") == []
    assert problems(cancel, itip=True) == []


def test_cancel_to_a_dropped_attorney_names_only_them(demo: DemoFirm) -> None:
    appointment = next(a for a in demo.appointments if len(a.attorney_ids) > 1)
    kept, dropped = appointment.attorney_ids[0], appointment.attorney_ids[1]
    after = dataclasses.replace(appointment, attorney_ids=(kept,), sequence=1)
    data = render_invitation(
        appointment_snapshot(after),
        "cancel",
        f"attorney:{dropped}",
        parties_for(demo, after),
        NOW,
    )
    event = event_of(data)
    attendee = event["ATTENDEE"]
    assert not isinstance(attendee, list)
    assert str(attendee).endswith(next(a.email for a in demo.attorneys if a.id == dropped))
    assert "no longer expected" in str(event["DESCRIPTION"])


def test_a_clients_invitation_names_their_attorneys_and_nobody_else(demo: DemoFirm) -> None:
    appointment = next(
        a
        for a in demo.appointments
        if next(m for m in demo.matters if m.id == a.matter_id).adverse_client_ids
    )
    matter = next(m for m in demo.matters if m.id == appointment.matter_id)
    data = render_invitation(
        appointment_snapshot(appointment),
        "request",
        f"client:{appointment.client_id}",
        parties_for(demo, appointment),
        NOW,
    )
    text = icalendar.Calendar.from_ical(data).to_ical().decode()
    unfolded = data.decode().replace("\r\n ", "")
    for attorney_id in appointment.attorney_ids:
        assert next(a.name for a in demo.attorneys if a.id == attorney_id) in unfolded
    for party in matter.adverse_parties:
        assert party.name not in unfolded and party.name not in text
    others = [c.name for c in demo.clients if c.id != appointment.client_id]
    assert not [name for name in others if name in unfolded]


def test_adverse_party_typed_into_a_title_is_never_written(demo: DemoFirm) -> None:
    appointment = with_room(demo)
    matter = next(m for m in demo.matters if m.id == appointment.matter_id)
    walled = dataclasses.replace(matter, adverse_parties=(AdverseParty("Blackwood Chemical Corp"),))
    titled = dataclasses.replace(appointment, title="Prep for blackwood chemical corp deposition")
    for recipient in (f"client:{titled.client_id}", f"attorney:{titled.attorney_ids[0]}"):
        data = render_invitation(
            appointment_snapshot(titled),
            "request",
            recipient,
            parties_for(demo, titled, matter=walled),
            NOW,
        )
        assert b"lackwood" not in data.replace(b"\r\n ", b"")
        assert "the other party" in str(event_of(data)["SUMMARY"])


def test_a_screened_attorney_never_reads_the_walled_matter(demo: DemoFirm) -> None:
    appointment = with_room(demo)
    matter = next(m for m in demo.matters if m.id == appointment.matter_id)
    client = next(c for c in demo.clients if c.id == appointment.client_id)
    screened = appointment.attorney_ids[0]
    walled = dataclasses.replace(matter, screened_attorneys=(screened,))
    data = render_invitation(
        appointment_snapshot(appointment),
        "request",
        f"attorney:{screened}",
        parties_for(demo, appointment, matter=walled),
        NOW,
    )
    unfolded = data.decode().replace("\r\n ", "")
    assert matter.title not in unfolded
    assert client.name not in unfolded
    assert "details restricted" in str(event_of(data)["SUMMARY"])
    assert problems(data, itip=True) == []


def test_spanish_speaking_client_reads_spanish(demo: DemoFirm) -> None:
    appointment = next(
        a
        for a in demo.appointments
        if next(c for c in demo.clients if c.id == a.client_id).language is Language.ES
    )
    data = render_invitation(
        appointment_snapshot(appointment),
        "request",
        f"client:{appointment.client_id}",
        parties_for(demo, appointment),
        NOW,
    )
    event = event_of(data)
    description = str(event["DESCRIPTION"])
    assert description.startswith("Su cita con")
    assert "Cuándo:" in description
    assert "Recordatorio" in str(event.walk("VALARM")[0]["DESCRIPTION"])


def test_alarm_text_says_when_but_not_with_whom(demo: DemoFirm) -> None:
    appointment = with_room(demo)
    client = next(c for c in demo.clients if c.id == appointment.client_id)
    data = render_invitation(
        appointment_snapshot(appointment),
        "request",
        f"client:{client.id}",
        parties_for(demo, appointment),
        NOW,
        alarm_minutes=(30,),
    )
    alarm = event_of(data).walk("VALARM")
    assert len(alarm) == 1
    assert str(alarm[0]["DESCRIPTION"]) == "Reminder: appointment in 30 minutes"


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"uid": "two words"}, "uid"),
        ({"sequence": -1}, "sequence"),
        (
            {"ends_at": "2026-12-07T09:00:00+00:00", "starts_at": "2026-12-07T10:00:00+00:00"},
            "ends_at",
        ),
        ({"starts_at": "2026-12-07T10:00:00"}, "starts_at"),
        (
            {"video_url": "https://x.example/a\r\nATTENDEE:mailto:evil@x.example", "room_id": None},
            "video_url",
        ),
    ],
)
def test_bad_snapshots_are_refused_naming_the_field(
    demo: DemoFirm, change: dict[str, object], field: str
) -> None:
    appointment = with_room(demo)
    snapshot = {**appointment_snapshot(appointment), **change}
    with pytest.raises(InvalidInput) as refused:
        render_invitation(
            snapshot,
            "request",
            f"client:{appointment.client_id}",
            parties_for(demo, appointment, room=None),
            NOW,
        )
    assert refused.value.field == field


def test_unknown_method_and_recipient_are_refused(demo: DemoFirm) -> None:
    appointment = with_room(demo)
    snapshot = appointment_snapshot(appointment)
    parties = parties_for(demo, appointment)
    with pytest.raises(InvalidInput) as refused:
        render_invitation(snapshot, "publish", f"client:{appointment.client_id}", parties, NOW)
    assert refused.value.field == "method"
    with pytest.raises(InvalidInput) as refused:
        render_invitation(snapshot, "request", "cli-001", parties, NOW)
    assert refused.value.field == "recipient"
    with pytest.raises(InvalidInput):
        render_invitation(snapshot, "request", "client:cli-999", parties, NOW)
