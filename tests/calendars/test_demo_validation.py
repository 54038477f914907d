"""What the issue must show: invitations, updates, cancellations and feeds made from the demo firm
pass an independent validator built on other parsers (icalendar, vobject, and ical.js, the parser
Thunderbird uses), and the busy-only feed carries no client's name.

The messages are made the way the engine makes them: a change queues outbox messages
(``appointment_changed``) and each is rendered with ``render_outbox_message``, as the mail
dispatcher does.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from calendars.feeds import render_feed
from scheduler.demo import DemoFirm
from scheduler.domain import AppointmentStatus, FeedKind, Language, MessageKind
from scheduler.services.access import operator
from scheduler.services.calendars import (
    feed_contents,
    find_feed,
    issue_feed,
    render_outbox_message,
)
from scheduler.services.notifications import appointment_changed
from scheduler.store import Store
from tests.calendars.conftest import seeded_backend
from tests.calendars.validator import IcalJs, problems

NOW = datetime(2026, 12, 3, 15, 0, tzinfo=UTC)


@pytest.fixture(scope="module", params=("sqlite", "postgres"))
def full_backend(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory, full_demo: DemoFirm
) -> Iterator[tuple[str, Store]]:
    yield from seeded_backend(request, tmp_path_factory, full_demo)


@pytest.fixture
def full_store(full_backend: tuple[str, Store], request: pytest.FixtureRequest) -> Store:
    name, store = full_backend
    request.node.add_marker(pytest.mark.backend(name))
    if name == "postgres":
        request.node.add_marker(pytest.mark.postgres)
    return store


def chosen_appointments(demo: DemoFirm) -> list[Any]:
    """A spread: rooms, video calls, tentative, several attorneys, Spanish-speaking clients,
    matters whose opposing party is another client."""
    spanish = {c.id for c in demo.clients if c.language is Language.ES}
    adverse = {m.id for m in demo.matters if m.adverse_client_ids}
    picks: dict[str, Any] = {}
    tests = (
        lambda a: a.room_id is not None,
        lambda a: bool(a.video_url),
        lambda a: a.status is AppointmentStatus.TENTATIVE,
        lambda a: len(a.attorney_ids) > 1,
        lambda a: a.client_id in spanish,
        lambda a: a.matter_id in adverse,
    )
    for test in tests:
        for appointment in [a for a in demo.appointments if test(a)][:2]:
            picks[appointment.id] = appointment
    for appointment in demo.appointments[:: max(1, len(demo.appointments) // 4)]:
        picks[appointment.id] = appointment
    return list(picks.values())


def test_demo_messages_and_feeds_pass_the_independent_validator(
    full_store: Store, full_demo: DemoFirm, icaljs: IcalJs, tmp_path: Path
) -> None:
    appointments = chosen_appointments(full_demo)
    two_attorneys = next(a for a in appointments if len(a.attorney_ids) > 1)
    with full_store.unit_of_work() as uow:
        for appointment in appointments:
            appointment_changed(uow, None, appointment, NOW)
            moved = dataclasses.replace(
                appointment,
                starts_at=appointment.starts_at + timedelta(days=1, hours=1),
                ends_at=appointment.ends_at + timedelta(days=1, hours=1),
                sequence=appointment.sequence + 1,
            )
            if appointment is two_attorneys:
                moved = dataclasses.replace(moved, attorney_ids=appointment.attorney_ids[:1])
            appointment_changed(uow, appointment, moved, NOW + timedelta(minutes=1))
            cancelled = dataclasses.replace(
                moved, status=AppointmentStatus.CANCELLED, sequence=moved.sequence + 1
            )
            appointment_changed(uow, moved, cancelled, NOW + timedelta(minutes=2))
        uow.commit()

    files: dict[Path, dict[str, Any]] = {}
    with full_store.unit_of_work(readonly=True) as uow:
        ids = {a.id for a in appointments}
        itip = (MessageKind.INVITATION, MessageKind.UPDATE, MessageKind.CANCELLATION)
        messages = [
            m for m in uow.outbox.list(limit=100_000) if m.subject_id in ids and m.kind in itip
        ]
        assert {m.kind for m in messages} == {
            MessageKind.INVITATION,
            MessageKind.UPDATE,
            MessageKind.CANCELLATION,
        }
        for message in messages:
            data = render_outbox_message(uow, message, NOW + timedelta(minutes=5))
            path = tmp_path / f"{message.id}.ics"
            path.write_bytes(data)
            files[path] = {"itip": True, "message": message, "data": data}
    with full_store.unit_of_work() as uow:
        tokens = [
            issue_feed(
                uow,
                operator(),
                NOW,
                kind=FeedKind.FIRM_BUSY,
                subject_id=None,
                base_url="https://x.example",
            )
        ]
        for attorney in full_demo.attorneys:
            tokens.append(
                issue_feed(
                    uow,
                    operator(),
                    NOW,
                    kind=FeedKind.ATTORNEY,
                    subject_id=attorney.id,
                    base_url="https://x.example",
                )
            )
        for client in full_demo.clients[:8]:
            tokens.append(
                issue_feed(
                    uow,
                    operator(),
                    NOW,
                    kind=FeedKind.CLIENT,
                    subject_id=client.id,
                    base_url="https://x.example",
                )
            )
        for deadline in full_demo.deadlines:
            tokens.append(
                issue_feed(
                    uow,
                    operator(),
                    NOW,
                    kind=FeedKind.MATTER,
                    subject_id=deadline.matter_id,
                    base_url="https://x.example",
                )
            )
    with full_store.unit_of_work(readonly=True) as uow:
        for issued in tokens:
            data = render_feed(feed_contents(uow, find_feed(uow, issued.token), NOW))
            path = tmp_path / f"{issued.kind.value}-{issued.id}.ics"
            path.write_bytes(data)
            files[path] = {"itip": False, "kind": issued.kind, "data": data}

    assert len([i for i in files.values() if i["itip"]]) >= 40
    assert len(files) - len(messages) == len(tokens)

    # 1. Bytes, structure, icalendar and vobject.
    found = {path.name: problems(info["data"], itip=info["itip"]) for path, info in files.items()}
    assert {name: p for name, p in found.items() if p} == {}

    # 2. ical.js, the parser Thunderbird uses, in one Node process.
    report = {Path(r["file"]): r for r in icaljs.check(sorted(files))}
    assert set(report) == set(files)
    assert {p.name: r["errors"] for p, r in report.items() if r["errors"]} == {}
    by_uid: dict[str, list[tuple[int, str, int]]] = {}
    for path, info in files.items():
        parsed = report[path]
        if not info["itip"]:
            assert parsed["method"] is None
            continue
        message = info["message"]
        expected_method = "CANCEL" if message.kind is MessageKind.CANCELLATION else "REQUEST"
        assert parsed["method"] == expected_method
        (event,) = parsed["events"]
        payload = message.payload
        # ical.js reads the same instants the engine meant.
        assert event["start"]["unix"] == int(
            datetime.fromisoformat(payload["starts_at"]).timestamp()
        )
        assert event["end"]["unix"] == int(datetime.fromisoformat(payload["ends_at"]).timestamp())
        assert event["uid"] == payload["uid"]
        assert event["sequence"] == payload["sequence"]
        assert event["status"] == (
            "CANCELLED" if expected_method == "CANCEL" else payload["status"].upper()
        )
        by_uid.setdefault(event["uid"], []).append(
            (event["sequence"], message.kind.value, len(event["attendees"]))
        )
        if expected_method == "REQUEST":
            assert event["alarms"] == 2
            assert all(
                a["partstat"] == "NEEDS-ACTION" and a["rsvp"] == "TRUE" for a in event["attendees"]
            )
    # Updates and cancellations follow their request: same UID, higher SEQUENCE.
    for uid, seen in by_uid.items():
        first = min(s for s, kind, _ in seen if kind == "invitation")
        assert all(s > first for s, kind, _ in seen if kind != "invitation"), uid

    # 3. The busy-only feed carries no client's name (nor matter, room or title).
    busy = next(info["data"] for info in files.values() if info.get("kind") is FeedKind.FIRM_BUSY)
    text = busy.decode().replace("\r\n ", "")
    leaks = [c.name for c in full_demo.clients] + [m.title for m in full_demo.matters]
    leaks += [p.name for m in full_demo.matters for p in m.adverse_parties]
    leaks += [r.name for r in full_demo.rooms]
    assert not [word for word in leaks if word in text]
    assert report[next(p for p, i in files.items() if i.get("kind") is FeedKind.FIRM_BUSY)][
        "events"
    ]

    # 4. No message names an adverse party, and a client's message names no other client.
    for info in files.values():
        if not info["itip"]:
            continue
        message = info["message"]
        text = info["data"].decode().replace("\r\n ", "")
        matter = next(m for m in full_demo.matters if m.id == message.payload["matter_id"])
        assert not [p.name for p in matter.adverse_parties if p.name in text]
        if message.recipient.startswith("client:"):
            others = [c.name for c in full_demo.clients if f"client:{c.id}" != message.recipient]
            assert not [name for name in others if name in text]
