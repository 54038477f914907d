"""Text safety: escaping, folding, and no injection through anything a person types."""

from __future__ import annotations

import dataclasses
import re
from datetime import UTC, datetime, timedelta

import icalendar
import pytest
import vobject
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from calendars.feeds import Feed, FeedEvent, render_feed
from calendars.invites import InvitationParties, render_invitation
from calendars.text import clean_text, escape_text, fold, param_value, unescape_text
from scheduler.domain import Client, Firm, Matter, Room
from scheduler.services.notifications import appointment_snapshot
from tests.calendars.validator import byte_problems, structure_problems
from tests.factories import appointment, attorney, client, matter

NASTY = 'Smith, Jones; "JJ" \\ O\'Brien\r\nATTENDEE:mailto:x@evil.example\nEND:VEVENT\rBEGIN:VEVENT'
# Text with every kind of character a person (or an attacker) might type, line breaks included.
typed = st.text(
    alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",))
    | st.sampled_from(
        ["\r", "\n", ";", ",", "\\", '"', ":", "^", "\x00", "\x0b", "\u2028", "\x85"]
    ),
    max_size=120,
)


def test_escape_text_escapes_the_four_specials_and_every_line_break() -> None:
    assert escape_text("a,b;c\\d") == "a\\,b\\;c\\\\d"
    assert escape_text("one\r\ntwo\rthree\nfour\u2028five") == "one\\ntwo\\nthree\\nfour\\nfive"
    assert escape_text("one\ntwo", multiline=False) == "one two"
    assert escape_text("tab\there\x00\x07") == "tab\there"
    assert escape_text("plain text: fine") == "plain text: fine"


@given(typed)
def test_escaped_text_round_trips_and_holds_no_line_break(value: str) -> None:
    escaped = escape_text(value)
    assert "\r" not in escaped and "\n" not in escaped
    assert unescape_text(escaped) == clean_text(value)


def test_parameter_values_are_quoted_with_rfc6868() -> None:
    assert param_value('Jane "JJ" Doe') == "\"Jane ^'JJ^' Doe\""
    assert param_value("a\nb^c") == '"a^nb^^c"'
    assert param_value("Doe, Jane; Esq.") == '"Doe, Jane; Esq."'


def test_fold_at_75_octets_never_splits_a_character() -> None:
    line = "DESCRIPTION:" + "é" * 100 + "𝄞" * 20
    data = fold(line)
    assert data.endswith(b"\r\n")
    physical = data.split(b"\r\n")[:-1]
    assert all(len(p) <= 75 for p in physical)
    for p in physical:
        p.decode("utf-8")
    assert all(p.startswith(b" ") for p in physical[1:])
    assert b"".join(p[1:] if i else p for i, p in enumerate(physical)).decode() == line


def test_fold_refuses_a_line_with_a_line_break() -> None:
    with pytest.raises(ValueError):
        fold("SUMMARY:a\r\nX-EVIL:1")


FIRM = Firm(
    name="Hargrove & Vance LLP",
    timezone="America/New_York",
    address="1 Main St",
    email="scheduling@firm.example",
)
START = datetime(2026, 12, 8, 15, tzinfo=UTC)


def _invite(
    *,
    client_name: str,
    title: str,
    room: str,
    firm_name: str,
    matter_title: str,
    attorney_name: str,
) -> bytes:
    the_client: Client = client("cli-a", name=client_name)
    the_matter: Matter = matter("mat-a", title=matter_title)
    the_room = Room("room-a", room or "Room", location=room)
    appt = appointment(START, title=title, room_id="room-a")
    parties = InvitationParties(
        firm=dataclasses.replace(FIRM, name=firm_name),
        client=the_client,
        attorneys={"att-a": attorney("att-a", name=attorney_name)},
        matter=the_matter,
        room=the_room,
    )
    return render_invitation(appointment_snapshot(appt), "request", "client:cli-a", parties, START)


INVITE_PROPERTIES = {
    "UID",
    "SEQUENCE",
    "DTSTAMP",
    "DTSTART",
    "DTEND",
    "SUMMARY",
    "LOCATION",
    "DESCRIPTION",
    "STATUS",
    "TRANSP",
    "CLASS",
    "ORGANIZER",
    "ATTENDEE",
}


def rfc6868(value: str) -> str:
    """Decode RFC 6868 parameter encoding: ^n is a line break, ^' a double quote, ^^ a caret."""
    return re.sub(r"\^(.)", lambda m: {"n": "\n", "'": '"', "^": "^"}.get(m[1], m[0]), value)


def _check_invite(data: bytes, *, client_name: str, attorney_name: str, title: str) -> None:
    assert byte_problems(data) == []
    assert structure_problems(data, itip=True) == []
    calendar = icalendar.Calendar.from_ical(data)
    assert [c.name for c in calendar.subcomponents] == ["VTIMEZONE", "VEVENT"]
    assert set(calendar.keys()) == {"PRODID", "VERSION", "CALSCALE", "METHOD"}
    (event,) = calendar.walk("VEVENT")
    assert set(event.keys()) == INVITE_PROPERTIES
    assert [c.name for c in event.subcomponents] == ["VALARM", "VALARM"]
    for alarm in event.subcomponents:
        assert set(alarm.keys()) == {"ACTION", "TRIGGER", "DESCRIPTION"}
    attendees = event["ATTENDEE"]
    assert [str(a) for a in attendees] == [
        "mailto:cli-a@client.example",
        "mailto:att-a@firm.example",
    ]
    # Parameter values have no backslash escapes (RFC 5545 3.2; RFC 6868 only for ^, " and line
    # breaks). icalendar nevertheless unescapes "\:" in them, so the names are read back with
    # vobject, which follows RFC 5545 (and leaves RFC 6868's ^-encoding to us).
    parsed = vobject.readOne(data.decode("utf-8"))
    names = [rfc6868(a.params["CN"][0]) for a in parsed.vevent.contents["attendee"]]
    assert names == [
        clean_text(client_name, multiline=True),
        clean_text(attorney_name, multiline=True),
    ]
    assert str(event["ORGANIZER"]) == "mailto:scheduling@firm.example"
    summary = str(event["SUMMARY"])
    assert "\n" not in summary and "\r" not in summary
    assert clean_text(title, multiline=False).strip() in summary or not title.strip()


def test_a_hostile_name_adds_no_property_or_component() -> None:
    data = _invite(
        client_name=NASTY,
        title=NASTY,
        room=NASTY,
        firm_name=NASTY,
        matter_title=NASTY,
        attorney_name=NASTY,
    )
    lines = data.split(b"\r\n")
    assert not [line for line in lines if line.startswith(b"ATTENDEE:mailto:x@evil")]
    assert lines.count(b"BEGIN:VEVENT") == 1 and lines.count(b"END:VEVENT") == 1
    _check_invite(data, client_name=NASTY, attorney_name=NASTY, title=NASTY)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    client_name=typed,
    title=typed,
    room=typed,
    firm_name=typed,
    matter_title=typed,
    attorney_name=typed,
)
def test_typed_text_never_adds_a_line_to_an_invitation(
    client_name: str,
    title: str,
    room: str,
    firm_name: str,
    matter_title: str,
    attorney_name: str,
) -> None:
    data = _invite(
        client_name=client_name,
        title=title,
        room=room,
        firm_name=firm_name,
        matter_title=matter_title,
        attorney_name=attorney_name,
    )
    _check_invite(data, client_name=client_name, attorney_name=attorney_name, title=title)


FEED_PROPERTIES = {
    "PRODID",
    "VERSION",
    "CALSCALE",
    "NAME",
    "X-WR-CALNAME",
    "X-WR-CALDESC",
    "X-WR-TIMEZONE",
    "REFRESH-INTERVAL",
    "X-PUBLISHED-TTL",
}


@settings(max_examples=60, deadline=None)
@given(name=typed, summary=typed, description=typed, location=typed, uid=typed)
def test_typed_text_never_adds_a_line_to_a_feed(
    name: str, summary: str, description: str, location: str, uid: str
) -> None:
    event = FeedEvent(
        uid=uid or "u",
        stamp=START,
        summary=summary,
        starts_at=START,
        ends_at=START + timedelta(hours=1),
        description=description or "d",
        location=location or "l",
    )
    data = render_feed(
        Feed(name=name, timezone="America/New_York", events=[event], description=name or "x")
    )
    assert byte_problems(data) == []
    assert structure_problems(data, itip=False) == []
    calendar = icalendar.Calendar.from_ical(data)
    assert set(calendar.keys()) == FEED_PROPERTIES
    (parsed,) = calendar.walk("VEVENT")
    assert set(parsed.keys()) == {
        "UID",
        "DTSTAMP",
        "DTSTART",
        "DTEND",
        "SUMMARY",
        "LOCATION",
        "DESCRIPTION",
        "STATUS",
        "TRANSP",
        "CLASS",
    }
    # icalendar does not unescape NAME / X-WR-CALNAME (it keeps unknown properties raw).
    assert unescape_text(str(calendar["X-WR-CALNAME"])) == clean_text(name, multiline=False)
    assert unescape_text(str(calendar["NAME"])) == clean_text(name, multiline=False)
    assert str(parsed["SUMMARY"]) == clean_text(summary, multiline=False)
    assert str(parsed["DESCRIPTION"]) == clean_text(description or "d")
    assert str(parsed["UID"]) == clean_text(uid or "u", multiline=False)
